#include "server/service/service_context.h"

#include "absl/strings/str_cat.h"

namespace cellgate::service {

pipeline::RequestInfo RequestFor(const auth::Caller& caller, absl::string_view method) {
  pipeline::RequestInfo info;
  info.requester = caller.requester;
  info.access_policy_hash = caller.acl->hash();
  info.method = std::string(method);
  return info;
}

absl::StatusOr<auth::Caller> AuthorizeOrRefuse(const ServiceContext& service,
                                               const grpc::ServerContext& context, v1::Role role,
                                               absl::string_view method,
                                               const v1::Query& query) {
  v1::Requester seen;
  absl::StatusOr<auth::Caller> caller = service.authorizer.Authorize(context, role, &seen);
  if (caller.ok()) return caller;
  pipeline::RequestInfo info;
  info.requester = seen;
  info.access_policy_hash = service.authorizer.access_control()->hash();
  info.method = std::string(method);
  return service.pipeline.Refuse(info, query, caller.status());
}

absl::Status CheckRequestSize(const ServiceContext& service,
                              const google::protobuf::MessageLite& request) {
  const size_t size = request.ByteSizeLong();
  if (static_cast<int64_t>(size) > service.max_request_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("request of ", size,
                                                     " bytes exceeds the limit of ",
                                                     service.max_request_bytes, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace cellgate::service
