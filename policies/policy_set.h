// The disclosure policies in force: one per dataset plus an optional default
// ("*"), loaded from a directory of textproto files at start-up. Start with
// LoadDirectory, then ForDataset. Immutable after construction, so const
// methods are thread-safe.
#ifndef CELLGATE_POLICIES_POLICY_SET_H_
#define CELLGATE_POLICIES_POLICY_SET_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cellgate/v1/policy.pb.h"

namespace cellgate::policies {

class PolicySet {
 public:
  // Loads every regular file named *.textproto in `dir` (not recursive), in
  // file-name order, with ParsePolicy. Returns the first file's error, which
  // names the file; INVALID_ARGUMENT if two policies govern the same dataset
  // or share an id; NOT_FOUND if `dir` does not exist; FAILED_PRECONDITION if
  // it holds no policy file.
  static absl::StatusOr<PolicySet> LoadDirectory(const std::string& dir);

  // Validates each of `policies` (applying defaults) and builds the set.
  // Returns the errors of ValidatePolicy and LoadDirectory; INVALID_ARGUMENT
  // if `policies` is empty.
  static absl::StatusOr<PolicySet> FromPolicies(std::vector<v1::DisclosurePolicy> policies);

  PolicySet(PolicySet&&) = default;
  PolicySet& operator=(PolicySet&&) = default;
  PolicySet(const PolicySet&) = delete;
  PolicySet& operator=(const PolicySet&) = delete;

  // Returns the policy of `dataset`, else the default ("*") policy. Returns
  // NOT_FOUND if neither exists. The pointer lives as long as this set.
  absl::StatusOr<const v1::DisclosurePolicy*> ForDataset(absl::string_view dataset) const;

  // Number of policies in the set.
  int size() const { return static_cast<int>(by_dataset_.size()); }

  // Every policy of the set, by dataset (the default "*" first). The
  // pointers live as long as this set.
  std::vector<const v1::DisclosurePolicy*> All() const;

 private:
  // A policy and where it came from (a file path or "policy \"id\""), for
  // error messages.
  struct Source {
    std::string name;
    v1::DisclosurePolicy policy;
  };

  PolicySet() = default;
  static absl::StatusOr<PolicySet> Build(std::vector<Source> sources);

  // Keyed by DisclosurePolicy.dataset; node-based, so pointers handed out by
  // ForDataset survive moves of the set.
  std::map<std::string, v1::DisclosurePolicy, std::less<>> by_dataset_;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_POLICY_SET_H_
