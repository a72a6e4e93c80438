#include "server/service/data_service_impl.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "audit/verify/log_reader.h"
#include "audit/verify/merkle.h"
#include "common/status_macros.h"
#include "server/pipeline/cross_dataset_shares.h"
#include "server/service/grpc_status.h"

namespace cellgate::service {
namespace {
constexpr char kListDatasets[] = "/cellgate.v1.DataService/ListDatasets";
constexpr char kDescribeDataset[] = "/cellgate.v1.DataService/DescribeDataset";
constexpr char kInclusionProof[] = "/cellgate.v1.DataService/GetInclusionProof";
constexpr char kQuery[] = "/cellgate.v1.DataService/Query";
}  // namespace

grpc::Status DataServiceImpl::ListDatasets(grpc::ServerContext* context,
                                           const v1::ListDatasetsRequest* /*request*/,
                                           v1::ListDatasetsResponse* response) {
  return ToGrpcStatus(DoListDatasets(*context, *response));
}

grpc::Status DataServiceImpl::DescribeDataset(grpc::ServerContext* context,
                                              const v1::DescribeDatasetRequest* request,
                                              v1::DescribeDatasetResponse* response) {
  return ToGrpcStatus(DoDescribe(*context, *request, *response));
}

grpc::Status DataServiceImpl::Query(grpc::ServerContext* context, const v1::QueryRequest* request,
                                    v1::QueryResponse* response) {
  return ToGrpcStatus(DoQuery(*context, *request, *response));
}

absl::Status DataServiceImpl::DoListDatasets(grpc::ServerContext& context,
                                             v1::ListDatasetsResponse& response) {
  ASSIGN_OR_RETURN(const auth::Caller caller,
                   AuthorizeOrRefuse(context_, context, v1::ANALYST, kListDatasets));
  ASSIGN_OR_RETURN(const std::vector<v1::DatasetSummary> all, catalog_.List());
  for (const v1::DatasetSummary& summary : all) {
    if (caller.acl->DatasetGranted(*caller.principal, summary.id())) {
      *response.add_datasets() = summary;
    }
  }
  return absl::OkStatus();
}

absl::Status DataServiceImpl::DoDescribe(grpc::ServerContext& context,
                                         const v1::DescribeDatasetRequest& request,
                                         v1::DescribeDatasetResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  ASSIGN_OR_RETURN(const auth::Caller caller,
                   AuthorizeOrRefuse(context_, context, v1::ANALYST, kDescribeDataset));
  // Unknown and not granted read the same, so that a department cannot
  // probe which datasets exist.
  const absl::Status not_found = absl::NotFoundError(
      absl::StrCat("dataset \"", request.dataset(), "\" is unknown or not granted"));
  if (!caller.acl->DatasetGranted(*caller.principal, request.dataset())) return not_found;
  absl::StatusOr<v1::DescribeDatasetResponse> described = catalog_.Describe(request.dataset());
  if (absl::IsNotFound(described.status())) return not_found;
  if (!described.ok()) return described.status();
  response = std::move(*described);
  return absl::OkStatus();
}

absl::Status DataServiceImpl::DoQuery(grpc::ServerContext& context,
                                      const v1::QueryRequest& request,
                                      v1::QueryResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  const v1::Query& query = request.query();
  ASSIGN_OR_RETURN(const auth::Caller caller,
                   AuthorizeOrRefuse(context_, context, v1::ANALYST, kQuery, query));
  const pipeline::RequestInfo info = RequestFor(caller, kQuery);
  absl::Status granted =
      caller.acl->CheckQuery(*caller.principal, query.dataset(), query.purpose(),
                             query.legal_basis(), query.channel());
  // A share across datasets reads its denominator's dataset too (ADR 0008).
  for (const std::string& other : pipeline::DenominatorDatasets(query)) {
    if (granted.ok()) {
      granted = caller.acl->CheckQuery(*caller.principal, other, query.purpose(),
                                       query.legal_basis(), query.channel());
    }
  }
  if (!granted.ok()) return context_.pipeline.Refuse(info, query, granted);
  std::optional<PrincipalLimiter::Permit> permit;
  if (context_.query_limiter != nullptr) {
    absl::StatusOr<PrincipalLimiter::Permit> acquired =
        context_.query_limiter->Acquire(caller.principal->id());
    if (!acquired.ok()) return context_.pipeline.Refuse(info, query, acquired.status());
    permit.emplace(*std::move(acquired));
  }
  absl::StatusOr<v1::QueryResponse> answer = context_.pipeline.Release(info, query);
  if (absl::IsUnavailable(answer.status()) && context_.on_audit_failure) {
    context_.on_audit_failure();
  }
  if (!answer.ok()) return answer.status();
  response = std::move(*answer);
  return absl::OkStatus();
}

grpc::Status DataServiceImpl::GetInclusionProof(grpc::ServerContext* context,
                                                const v1::InclusionProofRequest* request,
                                                v1::InclusionProofResponse* response) {
  return ToGrpcStatus(DoInclusionProof(*context, *request, *response));
}

absl::Status DataServiceImpl::DoInclusionProof(grpc::ServerContext& context,
                                               const v1::InclusionProofRequest& request,
                                               v1::InclusionProofResponse& response) {
  RETURN_IF_ERROR(CheckRequestSize(context_, request));
  RETURN_IF_ERROR(AuthorizeOrRefuse(context_, context, v1::ANALYST, kInclusionProof).status());
  // TODO(#5): keep the leaf hashes in memory instead of reading the log.
  ASSIGN_OR_RETURN(const audit::ReadResult log, audit::ReadLog(audit_dir_));
  if (request.seq() >= request.tree_size() || request.tree_size() > log.records.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "need seq < tree_size <= log size; got seq ", request.seq(), ", tree_size ",
        request.tree_size(), ", log size ", log.records.size()));
  }
  std::vector<crypto::Digest> leaves;
  leaves.reserve(request.tree_size());
  for (uint64_t i = 0; i < request.tree_size(); ++i) leaves.push_back(log.records[i].leaf_hash);
  response.set_leaf_hash(crypto::DigestBytes(leaves[request.seq()]));
  for (const crypto::Digest& hash : audit::InclusionProof(leaves, request.seq(), request.tree_size())) {
    response.add_audit_path(crypto::DigestBytes(hash));
  }
  return absl::OkStatus();
}

}  // namespace cellgate::service
