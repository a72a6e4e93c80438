// Renders a query answer as CSV (RFC 4180, UTF-8, CRLF line ends) in long
// format: one line per cell and measure, with the codes and labels of the
// cell, the measure ("count", "sum:COL", "mean:COL"), the value ("." as
// decimal point; empty unless the status carries a figure) and the status
// name. Thread-safe.
#ifndef CELLGATE_CLIENT_RENDER_QUERY_CSV_H_
#define CELLGATE_CLIENT_RENDER_QUERY_CSV_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "cellgate/v1/data_service.pb.h"

namespace cellgate::client {

// Returns `field` quoted if it holds ",", ";", '"', CR or LF (quotes
// doubled), else as is.
std::string CsvField(absl::string_view field);

// Returns the figure of `value` for machine-readable output ("." as decimal
// point, no grouping; means with up to 6 decimals and no trailing zeros), or
// "" if its status carries no figure.
std::string PlainValueText(const v1::CellValue& value, const v1::MeasureFacts& measure);

// Returns the CSV text. The header is "<dim>...,<dim>_label...,measure,value,
// status" with one code and one label column per grouping dimension.
// `leading` adds constant columns (name, value) in front of every line.
std::string RenderQueryCsv(const v1::QueryResponse& response,
                           const std::vector<std::pair<std::string, std::string>>& leading = {});

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_RENDER_QUERY_CSV_H_
