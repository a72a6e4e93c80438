// Turns the exact table the engine computed into the table that may be
// released: runs the policy's primary rules, then writes each cell's values
// and statuses, the counts for the audit log and the ids of the rules that
// fired. Start with TableProtector::Create. The conventions are specified in
// docs/policies.md. Immutable after creation; Protect is thread-safe.
#ifndef CELLGATE_POLICIES_TABLE_PROTECTOR_H_
#define CELLGATE_POLICIES_TABLE_PROTECTOR_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "cellgate/v1/policy.pb.h"
#include "cellgate/v1/table.pb.h"
#include "policies/primary_rule.h"

namespace cellgate::policies {

class TableProtector {
 public:
  // Creates the protector for `policy`, which is copied and validated with
  // ValidatePolicy (defaults applied). Returns its INVALID_ARGUMENT errors.
  static absl::StatusOr<TableProtector> Create(const v1::DisclosurePolicy& policy);

  TableProtector(TableProtector&&) = default;
  TableProtector& operator=(TableProtector&&) = default;

  // Returns the release decision for `table`: cells in the same row-major
  // order, suppressed cells with every measure SUPPRESSED, measure facts
  // removed. Returns INTERNAL if `table` is inconsistent (cell count not the
  // product of the axis sizes, missing facts, bad measure kind or decimals).
  absl::StatusOr<v1::ReleaseDecision> Protect(const v1::ComputedTable& table) const;

 private:
  TableProtector(v1::DisclosurePolicy policy, std::vector<std::unique_ptr<PrimaryRule>> rules);

  v1::DisclosurePolicy policy_;  // validated
  std::string policy_hash_;      // PolicyHash(policy_)
  std::vector<std::unique_ptr<PrimaryRule>> rules_;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_TABLE_PROTECTOR_H_
