// DataServiceImpl: thin gRPC adapter for cellgate.v1.DataService. Every
// handler authorizes first (role ANALYST), then calls the catalog or the
// release pipeline. Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_DATA_SERVICE_IMPL_H_
#define CELLGATE_SERVER_SERVICE_DATA_SERVICE_IMPL_H_

#include "cellgate/v1/data_service.grpc.pb.h"
#include "server/pipeline/dataset_catalog.h"
#include "server/service/service_context.h"

namespace cellgate::service {

class DataServiceImpl final : public v1::DataService::Service {
 public:
  // References must outlive the service.
  DataServiceImpl(const ServiceContext& context, pipeline::DatasetCatalog& catalog,
                  std::string audit_dir)
      : context_(context), catalog_(catalog), audit_dir_(std::move(audit_dir)) {}

  grpc::Status ListDatasets(grpc::ServerContext* context, const v1::ListDatasetsRequest* request,
                            v1::ListDatasetsResponse* response) override;
  grpc::Status DescribeDataset(grpc::ServerContext* context,
                               const v1::DescribeDatasetRequest* request,
                               v1::DescribeDatasetResponse* response) override;
  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const v1::InclusionProofRequest* request,
                                 v1::InclusionProofResponse* response) override;
  grpc::Status Query(grpc::ServerContext* context, const v1::QueryRequest* request,
                     v1::QueryResponse* response) override;

 private:
  absl::Status DoInclusionProof(grpc::ServerContext& context,
                                const v1::InclusionProofRequest& request,
                                v1::InclusionProofResponse& response);
  absl::Status DoListDatasets(grpc::ServerContext& context, v1::ListDatasetsResponse& response);
  absl::Status DoDescribe(grpc::ServerContext& context, const v1::DescribeDatasetRequest& request,
                          v1::DescribeDatasetResponse& response);
  absl::Status DoQuery(grpc::ServerContext& context, const v1::QueryRequest& request,
                       v1::QueryResponse& response);

  const ServiceContext& context_;
  pipeline::DatasetCatalog& catalog_;
  const std::string audit_dir_;
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_DATA_SERVICE_IMPL_H_
