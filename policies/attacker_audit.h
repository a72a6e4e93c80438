// The attacker LP: for each suppressed cell, the least and greatest value
// consistent with everything published in the table (its additivity, with
// hierarchies, and non-negativity). A release goes out only if every
// primary cell's interval leaves its protection open. Thread-compatible.
//
//   ASSIGN_OR_RETURN(auto intervals, FeasibilityIntervals(structure, counts, suppressed, cells));
#ifndef CELLGATE_POLICIES_ATTACKER_AUDIT_H_
#define CELLGATE_POLICIES_ATTACKER_AUDIT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "policies/protection.h"
#include "policies/table_structure.h"

namespace cellgate::policies {

// Returns the feasibility interval of each of `cells` (which must be
// suppressed) given that every other cell of `table` is published.
// INTERNAL if the published values contradict the structure.
absl::StatusOr<std::vector<Interval>> FeasibilityIntervals(const TableStructure& structure,
                                                           const MeasureTable& table,
                                                           const std::vector<bool>& suppressed,
                                                           const std::vector<int32_t>& cells);

// Returns the required cells of `table` whose protection the pattern
// `suppressed` does not leave open (empty if it is safe).
absl::StatusOr<std::vector<int32_t>> UnprotectedCells(const TableStructure& structure,
                                                      const MeasureTable& table,
                                                      const std::vector<bool>& suppressed);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_ATTACKER_AUDIT_H_
