#include "policies/table_protector.h"

#include <cmath>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "policies/cell_marks.h"
#include "policies/policy_loader.h"
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
void CountCell(const v1::ReleasedCell& cell, bool suppressed, int64_t n,
               v1::ReleaseCounts& counts) {
  counts.set_cells(counts.cells() + 1);
  v1::CellStatus status = suppressed ? v1::SUPPRESSED : (n == 0 ? v1::ZERO : v1::PUBLISHED);
  if (cell.values_size() > 0) status = cell.values(0).status();
  switch (status) {
    case v1::SUPPRESSED:
      // TODO(#3): split off secondary suppressions once they exist.
      counts.set_suppressed_primary(counts.suppressed_primary() + 1);
      break;
    case v1::ZERO:
      counts.set_zero(counts.zero() + 1);
      break;
    case v1::NOT_APPLICABLE:
      counts.set_not_applicable(counts.not_applicable() + 1);
      break;
    default:
      counts.set_published(counts.published() + 1);
      break;
  }
}

}  // namespace

absl::StatusOr<TableProtector> TableProtector::Create(const v1::DisclosurePolicy& policy) {
  v1::DisclosurePolicy validated = policy;
  RETURN_IF_ERROR(ValidatePolicy(validated));
  std::vector<std::unique_ptr<PrimaryRule>> rules;
  rules.push_back(std::make_unique<ThresholdRule>(validated.threshold()));
  return TableProtector(std::move(validated), std::move(rules));
}

TableProtector::TableProtector(v1::DisclosurePolicy policy,
                               std::vector<std::unique_ptr<PrimaryRule>> rules)
    : policy_(std::move(policy)), policy_hash_(PolicyHash(policy_)), rules_(std::move(rules)) {}

absl::StatusOr<v1::ReleaseDecision> TableProtector::Protect(const v1::ComputedTable& table) const {
  RETURN_IF_ERROR(CheckShape(table));
  CellMarks marks(table.record_count_size());
  for (const auto& rule : rules_) rule->Mark(table, marks);
  // TODO(#3): secondary suppression, so that suppressed cells cannot be
  // recomputed from margins. Until then one suppressed cell in a row with a
  // published total is recoverable by subtraction.

  v1::ReleaseDecision decision;
  *decision.mutable_table() = ReleasedHeader(table, policy_, policy_hash_);
  v1::ReleaseCounts& counts = *decision.mutable_counts();
  for (int c = 0; c < table.record_count_size(); ++c) {
    const int64_t n = table.record_count(c);
    v1::ReleasedCell& cell = *decision.mutable_table()->add_cells();
    AddCodes(table, c, cell);
    for (const v1::MeasureFacts& facts : table.measures()) {
      if (marks.suppressed(c)) {
        cell.add_values()->set_status(v1::SUPPRESSED);
      } else {
        *cell.add_values() = UnsuppressedValue(facts, c, n);
      }
    }
    CountCell(cell, marks.suppressed(c), n, counts);
  }
  for (std::string& id : marks.RuleIds()) decision.add_rule_ids(std::move(id));
  return decision;
}

}  // namespace cellgate::policies
