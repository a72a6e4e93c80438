// The release of a share whose denominator comes from another dataset
// (docs/adr/0008-shares-across-datasets.md): computes the numerator table on
// the query's dataset and the denominator table on the other, protects them
// together as one joint table under the stricter policy, audits each side
// against the earlier releases of its own dataset (the release ledger is per
// dataset) until both ledgers accept the same pattern, and records both
// sides. On a channel where a side's policy perturbs counts, that side
// shows its cell-key noise instead and stays out of its ledger. Internal to
// ReleasePipeline::Decide. Thread-safe; the releases of the two datasets
// are serialized for the duration.
#ifndef CELLGATE_SERVER_PIPELINE_CROSS_DATASET_RELEASE_H_
#define CELLGATE_SERVER_PIPELINE_CROSS_DATASET_RELEASE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cellgate/v1/audit.pb.h"
#include "cellgate/v1/policy.pb.h"
#include "policies/policy_set.h"
#include "server/engine/loaded_version.h"
#include "server/engine/table_computer.h"
#include "server/ledger/release_ledger.h"
#include "server/pipeline/cross_dataset_shares.h"
#include "server/pipeline/dataset_catalog.h"

namespace cellgate::pipeline {

struct CrossShareContext {
  DatasetCatalog& catalog;
  // The denominator dataset's policy: the one in force, or for a replay the
  // one its release was decided under.
  const v1::DisclosurePolicy& denominator_policy;
  ledger::ReleaseLedger* ledger;  // null: each release on its own (tests, the baseline)
  engine::ComputeLimits limits;   // the numerator dataset's; lowered by the other's policy
  int64_t max_ledger_atoms = 200000;
  absl::Time deadline = absl::InfiniteFuture();
  // Append the audited sides to `ledger` (false for a replay, which only
  // audits).
  bool keep = true;
};

// Returns the ledger release id of the denominator side of release
// `release_id` (its numerator side's is `release_id` itself).
std::string DenominatorLedgerId(absl::string_view release_id);

// Decides the release of `plan` on `numerator` (the query's dataset version,
// governed by `policy`). Fills `record`'s denominator (and the numerator's
// ledger_audit), also when refusing. NOT_FOUND for an unknown denominator
// dataset or version; INVALID_ARGUMENT for a denominator query its policy
// does not allow or whose dimensions do not match (BindDenominator);
// FAILED_PRECONDITION (naming no value) if no suppression makes both sides
// safe, or a perturbed side's version has no record keys; UNAVAILABLE if
// the ledger cannot record them. On a channel where a side's policy
// perturbs, that side gets its cell-key noise and no ledger entry (nor
// ledger_audit in `record`).
absl::StatusOr<v1::ReleaseDecision> DecideCrossDatasetShare(const CrossShareContext& context,
                                                            const CrossSharePlan& plan,
                                                            const engine::LoadedVersion& numerator,
                                                            const v1::DisclosurePolicy& policy,
                                                            v1::AuditRecord& record);

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_CROSS_DATASET_RELEASE_H_
