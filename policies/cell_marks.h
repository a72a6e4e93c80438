// Per-cell suppression marks of one table, filled in by the primary rules
// (PrimaryRule::Mark) and read by TableProtector. Cells are indexed in the
// row-major order of the ComputedTable. Not thread-safe.
#ifndef CELLGATE_POLICIES_CELL_MARKS_H_
#define CELLGATE_POLICIES_CELL_MARKS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cellgate::policies {

class CellMarks {
 public:
  // Creates marks for `cell_count` cells, none suppressed.
  // REQUIRES: cell_count >= 0.
  explicit CellMarks(int cell_count);

  // Number of cells.
  int size() const { return static_cast<int>(rule_of_cell_.size()); }

  // Marks `cell` as primary-suppressed by the rule `rule_id`. A cell marked
  // by several rules keeps the first rule as its rule; every marking rule is
  // listed by RuleIds(). REQUIRES: 0 <= cell < size().
  void MarkPrimary(int cell, absl::string_view rule_id);

  // Returns true if `cell` is suppressed. REQUIRES: 0 <= cell < size().
  bool suppressed(int cell) const { return rule_of_cell_[cell] >= 0; }

  // Returns the id of the first rule that marked `cell`, or "" if none.
  // REQUIRES: 0 <= cell < size().
  absl::string_view rule_id(int cell) const;

  // Returns the number of suppressed cells.
  int suppressed_count() const { return suppressed_count_; }

  // Returns the ids of the rules that marked at least one cell, sorted and
  // without duplicates.
  std::vector<std::string> RuleIds() const;

 private:
  // Per cell: index into rules_ of the first rule that marked it, or -1.
  std::vector<int> rule_of_cell_;
  // Ids of the rules that marked a cell, in order of their first mark.
  std::vector<std::string> rules_;
  int suppressed_count_ = 0;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_CELL_MARKS_H_
