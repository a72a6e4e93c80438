// The one mapping from absl::Status to grpc::Status. Codes are cast 1:1
// (Abseil codes carry their gRPC names). INTERNAL and UNKNOWN send a generic
// message with a correlation id; the details go to the server log (stderr).
// Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_GRPC_STATUS_H_
#define CELLGATE_SERVER_SERVICE_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace cellgate::service {

// Returns the gRPC status for `status`.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_GRPC_STATUS_H_
