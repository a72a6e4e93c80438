// Hypercube search for secondary suppression: the cheapest of a small set
// of candidate perturbations of the form δ · (v_1 ⊗ … ⊗ v_d), where each
// v_a is an additive move along axis a that contains the cell's entry with
// coefficient +1: a leaf path up to the top (changing the total), or the
// difference of two leaf paths (leaving the common ancestors unchanged).
// Every such perturbation keeps the whole table additive, hierarchies
// included, so adding it to the table gives one the attacker cannot
// exclude. Cheap enough to run for thousands of primary cells; the caller
// falls back to the protection LP when no candidate fits. Pure.
#ifndef CELLGATE_POLICIES_HYPERCUBE_H_
#define CELLGATE_POLICIES_HYPERCUBE_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "policies/protection.h"
#include "policies/protection_lp.h"
#include "policies/table_structure.h"

namespace cellgate::policies {

// Returns the cheapest candidate perturbation that moves `cell` by `delta`
// (> 0 up, < 0 down), touches only suppressed cells or cells that may be
// suppressed, and keeps every touched cell at or above table.floor; or
// nullopt if no candidate fits.
std::optional<Perturbation> FindHypercube(const TableStructure& structure,
                                          const MeasureTable& table,
                                          const SuppressionCosts& costs,
                                          const std::vector<bool>& suppressed, int32_t cell,
                                          double delta);

// The first candidate, in FindHypercube's order, that moves `cell` by
// `delta` through suppressed cells only (it costs nothing, so no other
// candidate is cheaper), keeping every touched cell at or above
// table.floor; or nullopt. The same as FindHypercube's answer whenever that
// costs nothing, found without pricing the rest.
std::optional<Perturbation> FindFreeHypercube(const TableStructure& structure,
                                              const MeasureTable& table,
                                              const std::vector<bool>& suppressed, int32_t cell,
                                              double delta);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_HYPERCUBE_H_
