#include "policies/table_protector.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "absl/container/btree_map.h"
#include "policies/attacker_audit.h"
#include "policies/lp/solver_thread.h"
#include "policies/lp/linear_program.h"
#include "policies/group_disclosure_rule.h"
#include "policies/magnitude_rules.h"
#include "policies/cell_marks.h"
#include "policies/policy_loader.h"
#include "policies/protection.h"
#include "policies/secondary_suppression.h"
#include "policies/table_structure.h"
#include "policies/threshold_rule.h"

namespace cellgate::policies {
namespace {

// Largest decimals a scaled int64 sum can sensibly carry.
constexpr int kMaxDecimals = 18;

// Returns INTERNAL unless `table` has one record count per cell of its axes
// and the facts every measure needs. Messages carry sizes, never values.
absl::Status CheckShape(const v1::ComputedTable& table) {
  int64_t cells = 1;
  for (const v1::Axis& axis : table.axes()) cells *= axis.entries_size();
  if (table.record_count_size() != cells) {
    return absl::InternalError(absl::StrCat("computed table has ", table.record_count_size(),
                                            " record counts for ", cells, " cells"));
  }
  for (int c = 0; c < table.record_count_size(); ++c) {
    if (table.record_count(c) < 0) {
      return absl::InternalError(absl::StrCat("computed table cell ", c, " has a negative count"));
    }
  }
  for (int m = 0; m < table.measures_size(); ++m) {
    const v1::MeasureFacts& facts = table.measures(m);
    const v1::Measure::Kind kind = facts.measure().kind();
    if (kind != v1::Measure::COUNT && kind != v1::Measure::SUM && kind != v1::Measure::MEAN) {
      return absl::InternalError(absl::StrCat("computed table measure ", m, " has kind ", kind));
    }
    if (facts.decimals() < 0 || facts.decimals() > kMaxDecimals) {
      return absl::InternalError(
          absl::StrCat("computed table measure ", m, " has decimals ", facts.decimals()));
    }
    if (kind != v1::Measure::COUNT && facts.sum_size() != cells) {
      return absl::InternalError(absl::StrCat("computed table measure ", m, " has ",
                                              facts.sum_size(), " sums for ", cells, " cells"));
    }
  }
  return absl::OkStatus();
}

// Returns FAILED_PRECONDITION unless the policy perturbs (`configured`)
// and `table` carries one cell key per cell.
absl::Status CheckCellKeys(const v1::ComputedTable& table, bool configured) {
  if (!configured) {
    return absl::FailedPreconditionError(
        absl::StrCat("the policy of dataset \"", table.dataset(), "\" has no perturbation"));
  }
  if (table.cell_key_size() == 0 && table.record_count_size() > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dataset \"", table.dataset(), "\" version ", table.dataset_version(),
        " has no record keys (it was ingested before cellgate kept them); ingest it again to "
        "release it on a perturbed channel"));
  }
  if (table.cell_key_size() != table.record_count_size()) {
    return absl::InternalError(absl::StrCat("computed table has ", table.cell_key_size(),
                                            " cell keys for ", table.record_count_size(),
                                            " cells"));
  }
  return absl::OkStatus();
}

// Returns INVALID_ARGUMENT unless every ledger cell is a non-empty cell of
// `table` (empty cells are published as zero and cannot hide anything).
absl::Status CheckLedgerCells(const v1::ComputedTable& table, const LedgerConstraints& ledger) {
  std::vector<int32_t> cells = ledger.keep_suppressed;
  for (const Protection& p : ledger.protect) cells.push_back(p.cell);
  for (const LedgerConstraints::SumProtection& p : ledger.protect_sums) {
    cells.push_back(p.protection.cell);
  }
  for (int32_t c : cells) {
    if (c < 0 || c >= table.record_count_size() || table.record_count(c) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("ledger constraint names cell ", c, ", which is not a non-empty cell"));
    }
  }
  return absl::OkStatus();
}

// Returns the released value of measure `facts` in a cell with `n` records
// that is not suppressed.
v1::CellValue UnsuppressedValue(const v1::MeasureFacts& facts, int cell, int64_t n) {
  v1::CellValue value;
  if (n == 0) {
    // An empty cell is a structural zero; its mean is undefined.
    value.set_status(facts.measure().kind() == v1::Measure::MEAN ? v1::NOT_APPLICABLE : v1::ZERO);
    return value;
  }
  value.set_status(v1::PUBLISHED);
  if (facts.measure().kind() == v1::Measure::COUNT) {
    value.set_value(static_cast<double>(n));
    return value;
  }
  const double sum = static_cast<double>(facts.sum(cell)) / std::pow(10.0, facts.decimals());
  value.set_value(facts.measure().kind() == v1::Measure::MEAN ? sum / static_cast<double>(n) : sum);
  return value;
}

// Rounds a published count to the nearest multiple of `base` (halfway up).
v1::CellValue Rounded(const v1::CellValue& value, int32_t base) {
  if (base == 0 || value.status() != v1::PUBLISHED) return value;
  const int64_t n = static_cast<int64_t>(value.value());
  v1::CellValue rounded;
  rounded.set_status(v1::ROUNDED);
  rounded.set_value(static_cast<double>((n + base / 2) / base * base));
  return rounded;
}

// Appends one code per axis to `cell`, decoding the row-major `index` (the
// last axis varies fastest).
void AddCodes(const v1::ComputedTable& table, int index, v1::ReleasedCell& cell) {
  const int axes = table.axes_size();
  cell.mutable_codes()->Reserve(axes);
  for (int a = 0; a < axes; ++a) cell.add_codes();
  for (int a = axes - 1; a >= 0; --a) {
    const v1::Axis& axis = table.axes(a);
    *cell.mutable_codes(a) = axis.entries(index % axis.entries_size()).code();
    index /= axis.entries_size();
  }
}

// Copies what the requester may see of the table: no facts.
v1::ReleasedTable ReleasedHeader(const v1::ComputedTable& table, const v1::DisclosurePolicy& policy,
                                 const std::string& policy_hash) {
  v1::ReleasedTable released;
  released.set_dataset(table.dataset());
  released.set_dataset_version(table.dataset_version());
  released.set_dataset_version_hash(table.dataset_version_hash());
  released.set_policy_id(policy.id());
  released.set_policy_version(policy.version());
  released.set_policy_hash(policy_hash);
  *released.mutable_axes() = table.axes();
  for (const v1::MeasureFacts& facts : table.measures()) {
    v1::MeasureFacts& header = *released.add_measures();
    *header.mutable_measure() = facts.measure();
    header.set_label(facts.label());
    header.set_decimals(facts.decimals());
  }
  return released;
}

// Counts `cell` by the status of its first measure (by its record count `n`
// when the table has no measures).
void CountCell(const v1::ReleasedCell& cell, bool suppressed, bool primary, int64_t n,
               v1::ReleaseCounts& counts) {
  v1::CellStatus status = suppressed ? v1::SUPPRESSED : (n == 0 ? v1::ZERO : v1::PUBLISHED);
  if (cell.values_size() > 0) status = cell.values(0).status();
  CountReleasedCell(status, primary, counts);
}

}  // namespace

void CountReleasedCell(v1::CellStatus status, bool primary, v1::ReleaseCounts& counts) {
  counts.set_cells(counts.cells() + 1);
  switch (status) {
    case v1::SUPPRESSED:
      if (primary) {
        counts.set_suppressed_primary(counts.suppressed_primary() + 1);
      } else {
        counts.set_suppressed_secondary(counts.suppressed_secondary() + 1);
      }
      break;
    case v1::ZERO:
      counts.set_zero(counts.zero() + 1);
      break;
    case v1::NOT_APPLICABLE:
      counts.set_not_applicable(counts.not_applicable() + 1);
      break;
    case v1::PERTURBED:
      counts.set_perturbed(counts.perturbed() + 1);
      break;
    default:
      counts.set_published(counts.published() + 1);
      break;
  }
}

namespace {

// The magnitude rules in force, if any, for their protection levels.
struct MagnitudeLevels {
  const DominanceRule* dominance = nullptr;
  const PPercentRule* p_percent = nullptr;
};

// Merges a ledger protection into `table`'s requirements (the larger
// level each way); the lower level stops at the floor.
void MergeLedgerLevels(const Protection& p, MeasureTable& table) {
  const double x = table.values[p.cell];
  const double lower = std::isfinite(table.floor) ? std::min(p.lower, x - table.floor) : p.lower;
  auto same = std::find_if(table.required.begin(), table.required.end(),
                           [&](const Protection& r) { return r.cell == p.cell; });
  if (same != table.required.end()) {
    same->upper = std::max(same->upper, p.upper);
    same->lower = std::max(same->lower, lower);
  } else {
    table.required.push_back({p.cell, lower, p.upper});
  }
}

// The additive tables an attacker sees: the record counts, and the sums of
// every column a SUM or MEAN measure uses (a published mean times its
// published count is a sum). Each with the protection its primary cells need.
std::vector<MeasureTable> MeasureTables(const v1::ComputedTable& table, const CellMarks& marks,
                                        int64_t k, const v1::ProtectionLevels& levels,
                                        const MagnitudeLevels& magnitude,
                                        const LedgerConstraints& ledger) {
  std::vector<MeasureTable> tables(1);  // tables[0], the counts, is moved in last
  MeasureTable counts;
  counts.name = "count";
  counts.floor = 1;  // empty cells are published as zero, so a suppressed one is not empty
  counts.values.assign(table.record_count().begin(), table.record_count().end());
  absl::btree_map<std::string, int> sums;  // column -> measure index, in column order
  for (int m = 0; m < table.measures_size(); ++m) {
    const v1::Measure& measure = table.measures(m).measure();
    if (measure.kind() != v1::Measure::COUNT) sums.emplace(measure.column(), m);
  }
  std::vector<int> measure_of_table(1, -1);
  for (const auto& [column, m] : sums) {
    measure_of_table.push_back(m);
    MeasureTable& sum = tables.emplace_back();
    sum.name = absl::StrCat("sum:", column);
    sum.values.assign(table.measures(m).sum().begin(), table.measures(m).sum().end());
    for (double v : sum.values) {
      if (v < 0) sum.floor = -kInfinity;
    }
  }
  for (int c = 0; c < marks.size(); ++c) {
    if (!marks.suppressed(c)) continue;
    const double n = counts.values[c];
    // Counts are sensitive where the threshold rule says so; a cell that
    // only a magnitude rule (dominance, p%, min contributors) suppressed
    // needs its sums protected.
    if (marks.rule_id(c) == ThresholdRule::kId) {
      counts.required.push_back(
          {c, std::min<double>(n - counts.floor, levels.count_lower()),
           std::max<double>(levels.count_upper(), static_cast<double>(k) - n)});
    } else if (marks.rule_id(c) == GroupDisclosureRule::kId) {
      // The attacker must not be able to tell that the cell is the whole
      // group: one member fewer must stay possible.
      counts.required.push_back({c, std::min<double>(n - counts.floor, 1),
                                 static_cast<double>(levels.count_upper())});
    }
    for (size_t t = 1; t < tables.size(); ++t) {
      const double x = tables[t].values[c];
      // The larger of the percentage level and what the magnitude rules
      // require (their upper protection levels, used both ways), from the
      // contributors' totals where the measure has a contributor column.
      const Contributions facts = ContributionsOf(table, measure_of_table[t], c);
      double level = std::max(1.0, std::ceil(std::fabs(x) * levels.sum_percent() / 100.0));
      if (magnitude.dominance != nullptr) {
        level = std::max(level, std::ceil(magnitude.dominance->UpperProtection(facts)));
      }
      if (magnitude.p_percent != nullptr) {
        level = std::max(level, std::ceil(magnitude.p_percent->UpperProtection(facts)));
      }
      const double lower = std::isfinite(tables[t].floor) ? std::min(level, x) : level;
      tables[t].required.push_back({c, lower, level});
    }
  }
  // Ledger cells: open by their levels (a small set of units inside them
  // must be able to grow to k), merged with a primary requirement. The
  // lower level stops at the floor.
  for (const Protection& p : ledger.protect) MergeLedgerLevels(p, counts);
  std::sort(counts.required.begin(), counts.required.end(),
            [](const Protection& a, const Protection& b) { return a.cell < b.cell; });
  // Ledger sums: the same, in the table of their column.
  for (const LedgerConstraints::SumProtection& s : ledger.protect_sums) {
    for (size_t t = 1; t < tables.size(); ++t) {
      if (tables[t].name != absl::StrCat("sum:", s.column)) continue;
      MergeLedgerLevels(s.protection, tables[t]);
      std::sort(tables[t].required.begin(), tables[t].required.end(),
                [](const Protection& a, const Protection& b) { return a.cell < b.cell; });
    }
  }
  tables[0] = std::move(counts);
  return tables;
}

// Up to this many suppressed cells the full attacker LP computes exact
// intervals; beyond, the verified certificates alone prove protection.
constexpr int64_t kExactAuditMaxSuppressed = 400;

// From this many suppressed cells on, the sums are audited on the solver
// thread beside the counts (measured: 0.45 ms less for the 1,728-cell
// table with 84; 50 µs more for a 64-cell table with 6).
constexpr int64_t kAuditBesideMinSuppressed = 32;

// The audit of one measure table against the final pattern: its
// certificates checked, then the attacker's interval of each required cell
// (exact from the attacker LP if `exact`, else what the certificates
// prove), which must leave the cell open by its levels. Fills `out` in
// the order of table.required; FAILED_PRECONDITION if a cell is narrowed.
absl::Status AuditTable(const TableStructure& structure, const MeasureTable& m,
                        const std::vector<bool>& suppressed,
                        const std::vector<Certificate>& certificates, bool exact,
                        const CellMarks& marks, std::vector<v1::SuppressedCellAudit>& out) {
  RETURN_IF_ERROR(VerifyCertificates(structure, m, suppressed, certificates));
  std::vector<int32_t> cells;
  for (const Protection& p : m.required) cells.push_back(p.cell);
  std::vector<Interval> intervals;
  if (exact) {
    // Small enough for the full attacker LP: exact intervals, and a
    // second, independent check of every protection.
    ASSIGN_OR_RETURN(intervals, FeasibilityIntervals(structure, m, suppressed, cells));
  } else {
    for (const Protection& p : m.required) {
      const double x = m.values[p.cell];
      intervals.push_back({p.cell, x - p.lower, x + p.upper});
    }
  }
  for (size_t i = 0; i < intervals.size(); ++i) {
    if (!LeavesOpen(intervals[i], m.values[cells[i]], m.required[i])) {
      return absl::FailedPreconditionError(
          "the table cannot be released safely: a suppressed cell could be narrowed down "
          "from the published cells; ask for fewer or coarser dimensions");
    }
    v1::SuppressedCellAudit& audit = out.emplace_back();
    audit.set_cell(cells[i]);
    audit.set_measure(m.name);
    audit.set_lower(intervals[i].lower);
    audit.set_upper_unbounded(std::isinf(intervals[i].upper));
    if (!audit.upper_unbounded()) audit.set_upper(intervals[i].upper);
    audit.set_primary(marks.suppressed(cells[i]));
    audit.set_exact(exact);
  }
  return absl::OkStatus();
}

// Extends the primary pattern by secondary suppression and audits the result
// for every additive table. Fills `suppressed` and decision.audit; returns
// FAILED_PRECONDITION if the table cannot be protected.
absl::Status SuppressAndAudit(const v1::ComputedTable& table, const CellMarks& marks,
                              int64_t k, const v1::ProtectionLevels& levels,
                              const MagnitudeLevels& magnitude, const LedgerConstraints& ledger,
                              absl::Time deadline, std::vector<bool>& suppressed,
                              v1::ReleaseDecision& decision) {
  suppressed.assign(marks.size(), false);
  for (int c = 0; c < marks.size(); ++c) suppressed[c] = marks.suppressed(c);
  for (int32_t c : ledger.keep_suppressed) suppressed[c] = true;
  for (const Protection& p : ledger.protect) suppressed[p.cell] = true;
  for (const LedgerConstraints::SumProtection& p : ledger.protect_sums) {
    suppressed[p.protection.cell] = true;
  }
  if (marks.suppressed_count() == 0 && ledger.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const TableStructure structure, StructureOf(table.axes()));
  const std::vector<MeasureTable> tables =
      MeasureTables(table, marks, k, levels, magnitude, ledger);
  SuppressionCosts costs;
  for (int64_t n : table.record_count()) {
    costs.per_unit.push_back(1.0 + static_cast<double>(n));
    costs.may_suppress.push_back(n > 0);
  }
  // docs/adr/0010: the method by the table's size, then the cleanup pass.
  SuppressionOptions options = OptionsFor(structure, tables);
  options.deadline = deadline;
  std::vector<std::vector<Certificate>> certificates;
  RETURN_IF_ERROR(SuppressTables(structure, tables, costs, suppressed, certificates, options));
  // The audit decides. Each certificate is a table consistent with
  // everything published in which the cell sits at the edge of its
  // protection interval; they are checked against the final pattern.
  int64_t suppressed_cells = 0;
  for (bool s : suppressed) suppressed_cells += s;
  const bool exact = suppressed_cells <= kExactAuditMaxSuppressed;
  std::vector<absl::Status> audited(tables.size());
  std::vector<std::vector<v1::SuppressedCellAudit>> audits(tables.size());
  auto audit = [&](size_t t) {
    audited[t] = AuditTable(structure, tables[t], suppressed, certificates[t], exact, marks,
                            audits[t]);
  };
  // The counts' audit here, the sums' (if any) on the solver thread beside
  // it, where that pays for the hand-over (about 50 µs).
  if (tables.size() == 1 || suppressed_cells < kAuditBesideMinSuppressed) {
    for (size_t t = 0; t < tables.size(); ++t) audit(t);
  } else {
    SolverThread::Shared().RunBeside([&] { audit(0); },
                                     [&] {
                                       for (size_t t = 1; t < tables.size(); ++t) audit(t);
                                     });
  }
  for (size_t t = 0; t < tables.size(); ++t) {
    RETURN_IF_ERROR(audited[t]);
    for (v1::SuppressedCellAudit& a : audits[t]) *decision.add_audit() = std::move(a);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TableProtector> TableProtector::Create(const v1::DisclosurePolicy& policy) {
  v1::DisclosurePolicy validated = policy;
  RETURN_IF_ERROR(ValidatePolicy(validated));
  std::vector<std::unique_ptr<PrimaryRule>> rules;
  auto threshold = std::make_unique<ThresholdRule>(validated.threshold());
  RuleRefs refs;
  refs.threshold = threshold.get();
  rules.push_back(std::move(threshold));
  if (validated.group_disclosure().min_group() > 0) {
    rules.push_back(std::make_unique<GroupDisclosureRule>(validated.group_disclosure()));
  }
  if (validated.magnitude().dominance().n() != 0) {
    auto dominance = std::make_unique<DominanceRule>(validated.magnitude().dominance());
    refs.dominance = dominance.get();
    rules.push_back(std::move(dominance));
  }
  if (validated.magnitude().p_percent().p() != 0) {
    auto p_percent = std::make_unique<PPercentRule>(validated.magnitude().p_percent());
    refs.p_percent = p_percent.get();
    rules.push_back(std::move(p_percent));
  }
  if (validated.magnitude().min_contributors() != 0) {
    rules.push_back(
        std::make_unique<MinContributorsRule>(validated.magnitude().min_contributors()));
  }
  std::optional<CellKeyPerturbation> perturbation;
  if (HasPerturbation(validated)) {
    ASSIGN_OR_RETURN(perturbation,
                     CellKeyPerturbation::Create(validated.perturbation(), validated.threshold().k()));
  }
  return TableProtector(std::move(validated), std::move(rules), refs, std::move(perturbation));
}

TableProtector::TableProtector(v1::DisclosurePolicy policy,
                               std::vector<std::unique_ptr<PrimaryRule>> rules, RuleRefs refs,
                               std::optional<CellKeyPerturbation> perturbation)
    : policy_(std::move(policy)),
      policy_hash_(PolicyHash(policy_)),
      rules_(std::move(rules)),
      refs_(refs),
      perturbation_(std::move(perturbation)) {}

const CellKeyPerturbation* TableProtector::PerturbationFor(v1::Channel channel) const {
  return perturbation_.has_value() && perturbation_->AppliesTo(channel) ? &*perturbation_ : nullptr;
}

bool TableProtector::OnlyCounts(const v1::ComputedTable& table) {
  return std::all_of(table.measures().begin(), table.measures().end(),
                     [](const v1::MeasureFacts& m) { return m.measure().kind() == v1::Measure::COUNT; });
}

absl::StatusOr<v1::ReleaseDecision> TableProtector::Perturb(const v1::ComputedTable& table) const {
  RETURN_IF_ERROR(CheckShape(table));
  RETURN_IF_ERROR(CheckCellKeys(table, perturbation_.has_value()));
  if (!OnlyCounts(table)) {
    return absl::InvalidArgumentError("a table with sums or means is not released by noise alone");
  }
  v1::ReleaseDecision decision;
  *decision.mutable_table() = ReleasedHeader(table, policy_, policy_hash_);
  v1::ReleaseCounts& counts = *decision.mutable_counts();
  for (int c = 0; c < table.record_count_size(); ++c) {
    const int64_t n = table.record_count(c);
    v1::ReleasedCell& cell = *decision.mutable_table()->add_cells();
    AddCodes(table, c, cell);
    const v1::CellValue value = perturbation_->CountValue(n, table.cell_key(c));
    for (int m = 0; m < table.measures_size(); ++m) *cell.add_values() = value;
    // For the DPO: a non-empty cell shown as 0 is still a perturbed one.
    counts.set_cells(counts.cells() + 1);
    if (n == 0) {
      counts.set_zero(counts.zero() + 1);
    } else {
      counts.set_perturbed(counts.perturbed() + 1);
    }
  }
  decision.add_rule_ids(CellKeyPerturbation::kId);
  return decision;
}

absl::Status TableProtector::PerturbPublished(const v1::ComputedTable& table,
                                              v1::ReleaseDecision& decision) const {
  RETURN_IF_ERROR(CheckCellKeys(table, perturbation_.has_value()));
  v1::ReleasedTable& released = *decision.mutable_table();
  if (released.cells_size() != table.record_count_size()) {
    return absl::InternalError("the decision does not match the computed table");
  }
  v1::ReleaseCounts& counts = *decision.mutable_counts();
  bool any = false;
  for (int c = 0; c < released.cells_size(); ++c) {
    v1::ReleasedCell& cell = *released.mutable_cells(c);
    if (cell.values_size() != table.measures_size()) {
      return absl::InternalError("the decision does not match the computed table");
    }
    for (int m = 0; m < cell.values_size(); ++m) {
      if (table.measures(m).measure().kind() != v1::Measure::COUNT ||
          cell.values(m).status() != v1::PUBLISHED) {
        continue;
      }
      v1::CellValue& value = *cell.mutable_values(m);
      value = perturbation_->CountValue(table.record_count(c), table.cell_key(c));
      // The cell's sums or means are published, so it is known not to be
      // empty: a count the noise took to 0 is shown as a perturbed 0.
      value.set_status(v1::PERTURBED);
      any = true;
      if (m == 0) {  // the counts classify a cell by its first measure
        counts.set_published(counts.published() - 1);
        counts.set_perturbed(counts.perturbed() + 1);
      }
    }
  }
  if (any) decision.add_rule_ids(CellKeyPerturbation::kId);
  return absl::OkStatus();
}

absl::StatusOr<v1::ReleaseDecision> TableProtector::Protect(const v1::ComputedTable& table,
                                                            absl::Time deadline,
                                                            const LedgerConstraints& ledger) const {
  RETURN_IF_ERROR(CheckShape(table));
  RETURN_IF_ERROR(CheckLedgerCells(table, ledger));
  CellMarks marks(table.record_count_size());
  for (const auto& rule : rules_) rule->Mark(table, marks);
  v1::ReleaseDecision decision;
  std::vector<bool> suppressed;
  RETURN_IF_ERROR(SuppressAndAudit(table, marks, refs_.threshold->EffectiveK(table),
                                   policy_.protection(), {refs_.dominance, refs_.p_percent},
                                   ledger, deadline, suppressed, decision));
  *decision.mutable_table() = ReleasedHeader(table, policy_, policy_hash_);
  v1::ReleaseCounts& counts = *decision.mutable_counts();
  for (int c = 0; c < table.record_count_size(); ++c) {
    const int64_t n = table.record_count(c);
    v1::ReleasedCell& cell = *decision.mutable_table()->add_cells();
    AddCodes(table, c, cell);
    for (const v1::MeasureFacts& facts : table.measures()) {
      if (suppressed[c]) {
        cell.add_values()->set_status(v1::SUPPRESSED);
      } else {
        const v1::CellValue value = UnsuppressedValue(facts, c, n);
        *cell.add_values() = facts.measure().kind() == v1::Measure::COUNT
                                 ? Rounded(value, policy_.rounding().base())
                                 : value;
      }
    }
    CountCell(cell, suppressed[c], marks.suppressed(c), n, counts);
  }
  for (std::string& id : marks.RuleIds()) decision.add_rule_ids(std::move(id));
  if (counts.suppressed_secondary() > 0) decision.add_rule_ids(kSecondaryRuleId);
  if (!ledger.empty()) decision.add_rule_ids(kLedgerRuleId);
  return decision;
}

}  // namespace cellgate::policies
