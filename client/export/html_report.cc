#include "client/export/html_report.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/export/pivot_layout.h"
#include "client/export/provenance.h"
#include "client/export/symbols.h"
#include "client/export/table_grid.h"
#include "client/query_syntax.h"
#include "client/render/number_format.h"
#include "client/render/table_cells.h"

namespace cellgate::client {
namespace {

// Lines beyond this many series would be unreadable.
constexpr size_t kMaxSeries = 8;

constexpr char kStyle[] = R"css(
body{font-family:sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2.5em;border-top:1px solid #ccc;padding-top:1em}
svg{width:100%;height:auto;max-width:720px}svg text{font-size:11px;fill:#333}
svg .grid{stroke:#ddd}svg .gap{fill:#b00;font-weight:bold;font-size:13px}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.15em .5em}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.sym{text-align:right;color:#b00}.missing{color:#b00}.caption,.notes,.legend{font-size:.85em;color:#555}
dl.prov{font-size:.75em;color:#555;display:grid;grid-template-columns:max-content auto;gap:0 1em}
dl.prov dd{margin:0;font-family:monospace;word-break:break-all}
)css";

std::string AxisLabel(const v1::Axis& axis) {
  return axis.label().empty() ? axis.dimension() : axis.label();
}

// The value of measure 0 at `entries` as a chart point.
ChartPoint PointAt(const TableGrid& grid, const std::vector<int>& entries,
                   v1::SymbolSet symbols) {
  const v1::ReleasedCell* cell = grid.Cell(entries);
  if (cell == nullptr || cell->values_size() == 0) return {std::nullopt, "?"};
  const v1::CellValue& v = cell->values(0);
  const std::string symbol = CellSymbol(v.status(), symbols);
  if (!symbol.empty()) return {std::nullopt, symbol};
  return {v.value(), ""};
}

std::string Label(const v1::ReleasedTable& t, int axis, int entry) {
  return EntryLabel(t.axes(axis).entries(entry));
}

std::string ValueCell(const v1::ReleasedCell* cell, int m, const v1::MeasureFacts& measure,
                      v1::SymbolSet symbols) {
  if (cell == nullptr || m >= cell->values_size()) return "<td class=\"sym\">?</td>";
  const v1::CellValue& v = cell->values(m);
  const std::string symbol = CellSymbol(v.status(), symbols);
  if (!symbol.empty()) {
    return absl::StrCat("<td class=\"sym\" title=\"", HtmlEscape(StatusName(v.status())), "\">",
                        HtmlEscape(symbol), "</td>");
  }
  return absl::StrCat("<td class=\"n\">",
                      FormatGermanNumber(v.value(), DisplayDecimals(measure)), "</td>");
}

// The table pivoted (pivot_layout.h): the last axis (times the measures)
// across, the others down.
std::string DataTable(const v1::ReleasedTable& t, v1::SymbolSet symbols) {
  const PivotLayout layout(t);
  std::string out = "<table>\n<thead><tr>";
  for (int a = 0; a < layout.down_axes(); ++a) {
    absl::StrAppend(&out, "<th>", HtmlEscape(layout.AxisHeading(a)), "</th>");
  }
  for (const PivotColumn& column : layout.columns()) {
    absl::StrAppend(&out, "<th>", HtmlEscape(layout.FlatHeading(column)), "</th>");
  }
  out += "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < layout.rows().size(); ++r) {
    out += "<tr>";
    for (int a = 0; a < layout.down_axes(); ++a) {
      absl::StrAppend(&out, "<th>", HtmlEscape(Label(t, a, layout.rows()[r][a])), "</th>");
    }
    for (const PivotColumn& column : layout.columns()) {
      absl::StrAppend(&out, ValueCell(layout.Cell(r, column), column.measure,
                                      t.measures(column.measure), symbols));
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
  return out;
}

std::string Legend(v1::SymbolSet symbols) {
  std::vector<std::string> parts;
  for (const LegendEntry& e : SymbolLegend(symbols)) {
    parts.push_back(absl::StrCat("<b>", HtmlEscape(e.symbol), "</b> ", HtmlEscape(e.meaning)));
  }
  return absl::StrCat("<p class=\"legend\">Zeichenerklärung: ", absl::StrJoin(parts, "; "),
                      "</p>\n");
}

std::string ProvenanceList(const v1::PulledTable& pulled) {
  std::string out = "<dl class=\"prov\">";
  for (const ProvenanceField& f : Provenance(pulled)) {
    absl::StrAppend(&out, "<dt>", HtmlEscape(f.label), "</dt><dd>", HtmlEscape(f.value), "</dd>");
  }
  return out + "</dl>\n";
}

std::string Section(const ReportEntry& entry, int number, const ExportOptions& options) {
  const v1::ManifestTable& spec = entry.table;
  std::string out = absl::StrCat("<section id=\"t-", HtmlEscape(spec.id()), "\">\n<h2>", number,
                                 ". ", HtmlEscape(spec.title()), "</h2>\n");
  if (entry.pulled == nullptr) {
    absl::StrAppend(&out, "<p class=\"missing\">Nicht verfügbar: ",
                    HtmlEscape(entry.missing_reason), "</p>\n</section>\n");
    return out;
  }
  std::string caption;
  if (std::optional<ChartData> chart = ChartOf(*entry.pulled, options.symbols, caption)) {
    absl::StrAppend(&out, RenderSvgChart(*chart), "\n<p class=\"caption\">",
                    HtmlEscape(caption), "</p>\n");
  }
  absl::StrAppend(&out, "<details><summary>Tabelle</summary>\n",
                  DataTable(entry.pulled->response().table(), options.symbols), "</details>\n");
  if (!spec.footnotes().empty()) {
    out += "<ul class=\"notes\">";
    for (const std::string& note : spec.footnotes()) absl::StrAppend(&out, "<li>", HtmlEscape(note), "</li>");
    out += "</ul>\n";
  }
  absl::StrAppend(&out, Legend(options.symbols), ProvenanceList(*entry.pulled), "</section>\n");
  return out;
}

}  // namespace

std::optional<ChartData> ChartOf(const v1::PulledTable& pulled, v1::SymbolSet symbols,
                                 std::string& caption) {
  const v1::ManifestTable& spec = pulled.table();
  const v1::ReleasedTable& t = pulled.response().table();
  if (spec.chart() == v1::CHART_NONE || t.cells().empty() || t.measures().empty()) {
    return std::nullopt;
  }
  const TableGrid grid(t);
  const int year_axis =
      t.axes_size() > 0 && t.axes(0).dimension() == spec.years().dimension() ? 0 : -1;
  const std::vector<int> years = grid.NonTotalEntries(year_axis);
  int dim_axis = -1;
  for (int a = 0; a < t.axes_size() && dim_axis < 0; ++a) {
    if (a != year_axis) dim_axis = a;
  }
  ChartData chart;
  chart.title = spec.title();
  const bool lines = spec.chart() == v1::CHART_LINE ||
                     (spec.chart() == v1::CHART_AUTO && years.size() > 1);
  chart.kind = lines && year_axis >= 0 ? ChartData::Kind::kLine : ChartData::Kind::kBar;
  // Every axis that does not vary sits at its total (or its first entry).
  std::vector<int> fixed(t.axes_size());
  for (int a = 0; a < t.axes_size(); ++a) fixed[a] = std::max(grid.TotalEntry(a), 0);
  if (year_axis >= 0 && !years.empty()) fixed[year_axis] = years.back();
  const int x_axis = chart.kind == ChartData::Kind::kLine ? year_axis
                     : dim_axis >= 0                      ? dim_axis
                                                          : year_axis;
  const int series_axis = chart.kind == ChartData::Kind::kLine ? dim_axis : -1;
  const std::vector<int> xs = grid.NonTotalEntries(x_axis);
  for (int x : xs) chart.categories.push_back(Label(t, x_axis, x));
  std::vector<int> series = {-1};
  std::string shown_series;
  if (series_axis >= 0) {
    series = grid.NonTotalEntries(series_axis);
    if (series.size() > kMaxSeries) {
      shown_series = absl::StrCat(" (die ersten ", kMaxSeries, " von ", series.size(), ")");
      series.resize(kMaxSeries);
    }
  }
  for (int s : series) {
    ChartSeries cs;
    cs.label = s >= 0 ? Label(t, series_axis, s) : "Insgesamt";
    for (int x : xs) {
      std::vector<int> entries = fixed;
      entries[x_axis] = x;
      if (s >= 0) entries[series_axis] = s;
      cs.points.push_back(PointAt(grid, entries, symbols));
    }
    chart.series.push_back(std::move(cs));
  }
  const v1::MeasureFacts& m = t.measures(0);
  std::vector<std::string> parts = {m.label().empty() ? FormatMeasure(m.measure()) : m.label()};
  for (int a = 0; a < t.axes_size(); ++a) {
    if (a == x_axis || a == series_axis) continue;
    parts.push_back(absl::StrCat(AxisLabel(t.axes(a)), ": ", Label(t, a, fixed[a])));
  }
  if (series_axis >= 0) {
    parts.push_back(absl::StrCat("Linien: ", AxisLabel(t.axes(series_axis)), shown_series));
  }
  caption = absl::StrCat("Dargestellt: ", absl::StrJoin(parts, "; "));
  return chart;
}

std::string RenderHtmlReport(const std::vector<ReportEntry>& entries,
                             const ExportOptions& options) {
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n",
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      HtmlEscape(options.manifest_title), "</title>\n<style>", kStyle, "</style>\n</head>\n<body>\n",
      "<header><h1>", HtmlEscape(options.manifest_title), "</h1>\n");
  if (!options.publisher.empty()) absl::StrAppend(&out, "<p>", HtmlEscape(options.publisher), "</p>\n");
  out += "</header>\n<nav><ol>\n";
  for (const ReportEntry& e : entries) {
    absl::StrAppend(&out, "<li><a href=\"#t-", HtmlEscape(e.table.id()), "\">",
                    HtmlEscape(e.table.title()), "</a></li>\n");
  }
  out += "</ol></nav>\n";
  for (size_t i = 0; i < entries.size(); ++i) absl::StrAppend(&out, Section(entries[i], i + 1, options));
  absl::StrAppend(&out, "<footer>", Legend(options.symbols), "<p class=\"notes\">Manifest ",
                  HtmlEscape(options.manifest_id),
                  "; jede Zahl ist über ihre Release-ID im Freigabeprotokoll nachprüfbar.</p>",
                  "</footer>\n</body>\n</html>\n");
  return out;
}

}  // namespace cellgate::client
