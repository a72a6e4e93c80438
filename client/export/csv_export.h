// The CSV exports of a pulled table, one file each, UTF-8, CRLF line ends:
//   csv     RFC 4180, ",", "." decimals, long format (one line per cell and
//           measure) with a status column and, on every line, the table id,
//           release id, dataset and policy versions;
//   csv-de  what German Excel opens by double-click: BOM, ";", decimal
//           comma, DIN 55301 (or letter) symbols in the value cells, then
//           the legend, the footnotes and the provenance below the table;
//   ffcsv   GENESIS-style flat long format, ";", decimal comma, with a value
//           and a quality-flag column (value_q).
// docs/user-guide.md shows each. Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_CSV_EXPORT_H_
#define CELLGATE_CLIENT_EXPORT_CSV_EXPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cellgate/v1/manifest.pb.h"
#include "client/export/export_format.h"

namespace cellgate::client {

// Returns the csv file of `pulled`.
std::string ExportCsv(const v1::PulledTable& pulled);

// Returns the csv-de file of `pulled`, symbols from `options`.
std::string ExportCsvDe(const v1::PulledTable& pulled, const ExportOptions& options);

// Returns the ffcsv file of `pulled`, quality flags from `options`.
std::string ExportFfcsv(const v1::PulledTable& pulled, const ExportOptions& options);

// Returns `text` made safe as a spreadsheet text cell: a leading "=", "+",
// "-", "@", tab or CR gets a "'" in front, so that Excel never runs a label
// as a formula.
std::string SpreadsheetText(absl::string_view text);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_CSV_EXPORT_H_
