// The interface of a primary suppression rule: it looks at the exact facts of
// each cell on its own and marks the cells that may not be published. The
// threshold rule is the first; dominance and p% rules plug in the same way.
// Implementations are immutable after construction and thread-safe.
#ifndef CELLGATE_POLICIES_PRIMARY_RULE_H_
#define CELLGATE_POLICIES_PRIMARY_RULE_H_

#include "absl/strings/string_view.h"
#include "cellgate/v1/table.pb.h"
#include "policies/cell_marks.h"

namespace cellgate::policies {

class PrimaryRule {
 public:
  virtual ~PrimaryRule() = default;

  // Returns the rule id recorded in ReleaseDecision.rule_ids, e.g. "threshold".
  virtual absl::string_view id() const = 0;

  // Marks every cell of `table` the rule suppresses; never unmarks a cell.
  // REQUIRES: marks.size() == table.record_count_size().
  virtual void Mark(const v1::ComputedTable& table, CellMarks& marks) const = 0;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_PRIMARY_RULE_H_
