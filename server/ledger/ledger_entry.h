// The ledger entry of a release: the finest code sets of the query's
// filters and of every axis entry, per cell its exact count and whether it
// was suppressed, and the exact sums of every SUM or MEAN column
// (ledger.proto). Plus what the linked audit
// needs from the loaded version: dimension sizes and an atom counter.
// Pure; thread-safe.
#ifndef CELLGATE_SERVER_LEDGER_LEDGER_ENTRY_H_
#define CELLGATE_SERVER_LEDGER_LEDGER_ENTRY_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "cellgate/v1/ledger.pb.h"
#include "cellgate/v1/query.pb.h"
#include "cellgate/v1/table.pb.h"
#include "policies/linked/linked_audit.h"
#include "server/engine/loaded_version.h"

namespace cellgate::ledger {

// Builds the entry for `decision`, made from `table`, which the engine
// computed for `query` on `version`. INTERNAL if they do not fit together.
absl::StatusOr<v1::LedgerRelease> LedgerEntryOf(const engine::LoadedVersion& version,
                                                const v1::Query& query,
                                                const v1::ComputedTable& table,
                                                const v1::ReleaseDecision& decision);

// Number of finest codes of every dimension of `version`.
absl::flat_hash_map<std::string, int> DimensionSizesOf(const engine::LoadedVersion& version);

// Counts the atoms of a space over `version` (which must outlive the
// counter).
policies::AtomCounter AtomCounterFor(const engine::LoadedVersion& version);

}  // namespace cellgate::ledger

#endif  // CELLGATE_SERVER_LEDGER_LEDGER_ENTRY_H_
