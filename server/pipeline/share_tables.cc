#include "server/pipeline/share_tables.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/canonical.h"
#include "policies/table_protector.h"

namespace cellgate::pipeline {
namespace {

constexpr int kSplit = 3;  // numerator, rest, total
constexpr int kNumerator = 0, kTotal = 2;

// A released count that is the exact figure.
bool Exact(v1::CellStatus status) { return status == v1::PUBLISHED || status == v1::ZERO; }

bool SameCondition(const v1::Filter& a, const v1::Filter& b) {
  return CanonicalSha256Hex(a) == CanonicalSha256Hex(b);
}

std::string ShareLabel(const v1::Filter& share_of) {
  return absl::StrCat("Anteil ", share_of.dimension(), " = ", absl::StrJoin(share_of.codes(), ", "),
                      " in %");
}

}  // namespace

absl::StatusOr<std::optional<SharePlan>> PlanShares(const v1::Query& query) {
  const v1::Filter* condition = nullptr;
  for (int i = 0; i < query.measures_size(); ++i) {
    const v1::Measure& m = query.measures(i);
    if (m.kind() != v1::Measure::SHARE) continue;
    const std::string where = absl::StrCat("measure ", i + 1, ": ");
    if (m.share_of().dimension().empty() || m.share_of().codes_size() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "SHARE needs share_of with a dimension and at least one code"));
    }
    if (!m.column().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, "SHARE takes no column"));
    }
    if (condition != nullptr && !SameCondition(*condition, m.share_of())) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "all shares of a query must use the same share_of"));
    }
    condition = &m.share_of();
  }
  if (condition == nullptr) return std::nullopt;
  for (const v1::Measure& m : query.measures()) {
    if (m.kind() != v1::Measure::SHARE && m.kind() != v1::Measure::COUNT) {
      return absl::InvalidArgumentError(
          "a query with shares may have COUNT and SHARE measures only");
    }
  }
  for (const v1::Grouping& g : query.group_by()) {
    if (g.dimension() == condition->dimension()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a share of \"", condition->dimension(), "\" cannot also group by \"",
          condition->dimension(), "\""));
    }
  }
  SharePlan plan;
  plan.counts = query;
  plan.counts.clear_measures();
  plan.counts.add_measures()->set_kind(v1::Measure::COUNT);
  plan.share_of = *condition;
  return plan;
}

absl::StatusOr<v1::ComputedTable> StackShares(const engine::LoadedVersion& version,
                                              const SharePlan& plan,
                                              const v1::ComputedTable& denominators,
                                              const v1::ComputedTable& numerators) {
  const engine::DimensionLevels* d = version.FindDimension(plan.share_of.dimension());
  if (d == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("share_of: unknown dimension \"", plan.share_of.dimension(), "\""));
  }
  const int level = d->LevelIndex(plan.share_of.level());
  if (level < 0) {
    return absl::InvalidArgumentError(absl::StrCat("share_of: dimension \"", d->name,
                                                   "\" has no level \"", plan.share_of.level(),
                                                   "\""));
  }
  if (denominators.record_count_size() != numerators.record_count_size()) {
    return absl::InternalError("share tables differ in size");
  }
  v1::ComputedTable stacked = denominators;
  stacked.clear_record_count();
  stacked.clear_sensitive_dimensions();
  *stacked.mutable_sensitive_dimensions() = numerators.sensitive_dimensions();
  v1::Axis& split = *stacked.add_axes();
  split.set_dimension(d->name);
  split.set_label(d->label);
  split.set_level(d->level_names[level]);
  const absl::flat_hash_set<std::string> in(plan.share_of.codes().begin(),
                                            plan.share_of.codes().end());
  v1::AxisEntry& numerator = *split.add_entries();
  v1::AxisEntry& rest = *split.add_entries();
  for (const engine::LevelEntry& e : d->entries[level]) {
    (in.contains(e.code) ? numerator : rest).add_codes(e.code);
  }
  numerator.set_code(absl::StrJoin(plan.share_of.codes(), "+"));
  numerator.set_label(numerator.code());
  rest.set_code("_R");
  rest.set_label("übrige");
  for (v1::AxisEntry* e : {&numerator, &rest}) {
    e->set_level(d->level_names[level]);
    e->set_parent(kTotal);
  }
  v1::AxisEntry& total = *split.add_entries();
  total.set_code("_T");
  total.set_label("Insgesamt");
  total.set_is_total(true);
  total.set_parent(-1);
  // Cell keys (the cell key method) stack like the counts: the rest's key
  // is the whole's minus the numerator's, mod 2^32.
  const bool keys = denominators.cell_key_size() == denominators.record_count_size() &&
                    numerators.cell_key_size() == numerators.record_count_size();
  stacked.clear_cell_key();
  for (int c = 0; c < denominators.record_count_size(); ++c) {
    const int64_t all = denominators.record_count(c);
    const int64_t part = numerators.record_count(c);
    if (part > all) return absl::InternalError("a numerator exceeds its denominator");
    stacked.add_record_count(part);
    stacked.add_record_count(all - part);
    stacked.add_record_count(all);
    if (!keys) continue;
    stacked.add_cell_key(numerators.cell_key(c));
    stacked.add_cell_key(denominators.cell_key(c) - numerators.cell_key(c));
    stacked.add_cell_key(denominators.cell_key(c));
  }
  return stacked;
}

v1::CellValue ShareValue(const v1::CellValue& part, const v1::CellValue& whole, int64_t exact_part,
                         int64_t exact_whole, int64_t unreliable_below, bool part_within_whole) {
  v1::CellValue value;
  // A part shown as 0 although it is not empty: the noise took it there (a
  // perturbed numerator over an exact denominator from another dataset).
  const bool noisy_part = part.status() == v1::ZERO && exact_part > 0;
  if (exact_whole == 0) {
    value.set_status(v1::NOT_APPLICABLE);
  } else if (whole.status() == v1::SUPPRESSED || part.status() == v1::SUPPRESSED) {
    value.set_status(v1::SUPPRESSED);
  } else if (!Exact(whole.status()) || !Exact(part.status()) || noisy_part ||
             whole.status() == v1::ZERO) {
    // Rounded or perturbed counts (a ZERO here is a non-empty cell that the
    // noise took to 0): the share comes from the released figures, never
    // the exact ones, which an exact ratio next to a rounded or noisy count
    // would give away.
    const double all = whole.value();
    if (whole.status() == v1::ZERO) {
      value.set_status(v1::NOT_APPLICABLE);  // as for an empty cell
    } else if (all <= 0) {
      value.set_status(v1::SUPPRESSED);
    } else {
      value.set_status(!Exact(whole.status()) ? whole.status()
                       : noisy_part             ? v1::PERTURBED
                                                : part.status());
      const double share = 100.0 * part.value() / all;
      // Noise or rounding can put a part above its whole.
      value.set_value(part_within_whole ? std::min(100.0, share) : share);
    }
  } else {
    value.set_status(exact_whole < unreliable_below ? v1::UNRELIABLE : v1::PUBLISHED);
    value.set_value(100.0 * static_cast<double>(exact_part) / static_cast<double>(exact_whole));
  }
  return value;
}

v1::ReleaseDecision UnstackShares(const v1::Query& query, const v1::ComputedTable& denominators,
                                  const v1::ComputedTable& numerators,
                                  const v1::ReleaseDecision& stacked, int64_t unreliable_below) {
  v1::ReleaseDecision out;
  v1::ReleasedTable& table = *out.mutable_table();
  table = stacked.table();
  table.clear_cells();
  table.clear_measures();
  *table.mutable_axes() = denominators.axes();
  for (const v1::Measure& m : query.measures()) {
    v1::MeasureFacts& facts = *table.add_measures();
    *facts.mutable_measure() = m;
    facts.set_label(m.kind() == v1::Measure::SHARE ? ShareLabel(m.share_of())
                                                   : stacked.table().measures(0).label());
    facts.set_decimals(m.kind() == v1::Measure::SHARE ? 1 : 0);
  }
  absl::flat_hash_set<int32_t> primary;
  for (const v1::SuppressedCellAudit& a : stacked.audit()) {
    if (a.primary()) primary.insert(a.cell());
  }
  v1::ReleaseCounts& counts = *out.mutable_counts();
  for (int c = 0; c < denominators.record_count_size(); ++c) {
    const v1::ReleasedCell& whole = stacked.table().cells(c * kSplit + kTotal);
    const v1::ReleasedCell& part = stacked.table().cells(c * kSplit + kNumerator);
    v1::ReleasedCell& cell = *table.add_cells();
    cell.mutable_codes()->CopyFrom(whole.codes());
    cell.mutable_codes()->RemoveLast();
    for (const v1::Measure& m : query.measures()) {
      *cell.add_values() = m.kind() == v1::Measure::COUNT
                               ? whole.values(0)
                               : ShareValue(part.values(0), whole.values(0),
                                            numerators.record_count(c),
                                            denominators.record_count(c), unreliable_below,
                                            /*part_within_whole=*/true);
    }
    // For the DPO a non-empty cell shown as 0 by the noise is perturbed.
    const bool noisy_zero = cell.values(0).status() == v1::ZERO && denominators.record_count(c) > 0;
    policies::CountReleasedCell(
        noisy_zero ? v1::PERTURBED : cell.values(0).status(),
        primary.contains(c * kSplit + kTotal) || primary.contains(c * kSplit + kNumerator),
        counts);
  }
  *out.mutable_rule_ids() = stacked.rule_ids();
  *out.mutable_audit() = stacked.audit();
  return out;
}

}  // namespace cellgate::pipeline
