// The CLI's view of a cellgate server: one method per RPC of DataService,
// AdminService and AuditService, each returning the response or the server's
// status (codes 1:1 as gRPC sent them). Commands depend only on this
// interface; GrpcConnection implements it, FakeConnection (testing/) stands
// in for tests. Implementations need not be thread-safe: the CLI makes one
// call at a time.
#ifndef CELLGATE_CLIENT_CONNECTION_H_
#define CELLGATE_CLIENT_CONNECTION_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "cellgate/v1/admin_service.pb.h"
#include "cellgate/v1/audit_service.pb.h"
#include "cellgate/v1/data_service.pb.h"

namespace cellgate::client {

// Where and how to connect. Key material is held only in memory.
struct ConnectionOptions {
  std::string target;        // HOST:PORT
  bool plaintext = false;    // no TLS; development servers only
  std::string ca_pem;        // CA that issued the server certificate
  std::string cert_pem;      // client certificate (chain)
  std::string key_pem;       // client private key
  int timeout_seconds = 30;  // deadline of every call, > 0
};

// Produces the chunks of a client-streamed ingest, one at a time.
class IngestChunkSource {
 public:
  virtual ~IngestChunkSource() = default;
  // Fills `chunk` with the next chunk and returns true, or returns false when
  // there are no more. An error (e.g. the file cannot be read) aborts the
  // ingest and is returned by IngestVersion.
  virtual absl::StatusOr<bool> Next(v1::IngestChunk& chunk) = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // DataService. Each returns the response, or the server's status: e.g.
  // NOT_FOUND for an unknown dataset, PERMISSION_DENIED for a purpose not
  // granted, UNAVAILABLE if the server cannot be reached or rejects the TLS
  // handshake, DEADLINE_EXCEEDED after the timeout.
  virtual absl::StatusOr<v1::ListDatasetsResponse> ListDatasets(
      const v1::ListDatasetsRequest& request) = 0;
  virtual absl::StatusOr<v1::DescribeDatasetResponse> DescribeDataset(
      const v1::DescribeDatasetRequest& request) = 0;
  virtual absl::StatusOr<v1::QueryResponse> Query(const v1::QueryRequest& request) = 0;

  // AdminService. IngestVersion streams every chunk `chunks` produces, then
  // returns the new version; an error from `chunks` cancels the call and is
  // returned as is.
  virtual absl::StatusOr<v1::CreateDatasetResponse> CreateDataset(
      const v1::CreateDatasetRequest& request) = 0;
  virtual absl::StatusOr<v1::IngestResponse> IngestVersion(IngestChunkSource& chunks) = 0;
  virtual absl::StatusOr<v1::ListVersionsResponse> ListVersions(
      const v1::ListVersionsRequest& request) = 0;
  virtual absl::StatusOr<v1::RotateStoreKeyResponse> RotateStoreKey(
      const v1::RotateStoreKeyRequest& request) = 0;
  virtual absl::StatusOr<v1::RotateSigningKeyResponse> RotateSigningKey(
      const v1::RotateSigningKeyRequest& request) = 0;
  // AdminService.Backup: hands every chunk to `sink` in order; an error
  // from `sink` cancels the call and is returned as is.
  virtual absl::Status Backup(const v1::BackupRequest& request,
                              const std::function<absl::Status(const v1::BackupChunk&)>& sink) {
    (void)request;
    (void)sink;
    return absl::UnimplementedError("this connection cannot make backups");
  }

  // AuditService.
  virtual absl::StatusOr<v1::ListRecordsResponse> ListRecords(
      const v1::ListRecordsRequest& request) = 0;
  virtual absl::StatusOr<v1::GetRecordResponse> GetRecord(const v1::GetRecordRequest& request) = 0;
  virtual absl::StatusOr<v1::ExportLogResponse> ExportLog(const v1::ExportLogRequest& request) = 0;
  virtual absl::StatusOr<v1::VerifyLogResponse> VerifyLog(const v1::VerifyLogRequest& request) = 0;
  virtual absl::StatusOr<v1::ExportRecordsResponse> ExportRecords(
      const v1::ExportRecordsRequest& request) = 0;
  virtual absl::StatusOr<v1::ReplayReleaseResponse> ReplayRelease(
      const v1::ReplayReleaseRequest& request) = 0;
};

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_CONNECTION_H_
