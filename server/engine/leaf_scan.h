// The one pass over a version's rows that a table needs: every row is
// added into its leaf cell (count, cell key, per measure the sum and, if
// asked, the two largest values). Margins are derived from the leaves
// afterwards (table_computer.cc). The rows may be split over threads, each
// with its own accumulators, merged in a fixed order with exact integer
// arithmetic, so the result does not depend on the thread count
// (docs/adr/0012-scan-at-memory-speed.md). Internal. Thread-safe (pure).
#ifndef CELLGATE_SERVER_ENGINE_LEAF_SCAN_H_
#define CELLGATE_SERVER_ENGINE_LEAF_SCAN_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "server/engine/loaded_version.h"
#include "server/engine/query_plan.h"

namespace cellgate::engine {

// "No value yet" in the largest/second accumulators.
inline constexpr int64_t kNoValue = INT64_MIN;

// Per-measure accumulators over some cell space. `largest` and `second`
// are empty unless the two largest values were asked for.
struct ValueAccumulators {
  std::vector<int64_t> sum, largest, second;
};

struct LeafCells {
  std::vector<int64_t> counts;   // plan.leaf_cells
  std::vector<uint32_t> keys;    // plan.leaf_cells, or empty without keys
  // By plan measure; empty accumulators for COUNT.
  std::vector<ValueAccumulators> values;
};

struct LeafScanOptions {
  // Sum the record keys (the version must have them).
  bool keys = false;
  // Keep each cell's two largest values per measure.
  bool largest = false;
  // Threads to split the rows over (1 = the calling thread only).
  int threads = 1;
  // Largest product of the scanned dimensions' code counts for which a row
  // takes one table lookup (16 KiB of table: it stays in L1); above it,
  // one lookup per dimension. The result is the same.
  int64_t max_product_cells = 4096;
  // Lets the fused passes keep a cell's count and first sum in one 64-bit
  // word where both fit (ADR 0012); the result is the same.
  bool pack_counts_and_sums = true;
};

// Returns the number of threads a scan of `rows` rows uses when at most
// `limit` are allowed (0: as many as the machine has cores) and each takes
// at least `min_rows` rows (below some 10^5 rows a thread costs more than
// it saves).
int ScanThreadsFor(int64_t rows, int limit, int64_t min_rows);

// Scans every row of `version` into the leaf cells of `plan`. OUT_OF_RANGE
// if a leaf's sum exceeds the range of int64 (sums are exact: the result
// does not depend on row order or threads).
absl::StatusOr<LeafCells> ScanLeaves(const LoadedVersion& version, const QueryPlan& plan,
                                     const LeafScanOptions& options);

}  // namespace cellgate::engine

#endif  // CELLGATE_SERVER_ENGINE_LEAF_SCAN_H_
