#include "server/pipeline/text_checks.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace cellgate::pipeline {
namespace {

// Returns the length of the UTF-8 sequence at `s[i]`, or 0 if invalid.
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  size_t len = 0;
  uint32_t min = 0;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  uint32_t cp = b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

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
