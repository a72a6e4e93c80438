// Proto JSON for machine-readable output: field names as in the .proto
// files (e.g. "release_id"), every field printed even when it holds its
// default, a newline at the end. Thread-safe.
#ifndef CELLGATE_CLIENT_RENDER_JSON_H_
#define CELLGATE_CLIENT_RENDER_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace cellgate::client {

// Returns `message` as proto JSON followed by "\n". INTERNAL if the protobuf
// library cannot convert it.
absl::StatusOr<std::string> RenderJson(const google::protobuf::Message& message);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_RENDER_JSON_H_
