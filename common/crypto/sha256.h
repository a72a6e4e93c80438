// SHA-256, hex encoding and secure randomness behind OpenSSL. OpenSSL headers
// are confined to common/crypto. All functions are thread-safe.
#ifndef CELLGATE_COMMON_CRYPTO_SHA256_H_
#define CELLGATE_COMMON_CRYPTO_SHA256_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace cellgate::crypto {

using Digest = std::array<uint8_t, 32>;

// Returns SHA-256 of `data`.
Digest Sha256(absl::string_view data);

// Incremental SHA-256 for data that arrives in pieces (e.g. ingest chunks).
// Not thread-safe.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(absl::string_view data);
  // Returns the digest of everything passed to Update. Call once.
  Digest Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Returns the digest as a 32-byte string.
std::string DigestBytes(const Digest& digest);

// Returns lower-case hex of `bytes`.
std::string HexEncode(absl::string_view bytes);
std::string HexEncode(const Digest& digest);

// Decodes hex (either case). INVALID_ARGUMENT on odd length or a non-hex
// character; the message never echoes the input (it may be a key).
absl::StatusOr<std::string> HexDecode(absl::string_view hex);

// Returns `n` bytes from the OS CSPRNG. INTERNAL if it fails.
absl::StatusOr<std::string> RandomBytes(size_t n);

// Overwrites `n` bytes at `p` so that the compiler cannot elide it.
void Cleanse(void* p, size_t n);

}  // namespace cellgate::crypto

#endif  // CELLGATE_COMMON_CRYPTO_SHA256_H_
