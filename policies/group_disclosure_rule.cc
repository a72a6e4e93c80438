#include "policies/group_disclosure_rule.h"

#include <algorithm>
#include <vector>

namespace cellgate::policies {

void GroupDisclosureRule::Mark(const v1::ComputedTable& table, CellMarks& marks) const {
  const int dims = table.axes_size();
  std::vector<int64_t> stride(dims, 1);
  for (int a = dims - 2; a >= 0; --a) stride[a] = stride[a + 1] * table.axes(a + 1).entries_size();
  for (int a = 0; a < dims; ++a) {
    const v1::Axis& axis = table.axes(a);
    const bool sensitive =
        std::find(table.sensitive_dimensions().begin(), table.sensitive_dimensions().end(),
                  axis.dimension()) != table.sensitive_dimensions().end();
    if (!sensitive) continue;
    // The top entry of the axis: the group all its entries add into.
    int top = -1;
    for (int e = 0; e < axis.entries_size(); ++e) {
      if (axis.entries(e).parent() < 0) top = e;
    }
    if (top < 0) continue;  // no total on this axis: the group is not published
    for (int64_t cell = 0; cell < table.record_count_size(); ++cell) {
      const int entry = static_cast<int>((cell / stride[a]) % axis.entries_size());
      if (entry == top) continue;
      const int64_t group = table.record_count(cell + (top - entry) * stride[a]);
      const int64_t n = table.record_count(cell);
      if (n > 0 && n == group && group < config_.min_group()) {
        marks.MarkPrimary(static_cast<int>(cell), kId);
      }
    }
  }
}

}  // namespace cellgate::policies
