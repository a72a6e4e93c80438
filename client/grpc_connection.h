// Connection over a real gRPC channel: mutual TLS with the client's
// certificate (or plaintext for development servers), a deadline on every
// call, and grpc::Status mapped 1:1 by code to absl::Status. Not
// thread-safe; one call at a time.
#ifndef CELLGATE_CLIENT_GRPC_CONNECTION_H_
#define CELLGATE_CLIENT_GRPC_CONNECTION_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellgate/v1/admin_service.grpc.pb.h"
#include "cellgate/v1/audit_service.grpc.pb.h"
#include "cellgate/v1/data_service.grpc.pb.h"
#include "client/connection.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace cellgate::client {

// Largest answer the client accepts, in bytes (big tables).
inline constexpr int kMaxReceiveMessageBytes = 64 << 20;

// Drops gRPC's own log lines (e.g. "tlsv1 alert unknown ca") so that a
// failure shows only the CLI's explanation, unless $GRPC_VERBOSITY is set.
// Call once at the start of main, before any channel exists. Not thread-safe.
void QuietGrpcLogging();

// Returns the absl::Status with the same code and message as `status`.
absl::Status FromGrpcStatus(const grpc::Status& status);

class GrpcConnection final : public Connection {
 public:
  // Creates the channel (connecting lazily, at the first call). TLS uses
  // `ca_pem`, `cert_pem` and `key_pem` with no insecure fallback; plaintext
  // only if `options.plaintext`. INVALID_ARGUMENT if TLS is asked for and
  // any of the three is empty or the target is empty.
  static absl::StatusOr<std::unique_ptr<GrpcConnection>> Create(const ConnectionOptions& options);

  absl::StatusOr<v1::ListDatasetsResponse> ListDatasets(
      const v1::ListDatasetsRequest& request) override;
  absl::StatusOr<v1::DescribeDatasetResponse> DescribeDataset(
      const v1::DescribeDatasetRequest& request) override;
  absl::StatusOr<v1::QueryResponse> Query(const v1::QueryRequest& request) override;
  absl::StatusOr<v1::CreateDatasetResponse> CreateDataset(
      const v1::CreateDatasetRequest& request) override;
  absl::StatusOr<v1::IngestResponse> IngestVersion(IngestChunkSource& chunks) override;
  absl::StatusOr<v1::ListVersionsResponse> ListVersions(
      const v1::ListVersionsRequest& request) override;
  absl::StatusOr<v1::RotateStoreKeyResponse> RotateStoreKey(
      const v1::RotateStoreKeyRequest& request) override;
  absl::StatusOr<v1::RotateSigningKeyResponse> RotateSigningKey(
      const v1::RotateSigningKeyRequest& request) override;
  // Runs under a deadline of at least one hour (a backup streams the store).
  absl::Status Backup(const v1::BackupRequest& request,
                      const std::function<absl::Status(const v1::BackupChunk&)>& sink) override;
  absl::StatusOr<v1::ListRecordsResponse> ListRecords(
      const v1::ListRecordsRequest& request) override;
  absl::StatusOr<v1::ExportLogResponse> ExportLog(const v1::ExportLogRequest& request) override;
  absl::StatusOr<v1::VerifyLogResponse> VerifyLog(const v1::VerifyLogRequest& request) override;
  absl::StatusOr<v1::GetRecordResponse> GetRecord(const v1::GetRecordRequest& request) override;
  absl::StatusOr<v1::ExportRecordsResponse> ExportRecords(
      const v1::ExportRecordsRequest& request) override;
  absl::StatusOr<v1::ReplayReleaseResponse> ReplayRelease(
      const v1::ReplayReleaseRequest& request) override;

 private:
  GrpcConnection(std::shared_ptr<grpc::Channel> channel, int timeout_seconds);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::DataService::Stub> data_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  const int timeout_seconds_;
};

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_GRPC_CONNECTION_H_
