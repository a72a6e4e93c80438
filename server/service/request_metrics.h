// A gRPC server interceptor that counts every finished call in Metrics by
// method and status code, with its latency. The method label is one of the
// served methods or "other" (Metrics decides). Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_REQUEST_METRICS_H_
#define CELLGATE_SERVER_SERVICE_REQUEST_METRICS_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "server/service/metrics.h"

namespace cellgate::service {

// Returns the interceptor factory. `metrics` must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewRequestMetrics(
    Metrics& metrics);

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_REQUEST_METRICS_H_
