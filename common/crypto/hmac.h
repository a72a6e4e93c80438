// HMAC-SHA-256 (RFC 2104) behind OpenSSL, keyed once and applied to many
// messages: the record keys of the cell key method are the HMAC of each
// unit id under a per-dataset secret. Start with HmacSha256::Create. Not
// thread-safe (Mac reuses one scratch context); use one object per thread.
//
//   ASSIGN_OR_RETURN(crypto::HmacSha256 mac, crypto::HmacSha256::Create(secret));
//   const crypto::Digest tag = mac.Mac("unit-17");
#ifndef CELLGATE_COMMON_CRYPTO_HMAC_H_
#define CELLGATE_COMMON_CRYPTO_HMAC_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/crypto/sha256.h"

namespace cellgate::crypto {

class HmacSha256 {
 public:
  // Keys the MAC with `key` (any length; longer than 64 bytes is hashed
  // first, as RFC 2104 says). INTERNAL if OpenSSL fails.
  static absl::StatusOr<HmacSha256> Create(absl::string_view key);

  HmacSha256(HmacSha256&&) noexcept;
  HmacSha256& operator=(HmacSha256&&) noexcept;
  ~HmacSha256();

  // Returns HMAC-SHA-256 of `message` under the key.
  Digest Mac(absl::string_view message);

 private:
  struct State;
  explicit HmacSha256(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace cellgate::crypto

#endif  // CELLGATE_COMMON_CRYPTO_HMAC_H_
