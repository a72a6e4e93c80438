// AuditServiceImpl: thin gRPC adapter for cellgate.v1.AuditService (role
// DPO). Follows the log with audit/verify's follower (only new frames are
// read per call) and verifies it with a full read; a replay runs in the
// release pipeline. Records are answered whole: the header with its detail
// blobs decrypted with the audit content key (audit/verify/detail_reader.h),
// redacted parts marked. Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_AUDIT_SERVICE_IMPL_H_
#define CELLGATE_SERVER_SERVICE_AUDIT_SERVICE_IMPL_H_

#include <memory>
#include <string>

#include "audit/verify/detail_reader.h"
#include "audit/verify/log_follower.h"
#include "cellgate/v1/audit_service.grpc.pb.h"
#include "server/service/service_context.h"

namespace cellgate::service {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  // `context` must outlive the service; `log_dir` is the audit directory,
  // `origin` and `public_key` (raw Ed25519, the log's first key; empty if
  // unsigned) what VerifyLog checks the log against; `content_key` decrypts
  // the details (null: they are answered as unreadable).
  AuditServiceImpl(const ServiceContext& context, std::string log_dir, std::string origin = "",
                   std::string public_key = "",
                   std::shared_ptr<const crypto::AesGcmKey> content_key = nullptr)
      : context_(context),
        log_dir_(std::move(log_dir)),
        origin_(std::move(origin)),
        public_key_(std::move(public_key)),
        follower_(log_dir_),
        details_(log_dir_, std::move(content_key)) {}

  grpc::Status ListRecords(grpc::ServerContext* context, const v1::ListRecordsRequest* request,
                           v1::ListRecordsResponse* response) override;
  grpc::Status ExportLog(grpc::ServerContext* context, const v1::ExportLogRequest* request,
                         v1::ExportLogResponse* response) override;
  grpc::Status GetRecord(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                         v1::GetRecordResponse* response) override;
  grpc::Status VerifyLog(grpc::ServerContext* context, const v1::VerifyLogRequest* request,
                         v1::VerifyLogResponse* response) override;
  grpc::Status ExportRecords(grpc::ServerContext* context,
                             const v1::ExportRecordsRequest* request,
                             v1::ExportRecordsResponse* response) override;
  grpc::Status ReplayRelease(grpc::ServerContext* context,
                             const v1::ReplayReleaseRequest* request,
                             v1::ReplayReleaseResponse* response) override;

 private:
  absl::Status DoList(grpc::ServerContext& context, const v1::ListRecordsRequest& request,
                      v1::ListRecordsResponse& response);
  absl::Status DoExport(grpc::ServerContext& context, const v1::ExportLogRequest& request,
                        v1::ExportLogResponse& response);
  absl::Status DoGet(grpc::ServerContext& context, const v1::GetRecordRequest& request,
                     v1::GetRecordResponse& response);

  absl::Status DoVerify(grpc::ServerContext& context, const v1::VerifyLogRequest& request,
                        v1::VerifyLogResponse& response);
  // The DPO's review export (audit_service.proto, ExportRecords).
  absl::Status DoExportRecords(grpc::ServerContext& context,
                               const v1::ExportRecordsRequest& request,
                               v1::ExportRecordsResponse& response);
  // The replay of a past release (ReleasePipeline::Replay) for the DPO.
  absl::Status DoReplayRelease(grpc::ServerContext& context,
                               const v1::ReplayReleaseRequest& request,
                               v1::ReplayReleaseResponse& response);

  const ServiceContext& context_;
  const std::string log_dir_;
  const std::string origin_;
  const std::string public_key_;
  // Listing and reading follow the log; VerifyLog re-reads it whole.
  audit::LogFollower follower_;
  // Reads and decrypts the records' detail blobs.
  const audit::DetailReader details_;
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_AUDIT_SERVICE_IMPL_H_
