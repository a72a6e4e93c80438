#include "client/grpc_connection.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <utility>

#include "grpc/support/log.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace cellgate::client {
namespace {

void SetDeadline(grpc::ClientContext& context, int timeout_seconds) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
}

// Runs one unary call, `invoke(&context, &response)`, under the deadline.
template <typename Response, typename Invoke>
absl::StatusOr<Response> Unary(int timeout_seconds, Invoke invoke) {
  grpc::ClientContext context;
  SetDeadline(context, timeout_seconds);
  Response response;
  const grpc::Status status = invoke(&context, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(const ConnectionOptions& options) {
  if (options.plaintext) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.ca_pem;
  ssl.pem_private_key = options.key_pem;
  ssl.pem_cert_chain = options.cert_pem;
  return grpc::SslCredentials(ssl);
}

}  // namespace

void QuietGrpcLogging() {
  if (std::getenv("GRPC_VERBOSITY") != nullptr) return;
  gpr_set_log_function([](gpr_log_func_args*) {});
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // gRPC and Abseil share the numeric codes (0..16).
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

absl::StatusOr<std::unique_ptr<GrpcConnection>> GrpcConnection::Create(
    const ConnectionOptions& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("no server address given");
  if (!options.plaintext &&
      (options.ca_pem.empty() || options.cert_pem.empty() || options.key_pem.empty())) {
    return absl::InvalidArgumentError("TLS needs a CA certificate, a client certificate and a key");
  }
  if (options.timeout_seconds <= 0) {
    return absl::InvalidArgumentError("the timeout must be greater than 0 seconds");
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.target, Credentials(options), arguments);
  return std::unique_ptr<GrpcConnection>(
      new GrpcConnection(std::move(channel), options.timeout_seconds));
}

GrpcConnection::GrpcConnection(std::shared_ptr<grpc::Channel> channel, int timeout_seconds)
    : channel_(std::move(channel)),
      data_(v1::DataService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)),
      audit_(v1::AuditService::NewStub(channel_)),
      timeout_seconds_(timeout_seconds) {}

absl::StatusOr<v1::ListDatasetsResponse> GrpcConnection::ListDatasets(
    const v1::ListDatasetsRequest& request) {
  return Unary<v1::ListDatasetsResponse>(timeout_seconds_,
                                         [&](grpc::ClientContext* c, v1::ListDatasetsResponse* r) {
                                           return data_->ListDatasets(c, request, r);
                                         });
}

absl::StatusOr<v1::DescribeDatasetResponse> GrpcConnection::DescribeDataset(
    const v1::DescribeDatasetRequest& request) {
  return Unary<v1::DescribeDatasetResponse>(
      timeout_seconds_, [&](grpc::ClientContext* c, v1::DescribeDatasetResponse* r) {
        return data_->DescribeDataset(c, request, r);
      });
}

absl::StatusOr<v1::QueryResponse> GrpcConnection::Query(const v1::QueryRequest& request) {
  return Unary<v1::QueryResponse>(
      timeout_seconds_,
      [&](grpc::ClientContext* c, v1::QueryResponse* r) { return data_->Query(c, request, r); });
}

absl::StatusOr<v1::CreateDatasetResponse> GrpcConnection::CreateDataset(
    const v1::CreateDatasetRequest& request) {
  return Unary<v1::CreateDatasetResponse>(
      timeout_seconds_, [&](grpc::ClientContext* c, v1::CreateDatasetResponse* r) {
        return admin_->CreateDataset(c, request, r);
      });
}

absl::StatusOr<v1::ListVersionsResponse> GrpcConnection::ListVersions(
    const v1::ListVersionsRequest& request) {
  return Unary<v1::ListVersionsResponse>(timeout_seconds_,
                                         [&](grpc::ClientContext* c, v1::ListVersionsResponse* r) {
                                           return admin_->ListVersions(c, request, r);
                                         });
}

absl::StatusOr<v1::RotateStoreKeyResponse> GrpcConnection::RotateStoreKey(
    const v1::RotateStoreKeyRequest& request) {
  return Unary<v1::RotateStoreKeyResponse>(
      timeout_seconds_, [&](grpc::ClientContext* c, v1::RotateStoreKeyResponse* r) {
        return admin_->RotateStoreKey(c, request, r);
      });
}

absl::StatusOr<v1::RotateSigningKeyResponse> GrpcConnection::RotateSigningKey(
    const v1::RotateSigningKeyRequest& request) {
  return Unary<v1::RotateSigningKeyResponse>(
      timeout_seconds_, [&](grpc::ClientContext* c, v1::RotateSigningKeyResponse* r) {
        return admin_->RotateSigningKey(c, request, r);
      });
}

absl::StatusOr<v1::ListRecordsResponse> GrpcConnection::ListRecords(
    const v1::ListRecordsRequest& request) {
  return Unary<v1::ListRecordsResponse>(timeout_seconds_,
                                        [&](grpc::ClientContext* c, v1::ListRecordsResponse* r) {
                                          return audit_->ListRecords(c, request, r);
                                        });
}

absl::StatusOr<v1::ExportLogResponse> GrpcConnection::ExportLog(
    const v1::ExportLogRequest& request) {
  return Unary<v1::ExportLogResponse>(
      timeout_seconds_, [&](grpc::ClientContext* c, v1::ExportLogResponse* r) {
        return audit_->ExportLog(c, request, r);
      });
}

absl::StatusOr<v1::VerifyLogResponse> GrpcConnection::VerifyLog(
    const v1::VerifyLogRequest& request) {
  return Unary<v1::VerifyLogResponse>(
      timeout_seconds_, [&](grpc::ClientContext* c, v1::VerifyLogResponse* r) {
        return audit_->VerifyLog(c, request, r);
      });
}

absl::StatusOr<v1::GetRecordResponse> GrpcConnection::GetRecord(
    const v1::GetRecordRequest& request) {
  return Unary<v1::GetRecordResponse>(timeout_seconds_,
                                      [&](grpc::ClientContext* c, v1::GetRecordResponse* r) {
                                        return audit_->GetRecord(c, request, r);
                                      });
}

absl::StatusOr<v1::ExportRecordsResponse> GrpcConnection::ExportRecords(
    const v1::ExportRecordsRequest& request) {
  return Unary<v1::ExportRecordsResponse>(
      timeout_seconds_, [&](grpc::ClientContext* c, v1::ExportRecordsResponse* r) {
        return audit_->ExportRecords(c, request, r);
      });
}

absl::StatusOr<v1::ReplayReleaseResponse> GrpcConnection::ReplayRelease(
    const v1::ReplayReleaseRequest& request) {
  return Unary<v1::ReplayReleaseResponse>(
      timeout_seconds_, [&](grpc::ClientContext* c, v1::ReplayReleaseResponse* r) {
        return audit_->ReplayRelease(c, request, r);
      });
}

absl::StatusOr<v1::IngestResponse> GrpcConnection::IngestVersion(IngestChunkSource& chunks) {
  grpc::ClientContext context;
  SetDeadline(context, timeout_seconds_);
  v1::IngestResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::IngestChunk>> writer =
      admin_->IngestVersion(&context, &response);
  while (true) {
    v1::IngestChunk chunk;
    absl::StatusOr<bool> more = chunks.Next(chunk);
    if (!more.ok()) {
      // Nothing is stored: the server sees a cancelled stream.
      context.TryCancel();
      writer->Finish();
      return more.status();
    }
    if (!*more) break;
    // A failed write means the stream is broken; Finish tells why.
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::Status GrpcConnection::Backup(
    const v1::BackupRequest& request,
    const std::function<absl::Status(const v1::BackupChunk&)>& sink) {
  grpc::ClientContext context;
  SetDeadline(context, std::max(timeout_seconds_, 3600));
  std::unique_ptr<grpc::ClientReader<v1::BackupChunk>> reader = admin_->Backup(&context, request);
  v1::BackupChunk chunk;
  while (reader->Read(&chunk)) {
    if (absl::Status taken = sink(chunk); !taken.ok()) {
      context.TryCancel();
      reader->Finish();
      return taken;
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return absl::OkStatus();
}

}  // namespace cellgate::client
