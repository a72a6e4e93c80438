// Canonical bytes for hashing: the one place that decides how a message is
// turned into bytes for a digest. Deterministic protobuf serialization (map
// entries sorted); callers must not put hash-ordered containers into
// messages they hash. Thread-safe.
#ifndef CELLGATE_COMMON_CANONICAL_H_
#define CELLGATE_COMMON_CANONICAL_H_

#include <string>

#include "google/protobuf/message_lite.h"

namespace cellgate {

// Returns the deterministic serialization of `message`.
std::string CanonicalBytes(const google::protobuf::MessageLite& message);

// Returns the lower-case hex SHA-256 of CanonicalBytes(message).
std::string CanonicalSha256Hex(const google::protobuf::MessageLite& message);

}  // namespace cellgate

#endif  // CELLGATE_COMMON_CANONICAL_H_
