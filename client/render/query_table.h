// Renders a query answer as an aligned table for the terminal: one row per
// cell with the German labels of its codes (hierarchy levels indented), one
// right-aligned column per measure in German number format or a DIN 55301
// symbol, then a footer with the release id, dataset version, policy,
// receipt and a legend of the symbols that appear. Thread-safe.
#ifndef CELLGATE_CLIENT_RENDER_QUERY_TABLE_H_
#define CELLGATE_CLIENT_RENDER_QUERY_TABLE_H_

#include <string>

#include "cellgate/v1/data_service.pb.h"

namespace cellgate::client {

// Returns the table and its footer, each line ending in "\n".
std::string RenderQueryTable(const v1::QueryResponse& response);

// Returns the text shown for one value of `measure`: the figure in German
// format with DisplayDecimals digits, or the status symbol.
std::string FormatCellValue(const v1::CellValue& value, const v1::MeasureFacts& measure);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_RENDER_QUERY_TABLE_H_
