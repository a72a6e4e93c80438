#include "common/crypto/ed25519.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/crypto/sha256.h"
#include "common/files.h"

namespace cellgate::crypto {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

absl::StatusOr<std::string> RawPublicKey(EVP_PKEY* pkey) {
  std::string raw(32, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != 32) {
    return absl::InternalError("cannot read the Ed25519 public key");
  }
  return raw;
}

}  // namespace

struct Ed25519PrivateKey::Key {
  Pkey pkey;
};

Ed25519PrivateKey::Ed25519PrivateKey(std::unique_ptr<Key> key, std::string public_key)
    : key_(std::move(key)), public_key_(std::move(public_key)) {}
Ed25519PrivateKey::Ed25519PrivateKey(Ed25519PrivateKey&&) noexcept = default;
Ed25519PrivateKey& Ed25519PrivateKey::operator=(Ed25519PrivateKey&&) noexcept = default;
Ed25519PrivateKey::~Ed25519PrivateKey() = default;

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  Pkey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (pkey == nullptr) return absl::InternalError("cannot generate an Ed25519 key");
  absl::StatusOr<std::string> pub = RawPublicKey(pkey.get());
  if (!pub.ok()) return pub.status();
  auto key = std::make_unique<Key>();
  key->pkey = std::move(pkey);
  return Ed25519PrivateKey(std::move(key), *std::move(pub));
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(absl::string_view pem) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr || EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("not a PEM Ed25519 private key");
  }
  absl::StatusOr<std::string> pub = RawPublicKey(pkey.get());
  if (!pub.ok()) return pub.status();
  auto key = std::make_unique<Key>();
  key->pkey = std::move(pkey);
  return Ed25519PrivateKey(std::move(key), *std::move(pub));
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::LoadFile(const std::string& path) {
  absl::StatusOr<std::string> pem =
      ReadPrivateFile(path, absl::StrCat("signing key file ", path), 64 * 1024);
  if (!pem.ok()) return pem.status();
  absl::Cleanup wipe = [&pem] { Cleanse(pem->data(), pem->size()); };
  absl::StatusOr<Ed25519PrivateKey> key = FromPem(*pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("signing key file ", path, " holds no PEM Ed25519 private key"));
  }
  return key;
}

absl::StatusOr<std::string> Ed25519PrivateKey::Sign(absl::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  std::string signature(64, '\0');
  size_t len = signature.size();
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      len != 64) {
    return absl::InternalError("Ed25519 signing failed");
  }
  return signature;
}

absl::StatusOr<std::string> Ed25519PrivateKey::ToPem() const {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), key_->pkey.get(), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    return absl::InternalError("cannot write the key as PEM");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::StatusOr<std::string> Ed25519PublicKeyFromPem(absl::string_view pem) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr || EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("not a PEM Ed25519 public key");
  }
  return RawPublicKey(pkey.get());
}

absl::StatusOr<std::string> Ed25519PublicKeyToPem(absl::string_view public_key) {
  if (public_key.size() != 32) return absl::InvalidArgumentError("malformed Ed25519 public key");
  Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(public_key.data()),
                                        public_key.size()));
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (pkey == nullptr || bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    return absl::InternalError("cannot write the public key as PEM");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::Status Ed25519Verify(absl::string_view public_key, absl::string_view message,
                           absl::string_view signature) {
  if (public_key.size() != 32 || signature.size() != 64) {
    return absl::InvalidArgumentError("malformed Ed25519 key or signature");
  }
  Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(public_key.data()),
                                        public_key.size()));
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  if (pkey == nullptr || ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
    return absl::InternalError("cannot set up Ed25519 verification");
  }
  if (EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
    return absl::InvalidArgumentError("Ed25519 signature does not verify");
  }
  return absl::OkStatus();
}

}  // namespace cellgate::crypto
