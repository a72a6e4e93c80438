#include "server/store/key_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/crypto/sha256.h"
#include "common/files.h"

namespace cellgate::store {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kMaxKeyFileBytes = 4096;

void Wipe(std::string& s) {
  crypto::Cleanse(s.data(), s.size());
  s.clear();
}

}  // namespace

absl::StatusOr<SecretKey> SecretKey::FromBytes(absl::string_view raw) {
  if (raw.size() != kKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("a store key has ", kKeyBytes, " bytes"));
  }
  return SecretKey(std::string(raw));
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(std::move(other.bytes_)) {
  Wipe(other.bytes_);
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    Wipe(bytes_);
    bytes_ = std::move(other.bytes_);
    Wipe(other.bytes_);
  }
  return *this;
}

SecretKey::~SecretKey() { Wipe(bytes_); }

absl::StatusOr<SecretKey> ParseKeyMaterial(absl::string_view material, absl::string_view source) {
  absl::string_view hex = material;
  if (!hex.empty() && hex.back() == '\n') hex.remove_suffix(1);
  if (!hex.empty() && hex.back() == '\r') hex.remove_suffix(1);
  if (hex.size() == 2 * kKeyBytes) {
    absl::StatusOr<std::string> raw = crypto::HexDecode(hex);
    if (raw.ok()) {
      absl::StatusOr<SecretKey> key = SecretKey::FromBytes(*raw);
      Wipe(*raw);
      return key;
    }
  }
  if (material.size() == kKeyBytes) return SecretKey::FromBytes(material);
  return absl::InvalidArgumentError(absl::StrCat(
      source, " must hold 64 hex characters or 32 raw bytes (", material.size(), " bytes found)"));
}

absl::StatusOr<SecretKey> FileKeySource::Load() const {
  absl::StatusOr<std::string> material = ReadPrivateFile(path_, Describe(), kMaxKeyFileBytes);
  if (!material.ok()) return material.status();
  absl::Cleanup wipe = [&material] { Wipe(*material); };
  return ParseKeyMaterial(*material, Describe());
}

std::string FileKeySource::Describe() const { return absl::StrCat("key file \"", path_, "\""); }

absl::StatusOr<SecretKey> EnvKeySource::Load() const {
  const char* value = std::getenv(variable_.c_str());
  if (value == nullptr) {
    return absl::NotFoundError(absl::StrCat(Describe(), " is not set"));
  }
  std::string copy(value);
  absl::Cleanup wipe = [&copy] { Wipe(copy); };
  crypto::Cleanse(const_cast<char*>(value), copy.size());
  ::unsetenv(variable_.c_str());
  return ParseKeyMaterial(copy, Describe());
}

std::string EnvKeySource::Describe() const {
  return absl::StrCat("environment variable ", variable_);
}

absl::StatusOr<SecretKey> InMemoryKeySource::Load() const {
  return SecretKey::FromBytes(key_.bytes());
}

}  // namespace cellgate::store
