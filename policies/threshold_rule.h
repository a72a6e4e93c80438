// The threshold rule: a cell with 0 < n < k records is primary-suppressed.
// Cells with n >= k, and empty cells (n == 0, structural zeros), are left
// alone. k is the policy's k, raised by the per-dimension k of every
// sensitive dimension the table uses. Immutable; thread-safe.
#ifndef CELLGATE_POLICIES_THRESHOLD_RULE_H_
#define CELLGATE_POLICIES_THRESHOLD_RULE_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "cellgate/v1/policy.pb.h"
#include "cellgate/v1/table.pb.h"
#include "policies/cell_marks.h"
#include "policies/primary_rule.h"

namespace cellgate::policies {

class ThresholdRule final : public PrimaryRule {
 public:
  // The rule id, "threshold".
  static constexpr absl::string_view kId = "threshold";

  // REQUIRES: `config` comes from a policy that passed ValidatePolicy.
  explicit ThresholdRule(const v1::ThresholdRule& config) : config_(config) {}

  absl::string_view id() const override { return kId; }

  // Returns the k that applies to `table`: the maximum of the policy k and
  // the per_dimension k of each dimension in table.sensitive_dimensions().
  int64_t EffectiveK(const v1::ComputedTable& table) const;

  // Marks each cell with 0 < record_count < EffectiveK(table).
  void Mark(const v1::ComputedTable& table, CellMarks& marks) const override;

 private:
  v1::ThresholdRule config_;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_THRESHOLD_RULE_H_
