#include "server/pipeline/cross_dataset_shares.h"

#include <algorithm>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/canonical.h"
#include "common/status_macros.h"
#include "policies/cell_key_perturbation.h"
#include "policies/policy_loader.h"
#include "server/pipeline/share_tables.h"
#include "server/pipeline/text_checks.h"

namespace cellgate::pipeline {
namespace {

constexpr size_t kMaxCodeBytes = 64;
// The split axis of the joint table; "_" keeps it apart from every column
// name (a policy cannot name it).
constexpr char kSplitDimension[] = "_numerator";

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

// The denominator as it identifies the counted records (no echo fields).
std::string DenominatorKey(const v1::Measure::Denominator& d) {
  v1::Measure::Denominator key;
  key.set_dataset(d.dataset());
  key.set_version(d.version());
  *key.mutable_filters() = d.filters();
  return CanonicalSha256Hex(key);
}

absl::Status CheckMeasureWithDenominator(const v1::Query& query, int i) {
  const v1::Measure& m = query.measures(i);
  const std::string where = absl::StrCat("measure ", i + 1, ": ");
  const v1::Measure::Denominator& d = m.denominator();
  if (m.kind() != v1::Measure::SHARE && m.kind() != v1::Measure::COUNT) {
    return Invalid(absl::StrCat(where, "a denominator goes with COUNT or SHARE only"));
  }
  if (d.dataset().empty()) return Invalid(absl::StrCat(where, "the denominator names no dataset"));
  RETURN_IF_ERROR(CheckText(d.dataset(), "denominator.dataset", kMaxCodeBytes));
  if (d.dataset() == query.dataset()) {
    return Invalid(absl::StrCat(where, "the denominator dataset \"", d.dataset(),
                                "\" is the query's own; use share_of for a share within one "
                                "dataset"));
  }
  if (d.version() < 0) {
    return Invalid(absl::StrCat(where, "denominator version must be 0 (latest) or positive, got ",
                                d.version()));
  }
  if (!m.share_of().dimension().empty() || m.share_of().codes_size() > 0) {
    return Invalid(absl::StrCat(where, "a share takes either share_of or a denominator"));
  }
  if (!m.column().empty()) return Invalid(absl::StrCat(where, "takes no column"));
  return absl::OkStatus();
}

bool IsGrouped(const v1::Query& query, absl::string_view dimension) {
  for (const v1::Grouping& g : query.group_by()) {
    if (g.dimension() == dimension) return true;
  }
  return false;
}

// Compares level `ln` of `n` with level `ld` of `d`: codes, order, whether
// outside the hierarchy, and parent codes. Labels may differ.
bool SameLevel(const engine::DimensionLevels& n, int ln, const engine::DimensionLevels& d, int ld) {
  const auto& a = n.entries[ln];
  const auto& b = d.entries[ld];
  if (a.size() != b.size()) return false;
  const bool coarsest_a = ln + 1 == static_cast<int>(n.entries.size());
  const bool coarsest_b = ld + 1 == static_cast<int>(d.entries.size());
  if (coarsest_a != coarsest_b) return false;
  for (size_t e = 0; e < a.size(); ++e) {
    if (a[e].code != b[e].code || a[e].pass_through != b[e].pass_through) return false;
    const bool pa = a[e].parent >= 0, pb = b[e].parent >= 0;
    if (pa != pb) return false;
    if (pa && n.entries[ln + 1][a[e].parent].code != d.entries[ld + 1][b[e].parent].code) {
      return false;
    }
  }
  return true;
}

absl::Status CheckDimension(const CrossSharePlan& plan, const v1::Grouping& g,
                            const engine::LoadedVersion& numerator,
                            const engine::LoadedVersion& denominator) {
  const engine::DimensionLevels* n = numerator.FindDimension(g.dimension());
  if (n == nullptr || n->LevelIndex(g.level()) < 0) return absl::OkStatus();  // the engine says
  const std::string& other = plan.spec.dataset();
  const engine::DimensionLevels* d = denominator.FindDimension(g.dimension());
  if (d == nullptr) {
    return Invalid(absl::StrCat("the share's denominator dataset \"", other,
                                "\" has no dimension \"", g.dimension(),
                                "\"; a share across datasets can group only by dimensions both "
                                "datasets have"));
  }
  const int ln = n->LevelIndex(g.level());
  const int ld = d->LevelIndex(g.level());
  if (ld < 0) {
    return Invalid(absl::StrCat("dimension \"", g.dimension(), "\" has no level \"", g.level(),
                                "\" in the share's denominator dataset \"", other, "\""));
  }
  // The finest level the query reaches on this dimension: the grouping's,
  // or a finer one a filter uses.
  int lowest = ln;
  for (const v1::Filter& f : plan.query.filters()) {
    const int level = f.dimension() == g.dimension() ? n->LevelIndex(f.level()) : -1;
    if (level >= 0) lowest = std::min(lowest, level);
  }
  const int coarser_n = static_cast<int>(n->entries.size()) - ln;
  const int coarser_d = static_cast<int>(d->entries.size()) - ld;
  bool same = coarser_n == coarser_d && ld - (ln - lowest) >= 0;
  for (int l = lowest; same && l < static_cast<int>(n->entries.size()); ++l) {
    same = SameLevel(*n, l, *d, ld + (l - ln));
  }
  if (!same) {
    return Invalid(absl::StrCat("dimension \"", g.dimension(), "\" has other codes in \"",
                                numerator.schema().id(),
                                "\" than in the share's denominator "
                                "dataset \"",
                                other, "\" (at level \"", n->level_names[ln],
                                "\" or above, or a filtered level); a share across datasets "
                                "needs the same code lists"));
  }
  return absl::OkStatus();
}

// One value per cell of `side` from the joint decision.
const v1::CellValue& JointValue(const JointTable& joint, const v1::ReleaseDecision& decision,
                                int cell, ShareSide side) {
  return decision.table().cells(joint.Cell(cell, side)).values(0);
}

absl::flat_hash_set<int32_t> PrimaryCells(const v1::ReleaseDecision& decision) {
  absl::flat_hash_set<int32_t> primary;
  for (const v1::SuppressedCellAudit& a : decision.audit()) {
    if (a.primary()) primary.insert(a.cell());
  }
  return primary;
}

void MapConstraints(const JointTable& joint, const policies::LedgerConstraints& from,
                    ShareSide side, policies::LedgerConstraints& to) {
  for (int32_t cell : from.keep_suppressed) to.keep_suppressed.push_back(joint.Cell(cell, side));
  for (const policies::Protection& p : from.protect) {
    policies::Protection mapped = p;
    mapped.cell = joint.Cell(p.cell, side);
    to.protect.push_back(mapped);
  }
}

}  // namespace

std::vector<std::string> DenominatorDatasets(const v1::Query& query) {
  absl::btree_set<std::string> datasets;
  for (const v1::Measure& m : query.measures()) {
    if (m.has_denominator() && !m.denominator().dataset().empty()) {
      datasets.insert(m.denominator().dataset());
    }
  }
  return {datasets.begin(), datasets.end()};
}

absl::StatusOr<std::optional<CrossSharePlan>> PlanCrossShares(const v1::Query& query) {
  const v1::Measure::Denominator* spec = nullptr;
  bool share = false;
  for (int i = 0; i < query.measures_size(); ++i) {
    const v1::Measure& m = query.measures(i);
    if (!m.has_denominator()) continue;
    RETURN_IF_ERROR(CheckMeasureWithDenominator(query, i));
    if (spec != nullptr && DenominatorKey(*spec) != DenominatorKey(m.denominator())) {
      return Invalid(absl::StrCat("measure ", i + 1,
                                  ": all denominators of a query must be the same dataset, "
                                  "version and filters"));
    }
    spec = &m.denominator();
    share = share || m.kind() == v1::Measure::SHARE;
  }
  if (spec == nullptr) return std::nullopt;
  for (int i = 0; i < query.measures_size(); ++i) {
    const v1::Measure& m = query.measures(i);
    if (m.has_denominator()) continue;
    if (m.kind() == v1::Measure::SHARE) {
      return Invalid(absl::StrCat("measure ", i + 1,
                                  ": a query with a denominator from another dataset cannot also "
                                  "have shares within its own dataset"));
    }
    if (m.kind() != v1::Measure::COUNT) {
      return Invalid("a query with a denominator may have COUNT and SHARE measures only");
    }
  }
  if (!share) {
    return Invalid(absl::StrCat("a count of the denominator dataset \"", spec->dataset(),
                                "\" goes with a share over it; ask that dataset directly"));
  }
  for (int i = 0; i < spec->filters_size(); ++i) {
    const v1::Filter& f = spec->filters(i);
    if (f.dimension().empty()) {
      return Invalid(absl::StrCat("denominator filter ", i + 1, " names no dimension"));
    }
    if (IsGrouped(query, f.dimension())) {
      return Invalid(absl::StrCat("denominator filter on \"", f.dimension(),
                                  "\": the query groups by it; filter it in the query, which "
                                  "applies to both datasets"));
    }
  }
  CrossSharePlan plan;
  plan.query = query;
  plan.spec = *spec;
  plan.numerator = query;
  plan.numerator.clear_measures();
  plan.numerator.add_measures()->set_kind(v1::Measure::COUNT);
  plan.denominator = plan.numerator;
  plan.denominator.set_dataset(spec->dataset());
  plan.denominator.set_version(spec->version());
  *plan.denominator.mutable_filters() = spec->filters();
  return plan;
}

absl::Status BindDenominator(CrossSharePlan& plan, const engine::LoadedVersion& numerator,
                             const engine::LoadedVersion& denominator) {
  for (const v1::Grouping& g : plan.query.group_by()) {
    RETURN_IF_ERROR(CheckDimension(plan, g, numerator, denominator));
  }
  std::vector<v1::Filter> carried;
  for (const v1::Filter& f : plan.query.filters()) {
    if (denominator.FindDimension(f.dimension()) == nullptr) continue;  // the numerator's only
    if (!IsGrouped(plan.query, f.dimension())) {
      v1::Grouping at;  // the filter's level must mean the same in both
      at.set_dimension(f.dimension());
      at.set_level(f.level());
      RETURN_IF_ERROR(CheckDimension(plan, at, numerator, denominator));
    }
    carried.push_back(f);
  }
  google::protobuf::RepeatedPtrField<v1::Filter> filters(carried.begin(), carried.end());
  for (const v1::Filter& f : plan.spec.filters()) *filters.Add() = f;
  *plan.denominator.mutable_filters() = std::move(filters);
  return absl::OkStatus();
}

v1::DisclosurePolicy JointSharePolicy(const v1::DisclosurePolicy& numerator,
                                      const v1::DisclosurePolicy& denominator) {
  v1::DisclosurePolicy joint = numerator;
  const int32_t k = std::max(numerator.threshold().k(), denominator.threshold().k());
  joint.mutable_threshold()->set_k(k);
  absl::btree_map<std::string, int32_t> per_dimension;
  for (const v1::DisclosurePolicy* p : {&numerator, &denominator}) {
    for (const v1::DimensionThreshold& d : p->threshold().per_dimension()) {
      int32_t& at = per_dimension[d.dimension()];
      at = std::max({at, d.k(), k});
    }
  }
  joint.mutable_threshold()->clear_per_dimension();
  for (const auto& [dimension, dk] : per_dimension) {
    v1::DimensionThreshold& d = *joint.mutable_threshold()->add_per_dimension();
    d.set_dimension(dimension);
    d.set_k(dk);
  }
  joint.mutable_group_disclosure()->set_min_group(std::max(
      numerator.group_disclosure().min_group(), denominator.group_disclosure().min_group()));
  joint.mutable_rounding()->set_base(
      std::max(numerator.rounding().base(), denominator.rounding().base()));
  v1::ProtectionLevels& levels = *joint.mutable_protection();
  levels.set_count_lower(
      std::max(numerator.protection().count_lower(), denominator.protection().count_lower()));
  levels.set_count_upper(
      std::max(numerator.protection().count_upper(), denominator.protection().count_upper()));
  levels.set_sum_percent(
      std::max(numerator.protection().sum_percent(), denominator.protection().sum_percent()));
  joint.mutable_shares()->set_unreliable_below(
      std::max(numerator.shares().unreliable_below(), denominator.shares().unreliable_below()));
  // The joint table is protected by suppression (and rounding); a side
  // whose policy perturbs gets that policy's noise on its own cell keys.
  joint.clear_perturbation();
  return joint;
}

absl::StatusOr<JointTable> StackAcross(const v1::ComputedTable& numerators,
                                       const v1::ComputedTable& denominators) {
  if (numerators.axes_size() != denominators.axes_size() ||
      numerators.record_count_size() != denominators.record_count_size()) {
    return absl::InternalError("the share's count tables differ in shape");
  }
  for (int a = 0; a < numerators.axes_size(); ++a) {
    const v1::Axis& x = numerators.axes(a);
    const v1::Axis& y = denominators.axes(a);
    if (x.entries_size() != y.entries_size()) {
      return absl::InternalError("the share's count tables differ in an axis");
    }
    for (int e = 0; e < x.entries_size(); ++e) {
      if (x.entries(e).code() != y.entries(e).code() ||
          x.entries(e).parent() != y.entries(e).parent()) {
        return absl::InternalError("the share's count tables differ in an axis");
      }
    }
  }
  JointTable joint;
  joint.nested = true;
  for (int c = 0; c < numerators.record_count_size(); ++c) {
    joint.nested = joint.nested && numerators.record_count(c) <= denominators.record_count(c);
  }
  joint.split = joint.nested ? 3 : 2;
  v1::ComputedTable& t = joint.table;
  t = numerators;
  t.clear_record_count();
  absl::btree_set<std::string> sensitive(numerators.sensitive_dimensions().begin(),
                                         numerators.sensitive_dimensions().end());
  sensitive.insert(denominators.sensitive_dimensions().begin(),
                   denominators.sensitive_dimensions().end());
  sensitive.insert(kSplitDimension);
  t.clear_sensitive_dimensions();
  for (const std::string& d : sensitive) t.add_sensitive_dimensions(d);
  v1::Axis& split = *t.add_axes();
  split.set_dimension(kSplitDimension);
  split.set_label("Zähler und Nenner");
  auto add = [&](const char* code, const char* label, int32_t parent, bool total) {
    v1::AxisEntry& e = *split.add_entries();
    e.set_code(code);
    e.set_label(label);
    e.set_parent(parent);
    e.set_is_total(total);
  };
  if (joint.nested) {
    add("N", "Zähler", 2, false);
    add("_R", "übrige", 2, false);
    add("_T", "Nenner", -1, true);
  } else {
    add("N", "Zähler", -1, false);
    add("D", "Nenner", -1, false);
  }
  for (int c = 0; c < numerators.record_count_size(); ++c) {
    const int64_t part = numerators.record_count(c);
    const int64_t all = denominators.record_count(c);
    t.add_record_count(part);
    if (joint.nested) t.add_record_count(all - part);
    t.add_record_count(all);
  }
  return joint;
}

policies::LedgerConstraints JointConstraints(const JointTable& joint,
                                             const policies::LedgerConstraints& numerator,
                                             const policies::LedgerConstraints& denominator) {
  policies::LedgerConstraints out;
  MapConstraints(joint, numerator, ShareSide::kNumerator, out);
  MapConstraints(joint, denominator, ShareSide::kDenominator, out);
  return out;
}

v1::ReleaseDecision SideDecision(const JointTable& joint, const v1::ReleaseDecision& decision,
                                 ShareSide side, const v1::DisclosurePolicy& policy) {
  v1::ReleaseDecision out;
  v1::ReleasedTable& table = *out.mutable_table();
  table.set_policy_id(policy.id());
  table.set_policy_version(policy.version());
  table.set_policy_hash(policies::PolicyHash(policy));
  const absl::flat_hash_set<int32_t> primary = PrimaryCells(decision);
  const int cells = decision.table().cells_size() / joint.split;
  for (int c = 0; c < cells; ++c) {
    const v1::CellValue& value = JointValue(joint, decision, c, side);
    *table.add_cells()->add_values() = value;
    policies::CountReleasedCell(value.status(), primary.contains(joint.Cell(c, side)),
                                *out.mutable_counts());
  }
  return out;
}

absl::Status SetSide(const JointTable& joint, ShareSide side, const v1::ReleaseDecision& released,
                     v1::ReleaseDecision& decision) {
  const int cells = released.table().cells_size();
  if (cells * joint.split != decision.table().cells_size()) {
    return absl::InternalError("a perturbed side of the share does not fit its joint table");
  }
  for (int c = 0; c < cells; ++c) {
    v1::ReleasedCell& cell = *decision.mutable_table()->mutable_cells(joint.Cell(c, side));
    if (cell.values_size() != 1 || released.table().cells(c).values_size() < 1) {
      return absl::InternalError("a perturbed side of the share does not fit its joint table");
    }
    *cell.mutable_values(0) = released.table().cells(c).values(0);
  }
  // Its cells are not suppressed: their intervals are no one's business.
  google::protobuf::RepeatedPtrField<v1::SuppressedCellAudit> kept;
  for (const v1::SuppressedCellAudit& a : decision.audit()) {
    if (a.cell() != joint.Cell(a.cell() / joint.split, side)) *kept.Add() = a;
  }
  *decision.mutable_audit() = std::move(kept);
  const auto& ids = decision.rule_ids();
  if (std::find(ids.begin(), ids.end(), policies::CellKeyPerturbation::kId) == ids.end()) {
    decision.add_rule_ids(policies::CellKeyPerturbation::kId);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ReleaseDecision> JointOfReleasedSides(const JointTable& joint,
                                                         const v1::ReleaseDecision& numerator,
                                                         const v1::ReleaseDecision& denominator) {
  const int cells = numerator.table().cells_size();
  if (cells * joint.split != joint.table.record_count_size() ||
      denominator.table().cells_size() != cells || joint.table.axes_size() == 0) {
    return absl::InternalError("the perturbed sides of the share do not fit their joint table");
  }
  v1::ReleaseDecision out;
  v1::ReleasedTable& table = *out.mutable_table();
  table = numerator.table();
  table.clear_cells();
  const v1::Axis& split = joint.table.axes(joint.table.axes_size() - 1);
  *table.add_axes() = split;
  for (int c = 0; c < cells; ++c) {
    const v1::ReleasedCell& from = numerator.table().cells(c);
    for (int s = 0; s < joint.split; ++s) {
      v1::ReleasedCell& cell = *table.add_cells();
      *cell.mutable_codes() = from.codes();
      cell.add_codes(split.entries(s).code());
      cell.add_values()->set_status(v1::NOT_APPLICABLE);  // the rest: never shown
    }
  }
  RETURN_IF_ERROR(SetSide(joint, ShareSide::kNumerator, numerator, out));
  RETURN_IF_ERROR(SetSide(joint, ShareSide::kDenominator, denominator, out));
  return out;
}

v1::ReleaseDecision UnstackAcross(const CrossSharePlan& plan, const JointTable& joint,
                                  const v1::ComputedTable& numerators,
                                  const v1::ComputedTable& denominators,
                                  const v1::ReleaseDecision& decision,
                                  const CrossShareLabels& labels) {
  v1::ReleaseDecision out;
  v1::ReleasedTable& table = *out.mutable_table();
  table = decision.table();
  table.clear_cells();
  table.clear_measures();
  table.mutable_axes()->RemoveLast();
  if (labels.policy != nullptr) {
    table.set_policy_id(labels.policy->id());
    table.set_policy_version(labels.policy->version());
    table.set_policy_hash(policies::PolicyHash(*labels.policy));
  }
  for (const v1::Measure& m : plan.query.measures()) {
    v1::MeasureFacts& facts = *table.add_measures();
    *facts.mutable_measure() = m;
    if (m.has_denominator()) *facts.mutable_measure()->mutable_denominator() = labels.denominator;
    const bool share = m.kind() == v1::Measure::SHARE;
    facts.set_label(share                 ? labels.share
                    : m.has_denominator() ? labels.denominator_count
                                          : labels.count);
    facts.set_decimals(share ? 1 : 0);
  }
  const absl::flat_hash_set<int32_t> primary = PrimaryCells(decision);
  for (int c = 0; c < numerators.record_count_size(); ++c) {
    const v1::ReleasedCell& joint_cell =
        decision.table().cells(joint.Cell(c, ShareSide::kNumerator));
    const v1::CellValue& part = JointValue(joint, decision, c, ShareSide::kNumerator);
    const v1::CellValue& whole = JointValue(joint, decision, c, ShareSide::kDenominator);
    v1::ReleasedCell& cell = *table.add_cells();
    cell.mutable_codes()->CopyFrom(joint_cell.codes());
    cell.mutable_codes()->RemoveLast();
    for (const v1::Measure& m : plan.query.measures()) {
      v1::CellValue& value = *cell.add_values();
      if (m.kind() == v1::Measure::COUNT) {
        value = m.has_denominator() ? whole : part;
        continue;
      }
      value = ShareValue(part, whole, numerators.record_count(c), denominators.record_count(c),
                         labels.unreliable_below, /*part_within_whole=*/false);
      // A numerator above its denominator: the datasets do not nest in
      // this cell, and the ratio is no share ("x"). Decided on the released
      // figures, so it tells nothing they do not.
      const bool figure = value.status() != v1::SUPPRESSED && value.status() != v1::NOT_APPLICABLE;
      if (figure && value.value() > 100.0 + 1e-9) {
        value.Clear();
        value.set_status(v1::NOT_APPLICABLE);
      }
    }
    // For the DPO a non-empty count the noise showed as 0 is perturbed.
    v1::CellStatus status = cell.values(0).status();
    const v1::Measure& first = plan.query.measures(0);
    if (status == v1::ZERO && first.kind() == v1::Measure::COUNT &&
        (first.has_denominator() ? denominators : numerators).record_count(c) > 0) {
      status = v1::PERTURBED;
    }
    policies::CountReleasedCell(status,
                                primary.contains(joint.Cell(c, ShareSide::kNumerator)) ||
                                    primary.contains(joint.Cell(c, ShareSide::kDenominator)),
                                *out.mutable_counts());
  }
  *out.mutable_rule_ids() = decision.rule_ids();
  *out.mutable_audit() = decision.audit();
  return out;
}

}  // namespace cellgate::pipeline
