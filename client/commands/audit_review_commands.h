// The data-protection officer's review tools beside `audit list/show`:
// `audit export OUT --format jsonl|csv` (one line or row per record,
// docs/audit-export.md) and `audit report --out FILE.html` (the report page,
// client/report/audit_report.h), which stream the records page by page
// (AuditService.ExportRecords), so a large log never has to fit in memory;
// and `audit replay ID` (AuditService.ReplayRelease,
// docs/adr/0006-release-replay.md). Thread-safe (no state).
#ifndef CELLGATE_CLIENT_COMMANDS_AUDIT_REVIEW_COMMANDS_H_
#define CELLGATE_CLIENT_COMMANDS_AUDIT_REVIEW_COMMANDS_H_

#include <functional>
#include <ostream>

#include "absl/status/status.h"
#include "cellgate/v1/audit_service.pb.h"
#include "client/cli_flags.h"
#include "client/connection.h"

namespace cellgate::client {

// Calls `visit` for every record `filter` selects, in log order, fetching
// page after page. The export is a snapshot: records appended after the
// first page are left out. Errors of the server and of `visit` pass through.
absl::Status ForEachExportedRecord(const v1::ListRecordsRequest& filter, Connection& connection,
                                   const std::function<absl::Status(const v1::ExportedRecord&)>& visit);

// `audit export OUT [--format log|jsonl|csv] [filters]`: the byte-for-byte
// copy of the log into the directory OUT (RunAuditExport; the default, which
// takes no filters), or RunAuditExportRecords.
absl::Status RunAuditExportAny(const CommandLine& line, Connection& connection,
                               std::ostream& out);

// `audit export OUT --format jsonl|csv [filters of audit list]`: writes the
// records to the file OUT (atomically: complete or not at all) or, for
// "-", to `out`. Usage error for another format (the byte-for-byte copy is
// RunAuditExport).
absl::Status RunAuditExportRecords(const CommandLine& line, Connection& connection,
                                   std::ostream& out);

// `audit report --out FILE.html [filters] [--limit N] [--log DIR [--pubkey PEM]]`:
// writes the report page. The verification is the server's VerifyLog, or
// with --log the offline check of an exported copy, against which every
// listed record's leaf hash is compared. The page is written in either case;
// DATA_LOSS (after writing it) if the log does not verify.
absl::Status RunAuditReport(const CommandLine& line, Connection& connection, std::ostream& out);

// Returns the answer of a replay as "key  value" lines: release, dataset
// version and hash, policy and where it came from, the ledger view, both
// digests, the result, and on a mismatch the cells whose status differs.
std::string RenderReplay(const v1::ReplayReleaseResponse& replay);

// `audit replay RELEASE_ID [--format table|json]`: asks the server to re-run
// the release (AuditService.ReplayRelease) and prints the answer. Usage
// error for an id that is not 32 hex digits; DATA_LOSS (after printing) if
// the replay does not reproduce the recorded digest.
absl::Status RunAuditReplay(const CommandLine& line, Connection& connection, std::ostream& out);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_COMMANDS_AUDIT_REVIEW_COMMANDS_H_
