// Sources of the 256-bit store key: a file (mode 0600, owned by the service
// user), an environment variable (containers, tests), or memory (tools,
// tests). Keys never appear in messages or logs and are wiped when dropped.
// All types are thread-safe.
#ifndef CELLGATE_SERVER_STORE_KEY_SOURCE_H_
#define CELLGATE_SERVER_STORE_KEY_SOURCE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cellgate::store {

// A 32-byte secret. Move-only; wiped on destruction.
class SecretKey {
 public:
  // INVALID_ARGUMENT unless `raw` is exactly 32 bytes (never echoed).
  static absl::StatusOr<SecretKey> FromBytes(absl::string_view raw);
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  const std::string& bytes() const { return bytes_; }

 private:
  explicit SecretKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

class KeySource {
 public:
  virtual ~KeySource() = default;
  // Returns the key. Errors name the source, never key material.
  virtual absl::StatusOr<SecretKey> Load() const = 0;
  // Describes the source for messages, e.g. `key file "/etc/cellgate/store.key"`.
  virtual std::string Describe() const = 0;
  // The key file cellgate may rotate (key_rotation.h), or "" if the key
  // comes from elsewhere (environment, systemd credential, memory).
  virtual std::string RotatableKeyFile() const { return ""; }
};

// Reads 64 hex characters (optionally followed by a newline) or exactly 32
// raw bytes from a file. FAILED_PRECONDITION if the file is readable or
// writable by group or others, not owned by the effective user, or a
// symlink; INVALID_ARGUMENT for any other content.
class FileKeySource final : public KeySource {
 public:
  // `rotatable` false for files cellgate must not replace (a systemd
  // credential).
  explicit FileKeySource(std::string path, bool rotatable = true)
      : path_(std::move(path)), rotatable_(rotatable) {}
  absl::StatusOr<SecretKey> Load() const override;
  std::string Describe() const override;
  std::string RotatableKeyFile() const override { return rotatable_ ? path_ : ""; }

 private:
  std::string path_;
  bool rotatable_;
};

// Reads 64 hex characters from an environment variable, once: the variable
// is removed from the environment after the first Load.
class EnvKeySource final : public KeySource {
 public:
  explicit EnvKeySource(std::string variable) : variable_(std::move(variable)) {}
  absl::StatusOr<SecretKey> Load() const override;
  std::string Describe() const override;

 private:
  std::string variable_;
};

// Holds a key in memory (tools and tests).
class InMemoryKeySource final : public KeySource {
 public:
  explicit InMemoryKeySource(SecretKey key) : key_(std::move(key)) {}
  absl::StatusOr<SecretKey> Load() const override;
  std::string Describe() const override { return "in-memory key"; }

 private:
  SecretKey key_;
};

// Parses key material: 64 hex chars with an optional trailing newline, or
// 32 raw bytes. INVALID_ARGUMENT naming `source` otherwise.
absl::StatusOr<SecretKey> ParseKeyMaterial(absl::string_view material, absl::string_view source);

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_KEY_SOURCE_H_
