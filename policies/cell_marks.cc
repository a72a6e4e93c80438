#include "policies/cell_marks.h"

#include <algorithm>

#include "common/status_macros.h"

namespace cellgate::policies {

CellMarks::CellMarks(int cell_count) : rule_of_cell_(std::max(cell_count, 0), -1) {}

void CellMarks::MarkPrimary(int cell, absl::string_view rule_id) {
  CELLGATE_CHECK(cell >= 0 && cell < size());
  // Few rules exist, so a linear search beats a map here.
  auto it = std::find(rules_.begin(), rules_.end(), rule_id);
  if (it == rules_.end()) it = rules_.insert(rules_.end(), std::string(rule_id));
  if (rule_of_cell_[cell] >= 0) return;
  rule_of_cell_[cell] = static_cast<int>(it - rules_.begin());
  ++suppressed_count_;
}

absl::string_view CellMarks::rule_id(int cell) const {
  const int rule = rule_of_cell_[cell];
  return rule < 0 ? absl::string_view() : absl::string_view(rules_[rule]);
}

std::vector<std::string> CellMarks::RuleIds() const {
  std::vector<std::string> ids = rules_;
  std::sort(ids.begin(), ids.end());
  return ids;  // rules_ holds no duplicates
}

}  // namespace cellgate::policies
