// Primary rules for sums (SUM and MEAN measures): the dominance (n,k) rule,
// the p% rule and the minimum number of contributors, from each cell's sum
// X, its largest contributions x1 and x2 and its number of contributors c.
// A contribution is a contributor's total where the measure has a
// contributor column (the engine's contributor facts), else a record's
// value. Conventions (docs/policies.md, tested against SDC-ORACLES O5-O9):
//   dominance (n,k):  unsafe if x1 (+ x2 for n = 2) > k/100 · X
//   p%:               unsafe if X - x1 - x2 < p/100 · x1
//   min contributors: unsafe if 0 < c < min
// Dominance and p% also give the upper protection level an unsafe cell
// needs (SDC Handbook): (n,k): 100/k · Σ top-n − X; p%: p/100 · x1 − (X −
// x1 − x2). Parameters are secret: nothing here formats them into a
// message. Immutable; thread-safe.
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
  // Number of contributors (distinct contributors, or records).
  int64_t contributors = 0;
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

// Minimum number of contributors: a sum with 0 < c < min contributors is
// unsafe (a cell with few contributors tells each of them much about the
// others, whatever their shares).
class MinContributorsRule final : public PrimaryRule {
 public:
  static constexpr char kId[] = "min_contributors";
  // REQUIRES: min >= 2 (validated by the policy loader).
  explicit MinContributorsRule(int32_t min) : min_(min) {}

  absl::string_view id() const override { return kId; }
  bool Unsafe(const Contributions& c) const;
  void Mark(const v1::ComputedTable& table, CellMarks& marks) const override;

 private:
  const int32_t min_;
};

// Returns cell `cell`'s facts for measure `m` of `table`: its contributor
// facts (contributors, largest_contributor, second_largest_contributor)
// if the engine computed them, else its records' (record_count, largest,
// second_largest).
Contributions ContributionsOf(const v1::ComputedTable& table, int m, int cell);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_MAGNITUDE_RULES_H_
