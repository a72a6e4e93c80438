#include "server/service/audit_service_impl.h"

#include <algorithm>
#include <fstream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/detail_verifier.h"
#include "audit/verify/finding.h"
#include "audit/verify/log_reader.h"
#include "common/clock.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"
#include "server/service/grpc_status.h"

namespace cellgate::service {
namespace {

constexpr char kListRecords[] = "/cellgate.v1.AuditService/ListRecords";
constexpr char kGetRecord[] = "/cellgate.v1.AuditService/GetRecord";
constexpr char kExportLog[] = "/cellgate.v1.AuditService/ExportLog";
constexpr char kVerifyLog[] = "/cellgate.v1.AuditService/VerifyLog";
constexpr char kExportRecords[] = "/cellgate.v1.AuditService/ExportRecords";
constexpr char kReplayRelease[] = "/cellgate.v1.AuditService/ReplayRelease";
constexpr size_t kExportPieceBytes = 1 << 20;
constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

// `identity` is the record with its identity detail read (the principal).
v1::RecordSummary Summarize(const audit::StoredRecord& stored,
                            const audit::DetailedRecord& identity) {
  const v1::AuditRecord& r = stored.record;
  v1::RecordSummary s;
  s.set_seq(stored.seq);
  s.set_record_type(r.record_type());
  s.set_time_utc(r.time_utc());
  s.set_release_id(r.release_id());
  s.set_principal(identity.record.requester().principal());
  for (const v1::DetailStatus& detail : identity.details) {
    if (detail.state() == v1::DetailStatus::DETAIL_REDACTED) s.add_redacted(detail.kind());
  }
  s.set_department(r.requester().department());
  s.set_dataset(r.dataset());
  s.set_dataset_version(r.dataset_version());
  s.set_purpose(r.purpose());
  s.set_decision(r.decision());
  s.mutable_counts()->set_cells(r.counts().cells());
  s.mutable_counts()->set_published(r.counts().published());
  s.mutable_counts()->set_suppressed(r.counts().suppressed_primary() +
                                     r.counts().suppressed_secondary());
  s.set_leaf_hash(crypto::HexEncode(stored.leaf_hash));
  return s;
}

// A filter time as the log writes times, so that text order is time order.
absl::StatusOr<std::string> FilterTime(const std::string& text, absl::string_view field) {
  if (text.empty()) return std::string();
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", text.substr(0, 64), "\" is not an RFC 3339 time, e.g. 2026-11-01T00:00:00Z"));
  }
  return FormatRfc3339Millis(t);
}

bool Matches(const v1::AuditRecord& r, const v1::ListRecordsRequest& request,
             const std::string& since, const std::string& until) {
  if (!request.record_types().empty() &&
      std::find(request.record_types().begin(), request.record_types().end(),
                r.record_type()) == request.record_types().end()) {
    return false;
  }
  if (!since.empty() && r.time_utc() < since) return false;
  if (!until.empty() && r.time_utc() >= until) return false;
  // The department is an office and stays in the header; the principal is
  // in the identity detail and is matched after decryption (DoList).
  if (!request.department().empty() && r.requester().department() != request.department()) {
    return false;
  }
  if (!request.dataset().empty() && r.dataset() != request.dataset()) return false;
  if (request.decision() != v1::DECISION_UNSPECIFIED && r.decision() != request.decision()) {
    return false;
  }
  if (!request.purpose().empty() && r.purpose() != request.purpose()) return false;
  return true;
}

}  // namespace

grpc::Status AuditServiceImpl::ListRecords(grpc::ServerContext* context,
                                           const v1::ListRecordsRequest* request,
                                           v1::ListRecordsResponse* response) {
  return ToGrpcStatus(DoList(*context, *request, *response));
}

grpc::Status AuditServiceImpl::GetRecord(grpc::ServerContext* context,
                                         const v1::GetRecordRequest* request,
                                         v1::GetRecordResponse* response) {
  return ToGrpcStatus(DoGet(*context, *request, *response));
}

absl::Status AuditServiceImpl::DoList(grpc::ServerContext& context,
                                      const v1::ListRecordsRequest& request,
                                      v1::ListRecordsResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  RETURN_IF_ERROR(AuthorizeOrRefuse(context_, context, v1::DPO, kListRecords).status());
  const int limit = request.limit() <= 0 ? kDefaultLimit : std::min(request.limit(), kMaxLimit);
  ASSIGN_OR_RETURN(const std::string since, FilterTime(request.since_utc(), "since_utc"));
  ASSIGN_OR_RETURN(const std::string until, FilterTime(request.until_utc(), "until_utc"));
  ASSIGN_OR_RETURN(const audit::RedactionIndex redactions, follower_.Redactions());
  absl::Status read = absl::OkStatus();
  ASSIGN_OR_RETURN(const uint64_t size,
                   follower_.Visit(request.from_seq(), [&](const audit::StoredRecord& stored) {
                     if (!Matches(stored.record, request, since, until)) return true;
                     absl::StatusOr<audit::DetailedRecord> identity =
                         details_.Read(stored, redactions, v1::IDENTITY);
                     if (!identity.ok()) {
                       read = identity.status();
                       return false;
                     }
                     if (!request.principal().empty() &&
                         identity->record.requester().principal() != request.principal()) {
                       return true;
                     }
                     if (response.records_size() == limit) {
                       response.set_next_seq(stored.seq);
                       return false;
                     }
                     *response.add_records() = Summarize(stored, *identity);
                     return true;
                   }));
  RETURN_IF_ERROR(read);
  response.set_log_size(size);
  return absl::OkStatus();
}

absl::Status AuditServiceImpl::DoGet(grpc::ServerContext& context,
                                     const v1::GetRecordRequest& request,
                                     v1::GetRecordResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  RETURN_IF_ERROR(AuthorizeOrRefuse(context_, context, v1::DPO, kGetRecord).status());
  ASSIGN_OR_RETURN(const audit::RedactionIndex redactions, follower_.Redactions());
  ASSIGN_OR_RETURN(audit::StoredRecord stored, follower_.Get(request.seq()));
  // The record as the requester's answer left it: header and details.
  ASSIGN_OR_RETURN(audit::DetailedRecord full, details_.Read(stored, redactions));
  *response.mutable_record() = std::move(full.record);
  for (v1::DetailStatus& detail : full.details) *response.add_details() = std::move(detail);
  response.set_leaf_hash(crypto::HexEncode(stored.leaf_hash));
  response.set_record_bytes(std::move(stored.bytes));
  return absl::OkStatus();
}

grpc::Status AuditServiceImpl::VerifyLog(grpc::ServerContext* context,
                                         const v1::VerifyLogRequest* request,
                                         v1::VerifyLogResponse* response) {
  return ToGrpcStatus(DoVerify(*context, *request, *response));
}

absl::Status AuditServiceImpl::DoVerify(grpc::ServerContext& context,
                                        const v1::VerifyLogRequest& request,
                                        v1::VerifyLogResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  RETURN_IF_ERROR(AuthorizeOrRefuse(context_, context, v1::DPO, kVerifyLog).status());
  absl::StatusOr<audit::ReadResult> log = audit::ReadLog(log_dir_);
  absl::StatusOr<audit::ChainSummary> summary =
      log.ok() ? audit::VerifyChain(log->records, origin_, public_key_)
               : absl::StatusOr<audit::ChainSummary>(log.status());
  absl::StatusOr<audit::DetailSummary> details =
      summary.ok() ? audit::VerifyDetails(log_dir_, log->records)
                   : absl::StatusOr<audit::DetailSummary>(summary.status());
  // A broken log is the answer, not a failure of the call.
  if (!details.ok()) {
    response.set_ok(false);
    response.set_error(std::string(details.status().message()));
    response.set_finding_kind(audit::FindingKind(details.status()));
    return absl::OkStatus();
  }
  response.set_details_checked(details->checked);
  response.set_details_redacted(details->redacted);
  response.set_signing_key_rotations(summary->signing_key_rotations);
  response.set_ok(true);
  response.set_records(summary->records);
  response.set_origin(summary->origin);
  response.set_head_leaf_hash(summary->head_leaf_hash);
  response.set_checkpoints(summary->checkpoints);
  response.set_sealed_size(summary->sealed_size);
  response.set_unsealed_records(summary->unsealed_records);
  response.set_signatures_checked(summary->signatures_checked);
  return absl::OkStatus();
}

grpc::Status AuditServiceImpl::ExportLog(grpc::ServerContext* context,
                                         const v1::ExportLogRequest* request,
                                         v1::ExportLogResponse* response) {
  return ToGrpcStatus(DoExport(*context, *request, *response));
}

absl::Status AuditServiceImpl::DoExport(grpc::ServerContext& context,
                                        const v1::ExportLogRequest& request,
                                        v1::ExportLogResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  RETURN_IF_ERROR(AuthorizeOrRefuse(context_, context, v1::DPO, kExportLog).status());
  // The segments, then the detail files: a copy taken while the log grows
  // may hold details of records it does not have (a tail, not a finding).
  ASSIGN_OR_RETURN(std::vector<std::string> segments, audit::SegmentNames(log_dir_));
  ASSIGN_OR_RETURN(const auto detail_files, audit::ListDetailFiles(log_dir_));
  if (!segments.empty()) {
    for (const auto& [kind, year] : detail_files) {
      segments.push_back(audit::DetailFileName(kind, year));
    }
  }
  if (segments.empty()) {
    response.set_done(true);
    return absl::OkStatus();
  }
  // Only names the server listed itself: never a path from the request.
  const std::string wanted = request.segment().empty() ? segments.front() : request.segment();
  const auto it = std::find(segments.begin(), segments.end(), wanted);
  if (it == segments.end()) {
    return absl::NotFoundError(absl::StrCat("the log has no segment \"",
                                            wanted.substr(0, 64), "\""));
  }
  std::ifstream in(absl::StrCat(log_dir_, "/", wanted), std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read segment ", wanted));
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  if (request.offset() > size) {
    return absl::InvalidArgumentError(absl::StrCat("offset ", request.offset(),
                                                   " is beyond segment ", wanted, " (", size,
                                                   " bytes)"));
  }
  const uint64_t length = std::min<uint64_t>(kExportPieceBytes, size - request.offset());
  std::string data(length, '\0');
  in.seekg(static_cast<std::streamoff>(request.offset()));
  in.read(data.data(), static_cast<std::streamsize>(length));
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read segment ", wanted));
  response.set_segment(wanted);
  response.set_data(std::move(data));
  if (request.offset() + length < size) {
    response.set_next_offset(request.offset() + length);
    response.set_next_segment(wanted);
  } else if (it + 1 != segments.end()) {
    response.set_next_segment(*(it + 1));
  } else {
    response.set_done(true);
  }
  return absl::OkStatus();
}

// --- ExportRecords: the DPO's review export -------------------------------

namespace {

constexpr int kDefaultExportLimit = 500;
// A page ends before this many bytes, far below the client's receive limit.
constexpr size_t kMaxExportPageBytes = 4 << 20;

// The record for review: the header with its details (the principal, the
// query and the justification are in the blobs), but without the released
// table and the attacker-LP audit, which only GetRecord returns.
v1::ExportedRecord ForReview(const audit::StoredRecord& stored, audit::DetailedRecord full) {
  v1::ExportedRecord out;
  *out.mutable_record() = std::move(full.record);
  out.mutable_record()->clear_released_table();
  out.mutable_record()->clear_suppression_audit();
  out.set_leaf_hash(crypto::HexEncode(stored.leaf_hash));
  for (v1::DetailStatus& detail : full.details) *out.add_details() = std::move(detail);
  return out;
}

}  // namespace

grpc::Status AuditServiceImpl::ExportRecords(grpc::ServerContext* context,
                                             const v1::ExportRecordsRequest* request,
                                             v1::ExportRecordsResponse* response) {
  return ToGrpcStatus(DoExportRecords(*context, *request, *response));
}

absl::Status AuditServiceImpl::DoExportRecords(grpc::ServerContext& context,
                                               const v1::ExportRecordsRequest& request,
                                               v1::ExportRecordsResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  RETURN_IF_ERROR(AuthorizeOrRefuse(context_, context, v1::DPO, kExportRecords).status());
  const v1::ListRecordsRequest& filter = request.filter();
  const int limit =
      filter.limit() <= 0 ? kDefaultExportLimit : std::min(filter.limit(), kMaxLimit);
  ASSIGN_OR_RETURN(const std::string since, FilterTime(filter.since_utc(), "since_utc"));
  ASSIGN_OR_RETURN(const std::string until, FilterTime(filter.until_utc(), "until_utc"));
  ASSIGN_OR_RETURN(const audit::RedactionIndex redactions, follower_.Redactions());
  size_t bytes = 0;
  absl::Status read = absl::OkStatus();
  ASSIGN_OR_RETURN(const uint64_t size,
                   follower_.Visit(filter.from_seq(), [&](const audit::StoredRecord& stored) {
                     if (request.end_seq() != 0 && stored.seq >= request.end_seq()) return false;
                     if (!Matches(stored.record, filter, since, until)) return true;
                     absl::StatusOr<audit::DetailedRecord> full = details_.Read(stored, redactions);
                     if (!full.ok()) {
                       read = full.status();
                       return false;
                     }
                     // The principal is in the identity detail (as in DoList).
                     if (!filter.principal().empty() &&
                         full->record.requester().principal() != filter.principal()) {
                       return true;
                     }
                     v1::ExportedRecord record = ForReview(stored, *std::move(full));
                     const size_t record_bytes = record.ByteSizeLong();
                     if (response.records_size() == limit ||
                         (response.records_size() > 0 &&
                          bytes + record_bytes > kMaxExportPageBytes)) {
                       response.set_next_seq(stored.seq);
                       return false;
                     }
                     bytes += record_bytes;
                     *response.add_records() = std::move(record);
                     return true;
                   }));
  RETURN_IF_ERROR(read);
  response.set_log_size(size);
  return absl::OkStatus();
}

// --- ReplayRelease: re-run a past release for the DPO ------------------------

namespace {

bool IsReleaseId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

grpc::Status AuditServiceImpl::ReplayRelease(grpc::ServerContext* context,
                                             const v1::ReplayReleaseRequest* request,
                                             v1::ReplayReleaseResponse* response) {
  return ToGrpcStatus(DoReplayRelease(*context, *request, *response));
}

absl::Status AuditServiceImpl::DoReplayRelease(grpc::ServerContext& context,
                                               const v1::ReplayReleaseRequest& request,
                                               v1::ReplayReleaseResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  ASSIGN_OR_RETURN(const auth::Caller caller,
                   AuthorizeOrRefuse(context_, context, v1::DPO, kReplayRelease));
  if (!IsReleaseId(request.release_id())) {
    return absl::InvalidArgumentError(absl::StrCat("release_id \"",
                                                   request.release_id().substr(0, 64),
                                                   "\" is not 32 lower-case hex digits"));
  }
  std::optional<audit::StoredRecord> found;
  RETURN_IF_ERROR(follower_.Visit(0, [&](const audit::StoredRecord& stored) {
    if (stored.record.release_id() != request.release_id()) return true;
    found = stored;
    return false;
  }).status());
  if (!found.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("the log has no record of release \"", request.release_id(), "\""));
  }
  // The query, the policy's inputs and the table are in the content
  // detail: the replay runs on the reassembled record, and refuses (as a
  // recorded failure) one whose content was deleted or cannot be read.
  ASSIGN_OR_RETURN(const audit::RedactionIndex redactions, follower_.Redactions());
  ASSIGN_OR_RETURN(const audit::DetailedRecord release,
                   details_.Read(*found, redactions, v1::CONTENT));
  absl::StatusOr<v1::ReplayReleaseResponse> replay = context_.pipeline.Replay(
      RequestFor(caller, kReplayRelease), release.record, release.details);
  if (absl::IsUnavailable(replay.status()) && context_.on_audit_failure) {
    context_.on_audit_failure();
  }
  RETURN_IF_ERROR(replay.status());
  response = *std::move(replay);
  return absl::OkStatus();
}

}  // namespace cellgate::service
