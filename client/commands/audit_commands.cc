#include "client/commands/audit_commands.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/detail_reader.h"
#include "audit/verify/log_reader.h"
#include "client/commands/command_util.h"
#include "client/exit_codes.h"
#include "client/query_syntax.h"
#include "client/render/text_table.h"
#include "client/report/audit_columns.h"
#include "common/crypto/aes_gcm.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"

namespace cellgate::client {
namespace {

// Records the server returns at most per page.
constexpr int64_t kPageLimit = 1000;

std::string DecisionName(v1::Decision decision) { return AuditDecisionName(decision); }

std::string DatasetAtVersion(absl::string_view dataset, int64_t version) {
  if (dataset.empty()) return "";
  return version == 0 ? std::string(dataset) : absl::StrCat(dataset, "@", version);
}

std::string CountsText(const v1::ReleaseCounts& c) {
  return absl::StrCat("cells ", c.cells(), ", published ", c.published(), ", zero ", c.zero(),
                      ", suppressed ", c.suppressed_primary() + c.suppressed_secondary(),
                      " (primary ", c.suppressed_primary(), ", secondary ",
                      c.suppressed_secondary(), "), not applicable ", c.not_applicable());
}

void AddRequester(const v1::Requester& r, KeyValueText& text) {
  text.Add("principal", r.principal());
  text.Add("department", r.department());
  text.Add("role", r.role());
  text.Add("certificate", r.certificate_identity());
  text.Add("certificate sha256", r.cert_sha256());
  text.Add("peer", r.peer());
}

void AddRequest(const v1::AuditRecord& r, KeyValueText& text) {
  text.Add("purpose", r.purpose());
  text.Add("legal basis", r.legal_basis());
  text.Add("justification", r.justification());
  text.Add("dataset", DatasetAtVersion(r.dataset(), r.dataset_version()));
  text.Add("dataset hash", r.dataset_version_hash());
  if (!r.policy_id().empty()) {
    text.Add("policy", absl::StrCat(r.policy_id(), " v", r.policy_version()));
  }
  text.Add("policy hash", r.policy_hash());
  text.Add("access policy hash", r.access_policy_hash());
  if (r.has_query()) text.Add("query", FormatQueryFlags(r.query()));
  text.Add("query hash", r.query_hash());
}

// The audit against earlier releases, in one line for the DPO.
std::string LedgerText(const v1::LedgerAudit& a) {
  std::string text = absl::StrCat("linked to ", a.linked_releases(), " earlier releases");
  if (a.linked_releases() > 0) {
    absl::StrAppend(&text, "; ", a.rounds(), " rounds, ", a.atoms(), " atoms, ",
                    a.sensitive_atoms(), " small, ", a.lp_solves(), " LP solves");
  }
  if (a.kept_suppressed() + a.ledger_suppressed() > 0) {
    absl::StrAppend(&text, "; kept suppressed ", a.kept_suppressed(), ", suppressed ",
                    a.ledger_suppressed());
  }
  if (!a.note().empty()) absl::StrAppend(&text, "; ", a.note());
  return text;
}

void AddOutcome(const v1::AuditRecord& r, KeyValueText& text) {
  text.Add("decision", DecisionName(r.decision()));
  text.Add("reasons", absl::StrJoin(r.reason_codes(), ", "));
  text.Add("reason", r.reason());
  if (r.has_counts()) text.Add("counts", CountsText(r.counts()));
  if (r.has_ledger_audit()) text.Add("release ledger", LedgerText(r.ledger_audit()));
  text.Add("table digest", r.released_table_sha256());
  text.Add("source", r.source_name());
  text.Add("source sha256", r.source_sha256());
  if (r.row_count() != 0) text.Add("rows", absl::StrCat(r.row_count()));
  text.Add("detail", r.detail());
}

// How each detail blob of the record was found (ADR 0005): present,
// redacted by retention (with its rule), or unreadable and why.
void AddDetails(const v1::GetRecordResponse& response, KeyValueText& text) {
  for (const v1::DetailStatus& d : response.details()) {
    const std::string kind = d.kind() == v1::IDENTITY ? "identity" : "content";
    std::string state;
    switch (d.state()) {
      case v1::DetailStatus::DETAIL_PRESENT:
        state = d.encrypted() ? "present (encrypted at rest)" : "present (stored unencrypted)";
        break;
      case v1::DetailStatus::DETAIL_REDACTED:
        state = absl::StrCat("redacted: ", d.note());
        break;
      default:
        state = absl::StrCat("unreadable: ", d.note());
    }
    text.Add(absl::StrCat(kind, " detail"), state);
  }
}

}  // namespace

std::string RecordTypeName(v1::RecordType type) { return AuditTypeName(type); }

absl::StatusOr<v1::RecordType> ParseRecordType(absl::string_view name) {
  v1::RecordType type = v1::RECORD_TYPE_UNSPECIFIED;
  if (!v1::RecordType_Parse(absl::AsciiStrToUpper(name), &type) ||
      type == v1::RECORD_TYPE_UNSPECIFIED) {
    return UsageError(absl::StrCat("flag --type has a bad value \"", name,
                                   "\": expected release, refusal, ingest, dataset_created, ..."));
  }
  return type;
}

absl::StatusOr<v1::ListRecordsRequest> BuildListRecordsRequest(const CommandLine& line) {
  v1::ListRecordsRequest request;
  ASSIGN_OR_RETURN(const int64_t from,
                   IntegerFlag(line, "from", 0, 0, std::numeric_limits<int64_t>::max()));
  request.set_from_seq(static_cast<uint64_t>(from));
  for (const std::string& value : line.Values("type")) {
    for (absl::string_view name : absl::StrSplit(value, ',')) {
      ASSIGN_OR_RETURN(const v1::RecordType type, ParseRecordType(name));
      request.add_record_types(type);
    }
  }
  if (request.record_types().empty()) {
    // Every type but the checkpoints that seal each commit: they would
    // outnumber everything else. `--type checkpoint` shows them.
    for (int t = v1::RecordType_MIN; t <= v1::RecordType_MAX; ++t) {
      if (v1::RecordType_IsValid(t) && t != v1::RECORD_TYPE_UNSPECIFIED && t != v1::CHECKPOINT) {
        request.add_record_types(static_cast<v1::RecordType>(t));
      }
    }
  }
  request.set_since_utc(line.Value("since"));
  request.set_until_utc(line.Value("until"));
  request.set_department(line.Value("department"));
  request.set_principal(line.Value("principal"));
  request.set_dataset(line.Value("dataset"));
  request.set_purpose(line.Value("purpose"));
  const std::string decision = line.Value("decision");
  if (decision == "released") {
    request.set_decision(v1::RELEASED);
  } else if (decision == "refused") {
    request.set_decision(v1::REFUSED);
  } else if (!decision.empty()) {
    return UsageError(absl::StrCat("flag --decision has a bad value \"", decision,
                                   "\": expected released or refused"));
  }
  return request;
}

std::string RenderRecordList(const v1::ListRecordsResponse& response) {
  TextTable table;
  for (absl::string_view header : {"seq", "time", "type", "principal", "department",
                                   "dataset@version", "purpose", "decision"}) {
    table.AddColumn(std::string(header),
                    header == "seq" ? TextTable::Align::kRight : TextTable::Align::kLeft);
  }
  table.AddColumn("cells/published/suppressed", TextTable::Align::kRight);
  for (const v1::RecordSummary& r : response.records()) {
    const v1::ReleaseCountsSummary& c = r.counts();
    const bool has_counts = r.has_counts() && c.cells() != 0;
    const bool identity_redacted =
        std::find(r.redacted().begin(), r.redacted().end(), v1::IDENTITY) != r.redacted().end();
    table.AddRow(
        {absl::StrCat(r.seq()), OrDash(r.time_utc()), RecordTypeName(r.record_type()),
         identity_redacted ? "(redacted)" : OrDash(r.principal()), OrDash(r.department()),
         OrDash(DatasetAtVersion(r.dataset(), r.dataset_version())), OrDash(r.purpose()),
         OrDash(DecisionName(r.decision())),
         has_counts ? absl::StrCat(c.cells(), "/", c.published(), "/", c.suppressed()) : "-"});
  }
  std::string out = table.Render();
  absl::StrAppend(&out, "\nlog size ", response.log_size());
  if (response.next_seq() != 0) {
    absl::StrAppend(&out, "; more records follow: continue with --from ", response.next_seq());
  }
  out.push_back('\n');
  return out;
}

std::string RenderAuditRecord(const v1::GetRecordResponse& response) {
  const v1::AuditRecord& r = response.record();
  KeyValueText text;
  text.Add("seq", absl::StrCat(r.seq()));
  text.Add("type", RecordTypeName(r.record_type()));
  text.Add("time", r.time_utc());
  text.Add("log origin", r.log_origin());
  text.Add("server instance", r.server_instance_id());
  text.Add("build version", r.build_version());
  text.Add("method", r.method());
  text.Add("release id", r.release_id());
  text.Add("client request id", r.client_request_id());
  if (r.has_requester()) AddRequester(r.requester(), text);
  AddRequest(r, text);
  AddOutcome(r, text);
  AddDetails(response, text);
  text.Add("previous leaf hash", crypto::HexEncode(r.prev_leaf_hash()));
  text.Add("leaf hash", response.leaf_hash());
  return text.Render();
}

absl::Status RunAuditList(const CommandLine& line, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  ASSIGN_OR_RETURN(v1::ListRecordsRequest request, BuildListRecordsRequest(line));
  ASSIGN_OR_RETURN(int64_t remaining,
                   IntegerFlag(line, "limit", 100, 1, std::numeric_limits<int32_t>::max()));
  v1::ListRecordsResponse all;
  while (remaining > 0) {
    request.set_limit(static_cast<int32_t>(std::min(remaining, kPageLimit)));
    ASSIGN_OR_RETURN(v1::ListRecordsResponse page, connection.ListRecords(request));
    remaining -= page.records_size();
    all.mutable_records()->MergeFrom(page.records());
    all.set_next_seq(page.next_seq());
    all.set_log_size(page.log_size());
    if (page.next_seq() == 0 || page.records_size() == 0) break;
    request.set_from_seq(page.next_seq());
  }
  if (format == OutputFormat::kJson) return WriteJson(all, out);
  out << RenderRecordList(all);
  return absl::OkStatus();
}

absl::Status RunAuditShow(const CommandLine& line, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  ASSIGN_OR_RETURN(const int64_t seq,
                   IntegerArgument(line.args.at(0), "SEQ", 0, std::numeric_limits<int64_t>::max()));
  v1::GetRecordRequest request;
  request.set_seq(static_cast<uint64_t>(seq));
  ASSIGN_OR_RETURN(const v1::GetRecordResponse response, connection.GetRecord(request));
  if (format == OutputFormat::kJson) return WriteJson(response, out);
  out << RenderAuditRecord(response);
  return absl::OkStatus();
}

absl::Status RunAuditExport(const CommandLine& line, Connection& connection, std::ostream& out) {
  const std::filesystem::path dir(line.args.at(0));
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir.string(), ": ", error.message()));
  }
  if (!std::filesystem::is_empty(dir, error)) {
    return UsageError(absl::StrCat(dir.string(), " is not empty; export into a new directory"));
  }
  v1::ExportLogRequest request;
  std::ofstream file;
  std::string current;
  uint64_t bytes = 0;
  int segments = 0;
  while (true) {
    ASSIGN_OR_RETURN(v1::ExportLogResponse piece, connection.ExportLog(request));
    if (piece.segment().empty()) break;  // an empty log
    // Names come from the server; accept only a segment or a detail file.
    const bool segment =
        piece.segment().find('/') == std::string::npos && piece.segment().rfind("audit-", 0) == 0;
    const bool detail = piece.segment().rfind("details/", 0) == 0 &&
                        audit::ParseDetailFileName(piece.segment().substr(8)).ok();
    if (!segment && !detail) {
      return absl::InternalError(absl::StrCat("server sent an unexpected segment name \"",
                                              piece.segment().substr(0, 64), "\""));
    }
    if (piece.segment() != current) {
      file.close();
      if (detail) std::filesystem::create_directories(dir / "details", error);
      file.open(dir / piece.segment(), std::ios::binary | std::ios::trunc);
      current = piece.segment();
      ++segments;
    }
    file.write(piece.data().data(), static_cast<std::streamsize>(piece.data().size()));
    if (!file) return absl::InternalError(absl::StrCat("cannot write ", (dir / current).string()));
    bytes += piece.data().size();
    if (piece.done()) break;
    request.set_segment(piece.next_segment());
    request.set_offset(piece.next_offset());
  }
  file.close();
  out << "exported " << segments << " segment(s), " << bytes << " bytes to " << dir.string()
      << "\nverify offline: cellgate-audit-verify --log " << dir.string()
      << " --pubkey AUDIT-SIGNING.pub\n";
  return absl::OkStatus();
}

absl::Status RunAuditVerify(const CommandLine&, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const v1::VerifyLogResponse verified,
                   connection.VerifyLog(v1::VerifyLogRequest()));
  if (!verified.ok()) {
    return absl::DataLossError(absl::StrCat("the server's audit log does not verify: ",
                                            verified.error()));
  }
  out << verified.records() << " records, origin " << verified.origin() << "\n"
      << "head leaf hash " << verified.head_leaf_hash() << "\n"
      << verified.checkpoints() << " checkpoints"
      << (verified.signatures_checked() ? " (signatures verified)" : " (not signed)") << ", "
      << verified.unsealed_records() << " records after the last one\n"
      << "OK: the chain is intact (checked by the server; for proof, export and verify "
         "offline)\n";
  return absl::OkStatus();
}

// --- offline reading of an exported log (#5, docs/adr/0005) -----------------

bool IsOfflineAuditCommand(const CommandLine& line) {
  return line.command == "audit show" && line.Has("log");
}

absl::Status RunAuditShowOffline(const CommandLine& line, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  ASSIGN_OR_RETURN(const int64_t seq,
                   IntegerArgument(line.args.at(0), "SEQ", 0, std::numeric_limits<int64_t>::max()));
  std::shared_ptr<const crypto::AesGcmKey> key;
  if (line.Has("content-key")) {
    absl::StatusOr<crypto::AesGcmKey> loaded =
        crypto::AesGcmKey::LoadFile(line.Value("content-key"), "--content-key");
    if (!loaded.ok()) return AsUsageError(loaded.status(), "cannot read the audit content key");
    key = std::make_shared<const crypto::AesGcmKey>(*std::move(loaded));
  }
  const std::string dir = line.Value("log");
  absl::StatusOr<audit::ReadResult> log = audit::ReadLog(dir);
  if (!log.ok()) return AsUsageError(log.status(), absl::StrCat("cannot read the log in ", dir));
  if (static_cast<uint64_t>(seq) >= log->records.size()) {
    return absl::NotFoundError(
        absl::StrCat("the log has no record ", seq, " (size ", log->records.size(), ")"));
  }
  audit::RedactionIndex redactions;
  for (const audit::StoredRecord& stored : log->records) redactions.Add(stored);
  const audit::StoredRecord& stored = log->records[seq];
  ASSIGN_OR_RETURN(audit::DetailedRecord full,
                   audit::DetailReader(dir, key).Read(stored, redactions));
  v1::GetRecordResponse response;
  *response.mutable_record() = std::move(full.record);
  for (v1::DetailStatus& d : full.details) *response.add_details() = std::move(d);
  response.set_leaf_hash(crypto::HexEncode(stored.leaf_hash));
  response.set_record_bytes(stored.bytes);
  if (format == OutputFormat::kJson) return WriteJson(response, out);
  out << RenderAuditRecord(response) << "(read offline from " << dir
      << "; check it with cellgate-audit-verify --log " << dir << " --pubkey KEY.pub)\n";
  return absl::OkStatus();
}

}  // namespace cellgate::client
