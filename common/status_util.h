// Adds context to a status as it crosses a module boundary:
//   return Annotate(s, "loading dataset \"schule\" v3");
// yields `loading dataset "schule" v3: <original message>` with the same code.
#ifndef CELLGATE_COMMON_STATUS_UTIL_H_
#define CELLGATE_COMMON_STATUS_UTIL_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace cellgate {

// Returns `status` with "context: " prefixed to its message and its
// payloads kept; OK stays OK.
absl::Status Annotate(const absl::Status& status, absl::string_view context);

}  // namespace cellgate

#endif  // CELLGATE_COMMON_STATUS_UTIL_H_
