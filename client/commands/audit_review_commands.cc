#include "client/commands/audit_review_commands.h"

#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/detail_verifier.h"
#include "audit/verify/log_reader.h"
#include "client/commands/audit_commands.h"
#include "client/commands/command_util.h"
#include "client/exit_codes.h"
#include "client/report/audit_columns.h"
#include "client/render/table_cells.h"
#include "client/report/audit_report.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/sha256.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace cellgate::client {
namespace {

// Records per page; the server also ends a page before 4 MiB.
constexpr int32_t kExportPage = 500;
constexpr int64_t kMaxPemBytes = 64 * 1024;

// Where an export goes: a file made visible only when complete, or stdout.
class ExportSink {
 public:
  static absl::StatusOr<ExportSink> Open(const std::string& target, std::ostream& out) {
    if (target == "-") return ExportSink(out, std::nullopt);
    ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(target));
    return ExportSink(out, std::move(file));
  }
  absl::Status Write(absl::string_view bytes) {
    if (file_.has_value()) return file_->Append(bytes);
    out_ << bytes;
    return out_ ? absl::OkStatus() : absl::UnavailableError("cannot write to stdout");
  }
  absl::Status Finish() {
    if (file_.has_value()) return file_->Commit();
    out_.flush();
    return absl::OkStatus();
  }
  bool to_file() const { return file_.has_value(); }

 private:
  ExportSink(std::ostream& out, std::optional<AtomicFile> file)
      : out_(out), file_(std::move(file)) {}
  std::ostream& out_;
  std::optional<AtomicFile> file_;
};

// The filters of the command line in words, for the report's header.
std::string FilterText(const CommandLine& line) {
  std::vector<std::string> parts;
  const std::vector<std::pair<std::string, std::string>> names = {
      {"type", "Art"},           {"since", "ab"},        {"until", "vor"},
      {"department", "Abteilung"}, {"principal", "Person"}, {"dataset", "Datensatz"},
      {"purpose", "Zweck"},      {"decision", "Entscheidung"}, {"from", "ab Nr."}};
  for (const auto& [flag, label] : names) {
    const std::vector<std::string> values = line.Values(flag);
    if (!values.empty()) parts.push_back(absl::StrCat(label, " ", absl::StrJoin(values, ", ")));
  }
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<ReportVerification> ServerVerification(Connection& connection) {
  ASSIGN_OR_RETURN(const v1::VerifyLogResponse v, connection.VerifyLog(v1::VerifyLogRequest()));
  ReportVerification out;
  out.source = ReportVerification::Source::kServer;
  out.ok = v.ok();
  out.finding = v.error();
  out.records = v.records();
  out.checkpoints = v.checkpoints();
  out.unsealed_records = v.unsealed_records();
  out.signatures_checked = v.signatures_checked();
  out.origin = v.origin();
  out.head_leaf_hash = v.head_leaf_hash();
  out.details_checked = v.details_checked();
  out.details_redacted = v.details_redacted();
  return out;
}

// The offline check of an exported copy, and the copy's leaf hashes for
// comparing the listed records with it.
struct OfflineCheck {
  ReportVerification verification;
  std::vector<crypto::Digest> leaf_hashes;
};

absl::StatusOr<OfflineCheck> VerifyCopy(const CommandLine& line) {
  OfflineCheck check;
  ReportVerification& v = check.verification;
  v.source = ReportVerification::Source::kOffline;
  v.log_dir = line.Value("log");
  std::string public_key;
  if (line.Has("pubkey")) {
    absl::StatusOr<std::string> pem = ReadFileBounded(line.Value("pubkey"), kMaxPemBytes);
    absl::StatusOr<std::string> raw =
        pem.ok() ? crypto::Ed25519PublicKeyFromPem(*pem) : pem.status();
    if (!raw.ok()) return AsUsageError(raw.status(), absl::StrCat("--pubkey ", line.Value("pubkey")));
    public_key = *std::move(raw);
  }
  absl::StatusOr<audit::ReadResult> log = audit::ReadLog(v.log_dir);
  if (log.status().code() == absl::StatusCode::kNotFound) {
    return AsUsageError(log.status(), absl::StrCat("--log ", v.log_dir));
  }
  absl::StatusOr<audit::ChainSummary> summary =
      log.ok() ? audit::VerifyChain(log->records, "", public_key)
               : absl::StatusOr<audit::ChainSummary>(log.status());
  // The detail blobs too: a changed or missing blob is a finding, a
  // deleted one (with its RETENTION_REDACTION record) is not.
  absl::StatusOr<audit::DetailSummary> details =
      summary.ok() ? audit::VerifyDetails(v.log_dir, log->records)
                   : absl::StatusOr<audit::DetailSummary>(summary.status());
  if (!details.ok()) {
    v.finding = std::string(details.status().message());
    return check;
  }
  v.details_checked = details->checked;
  v.details_redacted = details->redacted;
  v.ok = log->torn_tail_bytes == 0;
  if (!v.ok) {
    v.finding = absl::StrCat(log->segment_path, " ends in a torn tail of ", log->torn_tail_bytes,
                             " bytes");
  }
  v.records = summary->records;
  v.checkpoints = summary->checkpoints;
  v.unsealed_records = summary->unsealed_records;
  v.signatures_checked = summary->signatures_checked;
  v.origin = summary->origin;
  v.head_leaf_hash = summary->head_leaf_hash;
  for (const audit::StoredRecord& r : log->records) check.leaf_hashes.push_back(r.leaf_hash);
  return check;
}

// Compares a record the server listed with the verified copy.
void CompareWithCopy(const v1::ExportedRecord& record, OfflineCheck& check) {
  ReportVerification& v = check.verification;
  const uint64_t seq = record.record().seq();
  if (seq >= check.leaf_hashes.size()) {
    ++v.rows_after_copy;
    return;
  }
  if (crypto::HexEncode(check.leaf_hashes[seq]) == record.leaf_hash()) {
    ++v.rows_checked;
    return;
  }
  if (v.ok) {
    v.ok = false;
    v.finding = absl::StrCat("record ", seq,
                             ": the server lists it with another leaf hash than the verified "
                             "copy holds");
  }
}

}  // namespace

absl::Status ForEachExportedRecord(
    const v1::ListRecordsRequest& filter, Connection& connection,
    const std::function<absl::Status(const v1::ExportedRecord&)>& visit) {
  v1::ExportRecordsRequest request;
  *request.mutable_filter() = filter;
  request.mutable_filter()->set_limit(kExportPage);
  while (true) {
    ASSIGN_OR_RETURN(const v1::ExportRecordsResponse page, connection.ExportRecords(request));
    for (const v1::ExportedRecord& record : page.records()) RETURN_IF_ERROR(visit(record));
    if (page.next_seq() == 0 || page.records().empty()) return absl::OkStatus();
    // Later pages stop where the log ended when the export began.
    if (request.end_seq() == 0) request.set_end_seq(page.log_size());
    request.mutable_filter()->set_from_seq(page.next_seq());
  }
}

absl::Status RunAuditExportAny(const CommandLine& line, Connection& connection,
                               std::ostream& out) {
  const std::string format = line.Value("format", "log");
  if (format != "log") return RunAuditExportRecords(line, connection, out);
  for (const auto& [flag, values] : line.flags) {
    if (flag != "format") {
      return UsageError(absl::StrCat("flag --", flag,
                                     " selects records: it needs --format jsonl or csv (the log "
                                     "copy is always whole)"));
    }
  }
  return RunAuditExport(line, connection, out);
}

absl::Status RunAuditExportRecords(const CommandLine& line, Connection& connection,
                                   std::ostream& out) {
  const std::string format = line.Value("format");
  if (format != "jsonl" && format != "csv") {
    return UsageError(absl::StrCat("flag --format has a bad value \"", format,
                                   "\": expected log (the default), jsonl or csv"));
  }
  ASSIGN_OR_RETURN(const v1::ListRecordsRequest filter, BuildListRecordsRequest(line));
  const std::string target = line.args.at(0);
  ASSIGN_OR_RETURN(ExportSink sink, ExportSink::Open(target, out));
  if (format == "csv") RETURN_IF_ERROR(sink.Write(AuditCsvHeader()));
  int64_t records = 0;
  RETURN_IF_ERROR(ForEachExportedRecord(filter, connection, [&](const v1::ExportedRecord& r) {
    ++records;
    return sink.Write(format == "csv" ? AuditCsvRow(r) : AuditJsonLine(r));
  }));
  RETURN_IF_ERROR(sink.Finish());
  if (sink.to_file()) out << "exported " << records << " records as " << format << " to " << target << "\n";
  return absl::OkStatus();
}

absl::Status RunAuditReport(const CommandLine& line, Connection& connection, std::ostream& out) {
  if (line.Has("pubkey") && !line.Has("log")) {
    return UsageError("flag --pubkey needs --log DIR (the exported copy to verify)");
  }
  ASSIGN_OR_RETURN(const v1::ListRecordsRequest filter, BuildListRecordsRequest(line));
  ASSIGN_OR_RETURN(const int64_t limit,
                   IntegerFlag(line, "limit", 10000, 1, std::numeric_limits<int32_t>::max()));
  std::optional<OfflineCheck> offline;
  if (line.Has("log")) {
    ASSIGN_OR_RETURN(offline, VerifyCopy(line));
  }
  AuditReport report(static_cast<size_t>(limit));
  RETURN_IF_ERROR(ForEachExportedRecord(filter, connection, [&](const v1::ExportedRecord& r) {
    if (offline.has_value()) CompareWithCopy(r, *offline);
    report.Add(r);
    return absl::OkStatus();
  }));
  ReportVerification verification;
  if (offline.has_value()) {
    verification = std::move(offline->verification);
  } else {
    ASSIGN_OR_RETURN(verification, ServerVerification(connection));
  }
  ReportOptions options;
  options.server = line.global.server;
  options.generated_utc = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  options.filters = FilterText(line);
  const std::string path = line.Value("out");
  RETURN_IF_ERROR(WriteFileAtomically(path, report.Render(verification, options)));
  out << "wrote the report of " << report.records() << " records to " << path << "\n";
  if (!verification.ok) {
    return absl::DataLossError(
        absl::StrCat("the audit log does not verify (the report shows it): ", verification.finding));
  }
  out << "verification: OK ("
      << (verification.source == ReportVerification::Source::kOffline ? "offline copy " + verification.log_dir
                                                                     : "checked by the server")
      << ")\n";
  return absl::OkStatus();
}

std::string RenderReplay(const v1::ReplayReleaseResponse& r) {
  KeyValueText text;
  text.Add("release", absl::StrCat(r.release_id(), " (seq ", r.seq(), ")"));
  text.Add("dataset", absl::StrCat(r.dataset(), "@", r.dataset_version()));
  if (!r.dataset_version_hash().empty()) {
    text.Add("dataset hash",
             r.dataset_version_hash() == r.recorded_dataset_version_hash()
                 ? absl::StrCat(r.dataset_version_hash(), " (as recorded)")
                 : absl::StrCat(r.dataset_version_hash(), " (CHANGED: recorded ",
                                r.recorded_dataset_version_hash(), ")"));
  }
  text.Add("policy", absl::StrCat(r.policy_id(), " v", r.policy_version(), " (sha256 ",
                                  r.policy_hash().substr(0, 16), "…), ",
                                  r.policy_source() == "loaded" ? "the server runs it"
                                                                : "kept by the server"));
  text.Add("release ledger",
           r.ledger_audited()
               ? absl::StrCat("as of the release: ", r.ledger_releases_before(),
                              " earlier releases of the dataset; linked: recorded ",
                              r.recorded_linked_releases(), ", replay ",
                              r.replayed_linked_releases())
               : "not used by this server");
  text.Add("recorded digest", r.recorded_digest());
  text.Add("replayed digest", r.replayed_digest());
  if (r.match()) {
    text.Add("result", "MATCH: the release is reproduced exactly");
  } else if (!r.replay_refusal().empty()) {
    text.Add("result", absl::StrCat("MISMATCH: the replay gave no table: ", r.replay_refusal()));
  } else if (r.layout_differs()) {
    text.Add("result", "MISMATCH: the replayed table has another layout");
  } else {
    text.Add("result", absl::StrCat("MISMATCH: ", r.status_difference_count(),
                                    " cells differ in status, ", r.value_difference_count(),
                                    " in their figure (figures are not shown)"));
  }
  if (r.recorded_table_inconsistent()) {
    text.Add("note", "the recorded table does not hash to the recorded digest");
  }
  text.Add("audit record", absl::StrCat("seq ", r.audit_seq(), " (audit_access)"));
  std::string out = text.Render();
  for (const v1::CellStatusDifference& d : r.status_differences()) {
    absl::StrAppend(&out, "  cell ", absl::StrJoin(d.codes(), " / "), ", measure ", d.measure() + 1,
                    ": ", StatusName(d.recorded()), " -> ", StatusName(d.replayed()), "\n");
  }
  if (r.status_difference_count() > r.status_differences_size()) {
    absl::StrAppend(&out, "  … and ", r.status_difference_count() - r.status_differences_size(),
                    " more\n");
  }
  return out;
}

absl::Status RunAuditReplay(const CommandLine& line, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  const std::string id = line.args.at(0);
  if (id.size() != 32 || id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return UsageError(absl::StrCat("RELEASE_ID has a bad value \"", id,
                                   "\": expected the 32 hex digits of a release id "
                                   "(cellgate audit list shows them)"));
  }
  v1::ReplayReleaseRequest request;
  request.set_release_id(id);
  ASSIGN_OR_RETURN(const v1::ReplayReleaseResponse replay, connection.ReplayRelease(request));
  if (format == OutputFormat::kJson) {
    RETURN_IF_ERROR(WriteJson(replay, out));
  } else {
    out << RenderReplay(replay);
  }
  if (!replay.match()) {
    return absl::DataLossError(
        absl::StrCat("release ", id, " does not replay to its recorded digest"));
  }
  return absl::OkStatus();
}

}  // namespace cellgate::client
