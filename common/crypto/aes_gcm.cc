#include "common/crypto/aes_gcm.h"

#include <openssl/evp.h>

#include <climits>
#include <memory>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"
#include "common/files.h"

namespace cellgate::crypto {
namespace {

constexpr int64_t kMaxKeyFileBytes = 4096;
constexpr char kKeyIdDomain[] = "cellgate.aes-gcm.key-id";

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

void Wipe(std::string& s) {
  Cleanse(s.data(), s.size());
  s.clear();
}

std::string KeyId(absl::string_view key) {
  Sha256Hasher hasher;
  hasher.Update(absl::string_view(kKeyIdDomain, sizeof(kKeyIdDomain)));  // with its NUL
  hasher.Update(key);
  return DigestBytes(hasher.Finish()).substr(0, kAesGcmKeyIdBytes);
}

absl::Status CheckSizes(absl::string_view nonce, size_t data, size_t aad) {
  if (nonce.size() != kAesGcmNonceBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("an AES-GCM nonce has ", kAesGcmNonceBytes, " bytes, not ", nonce.size()));
  }
  if (data > INT_MAX - kAesGcmTagBytes || aad > INT_MAX) {
    return absl::InvalidArgumentError("AES-GCM input is too large");
  }
  return absl::OkStatus();
}

}  // namespace

AesGcmKey::AesGcmKey(std::string bytes) : bytes_(std::move(bytes)), id_(KeyId(bytes_)) {}

AesGcmKey::AesGcmKey(AesGcmKey&& other) noexcept
    : bytes_(std::move(other.bytes_)), id_(std::move(other.id_)) {
  Wipe(other.bytes_);
}

AesGcmKey& AesGcmKey::operator=(AesGcmKey&& other) noexcept {
  if (this != &other) {
    Wipe(bytes_);
    bytes_ = std::move(other.bytes_);
    id_ = std::move(other.id_);
    Wipe(other.bytes_);
  }
  return *this;
}

AesGcmKey::~AesGcmKey() { Wipe(bytes_); }

absl::StatusOr<AesGcmKey> AesGcmKey::FromBytes(absl::string_view raw) {
  if (raw.size() != kAesGcmKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("an AES-256 key has ", kAesGcmKeyBytes, " bytes"));
  }
  return AesGcmKey(std::string(raw));
}

absl::StatusOr<AesGcmKey> AesGcmKey::Generate() {
  absl::StatusOr<std::string> raw = RandomBytes(kAesGcmKeyBytes);
  if (!raw.ok()) return raw.status();
  AesGcmKey key(*raw);
  Wipe(*raw);
  return key;
}

absl::StatusOr<AesGcmKey> AesGcmKey::FromKeyMaterial(absl::string_view material,
                                                     absl::string_view source) {
  absl::string_view hex = material;
  if (!hex.empty() && hex.back() == '\n') hex.remove_suffix(1);
  if (!hex.empty() && hex.back() == '\r') hex.remove_suffix(1);
  if (hex.size() == 2 * kAesGcmKeyBytes) {
    absl::StatusOr<std::string> raw = HexDecode(hex);
    if (raw.ok()) {
      AesGcmKey key(*raw);
      Wipe(*raw);
      return key;
    }
  }
  if (material.size() == kAesGcmKeyBytes) return AesGcmKey(std::string(material));
  return absl::InvalidArgumentError(absl::StrCat(
      source, " must hold 64 hex characters or 32 raw bytes (", material.size(), " bytes found)"));
}

absl::StatusOr<AesGcmKey> AesGcmKey::LoadFile(const std::string& path, absl::string_view what) {
  const std::string described = absl::StrCat(what, " file \"", path, "\"");
  absl::StatusOr<std::string> material = ReadPrivateFile(path, described, kMaxKeyFileBytes);
  if (!material.ok()) return material.status();
  absl::Cleanup wipe = [&material] { Wipe(*material); };
  return FromKeyMaterial(*material, described);
}

absl::StatusOr<std::string> AesGcmKey::Seal(absl::string_view nonce, absl::string_view plaintext,
                                            absl::string_view aad) const {
  if (absl::Status sizes = CheckSizes(nonce, plaintext.size(), aad.size()); !sizes.ok()) {
    return sizes;
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + kAesGcmTagBytes, '\0');
  int len = 0;
  int total = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kAesGcmNonceBytes, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(bytes_), Bytes(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), Bytes(out), &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      (total = len, EVP_EncryptFinal_ex(ctx.get(), Bytes(out) + total, &len) == 1) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kAesGcmTagBytes,
                          Bytes(out) + plaintext.size()) == 1;
  if (!ok || total + len != static_cast<int>(plaintext.size())) {
    Wipe(out);
    return absl::InternalError("AES-GCM encryption failed");
  }
  return out;
}

absl::StatusOr<std::string> AesGcmKey::Open(absl::string_view nonce, absl::string_view sealed,
                                            absl::string_view aad) const {
  if (sealed.size() < kAesGcmTagBytes) {
    return absl::InvalidArgumentError("AES-GCM authentication failed: too short for its tag");
  }
  const absl::string_view ciphertext = sealed.substr(0, sealed.size() - kAesGcmTagBytes);
  std::string tag(sealed.substr(ciphertext.size()));
  if (absl::Status sizes = CheckSizes(nonce, ciphertext.size(), aad.size()); !sizes.ok()) {
    return sizes;
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(ciphertext.size(), '\0');
  int len = 0;
  int total = 0;
  const bool set_up =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kAesGcmNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(bytes_), Bytes(nonce)) == 1;
  if (!set_up) return absl::InternalError("AES-GCM decryption could not be set up");
  const bool ok =
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), Bytes(out), &len, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) == 1 &&
      (total = len,
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kAesGcmTagBytes, Bytes(tag)) == 1) &&
      EVP_DecryptFinal_ex(ctx.get(), Bytes(out) + total, &len) == 1;
  if (!ok) {
    // The plaintext of a failed check is never handed out.
    Wipe(out);
    return absl::InvalidArgumentError(
        "AES-GCM authentication failed: wrong key, changed bytes or another record's data");
  }
  return out;
}

}  // namespace cellgate::crypto
