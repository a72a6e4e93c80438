// Primary rules for sums (SUM and MEAN measures): the dominance (n,k) rule
// and the p% rule, from each cell's sum X and its largest contributions x1
// and x2 (records are the contributors). Conventions (docs/policies.md,
// tested against SDC-ORACLES O5-O9):
//   dominance (n,k): unsafe if x1 (+ x2 for n = 2) > k/100 · X
//   p%:              unsafe if X - x1 - x2 < p/100 · x1
// Each rule also gives the upper protection level an unsafe cell needs
// (SDC Handbook): (n,k): 100/k · Σ top-n − X; p%: p/100 · x1 − (X − x1 − x2).
// Parameters are secret: nothing here formats them into a message.
// Immutable; thread-safe.
#ifndef CELLGATE_POLICIES_MAGNITUDE_RULES_H_
#define CELLGATE_POLICIES_MAGNITUDE_RULES_H_

#include "cellgate/v1/policy.pb.h"
#include "policies/primary_rule.h"

namespace cellgate::policies {

// One cell's magnitude facts, in the column's scaled units.
struct Contributions {
  double sum = 0;
  double largest = 0;
  double second = 0;
};

class DominanceRule final : public PrimaryRule {
 public:
  static constexpr char kId[] = "dominance";
  explicit DominanceRule(const v1::DominanceRule& config) : config_(config) {}

  absl::string_view id() const override { return kId; }
  bool Unsafe(const Contributions& c) const;
  // How far above X the attacker's upper bound must reach; > 0 iff unsafe.
  double UpperProtection(const Contributions& c) const;
  // Marks every cell where any SUM or MEAN measure's sum is unsafe.
  void Mark(const v1::ComputedTable& table, CellMarks& marks) const override;

 private:
  const v1::DominanceRule config_;
};

class PPercentRule final : public PrimaryRule {
 public:
  static constexpr char kId[] = "p_percent";
  explicit PPercentRule(const v1::PPercentRule& config) : config_(config) {}

  absl::string_view id() const override { return kId; }
  bool Unsafe(const Contributions& c) const;
  double UpperProtection(const Contributions& c) const;
  void Mark(const v1::ComputedTable& table, CellMarks& marks) const override;

 private:
  const v1::PPercentRule config_;
};

// Returns cell `cell`'s facts for measure `m` of `table`.
Contributions ContributionsOf(const v1::ComputedTable& table, int m, int cell);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_MAGNITUDE_RULES_H_
