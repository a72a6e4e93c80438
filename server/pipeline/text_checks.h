// Checks for free-text request fields (purpose codes, justifications, ids):
// valid UTF-8, no control characters, bounded length. Thread-safe.
#ifndef CELLGATE_SERVER_PIPELINE_TEXT_CHECKS_H_
#define CELLGATE_SERVER_PIPELINE_TEXT_CHECKS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cellgate::pipeline {

// Returns OK if `value` is valid UTF-8 without control characters (tab
// excepted) and at most `max_bytes` long; INVALID_ARGUMENT naming `field`
// otherwise. The message never quotes the value.
absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_bytes);

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_TEXT_CHECKS_H_
