// The DPO's review export of audit records: one JSON Lines object (schema
// "cellgate.audit-record/1") or one RFC 4180 CSV row per record, with the
// columns docs/audit-export.md specifies, in that order. Start with
// AuditColumns. Pure functions; thread-safe.
//
//   out << AuditCsvHeader();
//   for (const v1::ExportedRecord& r : page.records()) out << AuditCsvRow(r);
#ifndef CELLGATE_CLIENT_REPORT_AUDIT_COLUMNS_H_
#define CELLGATE_CLIENT_REPORT_AUDIT_COLUMNS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cellgate/v1/audit_service.pb.h"

namespace cellgate::client {

// The value of the "schema" member of every JSON line; bumped on any
// incompatible change (docs/audit-export.md, "Versioning").
inline constexpr absl::string_view kAuditRecordSchema = "cellgate.audit-record/1";

// One column of the export. `number` columns are JSON numbers; a value that
// the record does not have (no counts on a refusal, no resolved dataset
// version)
// is null in JSON and empty in CSV. `list` columns are JSON arrays of
// strings, joined by ";" in CSV.
struct AuditColumn {
  enum class Kind { kText, kNumber, kList };
  std::string name;
  Kind kind = Kind::kText;
};

// Returns the columns in export order (seq, time_utc, type, release_id, ...).
const std::vector<AuditColumn>& AuditColumns();

// Returns the values of `record`, one per column of AuditColumns(); nullopt
// where the record has no value. List values are joined by ";". Text is
// valid UTF-8 (invalid bytes become U+FFFD).
std::vector<std::optional<std::string>> AuditValues(const v1::ExportedRecord& record);

// Returns the lower-case names used in the export: "release", "refusal",
// ...; "released", "refused" or "" for the decision.
std::string AuditTypeName(v1::RecordType type);
std::string AuditDecisionName(v1::Decision decision);

// Returns the CSV header line, CRLF-terminated.
std::string AuditCsvHeader();

// Returns the CSV line of `record`, CRLF-terminated. Texts a requester or
// the log supplies get SpreadsheetText's guard (a leading "=", "+", "-",
// "@", tab or CR is prefixed with "'"); the query column, which always
// starts with "--dataset", is left as is.
std::string AuditCsvRow(const v1::ExportedRecord& record);

// Returns the JSON Lines line of `record`: one object with "schema" first,
// then every column, ending in "\n". Texts are exactly as recorded.
std::string AuditJsonLine(const v1::ExportedRecord& record);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_REPORT_AUDIT_COLUMNS_H_
