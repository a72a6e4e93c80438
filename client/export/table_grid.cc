#include "client/export/table_grid.h"

#include "client/render/table_cells.h"

namespace cellgate::client {

TableGrid::TableGrid(const v1::ReleasedTable& table) : table_(table) {
  for (int i = 0; i < table.cells_size(); ++i) cells_.emplace(EntriesOfCell(table, i), i);
}

const v1::ReleasedCell* TableGrid::Cell(const std::vector<int>& entries) const {
  auto it = cells_.find(entries);
  return it == cells_.end() ? nullptr : &table_.cells(it->second);
}

int TableGrid::TotalEntry(int axis) const {
  if (axis < 0 || axis >= table_.axes_size()) return -1;
  const v1::Axis& a = table_.axes(axis);
  for (int e = 0; e < a.entries_size(); ++e) {
    if (a.entries(e).is_total()) return e;
  }
  return -1;
}

std::vector<int> TableGrid::NonTotalEntries(int axis) const {
  std::vector<int> entries;
  if (axis < 0 || axis >= table_.axes_size()) return entries;
  const v1::Axis& a = table_.axes(axis);
  for (int e = 0; e < a.entries_size(); ++e) {
    if (!a.entries(e).is_total()) entries.push_back(e);
  }
  return entries;
}

}  // namespace cellgate::client
