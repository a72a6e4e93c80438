// Group disclosure: a cell of a sensitive dimension that holds 100 % of a
// small group (0 < n == group size < min_group) tells every member's
// sensitive attribute, however large n is compared to k. Such cells are
// primary-suppressed. Zero cells (0 %) are published as zero by design and
// are not covered; see docs/policies.md. Immutable; thread-safe.
#ifndef CELLGATE_POLICIES_GROUP_DISCLOSURE_RULE_H_
#define CELLGATE_POLICIES_GROUP_DISCLOSURE_RULE_H_

#include "cellgate/v1/policy.pb.h"
#include "policies/primary_rule.h"

namespace cellgate::policies {

class GroupDisclosureRule final : public PrimaryRule {
 public:
  static constexpr char kId[] = "group_disclosure";
  explicit GroupDisclosureRule(const v1::GroupDisclosureRule& config) : config_(config) {}

  absl::string_view id() const override { return kId; }
  // Marks, on every axis of a sensitive dimension, each non-total entry's
  // cell that equals its group (the same cell at that axis' top entry).
  void Mark(const v1::ComputedTable& table, CellMarks& marks) const override;

 private:
  const v1::GroupDisclosureRule config_;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_GROUP_DISCLOSURE_RULE_H_
