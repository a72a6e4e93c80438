// Who made a request and under which access policy: what the transport layer
// established before the pipeline runs. A plain value type.
#ifndef CELLGATE_SERVER_PIPELINE_REQUEST_INFO_H_
#define CELLGATE_SERVER_PIPELINE_REQUEST_INFO_H_

#include <string>

#include "cellgate/v1/audit.pb.h"

namespace cellgate::pipeline {

struct RequestInfo {
  v1::Requester requester;
  // Hex SHA-256 of the access policy the authorization used.
  std::string access_policy_hash;
  // Full gRPC method name, e.g. "/cellgate.v1.DataService/Query".
  std::string method;
};

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_REQUEST_INFO_H_
