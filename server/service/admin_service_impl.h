// AdminServiceImpl: thin gRPC adapter for cellgate.v1.AdminService (role
// STEWARD). Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_ADMIN_SERVICE_IMPL_H_
#define CELLGATE_SERVER_SERVICE_ADMIN_SERVICE_IMPL_H_

#include "cellgate/v1/admin_service.grpc.pb.h"
#include "server/pipeline/admin_operations.h"
#include "server/service/online_backup.h"
#include "server/service/service_context.h"
#include "server/service/telemetry.h"

namespace cellgate::service {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // References must outlive the service. `max_chunk_bytes` caps one ingest
  // chunk's data. `backup` serves Backup (UNIMPLEMENTED if null);
  // `telemetry` logs and counts backups (may be null). Neither is owned.
  AdminServiceImpl(const ServiceContext& context, pipeline::AdminOperations& admin,
                   int64_t max_chunk_bytes, OnlineBackup* backup = nullptr,
                   TelemetryObserver* telemetry = nullptr)
      : context_(context), admin_(admin), max_chunk_bytes_(max_chunk_bytes), backup_(backup),
        telemetry_(telemetry) {}

  grpc::Status CreateDataset(grpc::ServerContext* context,
                             const v1::CreateDatasetRequest* request,
                             v1::CreateDatasetResponse* response) override;
  grpc::Status IngestVersion(grpc::ServerContext* context,
                             grpc::ServerReader<v1::IngestChunk>* reader,
                             v1::IngestResponse* response) override;
  grpc::Status ListVersions(grpc::ServerContext* context, const v1::ListVersionsRequest* request,
                            v1::ListVersionsResponse* response) override;
  grpc::Status RotateStoreKey(grpc::ServerContext* context,
                              const v1::RotateStoreKeyRequest* request,
                              v1::RotateStoreKeyResponse* response) override;
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      grpc::ServerWriter<v1::BackupChunk>* writer) override;
  grpc::Status RotateSigningKey(grpc::ServerContext* context,
                                const v1::RotateSigningKeyRequest* request,
                                v1::RotateSigningKeyResponse* response) override;

 private:
  absl::Status DoIngest(grpc::ServerContext& context, grpc::ServerReader<v1::IngestChunk>& reader,
                        v1::IngestResponse& response);

  const ServiceContext& context_;
  pipeline::AdminOperations& admin_;
  const int64_t max_chunk_bytes_;
  OnlineBackup* const backup_;
  TelemetryObserver* const telemetry_;
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_ADMIN_SERVICE_IMPL_H_
