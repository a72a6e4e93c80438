#include "server/pipeline/policy_archive.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "policies/policy_loader.h"

namespace cellgate::pipeline {

absl::Status PolicyArchive::Keep(const v1::DisclosurePolicy& policy) {
  const std::string hash = policies::PolicyHash(policy);
  absl::MutexLock lock(&mu_);
  if (kept_.contains(hash)) return absl::OkStatus();
  if (absl::Status kept = store_.KeepPolicy(hash, policy); !kept.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot keep policy \"", policy.id(), "\" v",
                                               policy.version(), " for replays: ",
                                               kept.message()));
  }
  kept_.insert(hash);
  return absl::OkStatus();
}

absl::StatusOr<v1::DisclosurePolicy> PolicyArchive::Find(const policies::PolicySet& loaded,
                                                         const std::string& dataset,
                                                         const std::string& id, int64_t version,
                                                         const std::string& hash) const {
  absl::StatusOr<const v1::DisclosurePolicy*> current = loaded.ForDataset(dataset);
  if (current.ok() && policies::PolicyHash(**current) == hash) return **current;
  absl::StatusOr<v1::DisclosurePolicy> kept = store_.KeptPolicy(hash);
  if (kept.status().code() == absl::StatusCode::kNotFound) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the release was protected under policy \"", id, "\" v", version, " (sha256 ",
        hash.substr(0, 16), "…), which this server neither runs (",
        current.ok() ? absl::StrCat("it runs \"", (*current)->id(), "\" v", (*current)->version())
                     : "no policy for the dataset",
        ") nor keeps: releases decided before policy versions were kept cannot be replayed "
        "once their policy is gone"));
  }
  RETURN_IF_ERROR(kept.status());
  if (policies::PolicyHash(*kept) != hash) {
    return absl::DataLossError(absl::StrCat("kept policy ", hash.substr(0, 16),
                                            "… does not hash to its key"));
  }
  return kept;
}

}  // namespace cellgate::pipeline
