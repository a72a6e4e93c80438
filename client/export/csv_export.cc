#include "client/export/csv_export.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "client/export/provenance.h"
#include "client/export/symbols.h"
#include "client/query_syntax.h"
#include "client/render/number_format.h"
#include "client/render/query_csv.h"
#include "client/render/table_cells.h"

namespace cellgate::client {
namespace {

constexpr absl::string_view kLineEnd = "\r\n";
constexpr absl::string_view kBom = "\xEF\xBB\xBF";

// Appends one ";"-separated line; a field with ";", '"', CR or LF is quoted
// as RFC 4180 says (a decimal comma needs no quotes here).
void AppendLine(const std::vector<std::string>& fields, std::string& out) {
  std::vector<std::string> quoted;
  quoted.reserve(fields.size());
  for (const std::string& field : fields) {
    quoted.push_back(field.find_first_of(";\"\r\n") == std::string::npos ? field : CsvField(field));
  }
  absl::StrAppend(&out, absl::StrJoin(quoted, ";"), kLineEnd);
}

std::string MeasureLabel(const v1::MeasureFacts& m) {
  return m.label().empty() ? FormatMeasure(m.measure()) : m.label();
}

std::string AxisLabel(const v1::Axis& axis) {
  return axis.label().empty() ? axis.dimension() : axis.label();
}

// The figure with a decimal comma and no grouping (Excel groups itself).
std::string GermanPlainNumber(const v1::CellValue& value, const v1::MeasureFacts& measure) {
  return absl::StrReplaceAll(FormatPlainNumber(value.value(), DisplayDecimals(measure)),
                             {{".", ","}});
}

// The value cell shown to people: the figure or the symbol.
std::string ShownValue(const v1::CellValue& value, const v1::MeasureFacts& measure,
                       v1::SymbolSet symbols) {
  const std::string symbol = CellSymbol(value.status(), symbols);
  return symbol.empty() ? GermanPlainNumber(value, measure) : symbol;
}

// The unit column of ffcsv: counts and shares have one, sums and means
// carry the unit of their column, which the table does not know.
std::string ValueUnit(const v1::Measure& measure) {
  switch (measure.kind()) {
    case v1::Measure::COUNT: return "Anzahl";
    case v1::Measure::SHARE: return "Prozent";
    default: return "";
  }
}

std::string EntryText(const v1::ReleasedTable& table, int axis, int entry) {
  return entry < 0 ? "?" : EntryLabel(table.axes(axis).entries(entry));
}

}  // namespace

std::string SpreadsheetText(absl::string_view text) {
  if (!text.empty() && absl::string_view("=+-@\t\r").find(text[0]) != absl::string_view::npos) {
    return absl::StrCat("'", text);
  }
  return std::string(text);
}

std::string ExportCsv(const v1::PulledTable& pulled) {
  const v1::ReleasedTable& t = pulled.response().table();
  return RenderQueryCsv(pulled.response(),
                        {{"table_id", pulled.table().id()},
                         {"release_id", pulled.response().receipt().release_id()},
                         {"dataset", t.dataset()},
                         {"dataset_version", absl::StrCat(t.dataset_version())},
                         {"policy_id", t.policy_id()},
                         {"policy_version", absl::StrCat(t.policy_version())}});
}

std::string ExportCsvDe(const v1::PulledTable& pulled, const ExportOptions& options) {
  const v1::ReleasedTable& t = pulled.response().table();
  std::string out(kBom.data(), kBom.size());
  AppendLine({SpreadsheetText(pulled.table().title())}, out);
  absl::StrAppend(&out, kLineEnd);
  std::vector<std::string> header;
  for (const v1::Axis& axis : t.axes()) header.push_back(SpreadsheetText(AxisLabel(axis)));
  for (const v1::MeasureFacts& m : t.measures()) header.push_back(SpreadsheetText(MeasureLabel(m)));
  AppendLine(header, out);
  for (int i = 0; i < t.cells_size(); ++i) {
    const std::vector<int> entries = EntriesOfCell(t, i);
    std::vector<std::string> row;
    for (int a = 0; a < t.axes_size(); ++a) row.push_back(SpreadsheetText(EntryText(t, a, entries[a])));
    for (int m = 0; m < t.measures_size() && m < t.cells(i).values_size(); ++m) {
      row.push_back(ShownValue(t.cells(i).values(m), t.measures(m), options.symbols));
    }
    AppendLine(row, out);
  }
  absl::StrAppend(&out, kLineEnd);
  AppendLine({"Zeichenerklärung"}, out);
  for (const LegendEntry& e : SymbolLegend(options.symbols)) AppendLine({e.symbol, e.meaning}, out);
  if (!pulled.table().footnotes().empty()) {
    absl::StrAppend(&out, kLineEnd);
    for (const std::string& note : pulled.table().footnotes()) {
      AppendLine({SpreadsheetText(note)}, out);
    }
  }
  absl::StrAppend(&out, kLineEnd);
  if (!options.publisher.empty()) AppendLine({"Quelle", SpreadsheetText(options.publisher)}, out);
  for (const ProvenanceField& f : Provenance(pulled)) AppendLine({f.label, f.value}, out);
  return out;
}

std::string ExportFfcsv(const v1::PulledTable& pulled, const ExportOptions& options) {
  const v1::ReleasedTable& t = pulled.response().table();
  // The first axis is the time axis when it is the manifest's year dimension.
  const bool has_time =
      t.axes_size() > 0 && t.axes(0).dimension() == pulled.table().years().dimension();
  const int first_variable = has_time ? 1 : 0;
  std::vector<std::string> header = {"statistics_code", "statistics_label", "release_id",
                                     "dataset_version", "policy_version",   "time_code",
                                     "time_label",      "time"};
  for (int a = first_variable; a < t.axes_size(); ++a) {
    const std::string n = absl::StrCat(a - first_variable + 1, "_variable_");
    for (const char* part : {"code", "label", "attribute_code", "attribute_label"}) {
      header.push_back(absl::StrCat(n, part));
    }
  }
  header.insert(header.end(),
                {"value_variable_code", "value_variable_label", "value", "value_unit", "value_q"});
  std::string out;
  AppendLine(header, out);
  for (int i = 0; i < t.cells_size(); ++i) {
    const std::vector<int> entries = EntriesOfCell(t, i);
    const v1::ReleasedCell& cell = t.cells(i);
    std::vector<std::string> prefix = {
        pulled.table().id(), pulled.table().title(), pulled.response().receipt().release_id(),
        absl::StrCat(t.dataset(), "@", t.dataset_version()),
        absl::StrCat(t.policy_id(), "@", t.policy_version())};
    if (has_time) {
      prefix.insert(prefix.end(), {t.axes(0).dimension(), AxisLabel(t.axes(0)),
                                   cell.codes_size() > 0 ? cell.codes(0) : ""});
    } else {
      prefix.insert(prefix.end(), {"", "", ""});
    }
    for (int a = first_variable; a < t.axes_size(); ++a) {
      prefix.insert(prefix.end(), {t.axes(a).dimension(), AxisLabel(t.axes(a)),
                                   a < cell.codes_size() ? cell.codes(a) : "",
                                   EntryText(t, a, entries[a])});
    }
    for (int m = 0; m < t.measures_size() && m < cell.values_size(); ++m) {
      const v1::CellValue& v = cell.values(m);
      const std::string symbol = CellSymbol(v.status(), options.symbols);
      std::vector<std::string> line = prefix;
      line.insert(line.end(),
                  {FormatMeasure(t.measures(m).measure()), MeasureLabel(t.measures(m)),
                   symbol.empty() ? GermanPlainNumber(v, t.measures(m)) : "",
                   ValueUnit(t.measures(m).measure()), symbol});
      AppendLine(line, out);
    }
  }
  return out;
}

}  // namespace cellgate::client
