#include "client/render/query_csv.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/query_syntax.h"
#include "client/render/number_format.h"
#include "client/render/table_cells.h"

namespace cellgate::client {
namespace {

constexpr absl::string_view kLineEnd = "\r\n";

void AppendLine(const std::vector<std::string>& fields, std::string& out) {
  std::vector<std::string> quoted;
  quoted.reserve(fields.size());
  for (const std::string& field : fields) quoted.push_back(CsvField(field));
  absl::StrAppend(&out, absl::StrJoin(quoted, ","), kLineEnd);
}

}  // namespace

// Means get up to 6 decimals, without trailing zeros.
std::string PlainValueText(const v1::CellValue& value, const v1::MeasureFacts& measure) {
  if (!CarriesValue(value.status())) return "";
  if (measure.measure().kind() != v1::Measure::MEAN) {
    return FormatPlainNumber(value.value(), DisplayDecimals(measure));
  }
  std::string text = FormatPlainNumber(value.value(), 6);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string CsvField(absl::string_view field) {
  if (field.find_first_of(",;\"\r\n") == absl::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string RenderQueryCsv(const v1::QueryResponse& response,
                           const std::vector<std::pair<std::string, std::string>>& leading) {
  const v1::ReleasedTable& table = response.table();
  std::vector<std::string> header;
  for (const auto& [name, value] : leading) header.push_back(name);
  for (const v1::Axis& axis : table.axes()) header.push_back(axis.dimension());
  for (const v1::Axis& axis : table.axes())
    header.push_back(absl::StrCat(axis.dimension(), "_label"));
  header.insert(header.end(), {"measure", "value", "status"});
  std::string out;
  AppendLine(header, out);
  for (int i = 0; i < table.cells_size(); ++i) {
    const v1::ReleasedCell& cell = table.cells(i);
    const std::vector<int> entries = EntriesOfCell(table, i);
    std::vector<std::string> prefix;
    for (const auto& [name, value] : leading) prefix.push_back(value);
    for (int a = 0; a < table.axes_size(); ++a) {
      prefix.push_back(a < cell.codes_size() ? cell.codes(a) : "");
    }
    for (int a = 0; a < table.axes_size(); ++a) {
      prefix.push_back(entries[a] >= 0 ? EntryLabel(table.axes(a).entries(entries[a])) : "");
    }
    for (int m = 0; m < table.measures_size() && m < cell.values_size(); ++m) {
      std::vector<std::string> line = prefix;
      line.push_back(FormatMeasure(table.measures(m).measure()));
      line.push_back(PlainValueText(cell.values(m), table.measures(m)));
      line.push_back(StatusName(cell.values(m).status()));
      AppendLine(line, out);
    }
  }
  return out;
}

}  // namespace cellgate::client
