// Shares (Measure SHARE): a share publishes its numerator and denominator
// as surely as if both were counts (share × count = numerator), so both are
// protected together. The counts of the query (denominators) and of the
// query restricted to the numerator's condition are stacked into one table
// with a last axis on the numerator's dimension (numerator codes, the other
// codes, total); the disclosure policies and the release ledger protect
// that table, and the requester's table is built back from it: a share is
// published only where both of its counts are. Pure; thread-safe.
//
//   ASSIGN_OR_RETURN(std::optional<SharePlan> plan, PlanShares(query));
//   ... compute plan->counts with and without plan->share_of as a filter ...
//   ASSIGN_OR_RETURN(v1::ComputedTable stacked, StackShares(*version, *plan, d, n));
//   ... protect `stacked` ...
//   v1::ReleaseDecision answer = UnstackShares(query, d, n, protected_stack);
#ifndef CELLGATE_SERVER_PIPELINE_SHARE_TABLES_H_
#define CELLGATE_SERVER_PIPELINE_SHARE_TABLES_H_

#include <optional>

#include "absl/status/statusor.h"
#include "cellgate/v1/query.pb.h"
#include "cellgate/v1/table.pb.h"
#include "server/engine/loaded_version.h"

namespace cellgate::pipeline {

struct SharePlan {
  // The query with one COUNT measure: its table holds the denominators;
  // with `share_of` added as a filter, the numerators.
  v1::Query counts;
  v1::Filter share_of;
};

// No value if `query` has no SHARE measure. INVALID_ARGUMENT if a share
// has no condition, if the query mixes shares with SUM or MEAN or uses two
// different conditions, or if it groups by the condition's dimension.
absl::StatusOr<std::optional<SharePlan>> PlanShares(const v1::Query& query);

// Stacks the two count tables (same axes) with the split axis last.
// INVALID_ARGUMENT for an unknown dimension or level of the condition;
// INTERNAL if the tables do not fit together.
absl::StatusOr<v1::ComputedTable> StackShares(const engine::LoadedVersion& version,
                                              const SharePlan& plan,
                                              const v1::ComputedTable& denominators,
                                              const v1::ComputedTable& numerators);

// Returns the released share of a cell from the released values of its
// numerator (`part`) and denominator (`whole`) counts and their exact
// record counts: NOT_APPLICABLE if the denominator is empty; SUPPRESSED if
// either count is; from the released figures if either is inexact
// (rounded or perturbed, also a non-empty part shown as 0: an exact ratio
// would give the count away); else the exact
// percentage, UNRELIABLE below `unreliable_below` records (0: never). With
// `part_within_whole` (a numerator that nests in its denominator), a share
// from inexact figures is capped at 100 %; without it, it is left as it is.
v1::CellValue ShareValue(const v1::CellValue& part, const v1::CellValue& whole, int64_t exact_part,
                         int64_t exact_whole, int64_t unreliable_below, bool part_within_whole);

// The requester's decision: the axes of the denominators, the query's
// measures, and each cell's values from the protected stack. A published
// share with fewer than `unreliable_below` records in its denominator is
// UNRELIABLE (0: never).
v1::ReleaseDecision UnstackShares(const v1::Query& query, const v1::ComputedTable& denominators,
                                  const v1::ComputedTable& numerators,
                                  const v1::ReleaseDecision& stacked, int64_t unreliable_below);

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_SHARE_TABLES_H_
