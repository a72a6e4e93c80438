#include "client/export/pivot_layout.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/query_syntax.h"
#include "client/render/table_cells.h"

namespace cellgate::client {

PivotLayout::PivotLayout(const v1::ReleasedTable& table)
    : table_(table), grid_(table), across_(table.axes_size() - 1) {
  // The cartesian product of the down axes' entries, first axis slowest.
  rows_ = {{}};
  for (int a = 0; a < down_axes(); ++a) {
    std::vector<std::vector<int>> next;
    for (const std::vector<int>& row : rows_) {
      for (int e = 0; e < table.axes(a).entries_size(); ++e) {
        next.push_back(row);
        next.back().push_back(e);
      }
    }
    rows_ = std::move(next);
  }
  const int entries = across_ >= 0 ? table.axes(across_).entries_size() : 1;
  for (int m = 0; m < table.measures_size(); ++m) {
    for (int e = 0; e < entries; ++e) columns_.push_back({m, across_ >= 0 ? e : -1});
  }
}

const v1::ReleasedCell* PivotLayout::Cell(size_t row, const PivotColumn& column) const {
  if (row >= rows_.size()) return nullptr;
  std::vector<int> entries = rows_[row];
  if (across_ >= 0) entries.push_back(column.entry);
  return grid_.Cell(entries);
}

std::string PivotLayout::AxisHeading(int axis) const {
  const v1::Axis& a = table_.axes(axis);
  return a.label().empty() ? a.dimension() : a.label();
}

std::string PivotLayout::MeasureHeading(int measure) const {
  const v1::MeasureFacts& m = table_.measures(measure);
  return m.label().empty() ? FormatMeasure(m.measure()) : m.label();
}

std::string PivotLayout::EntryHeading(const PivotColumn& column) const {
  if (across_ < 0 || column.entry < 0) return "";
  return EntryLabel(table_.axes(across_).entries(column.entry));
}

std::string PivotLayout::FlatHeading(const PivotColumn& column) const {
  if (across_ < 0) return MeasureHeading(column.measure);
  if (table_.measures_size() > 1) {
    return absl::StrCat(MeasureHeading(column.measure), ": ", EntryHeading(column));
  }
  return EntryHeading(column);
}

}  // namespace cellgate::client
