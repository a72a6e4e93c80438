// AES-256-GCM authenticated encryption behind OpenSSL 3 (EVP), for the
// audit log's detail blobs (docs/audit-log-format.md). Start with AesGcmKey.
// The key is wiped when dropped and never appears in a message. Thread-safe:
// every call sets up its own cipher context.
//
//   ASSIGN_OR_RETURN(AesGcmKey key, AesGcmKey::LoadFile("content.key", "audit content key"));
//   ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kAesGcmNonceBytes));
//   ASSIGN_OR_RETURN(std::string sealed, key.Seal(nonce, plaintext, aad));
//   ASSIGN_OR_RETURN(std::string back, key.Open(nonce, sealed, aad));
#ifndef CELLGATE_COMMON_CRYPTO_AES_GCM_H_
#define CELLGATE_COMMON_CRYPTO_AES_GCM_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cellgate::crypto {

inline constexpr size_t kAesGcmKeyBytes = 32;
inline constexpr size_t kAesGcmNonceBytes = 12;
inline constexpr size_t kAesGcmTagBytes = 16;
// Length of AesGcmKey::id().
inline constexpr size_t kAesGcmKeyIdBytes = 8;

// A 256-bit AES-GCM key. Move-only; wiped on destruction.
class AesGcmKey {
 public:
  // INVALID_ARGUMENT unless `raw` is exactly 32 bytes (never echoed).
  static absl::StatusOr<AesGcmKey> FromBytes(absl::string_view raw);
  // A fresh key from the OS CSPRNG; INTERNAL if it fails.
  static absl::StatusOr<AesGcmKey> Generate();
  // Parses key material as key files hold it: 64 hex characters (with an
  // optional trailing newline) or 32 raw bytes. INVALID_ARGUMENT naming
  // `source` and the length found, never the content.
  static absl::StatusOr<AesGcmKey> FromKeyMaterial(absl::string_view material,
                                                   absl::string_view source);
  // Reads a key file with ReadPrivateFile (regular file, no symlink, owned
  // by the user, mode 0600): FAILED_PRECONDITION or NOT_FOUND naming `what`
  // and `path`; then as FromKeyMaterial.
  static absl::StatusOr<AesGcmKey> LoadFile(const std::string& path, absl::string_view what);

  AesGcmKey(AesGcmKey&& other) noexcept;
  AesGcmKey& operator=(AesGcmKey&& other) noexcept;
  AesGcmKey(const AesGcmKey&) = delete;
  AesGcmKey& operator=(const AesGcmKey&) = delete;
  ~AesGcmKey();

  // A public 8-byte name of the key: the first bytes of
  // SHA-256("cellgate.aes-gcm.key-id" ‖ 0x00 ‖ key). Tells a wrong key apart
  // from changed bytes without revealing the key.
  const std::string& id() const { return id_; }

  // Returns ciphertext ‖ 16-byte tag of `plaintext`, authenticating `aad`
  // too. REQUIRES: `nonce` is 12 bytes and never used before with this key
  // (INVALID_ARGUMENT otherwise); INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> Seal(absl::string_view nonce, absl::string_view plaintext,
                                   absl::string_view aad) const;
  // Returns the plaintext of `sealed` (ciphertext ‖ tag). INVALID_ARGUMENT
  // "authentication failed" if the key, the nonce, the bytes or `aad` differ
  // from Seal's: no plaintext is ever returned then.
  absl::StatusOr<std::string> Open(absl::string_view nonce, absl::string_view sealed,
                                   absl::string_view aad) const;

 private:
  explicit AesGcmKey(std::string bytes);
  std::string bytes_;
  std::string id_;
};

}  // namespace cellgate::crypto

#endif  // CELLGATE_COMMON_CRYPTO_AES_GCM_H_
