// Looks up the cells of a released table by position: one entry index per
// axis. The exporters that lay a table out (charts, pivoted HTML tables) use
// it instead of relying on the cell order. Start with TableGrid. Immutable
// after construction; thread-safe for reading.
#ifndef CELLGATE_CLIENT_EXPORT_TABLE_GRID_H_
#define CELLGATE_CLIENT_EXPORT_TABLE_GRID_H_

#include <map>
#include <vector>

#include "cellgate/v1/table.pb.h"

namespace cellgate::client {

class TableGrid {
 public:
  // `table` must outlive the grid.
  explicit TableGrid(const v1::ReleasedTable& table);

  // Returns the cell at `entries` (one entry index per axis), or null if the
  // table has no such cell.
  const v1::ReleasedCell* Cell(const std::vector<int>& entries) const;

  // Returns the index of the total entry of axis `axis`, or -1.
  int TotalEntry(int axis) const;

  // Returns the indices of the entries of axis `axis` that are not totals.
  std::vector<int> NonTotalEntries(int axis) const;

 private:
  const v1::ReleasedTable& table_;  // not owned
  std::map<std::vector<int>, int> cells_;
};

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_TABLE_GRID_H_
