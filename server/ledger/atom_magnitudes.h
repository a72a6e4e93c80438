// The magnitude facts the linked audit needs of every atom (atom_space.h)
// from a loaded version: per atom of one clique, the sum of a MEASURE
// column over its records and its two largest contributions: of records,
// or, where the column has a contributor column (ColumnSchema.contributor),
// of the contributors' totals in the atom (then contributors_span_atoms).
// One pass over the clique's dimension columns and the measure column.
// Pure; thread-safe.
#ifndef CELLGATE_SERVER_LEDGER_ATOM_MAGNITUDES_H_
#define CELLGATE_SERVER_LEDGER_ATOM_MAGNITUDES_H_

#include "policies/linked/linked_audit.h"
#include "server/engine/loaded_version.h"

namespace cellgate::ledger {

// Returns the facts of `column` for every atom of clique `clique` of
// `space` over `version`. INVALID_ARGUMENT naming the column if `version`
// has no such MEASURE column, or naming the dimension if a dimension of
// the clique is unknown or its blocks do not cover its codes.
absl::StatusOr<policies::AtomSums> AtomSumsOf(const engine::LoadedVersion& version,
                                              const policies::AtomSpace& space, int clique,
                                              const std::string& column);

// AtomSumsOf bound to `version` (which must outlive the result).
policies::AtomMagnitudes AtomMagnitudesFor(const engine::LoadedVersion& version);

}  // namespace cellgate::ledger

#endif  // CELLGATE_SERVER_LEDGER_ATOM_MAGNITUDES_H_
