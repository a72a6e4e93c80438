// The policy versions releases were decided under, kept in the store so
// that a past release can be replayed under the policy that protected it,
// also after the policy files moved on (docs/adr/0006-release-replay.md).
// Thread-safe.
#ifndef CELLGATE_SERVER_PIPELINE_POLICY_ARCHIVE_H_
#define CELLGATE_SERVER_PIPELINE_POLICY_ARCHIVE_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cellgate/v1/policy.pb.h"
#include "policies/policy_set.h"
#include "server/store/store.h"

namespace cellgate::pipeline {

class PolicyArchive {
 public:
  // `store` must outlive the archive.
  explicit PolicyArchive(store::Store& store) : store_(store) {}

  // Keeps `policy` (validated, as it decides) under PolicyHash(policy): one
  // store write per policy version and process, then nothing. UNAVAILABLE
  // naming the policy if the store refuses.
  absl::Status Keep(const v1::DisclosurePolicy& policy);

  // Returns the policy with hex hash `hash`: the one `loaded` holds for
  // `dataset` if its hash matches, else the kept one (a copy either way).
  // FAILED_PRECONDITION naming id, version and hash if neither has it;
  // DATA_LOSS if the kept bytes do not hash to `hash`.
  absl::StatusOr<v1::DisclosurePolicy> Find(const policies::PolicySet& loaded,
                                            const std::string& dataset, const std::string& id,
                                            int64_t version, const std::string& hash) const;

 private:
  store::Store& store_;
  absl::Mutex mu_;
  // Hashes kept since the start. Guarded by mu_.
  absl::flat_hash_set<std::string> kept_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_POLICY_ARCHIVE_H_
