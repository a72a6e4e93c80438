#include "audit/signing_key_file.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace cellgate::audit {
namespace {

std::string NextKeyPath(const std::string& key_file) { return key_file + ".next"; }

// Step 3: the new key becomes the key.
absl::Status Promote(const std::string& key_file) {
  return RenameDurably(NextKeyPath(key_file), key_file);
}

}  // namespace

absl::StatusOr<SigningKeyFiles> LoadSigningKeyFiles(const std::string& key_file, bool with_next) {
  SigningKeyFiles keys;
  ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey current,
                   crypto::Ed25519PrivateKey::LoadFile(key_file));
  keys.current = std::make_shared<const crypto::Ed25519PrivateKey>(std::move(current));
  std::error_code error;
  if (with_next && std::filesystem::exists(NextKeyPath(key_file), error)) {
    ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey next,
                     crypto::Ed25519PrivateKey::LoadFile(NextKeyPath(key_file)));
    keys.next = std::make_shared<const crypto::Ed25519PrivateKey>(std::move(next));
  }
  return keys;
}

absl::Status SettleSigningKeyFile(const std::string& key_file, AuditLog::NextKey outcome) {
  switch (outcome) {
    case AuditLog::NextKey::kNone:
      return absl::OkStatus();
    case AuditLog::NextKey::kAdopted:
      return Promote(key_file);
    case AuditLog::NextKey::kUnused: {
      std::error_code error;
      std::filesystem::remove(NextKeyPath(key_file), error);
      if (error) {
        return absl::UnavailableError(
            absl::StrCat("cannot remove ", NextKeyPath(key_file), ": ", error.message()));
      }
      return SyncParentDirectory(key_file);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RotatedSigningKey> RotateSigningKeyFile(AuditLog& log, const std::string& key_file,
                                                       v1::AuditRecord record) {
  ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey generated, crypto::Ed25519PrivateKey::Generate());
  auto key = std::make_shared<const crypto::Ed25519PrivateKey>(std::move(generated));
  ASSIGN_OR_RETURN(std::string pem, key->ToPem());
  const absl::Status written = WriteFileAtomically(NextKeyPath(key_file), pem, 0600);
  crypto::Cleanse(pem.data(), pem.size());
  RETURN_IF_ERROR(written);
  absl::StatusOr<v1::Receipt> receipt = log.RotateSigningKey(key, std::move(record));
  if (!receipt.ok()) {
    // Nothing was recorded (or the log latched before its commit was
    // durable; the next start then finds no rotation and drops the file).
    if (log.healthy()) std::filesystem::remove(NextKeyPath(key_file));
    return receipt.status();
  }
  RETURN_IF_ERROR(Promote(key_file));
  return RotatedSigningKey{key->public_key(), receipt->seq()};
}

}  // namespace cellgate::audit
