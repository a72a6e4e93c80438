#include "server/engine/table_computer.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/engine/contributor_facts.h"
#include "server/engine/leaf_scan.h"
#include "server/engine/query_plan.h"

namespace cellgate::engine {
namespace {

inline void Offer(int64_t v, int64_t& first, int64_t& second) {
  second = std::max(second, std::min(first, v));
  first = std::max(first, v);
}

// Adds cell `from` into cell `to` for every accumulator. False on overflow.
bool AddCell(int64_t from, int64_t to, std::vector<int64_t>& counts, std::vector<uint32_t>& keys,
             std::vector<ValueAccumulators>& values) {
  counts[to] += counts[from];
  if (!keys.empty()) keys[to] += keys[from];
  bool overflow = false;
  for (ValueAccumulators& acc : values) {
    if (acc.sum.empty()) continue;
    overflow |= __builtin_add_overflow(acc.sum[to], acc.sum[from], &acc.sum[to]);
    if (acc.largest.empty()) continue;
    Offer(acc.largest[from], acc.largest[to], acc.second[to]);
    Offer(acc.second[from], acc.largest[to], acc.second[to]);
  }
  return !overflow;
}

// Places leaf cells into the full cube and adds every entry into its parent
// along each axis (children precede parents in axis order).
bool Expand(const QueryPlan& plan, const LeafCells& leaves, std::vector<int64_t>& counts,
            std::vector<uint32_t>& keys, std::vector<ValueAccumulators>& values) {
  const std::vector<int64_t>& leaf_counts = leaves.counts;
  const std::vector<uint32_t>& leaf_keys = leaves.keys;
  const std::vector<ValueAccumulators>& leaf_values = leaves.values;
  const size_t dims = plan.axes.size();
  std::vector<int64_t> full_stride(dims, 1);
  for (size_t d = dims; d-- > 1;) {
    full_stride[d - 1] = full_stride[d] * plan.axes[d].entries_size();
  }
  counts.assign(plan.cells, 0);
  keys.assign(leaf_keys.empty() ? 0 : plan.cells, 0);
  values.resize(plan.measures.size());
  for (size_t m = 0; m < plan.measures.size(); ++m) {
    if (plan.measures[m].column == nullptr) continue;
    values[m].sum.assign(plan.cells, 0);
    if (leaf_values[m].largest.empty()) continue;
    values[m].largest.assign(plan.cells, kNoValue);
    values[m].second.assign(plan.cells, kNoValue);
  }
  std::vector<int> digit(dims, 0);
  for (int64_t leaf = 0; leaf < plan.leaf_cells; ++leaf) {
    int64_t full = 0;
    for (size_t d = 0; d < dims; ++d) full += digit[d] * full_stride[d];
    counts[full] = leaf_counts[leaf];
    if (!keys.empty()) keys[full] = leaf_keys[leaf];
    for (size_t m = 0; m < values.size(); ++m) {
      if (values[m].sum.empty()) continue;
      values[m].sum[full] = leaf_values[m].sum[leaf];
      if (values[m].largest.empty()) continue;
      values[m].largest[full] = leaf_values[m].largest[leaf];
      values[m].second[full] = leaf_values[m].second[leaf];
    }
    for (size_t d = dims; d-- > 0;) {  // mixed-radix increment, last fastest
      if (++digit[d] < plan.leaf_counts[d]) break;
      digit[d] = 0;
    }
  }
  bool ok = true;
  for (size_t d = 0; d < dims; ++d) {
    const int64_t size = plan.axes[d].entries_size();
    const int64_t inner = full_stride[d];
    const int64_t outer = plan.cells / (size * inner);
    for (int64_t e = 0; e < size; ++e) {
      const int32_t parent = plan.axes[d].entries(static_cast<int>(e)).parent();
      if (parent < 0) continue;
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          const int64_t base = o * size * inner + i;
          ok &= AddCell(base + e * inner, base + parent * inner, counts, keys, values);
        }
      }
    }
  }
  return ok;
}

std::string MeasureLabel(const MeasurePlan& m) {
  switch (m.measure.kind()) {
    case v1::Measure::SUM:
      return absl::StrCat("Summe ", m.column->label);
    case v1::Measure::MEAN:
      return absl::StrCat("Durchschnitt ", m.column->label);
    default:
      return "Anzahl";
  }
}

}  // namespace

absl::StatusOr<v1::ComputedTable> ComputeTable(const LoadedVersion& version,
                                               const v1::Query& query,
                                               const ComputeLimits& limits) {
  ASSIGN_OR_RETURN(const QueryPlan plan, PlanQuery(version, query, limits));
  LeafScanOptions scan;
  scan.keys = limits.cell_keys && version.record_keys() != nullptr;
  scan.largest = limits.largest_contributions;
  scan.threads = ScanThreadsFor(version.row_count(), limits.scan_threads,
                                limits.min_rows_per_scan_thread);
  ASSIGN_OR_RETURN(const LeafCells leaves, ScanLeaves(version, plan, scan));
  std::vector<int64_t> counts;
  std::vector<uint32_t> keys;
  std::vector<ValueAccumulators> values;
  if (!Expand(plan, leaves, counts, keys, values)) {
    return absl::OutOfRangeError("a sum exceeds the range of 64-bit integers");
  }
  v1::ComputedTable table;
  table.set_dataset(version.info().dataset());
  table.set_dataset_version(version.info().version());
  table.set_dataset_version_hash(version.info().version_hash());
  for (const v1::Axis& axis : plan.axes) *table.add_axes() = axis;
  table.mutable_record_count()->Assign(counts.begin(), counts.end());
  table.mutable_cell_key()->Assign(keys.begin(), keys.end());
  for (size_t m = 0; m < plan.measures.size(); ++m) {
    v1::MeasureFacts* facts = table.add_measures();
    *facts->mutable_measure() = plan.measures[m].measure;
    facts->set_label(MeasureLabel(plan.measures[m]));
    if (plan.measures[m].column == nullptr) continue;
    facts->set_decimals(plan.measures[m].column->decimals);
    facts->mutable_sum()->Assign(values[m].sum.begin(), values[m].sum.end());
    for (size_t c = 0; c < values[m].largest.size(); ++c) {
      facts->add_largest(values[m].largest[c] == kNoValue ? 0 : values[m].largest[c]);
      facts->add_second_largest(values[m].second[c] == kNoValue ? 0 : values[m].second[c]);
    }
  }
  for (const std::string& s : plan.sensitive_dimensions) table.add_sensitive_dimensions(s);
  // A pass of its own, only for measures with a contributor column.
  RETURN_IF_ERROR(AddContributorFacts(version, plan, table));
  return table;
}

}  // namespace cellgate::engine
