// Counts the records of a loaded version per cell of a partition given as
// one code -> block map per dimension (the atoms of the release ledger):
// cell = Σ block_of[code] * stride. One pass over the participating columns.
// Pure; thread-safe.
#ifndef CELLGATE_SERVER_ENGINE_PARTITION_COUNTER_H_
#define CELLGATE_SERVER_ENGINE_PARTITION_COUNTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "server/engine/loaded_version.h"

namespace cellgate::engine {

struct CodePartition {
  std::string dimension;
  // Per finest code of the dimension: its block.
  std::vector<int32_t> block_of;
  int64_t stride = 1;
};

// Returns the record count of each of `cells` cells. INVALID_ARGUMENT if a
// dimension is unknown, a map does not cover every finest code, or a cell
// index would fall outside [0, cells).
absl::StatusOr<std::vector<int64_t>> CountByPartition(const LoadedVersion& version,
                                                      absl::Span<const CodePartition> partition,
                                                      int64_t cells);

}  // namespace cellgate::engine

#endif  // CELLGATE_SERVER_ENGINE_PARTITION_COUNTER_H_
