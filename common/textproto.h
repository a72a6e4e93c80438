// Parses protobuf text format (policy, access and config files) strictly:
// unknown fields are errors, messages carry the file name, line and column.
// Thread-safe.
#ifndef CELLGATE_COMMON_TEXTPROTO_H_
#define CELLGATE_COMMON_TEXTPROTO_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace cellgate {

// Parses `text` into `message`. INVALID_ARGUMENT "name:line:column: reason"
// on any syntax error or unknown field.
absl::Status ParseTextProto(absl::string_view text, absl::string_view name,
                            google::protobuf::Message& message);

// Reads `path` (at most 1 MiB) and parses it as above.
absl::Status ParseTextProtoFile(const std::string& path, google::protobuf::Message& message);

}  // namespace cellgate

#endif  // CELLGATE_COMMON_TEXTPROTO_H_
