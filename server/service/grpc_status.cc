#include "server/service/grpc_status.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"

namespace cellgate::service {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown) {
    absl::StatusOr<std::string> id = crypto::RandomBytes(8);
    const std::string correlation = id.ok() ? crypto::HexEncode(*id) : "none";
    std::fprintf(stderr, "{\"level\":\"error\",\"correlation_id\":\"%s\",\"status\":\"%s\"}\n",
                 correlation.c_str(), status.ToString().c_str());
    return grpc::Status(code, absl::StrCat("internal error (correlation id ", correlation, ")"));
  }
  return grpc::Status(code, std::string(status.message()));
}

}  // namespace cellgate::service
