#include "common/crypto/hmac.h"

#include <openssl/evp.h>

#include <array>
#include <cstring>

#include "absl/status/status.h"

namespace cellgate::crypto {
namespace {

constexpr size_t kBlockBytes = 64;  // SHA-256 block size

using Context = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Context NewContext() { return Context(EVP_MD_CTX_new(), &EVP_MD_CTX_free); }

}  // namespace

// The SHA-256 states after absorbing key ^ ipad and key ^ opad, copied for
// every message, so a MAC costs two short hashes and no key schedule.
struct HmacSha256::State {
  Context inner = NewContext();
  Context outer = NewContext();
  Context scratch = NewContext();
};

absl::StatusOr<HmacSha256> HmacSha256::Create(absl::string_view key) {
  auto state = std::make_unique<State>();
  if (!state->inner || !state->outer || !state->scratch) {
    return absl::InternalError("cannot allocate an HMAC context");
  }
  std::array<uint8_t, kBlockBytes> block{};
  if (key.size() > kBlockBytes) {
    const Digest hashed = Sha256(key);
    std::memcpy(block.data(), hashed.data(), hashed.size());
  } else {
    std::memcpy(block.data(), key.data(), key.size());
  }
  std::array<uint8_t, kBlockBytes> pad{};
  bool ok = true;
  for (auto [ctx, byte] : {std::pair{state->inner.get(), uint8_t{0x36}},
                           std::pair{state->outer.get(), uint8_t{0x5c}}}) {
    for (size_t i = 0; i < kBlockBytes; ++i) pad[i] = block[i] ^ byte;
    ok &= EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
          EVP_DigestUpdate(ctx, pad.data(), pad.size()) == 1;
  }
  Cleanse(block.data(), block.size());
  Cleanse(pad.data(), pad.size());
  if (!ok) return absl::InternalError("cannot key an HMAC context");
  return HmacSha256(std::move(state));
}

HmacSha256::HmacSha256(std::unique_ptr<State> state) : state_(std::move(state)) {}
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;
HmacSha256::~HmacSha256() = default;

Digest HmacSha256::Mac(absl::string_view message) {
  Digest inner{};
  Digest out{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = state_->scratch.get();
  EVP_MD_CTX_copy_ex(ctx, state_->inner.get());
  EVP_DigestUpdate(ctx, message.data(), message.size());
  EVP_DigestFinal_ex(ctx, inner.data(), &len);
  EVP_MD_CTX_copy_ex(ctx, state_->outer.get());
  EVP_DigestUpdate(ctx, inner.data(), inner.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  return out;
}

}  // namespace cellgate::crypto
