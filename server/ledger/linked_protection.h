// Protection across releases: protects a computed table, audits it
// together with the earlier releases it is linked to, and repairs what the
// union would disclose by suppressing more cells of the new table, round
// after round, until the union is safe; refuses when more suppression in
// the new table cannot help. docs/adr/0003-release-ledger.md.
// Thread-compatible; the caller serializes per dataset (release_ledger.h).
#ifndef CELLGATE_SERVER_LEDGER_LINKED_PROTECTION_H_
#define CELLGATE_SERVER_LEDGER_LINKED_PROTECTION_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellgate/v1/audit.pb.h"
#include "cellgate/v1/ledger.pb.h"
#include "cellgate/v1/query.pb.h"
#include "cellgate/v1/table.pb.h"
#include "policies/table_protector.h"
#include "server/engine/loaded_version.h"
#include "server/ledger/release_ledger.h"

namespace cellgate::ledger {

struct LinkedProtectionOptions {
  // Largest joint atom space audited; beyond it the query is refused.
  int64_t max_atoms = 200000;
  // Protect-and-audit rounds before giving up.
  int max_rounds = 24;
  absl::Time deadline = absl::InfiniteFuture();
};

// The same table on another version of its dataset, with that version.
struct TableOnOtherVersion {
  std::shared_ptr<const engine::LoadedVersion> version;
  v1::ComputedTable table;
};
// Computes the same table on another version of its dataset (for the
// re-ingest rule and the audit with that version's releases).
using TableOnVersion = std::function<absl::StatusOr<TableOnOtherVersion>(int64_t version)>;

struct LinkedDecision {
  v1::ReleaseDecision decision;
  // The ledger entry to append once the release is decided.
  v1::LedgerRelease entry;
};

// Decides the release of `table` (computed for `query` on `version`) given
// the earlier releases in `ledger`. Releases of other versions of the
// dataset (a corrected re-ingest) are linked: the table is also computed
// on every other version with an overlapping release; a cell whose count
// changed by 1 .. k-1 is suppressed so that an attacker cannot exclude that
// it did not change at all; and the table as it reads on that version is
// audited with that version's releases, so that differencing across
// versions (units in both, unchanged) discloses nothing either. `audit`
// receives what the DPO should see, also when the table is refused. FAILED_PRECONDITION (naming no
// value) if no suppression makes the union safe or the joint audit is too
// large; the protector's errors pass through.
absl::StatusOr<LinkedDecision> ProtectAcrossReleases(
    const policies::TableProtector& protector, const engine::LoadedVersion& version,
    const v1::Query& query, const v1::ComputedTable& table, const ReleaseLedger& ledger,
    const TableOnVersion& table_on_version, const LinkedProtectionOptions& options,
    v1::LedgerAudit& audit);

// Protects the table under the constraints its dataset's ledger sets: the
// protector's Protect for a table of its own; for a share across datasets,
// the joint table's protection seen from one of its datasets (docs/adr/0008).
using ProtectUnder =
    std::function<absl::StatusOr<v1::ReleaseDecision>(const policies::LedgerConstraints&)>;

// As ProtectAcrossReleases, but every protection of `table` goes through
// `protect`, starting from `constraints` (cells another dataset's ledger
// demands), which also receives the cells this ledger demands. `protector`
// gives the dataset's thresholds and protection levels.
absl::StatusOr<LinkedDecision> ProtectAcrossReleasesWith(
    const ProtectUnder& protect, const policies::TableProtector& protector,
    const engine::LoadedVersion& version, const v1::Query& query, const v1::ComputedTable& table,
    const ReleaseLedger& ledger, const TableOnVersion& table_on_version,
    const LinkedProtectionOptions& options, v1::LedgerAudit& audit,
    policies::LedgerConstraints& constraints);

}  // namespace cellgate::ledger

#endif  // CELLGATE_SERVER_LEDGER_LINKED_PROTECTION_H_
