// What every exported file records so that a reader can trace each figure
// to the audit log: the release id and receipt, the dataset and its
// version, the policy and its version, the manifest. Thread-safe (pure
// functions).
#ifndef CELLGATE_CLIENT_EXPORT_PROVENANCE_H_
#define CELLGATE_CLIENT_EXPORT_PROVENANCE_H_

#include <string>
#include <vector>

#include "cellgate/v1/manifest.pb.h"

namespace cellgate::client {

// One recorded fact about a pulled table.
struct ProvenanceField {
  std::string key;    // machine name, e.g. "release_id"
  std::string label;  // German label, e.g. "Release-ID"
  std::string value;
};

// Returns, in this order: release_id, audit_seq, dataset, dataset_version,
// dataset_version_hash, policy_id, policy_version, policy_hash,
// manifest_sha256; for a share over another dataset then
// denominator_dataset, denominator_dataset_version,
// denominator_dataset_version_hash, denominator_policy_id,
// denominator_policy_version and denominator_policy_hash.
std::vector<ProvenanceField> Provenance(const v1::PulledTable& pulled);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_PROVENANCE_H_
