// The xlsx export of `cellgate pull`: one workbook for the tables of a
// manifest, written with libxlsxwriter. Each pulled table gets a sheet
// (named by xlsx_sheet_names.h) with its title, two header rows laid out as
// pivot_layout.h says, the figures as numbers with German-style formats
// ("#,##0", "#,##0.0"), the symbols of withheld cells as text, then its
// footnotes, source and provenance, and the legend; a last sheet,
// "Release-IDs", traces every table to the audit log. Start with
// ExportXlsx. Thread-safe (no shared state; each call has its own files).
#ifndef CELLGATE_CLIENT_EXPORT_XLSX_EXPORT_H_
#define CELLGATE_CLIENT_EXPORT_XLSX_EXPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/export/export_format.h"
#include "client/export/report_entry.h"

namespace cellgate::client {

struct XlsxOptions {
  // An existing writable directory for libxlsxwriter's temporary files and
  // the file it writes, which is read back and removed (`pull` uses
  // DIR/.pull, so nothing goes to a shared /tmp).
  std::string scratch_dir;
  // Creation time in the workbook's properties, seconds since the epoch;
  // values below 1 count as 1 (libxlsxwriter would take the clock). The same
  // entries and time give the same bytes.
  int64_t created_unix_seconds = 1;
};

// Returns the bytes of the workbook of `entries` (tables as exported, i.e.
// through ExportView): a sheet per entry with a pulled table, in order, then
// the Release-IDs sheet listing every entry, missing ones with their
// reason. INVALID_ARGUMENT naming the table if its sheet name breaks
// Excel's rules or clashes with another, or if a text is longer than Excel
// allows; INTERNAL with libxlsxwriter's reason, or the file error, if the
// workbook cannot be written.
absl::StatusOr<std::string> ExportXlsx(const std::vector<ReportEntry>& entries,
                                       const ExportOptions& options, const XlsxOptions& xlsx);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_XLSX_EXPORT_H_
