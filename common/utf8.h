// UTF-8 validation shared by every reader of untrusted text (CSV ingest,
// request fields). Thread-safe.
#ifndef CELLGATE_COMMON_UTF8_H_
#define CELLGATE_COMMON_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace cellgate {

// Returns the byte offset of the first invalid UTF-8 sequence in `text`
// (overlong forms, surrogates and code points above U+10FFFF are invalid),
// or text.size() if all of it is valid.
size_t FirstInvalidUtf8(absl::string_view text);

// Returns the length (1-4) of the valid UTF-8 sequence at `text[i]`, or 0.
size_t Utf8SequenceLength(absl::string_view text, size_t i);

}  // namespace cellgate

#endif  // CELLGATE_COMMON_UTF8_H_
