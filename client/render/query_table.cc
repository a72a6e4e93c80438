#include "client/render/query_table.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/query_syntax.h"
#include "client/render/number_format.h"
#include "client/render/table_cells.h"
#include "client/render/text_table.h"

namespace cellgate::client {
namespace {

// Digits of a version hash shown in the footer.
constexpr size_t kShortHash = 12;

std::string DimensionCell(const v1::Axis& axis, int index) {
  if (index < 0) return "?";
  return absl::StrCat(std::string(2 * EntryDepth(axis, index), ' '),
                      EntryLabel(axis.entries(index)));
}

std::string Footer(const v1::QueryResponse& response, const std::set<v1::CellStatus>& statuses) {
  const v1::ReleasedTable& table = response.table();
  std::string out = "\n";
  absl::StrAppend(&out, "release  ", response.receipt().release_id(), "\n");
  absl::StrAppend(&out, "dataset  ", table.dataset(), "@", table.dataset_version(), " (",
                  table.dataset_version_hash().substr(0, kShortHash), ")\n");
  absl::StrAppend(&out, "policy   ", table.policy_id(), " v", table.policy_version(), "\n");
  absl::StrAppend(&out, "receipt  seq ", response.receipt().seq(), "\n");
  const char* heading = "legend   ";
  // DIN 55301 order; "?" last.
  for (v1::CellStatus s : {v1::SUPPRESSED, v1::ZERO, v1::NOT_APPLICABLE, v1::UNRELIABLE,
                           v1::CELL_STATUS_UNSPECIFIED}) {
    if (statuses.count(s) == 0) continue;
    absl::StrAppend(&out, heading, StatusSymbol(s), " ", SymbolMeaning(s), "\n");
    heading = "         ";
  }
  return out;
}

}  // namespace

std::string FormatCellValue(const v1::CellValue& value, const v1::MeasureFacts& measure) {
  const std::string symbol = StatusSymbol(value.status());
  if (!symbol.empty()) return symbol;
  return FormatGermanNumber(value.value(), DisplayDecimals(measure));
}

std::string RenderQueryTable(const v1::QueryResponse& response) {
  const v1::ReleasedTable& table = response.table();
  TextTable text;
  for (const v1::Axis& axis : table.axes()) {
    text.AddColumn(axis.label().empty() ? axis.dimension() : axis.label());
  }
  for (const v1::MeasureFacts& m : table.measures()) {
    text.AddColumn(m.label().empty() ? FormatMeasure(m.measure()) : m.label(),
                   TextTable::Align::kRight);
  }
  std::set<v1::CellStatus> statuses;  // those that appear, for the legend
  for (int i = 0; i < table.cells_size(); ++i) {
    const v1::ReleasedCell& cell = table.cells(i);
    const std::vector<int> entries = EntriesOfCell(table, i);
    std::vector<std::string> row;
    for (int a = 0; a < table.axes_size(); ++a) {
      row.push_back(DimensionCell(table.axes(a), entries[a]));
    }
    for (int m = 0; m < table.measures_size(); ++m) {
      if (m >= cell.values_size()) break;
      row.push_back(FormatCellValue(cell.values(m), table.measures(m)));
      const v1::CellStatus status = cell.values(m).status();
      statuses.insert(StatusSymbol(status) == "?" ? v1::CELL_STATUS_UNSPECIFIED : status);
    }
    text.AddRow(std::move(row));
  }
  return absl::StrCat(text.Render(), Footer(response, statuses));
}

}  // namespace cellgate::client
