// Turns the exact table the engine computed into the table that may be
// released: runs the policy's primary rules, extends their pattern by
// secondary suppression, lets the attacker-LP audit decide, then writes each
// cell's values and statuses, the counts and audit intervals for the audit
// log and the ids of the rules that fired. Start with TableProtector::Create. The conventions are specified in
// docs/policies.md. Immutable after creation; Protect is thread-safe.
#ifndef CELLGATE_POLICIES_TABLE_PROTECTOR_H_
#define CELLGATE_POLICIES_TABLE_PROTECTOR_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellgate/v1/policy.pb.h"
#include "cellgate/v1/table.pb.h"
#include "policies/cell_key_perturbation.h"
#include "policies/primary_rule.h"
#include "policies/magnitude_rules.h"
#include "policies/protection.h"
#include "policies/threshold_rule.h"

namespace cellgate::policies {

// The rule id recorded when secondary suppression added cells.
inline constexpr char kSecondaryRuleId[] = "secondary";
// The rule id recorded when the release ledger made cells suppressed.
inline constexpr char kLedgerRuleId[] = "ledger";

// What earlier releases demand of a table (server/ledger): cells that must
// stay suppressed, and cells that must be suppressed and able to move by
// their `lower` and `upper` levels, so that a small set of units they cover
// stays open together with the earlier releases.
struct LedgerConstraints {
  std::vector<int32_t> keep_suppressed;
  std::vector<Protection> protect;
  // The same for the sums of one MEASURE column (levels in its scaled
  // units), so that a sensitive sum stays open across releases.
  struct SumProtection {
    std::string column;
    Protection protection;
  };
  std::vector<SumProtection> protect_sums;
  bool empty() const {
    return keep_suppressed.empty() && protect.empty() && protect_sums.empty();
  }
};

// Adds one released cell with first-measure status `status` to `counts`
// (a suppressed cell as primary or secondary, for the audit log only).
void CountReleasedCell(v1::CellStatus status, bool primary, v1::ReleaseCounts& counts);

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
  // product of the axis sizes, missing facts, bad measure kind or decimals);
  // FAILED_PRECONDITION if no suppression pattern protects it (the reason
  // names no value).
  // DEADLINE_EXCEEDED if secondary suppression is still running at
  // `deadline` (the server's time budget for a query). `ledger` cells are
  // suppressed and protected like primary cells but counted as secondary
  // (rule id "ledger"); INVALID_ARGUMENT if one is out of range or empty.
  absl::StatusOr<v1::ReleaseDecision> Protect(const v1::ComputedTable& table,
                                              absl::Time deadline = absl::InfiniteFuture(),
                                              const LedgerConstraints& ledger = {}) const;

  // The policy's cell key method if it applies to tables for `channel`,
  // else null. The pointer lives as long as this protector.
  const CellKeyPerturbation* PerturbationFor(v1::Channel channel) const;

  // True if every measure of `table` is COUNT: such a table is released by
  // Perturb on a perturbed channel; one with sums by Protect, then
  // PerturbPublished.
  static bool OnlyCounts(const v1::ComputedTable& table);

  // Releases `table` by the cell key method alone: every count perturbed
  // (CellKeyPerturbation::CountValue), nothing suppressed, rule id
  // "cell_key". FAILED_PRECONDITION if the policy has no perturbation or
  // the table no cell keys (a version ingested before record keys);
  // INVALID_ARGUMENT unless OnlyCounts(table); INTERNAL as for Protect.
  absl::StatusOr<v1::ReleaseDecision> Perturb(const v1::ComputedTable& table) const;

  // Replaces every PUBLISHED count in `decision` (Protect's decision for
  // `table`) by its perturbed value, status PERTURBED (also a perturbed 0:
  // the cell's published sums show it is not empty), and moves those cells
  // from `published` to `perturbed` in its counts; suppressed cells stay
  // suppressed.
  // FAILED_PRECONDITION as for Perturb; INTERNAL if the two do not match.
  absl::Status PerturbPublished(const v1::ComputedTable& table,
                                v1::ReleaseDecision& decision) const;

  // The threshold k in force for `table` (raised by its sensitive
  // dimensions), and the validated policy.
  int64_t EffectiveK(const v1::ComputedTable& table) const {
    return refs_.threshold->EffectiveK(table);
  }
  const v1::DisclosurePolicy& policy() const { return policy_; }

 private:
  // The rules among rules_ whose parameters the protection levels need.
  struct RuleRefs {
    const ThresholdRule* threshold = nullptr;
    const DominanceRule* dominance = nullptr;  // null if not configured
    const PPercentRule* p_percent = nullptr;   // null if not configured
  };
  TableProtector(v1::DisclosurePolicy policy, std::vector<std::unique_ptr<PrimaryRule>> rules,
                 RuleRefs refs, std::optional<CellKeyPerturbation> perturbation);

  v1::DisclosurePolicy policy_;  // validated
  std::string policy_hash_;      // PolicyHash(policy_)
  std::vector<std::unique_ptr<PrimaryRule>> rules_;
  RuleRefs refs_;
  std::optional<CellKeyPerturbation> perturbation_;  // set if the policy has a ptable
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_TABLE_PROTECTOR_H_
