// The engine's contributor pass: for every SUM or MEAN measure whose column
// names a contributor (ColumnSchema.contributor), per cell of the full
// table (leaves, hierarchy subtotals, totals) the number of distinct
// contributors and the largest and second largest contributor total, the
// facts the magnitude rules need when records are not the contributors.
// A pass of its own over the rows, run only for queries with such a
// measure. Internal to the engine; a pure function, thread-safe.
#ifndef CELLGATE_SERVER_ENGINE_CONTRIBUTOR_FACTS_H_
#define CELLGATE_SERVER_ENGINE_CONTRIBUTOR_FACTS_H_

#include "absl/status/status.h"
#include "cellgate/v1/table.pb.h"
#include "server/engine/loaded_version.h"
#include "server/engine/query_plan.h"

namespace cellgate::engine {

// Sets `contributors`, `largest_contributor` and `second_largest_contributor`
// of each measure of `table` (computed for `plan` on `version`) whose column
// has a contributor; returns at once, touching nothing, if none has. A
// margin's facts come from its records, not from its parts' tops.
// OUT_OF_RANGE if a contributor total overflows 64 bits or the version has
// 2^32 rows or more; INTERNAL if `table` does not match `plan`.
absl::Status AddContributorFacts(const LoadedVersion& version, const QueryPlan& plan,
                                 v1::ComputedTable& table);

}  // namespace cellgate::engine

#endif  // CELLGATE_SERVER_ENGINE_CONTRIBUTOR_FACTS_H_
