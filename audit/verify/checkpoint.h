// Signed checkpoints of the audit log, as C2SP signed notes:
//
//   <origin>\n<size>\n<base64 RFC 6962 root>\n
//   \n
//   — <origin> <base64(key id ‖ Ed25519 signature)>\n
//
// The signature covers the first three lines (the body). The key id is the
// first 4 bytes of SHA-256(origin ‖ "\n" ‖ 0x01 ‖ public key). A checkpoint
// of size n commits to records 0..n-1. Pure; thread-safe.
#ifndef CELLGATE_AUDIT_VERIFY_CHECKPOINT_H_
#define CELLGATE_AUDIT_VERIFY_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/sha256.h"

namespace cellgate::audit {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  crypto::Digest root{};
  std::string key_id;     // 4 bytes
  std::string signature;  // 64 bytes
};

// The 4-byte key id of `public_key` (raw, 32 bytes) for `origin`.
std::string CheckpointKeyId(const std::string& origin, const std::string& public_key);

// Returns the signed note for the tree of `size` leaves with `root`.
absl::StatusOr<std::string> SignCheckpoint(const std::string& origin, uint64_t size,
                                           const crypto::Digest& root,
                                           const crypto::Ed25519PrivateKey& key);

// Parses a note; INVALID_ARGUMENT naming what is malformed.
absl::StatusOr<Checkpoint> ParseCheckpoint(const std::string& note);

// OK if `checkpoint` is signed by `public_key` (raw, 32 bytes) for its
// origin; INVALID_ARGUMENT otherwise.
absl::Status VerifyCheckpointSignature(const Checkpoint& checkpoint,
                                       const std::string& public_key);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_CHECKPOINT_H_
