// The policy's query shape rules that need no data: forbidden dimension
// combinations and the dimensions a query may filter by. (The maximum
// dimensions and cells are checked by the engine before it computes; the
// minimum population by the pipeline, which counts it.) Pure; thread-safe.
//
//   RETURN_IF_ERROR(CheckQueryShape(policy.shape(), query));
#ifndef CELLGATE_POLICIES_QUERY_SHAPE_H_
#define CELLGATE_POLICIES_QUERY_SHAPE_H_

#include "absl/status/status.h"
#include "cellgate/v1/policy.pb.h"
#include "cellgate/v1/query.pb.h"

namespace cellgate::policies {

// INVALID_ARGUMENT naming the rule the query breaks: a forbidden
// combination it uses entirely (grouped or filtered), with the policy's
// reason, or a filter on a dimension the policy does not list as
// filterable.
absl::Status CheckQueryShape(const v1::QueryShape& shape, const v1::Query& query);

// The message of a query whose filters leave fewer than `minimum` records
// (FAILED_PRECONDITION); it names the policy's minimum, never the count.
absl::Status PopulationBelowMinimum(int64_t minimum);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_QUERY_SHAPE_H_
