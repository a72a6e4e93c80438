// Ed25519 signatures behind OpenSSL 3, for the audit log's checkpoints.
// The private key is read from a PEM (PKCS#8) file that only its owner may
// read; it never appears in a message. Thread-safe after construction.
//
//   ASSIGN_OR_RETURN(auto key, Ed25519PrivateKey::LoadFile("audit-signing.key"));
//   ASSIGN_OR_RETURN(std::string sig, key.Sign(note_body));
//   RETURN_IF_ERROR(Ed25519Verify(key.public_key(), note_body, sig));
#ifndef CELLGATE_COMMON_CRYPTO_ED25519_H_
#define CELLGATE_COMMON_CRYPTO_ED25519_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cellgate::crypto {

class Ed25519PrivateKey {
 public:
  // A fresh key from the OS CSPRNG.
  static absl::StatusOr<Ed25519PrivateKey> Generate();
  // Parses a PEM private key; INVALID_ARGUMENT if it is not Ed25519.
  static absl::StatusOr<Ed25519PrivateKey> FromPem(absl::string_view pem);
  // Reads a PEM key file; FAILED_PRECONDITION if group or others may read
  // it ("chmod 600").
  static absl::StatusOr<Ed25519PrivateKey> LoadFile(const std::string& path);

  Ed25519PrivateKey(Ed25519PrivateKey&&) noexcept;
  Ed25519PrivateKey& operator=(Ed25519PrivateKey&&) noexcept;
  ~Ed25519PrivateKey();

  // The 64-byte signature of `message`.
  absl::StatusOr<std::string> Sign(absl::string_view message) const;
  // The raw 32-byte public key.
  const std::string& public_key() const { return public_key_; }
  // PKCS#8 PEM of the private key (for tests and key generation only).
  absl::StatusOr<std::string> ToPem() const;

 private:
  struct Key;
  explicit Ed25519PrivateKey(std::unique_ptr<Key> key, std::string public_key);
  std::unique_ptr<Key> key_;
  std::string public_key_;
};

// Returns the raw 32-byte key of a PEM public key (SubjectPublicKeyInfo, as
// `openssl pkey -pubout` writes it); INVALID_ARGUMENT if not Ed25519.
absl::StatusOr<std::string> Ed25519PublicKeyFromPem(absl::string_view pem);

// Returns the PEM (SubjectPublicKeyInfo) of a raw 32-byte Ed25519 public
// key, as `openssl pkey -pubout` writes it; INVALID_ARGUMENT if malformed.
absl::StatusOr<std::string> Ed25519PublicKeyToPem(absl::string_view public_key);

// OK if `signature` is a valid Ed25519 signature of `message` under the raw
// `public_key`; INVALID_ARGUMENT otherwise.
absl::Status Ed25519Verify(absl::string_view public_key, absl::string_view message,
                           absl::string_view signature);

}  // namespace cellgate::crypto

#endif  // CELLGATE_COMMON_CRYPTO_ED25519_H_
