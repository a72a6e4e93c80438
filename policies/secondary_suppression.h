// Secondary suppression: adds cells to a suppression pattern until every
// primary cell of a measure table is protected, with low information loss.
//
// Method (docs/adr/0002-secondary-suppression.md): for each primary cell in
// turn whose protection is not yet open, solve the protection LP of Kelly,
// Golden and Assad / Fischetti and Salazar: the cheapest perturbation y of
// the table that keeps it additive and non-negative, moves the cell by its
// upper (then lower) protection level, and is zero on every published cell
// it does not pay for. The cells y touches become suppressed; x + y is then
// a table the attacker cannot exclude, so the cell's protection is open by
// construction. Already suppressed cells cost nothing, so patterns are
// shared. Deterministic: cells are handled in index order. Thread-compatible.
#ifndef CELLGATE_POLICIES_SECONDARY_SUPPRESSION_H_
#define CELLGATE_POLICIES_SECONDARY_SUPPRESSION_H_

#include <vector>

#include "absl/status/status.h"
#include "policies/protection.h"
#include "policies/table_structure.h"

namespace cellgate::policies {

struct SuppressionCosts {
  // Per cell: the cost per unit of change of suppressing it (e.g. 1 + its
  // record count, so that large cells and margins are kept).
  std::vector<double> per_unit;
  // Per cell: whether it may be suppressed at all (e.g. not empty cells,
  // which are published as zero).
  std::vector<bool> may_suppress;
};

// Extends `suppressed` (one flag per cell; the primary cells of `table` are
// already set) until every cell in table.required is protected. Returns
// FAILED_PRECONDITION "the table cannot be protected by suppression" if
// some primary cell cannot be protected (then `suppressed` is unspecified).
absl::Status SuppressSecondary(const TableStructure& structure, const MeasureTable& table,
                               const SuppressionCosts& costs, std::vector<bool>& suppressed);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_SECONDARY_SUPPRESSION_H_
