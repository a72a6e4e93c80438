#include "server/pipeline/text_checks.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace cellgate::pipeline {
absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", max_bytes, " bytes"));
  }
  for (size_t i = 0; i < value.size();) {
    const size_t len = Utf8SequenceLength(value, i);
    if (len == 0) return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
    const auto c = static_cast<uint8_t>(value[i]);
    if (len == 1 && ((c < 0x20 && c != '\t') || c == 0x7F)) {
      return absl::InvalidArgumentError(absl::StrCat(field, " contains a control character"));
    }
    i += len;
  }
  return absl::OkStatus();
}

}  // namespace cellgate::pipeline
