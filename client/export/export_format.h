// The export formats of `cellgate pull` by name ("csv", "csv-de", "json",
// "ffcsv", "html", "xlsx") and the file each writes for a table. Start with
// ParseExportFormat. Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_EXPORT_FORMAT_H_
#define CELLGATE_CLIENT_EXPORT_EXPORT_FORMAT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cellgate/v1/manifest.pb.h"

namespace cellgate::client {

enum class ExportFormat {
  kCsv,    // RFC 4180 long format with a status column
  kCsvDe,  // German Excel: ";", decimal comma, BOM, symbols, legend
  kJson,   // docs/export-json.md
  kFfcsv,  // GENESIS-style flat long format with a quality flag
  kHtml,   // one report page for all tables, with charts
  kXlsx,   // one workbook for all tables, a sheet each
};

// What every exporter needs besides the table: the manifest's identity and
// the symbol set.
struct ExportOptions {
  std::string manifest_id;
  std::string manifest_title;
  std::string publisher;  // may be empty
  v1::SymbolSet symbols = v1::SYMBOL_SET_DIN_55301;
  // The release channel the tables were asked for; unspecified means
  // internal, as the server treats it.
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
};

// Returns the options of `manifest`.
ExportOptions OptionsOf(const v1::Manifest& manifest);

// Returns the format called `name`, or nullopt if there is none.
std::optional<ExportFormat> ParseExportFormat(absl::string_view name);

// Returns the name of `format`, e.g. "csv-de".
std::string ExportFormatName(ExportFormat format);

// Returns the names of all formats, in the order above.
std::vector<std::string> ExportFormatNames();

// Returns true for the formats that write one file for all tables of a
// manifest (html, xlsx) rather than one per table.
bool IsManifestWide(ExportFormat format);

// Returns the file name of table `table_id` in `format`, e.g.
// "abschluesse.de.csv"; for html and xlsx, the manifest's file
// "<manifest_id>.html", "<manifest_id>.xlsx".
std::string ExportFileName(ExportFormat format, absl::string_view table_id,
                           absl::string_view manifest_id);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_EXPORT_FORMAT_H_
