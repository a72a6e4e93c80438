// The audit signing key in its file, and its rotation without losing the
// log to a crash half way (docs/audit-log-format.md, "Signing-key
// rotation"):
//
//   1. a new Ed25519 key is written to KEYFILE.next (0600, synced);
//   2. the log appends a KEY_ROTATION record naming both public keys,
//      sealed by a checkpoint under the old key and one under the new key
//      (AuditLog::RotateSigningKey), durable in one commit;
//   3. KEYFILE.next is renamed over KEYFILE and the directory synced.
//
// On start, LoadSigningKeyFiles hands both keys to AuditLog::Open, which
// adopts the new key if the log rotated to it (finishing a torn rotation
// commit) and leaves it otherwise; SettleSigningKeyFile then redoes step 3
// or removes KEYFILE.next. Keys never appear in messages.
#ifndef CELLGATE_AUDIT_SIGNING_KEY_FILE_H_
#define CELLGATE_AUDIT_SIGNING_KEY_FILE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "audit/audit_log.h"
#include "common/crypto/ed25519.h"

namespace cellgate::audit {

struct SigningKeyFiles {
  std::shared_ptr<const crypto::Ed25519PrivateKey> current;
  // From KEYFILE.next; null if there is none.
  std::shared_ptr<const crypto::Ed25519PrivateKey> next;
};

// Reads KEYFILE and, if `with_next` and it exists, KEYFILE.next (both PEM,
// mode 0600, no symlink). Errors as Ed25519PrivateKey::LoadFile's.
absl::StatusOr<SigningKeyFiles> LoadSigningKeyFiles(const std::string& key_file, bool with_next);

// After AuditLog::Open: renames KEYFILE.next over KEYFILE if the log
// adopted it, removes it if unused, and syncs the directory. UNAVAILABLE
// naming the file on error (safe to repeat at the next start).
absl::Status SettleSigningKeyFile(const std::string& key_file, AuditLog::NextKey outcome);

struct RotatedSigningKey {
  std::string public_key;  // raw, 32 bytes
  uint64_t seq = 0;        // of the KEY_ROTATION record
};

// Rotates the signing key of `log`, whose key is in `key_file`, by steps
// 1-3 above; `record` carries who asked (requester, method). On an error
// before step 2 the old key stays; after it, the next start completes step 3.
absl::StatusOr<RotatedSigningKey> RotateSigningKeyFile(AuditLog& log, const std::string& key_file,
                                                       v1::AuditRecord record);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_SIGNING_KEY_FILE_H_
