// Computes the exact table of a query over a loaded version: validates the
// query against the schema, builds the axes (leaves, hierarchy subtotals,
// total), checks the cell count before touching any row, then aggregates the
// leaf cells in one pass (leaf_scan.h, split over threads for large
// versions) and derives every margin and subtotal from the leaves.
// Knows nothing of policies. Thread-safe (pure function).
#ifndef CELLGATE_SERVER_ENGINE_TABLE_COMPUTER_H_
#define CELLGATE_SERVER_ENGINE_TABLE_COMPUTER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "cellgate/v1/query.pb.h"
#include "cellgate/v1/table.pb.h"
#include "server/engine/loaded_version.h"

namespace cellgate::engine {

struct ComputeLimits {
  int64_t max_cells = 50000;
  int max_dimensions = 4;
  int max_measures = 8;
  int max_filter_codes = 1000;
  // Also compute each cell's key for the cell key method (needs record
  // keys in the version; else cell_key stays empty). Off by default: it
  // costs one addition per row.
  bool cell_keys = false;
  // Compute each SUM/MEAN cell's largest and second largest record value
  // (MeasureFacts.largest / second_largest, for the magnitude rules). A
  // caller whose policy has no magnitude rule turns this off: without it
  // both stay empty and the scan does less per row.
  bool largest_contributions = true;
  // Most threads one scan may use; 0: one per core. Each thread takes at
  // least `min_rows_per_scan_thread` rows. The table is the same for every
  // thread count.
  int scan_threads = 0;
  int64_t min_rows_per_scan_thread = int64_t{1} << 19;
};

// Returns the table for `query` (its dataset/version/purpose fields are
// ignored: the caller resolved the version). INVALID_ARGUMENT naming the bad
// dimension, level, code, measure or limit; OUT_OF_RANGE if a sum overflows.
// Deterministic: equal inputs give byte-identical tables. With
// `limits.cell_keys` and record keys in the version, each cell also gets
// its cell key (the sum of its records' keys mod 2^32), computed in the
// same pass as the counts. A SUM or MEAN of a column with a contributor
// also gets its contributor facts (contributor_facts.h).
//
// Axis order: the leaf entries of the grouping level (schema order), then
// each coarser level's subtotal entries if `subtotals`, then "_T"
// ("Insgesamt") if `totals`; every entry's `parent` points further along
// the axis.
absl::StatusOr<v1::ComputedTable> ComputeTable(const LoadedVersion& version,
                                               const v1::Query& query,
                                               const ComputeLimits& limits);

}  // namespace cellgate::engine

#endif  // CELLGATE_SERVER_ENGINE_TABLE_COMPUTER_H_
