// The layout shared by the exports that show a table to people (html,
// xlsx, terminal): the last axis across, once per measure (the measure's
// columns side by side), the other axes down, one row per combination of
// their entries, first axis slowest. Cells are found by position
// (TableGrid), not by cell order. Start with PivotLayout. Immutable after
// construction; thread-safe for reading.
#ifndef CELLGATE_CLIENT_EXPORT_PIVOT_LAYOUT_H_
#define CELLGATE_CLIENT_EXPORT_PIVOT_LAYOUT_H_

#include <string>
#include <vector>

#include "cellgate/v1/table.pb.h"
#include "client/export/table_grid.h"

namespace cellgate::client {

// One value column: a measure at an entry of the across axis.
struct PivotColumn {
  int measure = 0;
  int entry = -1;  // of the across axis; -1 if the table has no axis
};

class PivotLayout {
 public:
  // `table` must outlive the layout.
  explicit PivotLayout(const v1::ReleasedTable& table);

  // Returns the axis shown across (the last), or -1 if the table has none.
  int across_axis() const { return across_; }
  // Returns how many axes are shown down: 0 .. across_axis() - 1.
  int down_axes() const { return across_ < 0 ? 0 : across_; }
  // Returns one entry index per down axis for each row.
  const std::vector<std::vector<int>>& rows() const { return rows_; }
  // Returns the value columns, measure by measure.
  const std::vector<PivotColumn>& columns() const { return columns_; }

  // Returns the cell of `row` (an index into rows()) at `column`, or null if
  // the table has none there.
  const v1::ReleasedCell* Cell(size_t row, const PivotColumn& column) const;

  // Returns the label people see for axis `axis`: its label, else its
  // dimension.
  std::string AxisHeading(int axis) const;
  // Returns the label of measure `measure`: its label, else its --measure
  // form ("mean:alter").
  std::string MeasureHeading(int measure) const;
  // Returns the label of `column`'s entry of the across axis ("" without
  // one).
  std::string EntryHeading(const PivotColumn& column) const;
  // Returns one line heading `column`: the entry, prefixed by
  // "<measure>: " when the table has more than one measure; the measure
  // alone without an across axis.
  std::string FlatHeading(const PivotColumn& column) const;

 private:
  const v1::ReleasedTable& table_;  // not owned
  TableGrid grid_;
  int across_ = -1;
  std::vector<std::vector<int>> rows_;
  std::vector<PivotColumn> columns_;
};

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_PIVOT_LAYOUT_H_
