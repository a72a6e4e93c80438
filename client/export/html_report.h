// The html export: one self-contained report page for all tables of a pull,
// each with an inline SVG chart (bars, or lines over the years), the table
// itself with withheld cells shown as their symbol, footnotes, the legend
// and the provenance of the release. No scripts, no external resources;
// every text from the manifest or the server is escaped. Start with
// RenderHtmlReport. Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_HTML_REPORT_H_
#define CELLGATE_CLIENT_EXPORT_HTML_REPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "cellgate/v1/manifest.pb.h"
#include "client/export/export_format.h"
#include "client/export/report_entry.h"
#include "client/export/svg_chart.h"

namespace cellgate::client {

// Returns the chart of `pulled` as its manifest entry asks (first measure
// only), or nullopt for CHART_NONE or a table without cells. `caption`
// receives what the chart holds fixed, e.g. "Geschlecht: Insgesamt".
std::optional<ChartData> ChartOf(const v1::PulledTable& pulled, v1::SymbolSet symbols,
                                 std::string& caption);

// Returns the whole page, entries in the given order.
std::string RenderHtmlReport(const std::vector<ReportEntry>& entries,
                             const ExportOptions& options);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_HTML_REPORT_H_
