// Loads and validates the server configuration file (v1::ServerConfig,
// textproto). Relative paths are resolved against the file's directory and
// defaults are filled in. Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_SERVER_CONFIG_H_
#define CELLGATE_SERVER_SERVICE_SERVER_CONFIG_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cellgate/v1/config.pb.h"
#include "common/crypto/aes_gcm.h"
#include "server/store/key_source.h"

namespace cellgate::service {

// Returns the validated config with defaults and absolute paths.
// INVALID_ARGUMENT "path:line:col: ..." for syntax, or naming the field that
// is missing or wrong (e.g. `config: store_key_file is required`).
absl::StatusOr<v1::ServerConfig> LoadServerConfig(const std::string& path);

// The store key source the config names (file, environment variable or
// systemd credential). FAILED_PRECONDITION for a credential without
// $CREDENTIALS_DIRECTORY. REQUIRES: `config` from CompleteServerConfig.
absl::StatusOr<std::unique_ptr<store::KeySource>> StoreKeySource(const v1::ServerConfig& config);

// The audit signing key file the config names (a file or a systemd
// credential), or "" for none.
absl::StatusOr<std::string> AuditSigningKeyPath(const v1::ServerConfig& config);

// The audit content key the config names (file, environment variable or
// systemd credential), or null for none. FAILED_PRECONDITION or
// INVALID_ARGUMENT naming the source as for the store key; never the key.
// REQUIRES: `config` from CompleteServerConfig.
absl::StatusOr<std::shared_ptr<const crypto::AesGcmKey>> AuditContentKey(
    const v1::ServerConfig& config);

// Fills defaults into `config` and validates it; `base_dir` resolves
// relative paths.
absl::StatusOr<v1::ServerConfig> CompleteServerConfig(v1::ServerConfig config,
                                                      const std::string& base_dir);

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_SERVER_CONFIG_H_
