// Shares whose denominator comes from another dataset (Measure.denominator;
// docs/adr/0008-shares-across-datasets.md), e.g. the SGB-II-Quote: children
// under 15 in SGB-II households (sgb2_person) over the population under 15.
// The numerator table (the query's dataset) and the denominator table (the
// same grouping on the other dataset) are stacked into one joint table with
// a last split axis, protected together under the stricter of the two
// policies; each side is then a release of its own dataset for its ledger.
// Pure functions; thread-safe.
//
//   ASSIGN_OR_RETURN(std::optional<CrossSharePlan> plan, PlanCrossShares(query));
//   RETURN_IF_ERROR(BindDenominator(*plan, numerator_version, denominator_version));
//   ASSIGN_OR_RETURN(JointTable joint, StackAcross(n, d));
//   ... protect joint.table under JointSharePolicy(a, b) ...
//   v1::ReleaseDecision answer = UnstackAcross(plan, joint, n, d, decision, labels);
#ifndef CELLGATE_SERVER_PIPELINE_CROSS_DATASET_SHARES_H_
#define CELLGATE_SERVER_PIPELINE_CROSS_DATASET_SHARES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellgate/v1/policy.pb.h"
#include "cellgate/v1/query.pb.h"
#include "cellgate/v1/table.pb.h"
#include "policies/table_protector.h"
#include "server/engine/loaded_version.h"

namespace cellgate::pipeline {

struct CrossSharePlan {
  // The query as asked.
  v1::Query query;
  // The query's table on its own dataset, one COUNT: the numerators.
  v1::Query numerator;
  // The same grouping and totals on the denominator dataset, one COUNT,
  // filtered by the denominator's own filters and (after BindDenominator)
  // the query's filters on dimensions that dataset has: the denominators.
  v1::Query denominator;
  // The denominator as the query names it.
  v1::Measure::Denominator spec;
};

// Returns the datasets the measures of `query` name as denominators,
// sorted and distinct (for the access check: each must be granted).
std::vector<std::string> DenominatorDatasets(const v1::Query& query);

// No value if no measure of `query` has a denominator. INVALID_ARGUMENT
// naming the measure or filter if a denominator names no dataset or the
// query's own, two measures name different denominators, a measure with a
// denominator is neither COUNT nor SHARE or also has share_of or a column,
// the query mixes it with SUM, MEAN or share_of shares, has no SHARE over
// it, or a denominator filter names a grouping dimension.
absl::StatusOr<std::optional<CrossSharePlan>> PlanCrossShares(const v1::Query& query);

// Binds `plan` to the two versions: carries each filter of the query to
// the denominator if that dataset has the dimension (a filter on a
// dimension only the query's dataset has restricts the numerator alone).
// INVALID_ARGUMENT naming the dimension if a grouping dimension is not a
// dimension of the denominator dataset, lacks the grouped level there, or
// has other codes or parents (labels may differ) at the grouped level, a
// coarser one, or a finer one a filter uses; likewise for a filtered
// dimension both have, from the filter's level up.
absl::Status BindDenominator(CrossSharePlan& plan, const engine::LoadedVersion& numerator,
                             const engine::LoadedVersion& denominator);

// Returns the policy the joint table is protected under: the numerator's
// policy with every parameter raised to the stricter of both (k and the
// per-dimension k, group disclosure, rounding base, protection levels,
// the unreliable-share base), without perturbation (a perturbed side gets
// its own policy's noise, SetSide). REQUIRES: both validated (defaults
// applied).
v1::DisclosurePolicy JointSharePolicy(const v1::DisclosurePolicy& numerator,
                                      const v1::DisclosurePolicy& denominator);

enum class ShareSide { kNumerator, kDenominator };

// The joint table: the axes of both count tables plus a last split axis,
// the sensitive dimension "_numerator". Nested (every numerator at most its
// denominator: the numerator's units are among the denominator's), the
// split is numerator, rest (denominator − numerator), denominator as
// their total, so the rest is protected too (a share of 100 % or 0 %);
// otherwise numerator and denominator stand side by side.
struct JointTable {
  v1::ComputedTable table;
  bool nested = true;
  int split = 3;
  // The joint cell of `side`'s cell `cell`.
  int Cell(int cell, ShareSide side) const {
    return cell * split + (side == ShareSide::kNumerator ? 0 : split - 1);
  }
};

// Stacks the two count tables. INTERNAL if their axes differ.
absl::StatusOr<JointTable> StackAcross(const v1::ComputedTable& numerators,
                                       const v1::ComputedTable& denominators);

// Returns the constraints on the joint table that the two ledgers' demands
// on their sides' cells make.
policies::LedgerConstraints JointConstraints(const JointTable& joint,
                                             const policies::LedgerConstraints& numerator,
                                             const policies::LedgerConstraints& denominator);

// Returns the decision for `side`'s own table, as its dataset's ledger
// records it: one COUNT per cell with the joint status, the counts, and
// `policy`'s id, version and hash.
v1::ReleaseDecision SideDecision(const JointTable& joint, const v1::ReleaseDecision& decision,
                                 ShareSide side, const v1::DisclosurePolicy& policy);

// Replaces `side`'s cells of the joint `decision` by `released`, that
// side's own count table as its policy releases it by the cell key method
// (TableProtector::Perturb; one cell per cell of the side's table, same
// order): they are then never suppressed, their entries leave the audit,
// and the rule "cell_key" is named. INTERNAL if the sizes differ.
absl::Status SetSide(const JointTable& joint, ShareSide side, const v1::ReleaseDecision& released,
                     v1::ReleaseDecision& decision);

// Returns the joint decision of a share whose two sides are both perturbed:
// the joint table's layout with each side's cells from its own released
// count table (as SetSide) and the rest's cells NOT_APPLICABLE (the rest is
// never shown). INTERNAL if the sizes differ.
absl::StatusOr<v1::ReleaseDecision> JointOfReleasedSides(const JointTable& joint,
                                                         const v1::ReleaseDecision& numerator,
                                                         const v1::ReleaseDecision& denominator);

// What the answer shows besides the figures.
struct CrossShareLabels {
  std::string count;              // e.g. "Anzahl"
  std::string denominator_count;  // e.g. "Anzahl (Bevölkerung mit Hauptwohnsitz)"
  std::string share;              // e.g. "Anteil an Bevölkerung mit Hauptwohnsitz in %"
  // The denominator as counted (version, version hash and policy set).
  v1::Measure::Denominator denominator;
  // The numerator's policy, named in the released table.
  const v1::DisclosurePolicy* policy = nullptr;
  int64_t unreliable_below = 0;
};

// The requester's decision: the query's axes and measures, each cell's
// values from the protected joint table. A share is NOT_APPLICABLE where
// the denominator is 0 or its released figure is below the numerator's.
v1::ReleaseDecision UnstackAcross(const CrossSharePlan& plan, const JointTable& joint,
                                  const v1::ComputedTable& numerators,
                                  const v1::ComputedTable& denominators,
                                  const v1::ReleaseDecision& decision,
                                  const CrossShareLabels& labels);

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_CROSS_DATASET_SHARES_H_
