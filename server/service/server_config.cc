#include "server/service/server_config.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/textproto.h"
#include "server/service/grpc_server.h"
#include "server/service/metrics.h"

namespace cellgate::service {
namespace {

void Resolve(std::string* path, const std::string& base_dir) {
  if (!path->empty() && (*path)[0] != '/') *path = absl::StrCat(base_dir, "/", *path);
}

absl::Status Require(const std::string& value, absl::string_view field) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat("config: ", field, " is required"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ServerConfig> CompleteServerConfig(v1::ServerConfig config,
                                                      const std::string& base_dir) {
  RETURN_IF_ERROR(Require(config.listen_address(), "listen_address"));
  RETURN_IF_ERROR(Require(config.store_path(), "store_path"));
  const int key_sources = !config.store_key_file().empty() + !config.store_key_env().empty() +
                          !config.store_key_credential().empty();
  if (key_sources != 1) {
    return absl::InvalidArgumentError(
        "config: exactly one of store_key_file, store_key_env and store_key_credential is "
        "required");
  }
  if (!config.audit_signing_key_file().empty() && !config.audit_signing_key_credential().empty()) {
    return absl::InvalidArgumentError(
        "config: audit_signing_key_file and audit_signing_key_credential exclude each other");
  }
  const int content_key_sources = !config.audit_content_key_file().empty() +
                                  !config.audit_content_key_env().empty() +
                                  !config.audit_content_key_credential().empty();
  if (content_key_sources > 1) {
    return absl::InvalidArgumentError(
        "config: at most one of audit_content_key_file, audit_content_key_env and "
        "audit_content_key_credential");
  }
  if (config.audit_identity_retention_years() == 0) config.set_audit_identity_retention_years(1);
  if (config.audit_content_retention_years() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config: audit_content_retention_years must be 0 (kept) or a number of years, not ",
        config.audit_content_retention_years()));
  }
  RETURN_IF_ERROR(Require(config.audit_dir(), "audit_dir"));
  RETURN_IF_ERROR(Require(config.access_policy_file(), "access_policy_file"));
  RETURN_IF_ERROR(Require(config.policy_dir(), "policy_dir"));
  if (config.audit_origin().empty()) config.set_audit_origin("cellgate.example/audit/v1");
  if (config.dev_plaintext()) {
    if (!IsLoopbackAddress(config.listen_address())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config: dev_plaintext needs a loopback listen_address, not \"",
          config.listen_address(), "\""));
    }
    RETURN_IF_ERROR(Require(config.dev_principal(), "dev_principal (with dev_plaintext)"));
  } else {
    RETURN_IF_ERROR(Require(config.tls().server_cert_file(), "tls.server_cert_file"));
    RETURN_IF_ERROR(Require(config.tls().server_key_file(), "tls.server_key_file"));
    RETURN_IF_ERROR(Require(config.tls().client_ca_file(), "tls.client_ca_file"));
  }
  if (config.dev_reflection() && !config.dev_plaintext()) {
    return absl::InvalidArgumentError(
        "config: dev_reflection is for development only and needs dev_plaintext");
  }
  if (!config.health_listen_address().empty() &&
      config.health_listen_address() == config.listen_address() &&
      !absl::EndsWith(config.listen_address(), ":0")) {
    return absl::InvalidArgumentError(
        "config: health_listen_address must differ from listen_address");
  }
  if (!config.metrics_listen_address().empty()) {
    RETURN_IF_ERROR(MetricsBindAddress(config.metrics_listen_address()).status());
  }
  v1::Limits* limits = config.mutable_limits();
  if (limits->max_request_bytes() <= 0) limits->set_max_request_bytes(256 * 1024);
  if (limits->max_ingest_chunk_bytes() <= 0) limits->set_max_ingest_chunk_bytes(1 << 20);
  if (limits->max_ingest_bytes() <= 0) limits->set_max_ingest_bytes(int64_t{2} << 30);
  if (limits->max_cells() <= 0) limits->set_max_cells(50000);
  if (limits->max_queries_in_flight_per_principal() <= 0) {
    limits->set_max_queries_in_flight_per_principal(4);
  }
  if (limits->max_query_seconds() <= 0) limits->set_max_query_seconds(30);
  if (limits->max_ledger_atoms() <= 0) limits->set_max_ledger_atoms(200000);
  if (limits->release_cache_bytes() == 0) limits->set_release_cache_bytes(int64_t{64} << 20);
  if (limits->release_cache_bytes() < -1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config: limits.release_cache_bytes must be -1 (off), 0 (64 MiB) or a number of bytes, "
        "not ",
        limits->release_cache_bytes()));
  }
  if (limits->max_queries_per_minute_per_principal() <= 0) {
    limits->set_max_queries_per_minute_per_principal(600);
  }
  for (std::string* path :
       {config.mutable_port_file(), config.mutable_store_path(), config.mutable_store_key_file(),
        config.mutable_audit_dir(), config.mutable_audit_signing_key_file(),
        config.mutable_audit_content_key_file(), config.mutable_access_policy_file(),
        config.mutable_policy_dir(), config.mutable_tls()->mutable_server_cert_file(),
        config.mutable_tls()->mutable_server_key_file(),
        config.mutable_tls()->mutable_client_ca_file(), config.mutable_tls()->mutable_crl_file(),
        config.mutable_log_file(), config.mutable_backup_scratch_dir()}) {
    Resolve(path, base_dir);
  }
  return config;
}

absl::StatusOr<v1::ServerConfig> LoadServerConfig(const std::string& path) {
  v1::ServerConfig config;
  RETURN_IF_ERROR(ParseTextProtoFile(path, config));
  const auto slash = path.rfind('/');
  const std::string base_dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return CompleteServerConfig(std::move(config), base_dir.empty() ? "/" : base_dir);
}

namespace {

// $CREDENTIALS_DIRECTORY/NAME, for a systemd credential.
absl::StatusOr<std::string> CredentialPath(const std::string& name, absl::string_view field) {
  if (name.find('/') != std::string::npos || name == "." || name == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("config: ", field, " must be a credential name, not a path"));
  }
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        "config: ", field, " is set but $CREDENTIALS_DIRECTORY is not; run under systemd "
        "with LoadCredential=", name, ":PATH"));
  }
  return absl::StrCat(dir, "/", name);
}

}  // namespace

absl::StatusOr<std::unique_ptr<store::KeySource>> StoreKeySource(const v1::ServerConfig& config) {
  if (!config.store_key_env().empty()) {
    return std::make_unique<store::EnvKeySource>(config.store_key_env());
  }
  if (!config.store_key_credential().empty()) {
    ASSIGN_OR_RETURN(std::string path,
                     CredentialPath(config.store_key_credential(), "store_key_credential"));
    return std::make_unique<store::FileKeySource>(std::move(path), /*rotatable=*/false);
  }
  return std::make_unique<store::FileKeySource>(config.store_key_file());
}

absl::StatusOr<std::string> AuditSigningKeyPath(const v1::ServerConfig& config) {
  if (!config.audit_signing_key_credential().empty()) {
    return CredentialPath(config.audit_signing_key_credential(), "audit_signing_key_credential");
  }
  return config.audit_signing_key_file();
}

absl::StatusOr<std::shared_ptr<const crypto::AesGcmKey>> AuditContentKey(
    const v1::ServerConfig& config) {
  std::unique_ptr<store::KeySource> source;
  if (!config.audit_content_key_env().empty()) {
    source = std::make_unique<store::EnvKeySource>(config.audit_content_key_env());
  } else if (!config.audit_content_key_credential().empty()) {
    ASSIGN_OR_RETURN(std::string path, CredentialPath(config.audit_content_key_credential(),
                                                      "audit_content_key_credential"));
    source = std::make_unique<store::FileKeySource>(std::move(path), /*rotatable=*/false);
  } else if (!config.audit_content_key_file().empty()) {
    source = std::make_unique<store::FileKeySource>(config.audit_content_key_file(),
                                                    /*rotatable=*/false);
  } else {
    return std::shared_ptr<const crypto::AesGcmKey>();
  }
  ASSIGN_OR_RETURN(const store::SecretKey key, source->Load());
  ASSIGN_OR_RETURN(crypto::AesGcmKey aes, crypto::AesGcmKey::FromBytes(key.bytes()));
  return std::make_shared<const crypto::AesGcmKey>(std::move(aes));
}

}  // namespace cellgate::service
