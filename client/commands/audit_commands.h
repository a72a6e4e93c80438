// `cellgate audit list` and `cellgate audit show SEQ`, the data-protection
// officer's view of the release log: a table of record summaries, and one
// whole record as readable text or proto JSON. Thread-safe (no state).
#ifndef CELLGATE_CLIENT_COMMANDS_AUDIT_COMMANDS_H_
#define CELLGATE_CLIENT_COMMANDS_AUDIT_COMMANDS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cellgate/v1/audit_service.pb.h"
#include "client/cli_flags.h"
#include "client/connection.h"

namespace cellgate::client {

// Returns the lower-case name of `type`, e.g. "release", "dataset_created".
std::string RecordTypeName(v1::RecordType type);

// Parses a record type name as RecordTypeName writes it (any case). Usage
// error naming --type and the value if it is unknown.
absl::StatusOr<v1::RecordType> ParseRecordType(absl::string_view name);

// Returns the first page request the flags ask for: --from (seq), --type
// (repeatable, or comma-separated). The page limit is left to RunAuditList.
absl::StatusOr<v1::ListRecordsRequest> BuildListRecordsRequest(const CommandLine& line);

// Returns the listing: seq, time, type, principal, department,
// dataset@version, purpose, decision, cells/published/suppressed; "-" for
// empty fields.
std::string RenderRecordList(const v1::ListRecordsResponse& response);

// Returns one record as "key  value" lines: header fields, requester, the
// query as one line of query flags, decision, reasons, counts, table digest
// and leaf hash. Empty fields are left out.
std::string RenderAuditRecord(const v1::GetRecordResponse& response);

// Run the commands. `audit list` fetches pages until --limit records (default
// 100) or the end of the log; `audit show` accepts --format table|json.
absl::Status RunAuditList(const CommandLine& line, Connection& connection, std::ostream& out);
absl::Status RunAuditShow(const CommandLine& line, Connection& connection, std::ostream& out);

// `audit export DIR`: copies the log's segment files and its detail files
// (DIR/details/) byte for byte into the new or empty directory DIR, for
// offline verification (cellgate-audit-verify --log DIR). Refuses a DIR
// that holds files.
absl::Status RunAuditExport(const CommandLine& line, Connection& connection, std::ostream& out);

// True for a command that reads an exported log instead of asking the
// server: `audit show SEQ --log DIR`.
bool IsOfflineAuditCommand(const CommandLine& line);

// `audit show SEQ --log DIR [--content-key FILE] [--format table|json]`:
// one record of an exported log, with its details decrypted by the audit
// content key (a file: mode 0600, no symlink). Without the key the header
// is shown and the details say why not. A wrong key is FAILED_PRECONDITION
// naming both key ids; NOT_FOUND for a seq beyond the log.
absl::Status RunAuditShowOffline(const CommandLine& line, std::ostream& out);

// `audit verify`: the server's own check of its log (chain, Merkle roots,
// checkpoint signatures). Prints the summary; DATA_LOSS naming the break if
// the log does not verify. The DPO's proof stays the offline check.
absl::Status RunAuditVerify(const CommandLine& line, Connection& connection, std::ostream& out);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_COMMANDS_AUDIT_COMMANDS_H_
