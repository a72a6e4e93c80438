// Excel's rules for worksheet names, and the sheet each table of an xlsx
// workbook gets: the table id cut to 31 characters. Excel refuses a name
// that is empty, longer than 31 characters, holds one of []:*?/\, starts or
// ends with "'" or is "History", and compares names ignoring case. The
// manifest loader checks these before anything is asked (client/manifest.h).
// Start with SheetNameOf. Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_XLSX_SHEET_NAMES_H_
#define CELLGATE_CLIENT_EXPORT_XLSX_SHEET_NAMES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cellgate::client {

// Excel's limit on the length of a sheet name, in characters.
inline constexpr size_t kMaxSheetNameLength = 31;

// The sheet that lists the release id of every table. Table ids hold no
// "-", so no table's sheet can take this name.
inline constexpr absl::string_view kReleaseSheetName = "Release-IDs";

// Returns the sheet name of table `table_id`: its first 31 characters (code
// points), each of []:*?/\ replaced by "_".
std::string SheetNameOf(absl::string_view table_id);

// Returns OK if Excel accepts `name` as a sheet name, else INVALID_ARGUMENT
// saying why (the message quotes `name`).
absl::Status CheckSheetName(absl::string_view name);

// Returns the index of the first name in `names` that equals an earlier one
// or kReleaseSheetName ignoring (ASCII) case, and sets `earlier` to the
// earlier index or -1 for the release sheet; returns -1 if all differ.
int FindSheetNameClash(const std::vector<std::string>& names, int& earlier);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_XLSX_SHEET_NAMES_H_
