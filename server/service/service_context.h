// What the three gRPC adapters share: the authorizer, the pipeline (for
// refusal records) and the server limits. A plain aggregate of borrowed
// references; the objects must outlive every service.
#ifndef CELLGATE_SERVER_SERVICE_SERVICE_CONTEXT_H_
#define CELLGATE_SERVER_SERVICE_SERVICE_CONTEXT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/auth/authorizer.h"
#include "server/pipeline/release_pipeline.h"
#include "server/service/principal_limiter.h"

namespace cellgate::service {

struct ServiceContext {
  const auth::Authorizer& authorizer;
  pipeline::ReleasePipeline& pipeline;
  // Maximum serialized size of a non-streaming request.
  int64_t max_request_bytes = 256 * 1024;
  // Called when an answer was withheld because the audit log failed, e.g.
  // to turn health NOT_SERVING. May be empty.
  std::function<void()> on_audit_failure;
  // Per-principal query limits; null means none.
  PrincipalLimiter* query_limiter = nullptr;
};

// Authorizes the call for `role`. On denial, records a REFUSAL (with
// `query`, which may be empty) and returns the denial, or UNAVAILABLE if the
// log cannot record it. `method` is the full gRPC method name.
absl::StatusOr<auth::Caller> AuthorizeOrRefuse(const ServiceContext& service,
                                               const grpc::ServerContext& context, v1::Role role,
                                               absl::string_view method,
                                               const v1::Query& query = v1::Query());

// Returns the RequestInfo for an authorized caller.
pipeline::RequestInfo RequestFor(const auth::Caller& caller, absl::string_view method);

// RESOURCE_EXHAUSTED if `request` is larger than the configured maximum.
absl::Status CheckRequestSize(const ServiceContext& service,
                              const google::protobuf::MessageLite& request);

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_SERVICE_CONTEXT_H_
