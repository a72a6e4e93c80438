#include "policies/threshold_rule.h"

#include <algorithm>

#include "common/status_macros.h"

namespace cellgate::policies {

int64_t ThresholdRule::EffectiveK(const v1::ComputedTable& table) const {
  int64_t k = config_.k();
  // A dimension's k applies whether the table groups or only filters by it:
  // a filter on a sensitive code makes every cell a sensitive group.
  for (const std::string& sensitive : table.sensitive_dimensions()) {
    for (const v1::DimensionThreshold& d : config_.per_dimension()) {
      if (d.dimension() == sensitive) k = std::max<int64_t>(k, d.k());
    }
  }
  return k;
}

void ThresholdRule::Mark(const v1::ComputedTable& table, CellMarks& marks) const {
  CELLGATE_CHECK(marks.size() == table.record_count_size());
  const int64_t k = EffectiveK(table);
  for (int cell = 0; cell < table.record_count_size(); ++cell) {
    const int64_t n = table.record_count(cell);
    if (n > 0 && n < k) marks.MarkPrimary(cell, kId);
  }
}

}  // namespace cellgate::policies
