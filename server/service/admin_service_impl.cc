#include "server/service/admin_service_impl.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/ed25519.h"
#include "common/status_macros.h"
#include "server/service/grpc_status.h"

namespace cellgate::service {
namespace {
constexpr char kCreateDataset[] = "/cellgate.v1.AdminService/CreateDataset";
constexpr char kIngestVersion[] = "/cellgate.v1.AdminService/IngestVersion";
constexpr char kListVersions[] = "/cellgate.v1.AdminService/ListVersions";
constexpr char kRotateStoreKey[] = "/cellgate.v1.AdminService/RotateStoreKey";
constexpr char kBackup[] = "/cellgate.v1.AdminService/Backup";
constexpr char kRotateSigningKey[] = "/cellgate.v1.AdminService/RotateSigningKey";
}  // namespace

grpc::Status AdminServiceImpl::CreateDataset(grpc::ServerContext* context,
                                             const v1::CreateDatasetRequest* request,
                                             v1::CreateDatasetResponse* response) {
  absl::Status status = CheckRequestSize(context_, *request);
  absl::StatusOr<auth::Caller> caller = absl::UnknownError("not authorized");
  if (status.ok()) caller = AuthorizeOrRefuse(context_, *context, v1::STEWARD, kCreateDataset);
  if (status.ok()) status = caller.status();
  if (status.ok()) {
    status = admin_.CreateDataset(RequestFor(*caller, kCreateDataset), request->schema());
  }
  if (status.ok()) response->set_dataset(request->schema().id());
  return ToGrpcStatus(status);
}

grpc::Status AdminServiceImpl::IngestVersion(grpc::ServerContext* context,
                                             grpc::ServerReader<v1::IngestChunk>* reader,
                                             v1::IngestResponse* response) {
  return ToGrpcStatus(DoIngest(*context, *reader, *response));
}

absl::Status AdminServiceImpl::DoIngest(grpc::ServerContext& context,
                                        grpc::ServerReader<v1::IngestChunk>& reader,
                                        v1::IngestResponse& response) {
  ASSIGN_OR_RETURN(const auth::Caller caller,
                   AuthorizeOrRefuse(context_, context, v1::STEWARD, kIngestVersion));
  const pipeline::RequestInfo info = RequestFor(caller, kIngestVersion);
  v1::IngestChunk chunk;
  if (!reader.Read(&chunk)) return absl::InvalidArgumentError("ingest stream has no chunk");
  if (chunk.dataset().empty()) {
    return absl::InvalidArgumentError("the first ingest chunk names no dataset");
  }
  const std::string legal_basis = chunk.legal_basis();
  ASSIGN_OR_RETURN(std::unique_ptr<pipeline::PendingIngest> ingest,
                   admin_.BeginIngest(info, chunk.dataset(), chunk.source_name()));
  absl::Status error;
  do {
    if (static_cast<int64_t>(chunk.data().size()) > max_chunk_bytes_) {
      error = absl::ResourceExhaustedError(absl::StrCat(
          "ingest chunk of ", chunk.data().size(), " bytes exceeds ", max_chunk_bytes_));
      break;
    }
    error = ingest->session().AddChunk(chunk.data());
    if (!error.ok()) break;
  } while (reader.Read(&chunk));
  if (error.ok() && context.IsCancelled()) error = absl::CancelledError("ingest cancelled");
  ASSIGN_OR_RETURN(*response.mutable_version(),
                   admin_.FinishIngest(info, std::move(ingest), legal_basis, error));
  return absl::OkStatus();
}

grpc::Status AdminServiceImpl::ListVersions(grpc::ServerContext* context,
                                            const v1::ListVersionsRequest* request,
                                            v1::ListVersionsResponse* response) {
  absl::Status status = CheckRequestSize(context_, *request);
  if (status.ok()) {
    status = AuthorizeOrRefuse(context_, *context, v1::STEWARD, kListVersions).status();
  }
  if (status.ok()) {
    absl::StatusOr<std::vector<v1::DatasetVersionInfo>> versions =
        admin_.ListVersions(request->dataset());
    status = versions.status();
    if (status.ok()) {
      for (auto& v : *versions) *response->add_versions() = std::move(v);
    }
  }
  return ToGrpcStatus(status);
}

grpc::Status AdminServiceImpl::RotateStoreKey(grpc::ServerContext* context,
                                              const v1::RotateStoreKeyRequest* request,
                                              v1::RotateStoreKeyResponse* response) {
  return ToGrpcStatus([&]() -> absl::Status {
    RETURN_IF_ERROR(CheckRequestSize(context_, *request));
    ASSIGN_OR_RETURN(const auth::Caller caller,
                     AuthorizeOrRefuse(context_, *context, v1::STEWARD, kRotateStoreKey));
    ASSIGN_OR_RETURN(std::string fingerprint,
                     admin_.RotateStoreKey(RequestFor(caller, kRotateStoreKey)));
    response->set_key_fingerprint(std::move(fingerprint));
    return absl::OkStatus();
  }());
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context,
                                      const v1::BackupRequest* request,
                                      grpc::ServerWriter<v1::BackupChunk>* writer) {
  return ToGrpcStatus([&]() -> absl::Status {
    RETURN_IF_ERROR(CheckRequestSize(context_, *request));
    ASSIGN_OR_RETURN(const auth::Caller caller,
                     AuthorizeOrRefuse(context_, *context, v1::STEWARD, kBackup));
    if (backup_ == nullptr) return absl::UnimplementedError("this server makes no backups");
    const pipeline::RequestInfo info = RequestFor(caller, kBackup);
    absl::StatusOr<v1::BackupManifest> manifest =
        backup_->Run(info, [&](const v1::BackupChunk& chunk) -> absl::Status {
          if (context->IsCancelled() || !writer->Write(chunk)) {
            return absl::CancelledError("the client stopped reading the backup");
          }
          return absl::OkStatus();
        });
    if (telemetry_ != nullptr) {
      telemetry_->OnBackup(info.requester.principal(), manifest.status(),
                           manifest.ok() ? *manifest : v1::BackupManifest());
    }
    return manifest.status();
  }());
}

grpc::Status AdminServiceImpl::RotateSigningKey(grpc::ServerContext* context,
                                                const v1::RotateSigningKeyRequest* request,
                                                v1::RotateSigningKeyResponse* response) {
  return ToGrpcStatus([&]() -> absl::Status {
    RETURN_IF_ERROR(CheckRequestSize(context_, *request));
    ASSIGN_OR_RETURN(const auth::Caller caller,
                     AuthorizeOrRefuse(context_, *context, v1::STEWARD, kRotateSigningKey));
    ASSIGN_OR_RETURN(const audit::RotatedSigningKey rotated,
                     admin_.RotateSigningKey(RequestFor(caller, kRotateSigningKey)));
    ASSIGN_OR_RETURN(std::string pem, crypto::Ed25519PublicKeyToPem(rotated.public_key));
    response->set_public_key_pem(std::move(pem));
    response->set_seq(rotated.seq);
    return absl::OkStatus();
  }());
}

}  // namespace cellgate::service
