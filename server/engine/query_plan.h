// The validated form of a query against one loaded version: the axes with
// their entries and, per dimension, the map from finest code to leaf
// position (or "excluded"). Internal to the engine. Not thread-safe.
#ifndef CELLGATE_SERVER_ENGINE_QUERY_PLAN_H_
#define CELLGATE_SERVER_ENGINE_QUERY_PLAN_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "cellgate/v1/query.pb.h"
#include "cellgate/v1/table.pb.h"
#include "server/engine/loaded_version.h"
#include "server/engine/table_computer.h"

namespace cellgate::engine {

// A dimension that takes part in the scan: grouped, filtered or both.
struct ScanDimension {
  const DimensionLevels* dimension = nullptr;
  // finest code -> leaf offset (position * stride), or leaf_cells for a
  // code the filters exclude: a row's offsets add up to its leaf, or to at
  // least leaf_cells if any of its codes is excluded.
  std::vector<uint32_t> offset_of;
};

struct MeasurePlan {
  v1::Measure measure;
  const MeasureColumn* column = nullptr;  // null for COUNT
};

struct QueryPlan {
  std::vector<v1::Axis> axes;
  std::vector<int> leaf_counts;       // per axis: leaf entries come first
  int64_t leaf_cells = 1;
  int64_t cells = 1;
  std::vector<ScanDimension> scan;
  std::vector<MeasurePlan> measures;
  std::vector<std::string> sensitive_dimensions;  // sorted
};

// Validates `query` and builds the plan; checks the cell limit.
absl::StatusOr<QueryPlan> PlanQuery(const LoadedVersion& version, const v1::Query& query,
                                    const ComputeLimits& limits);

}  // namespace cellgate::engine

#endif  // CELLGATE_SERVER_ENGINE_QUERY_PLAN_H_
