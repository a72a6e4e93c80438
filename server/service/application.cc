#include "server/service/application.h"

#include <algorithm>
#include <cstdio>

#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "audit/retention.h"
#include "audit/signing_key_file.h"
#include "common/crypto/ed25519.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/status_util.h"
#include "server/auth/access_control.h"
#include "server/store/key_rotation.h"
#include "server/service/request_metrics.h"
#include "server/service/server_config.h"

namespace cellgate::service {
namespace {

constexpr int64_t kMaxPemBytes = 1 << 20;
constexpr char kBuildVersion[] = "cellgate 0.1.0";

// Reads a private key PEM, refusing files that group or others can read.
absl::StatusOr<std::string> ReadPrivateKey(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("key file \"", path, "\" is readable by group or others; chmod 600 it"));
  }
  return ReadFileBounded(path, kMaxPemBytes);
}

absl::StatusOr<TlsMaterial> ReadTls(const v1::TlsConfig& tls) {
  TlsMaterial m;
  ASSIGN_OR_RETURN(m.server_cert_pem, ReadFileBounded(tls.server_cert_file(), kMaxPemBytes));
  ASSIGN_OR_RETURN(m.server_key_pem, ReadPrivateKey(tls.server_key_file()));
  ASSIGN_OR_RETURN(m.client_ca_pem, ReadFileBounded(tls.client_ca_file(), kMaxPemBytes));
  return m;
}

template <typename T>
absl::StatusOr<T> Part(absl::StatusOr<T> result, absl::string_view part) {
  if (!result.ok()) return Annotate(result.status(), part);
  return result;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Application>> Application::Start(
    const v1::ServerConfig& config, const Clock& clock, const store::KeySource& keys,
    std::unique_ptr<audit::LogFileSystem> audit_fs) {
  std::unique_ptr<Application> app(new Application());
  app->clock_ = &clock;
  ASSIGN_OR_RETURN(app->json_log_, Part(JsonLog::Open(config.log_file(), clock), "log"));
  if (!config.metrics_listen_address().empty()) {
    MetricsOptions metrics;
    metrics.address = config.metrics_listen_address();
    metrics.methods = KnownMethods();
    Application* raw = app.get();
    metrics.loaded_datasets = [raw]() -> int64_t {
      if (raw->catalog_ == nullptr) return 0;
      absl::StatusOr<std::vector<v1::DatasetSummary>> listed = raw->catalog_->List();
      if (!listed.ok()) return 0;
      return std::count_if(listed->begin(), listed->end(),
                           [](const v1::DatasetSummary& d) { return d.latest_version() > 0; });
    };
    ASSIGN_OR_RETURN(app->metrics_, Part(Metrics::Start(std::move(metrics)), "metrics"));
  }
  app->telemetry_ = std::make_unique<TelemetryObserver>(*app->json_log_, app->metrics_.get());
  store::StoreOptions store_options;
  store_options.path = config.store_path();
  store_options.max_ingest_bytes = config.limits().max_ingest_bytes();
  // A key file may hold an interrupted rotation; settle it first.
  const std::string key_file = keys.RotatableKeyFile();
  store::PendingRotation pending = store::PendingRotation::kNone;
  if (key_file.empty()) {
    ASSIGN_OR_RETURN(app->store_, Part(store::Store::Open(store_options, keys, clock), "store"));
  } else {
    ASSIGN_OR_RETURN(store::OpenedStore opened,
                     Part(store::OpenStoreWithKeyFile(store_options, key_file, clock), "store"));
    app->store_ = std::move(opened.store);
    pending = opened.pending;
  }

  audit::AuditLogOptions log_options;
  log_options.dir = config.audit_dir();
  log_options.origin = config.audit_origin();
  ASSIGN_OR_RETURN(const std::string signing_key_path,
                   Part(AuditSigningKeyPath(config), "audit signing key"));
  // Only a key file (not a credential) rotates, and may hold a rotation a
  // crash interrupted (audit/signing_key_file.h).
  const std::string rotatable_signing_key = config.audit_signing_key_file();
  if (!signing_key_path.empty()) {
    ASSIGN_OR_RETURN(
        audit::SigningKeyFiles signing_keys,
        Part(audit::LoadSigningKeyFiles(signing_key_path, !rotatable_signing_key.empty()),
             "audit signing key"));
    log_options.signing_key = std::move(signing_keys.current);
    log_options.next_signing_key = std::move(signing_keys.next);
  } else {
    app->json_log_->Write(LogLine("warning", "audit_unsealed")
                              .Str("message", "no audit signing key; audit commits are chained "
                                              "but not sealed by signed checkpoints"));
  }
  ASSIGN_OR_RETURN(log_options.content_key, Part(AuditContentKey(config), "audit content key"));
  if (log_options.content_key == nullptr) {
    std::fprintf(stderr,
                 "cellgate-server: warning: no audit content key; requester identities "
                 "and released tables are written to the audit log unencrypted\n");
  }
  log_options.observer = app->telemetry_.get();
  log_options.build_version = kBuildVersion;
  absl::StatusOr<std::string> instance = crypto::RandomBytes(8);
  log_options.server_instance_id = instance.ok() ? crypto::HexEncode(*instance) : "unknown";
  ASSIGN_OR_RETURN(app->log_, Part(audit::AuditLog::Open(log_options, clock, std::move(audit_fs)), "audit log"));
  if (!rotatable_signing_key.empty()) {
    RETURN_IF_ERROR(Annotate(
        audit::SettleSigningKeyFile(rotatable_signing_key, app->log_->next_signing_key_outcome()),
        "audit signing key"));
  }
  // Retention: what is due now goes before the first request; then daily.
  audit::RetentionRules retention;
  retention.identity_years = config.audit_identity_retention_years();
  retention.content_years =
      config.audit_content_retention_years() > 0 ? config.audit_content_retention_years() : -1;
  RETURN_IF_ERROR(Annotate(
      audit::ApplyRetention(*app->log_, config.audit_dir(), retention, clock.Now()).status(),
      "audit retention"));
  app->retention_ =
      std::make_unique<audit::RetentionSweeper>(*app->log_, config.audit_dir(), retention, clock);

  ASSIGN_OR_RETURN(policies::PolicySet policy_set,
                   Part(policies::PolicySet::LoadDirectory(config.policy_dir()), "policies"));
  app->policies_ = std::make_unique<policies::PolicySet>(std::move(policy_set));
  ASSIGN_OR_RETURN(std::shared_ptr<const auth::AccessControl> acl,
                   Part(auth::AccessControl::LoadFile(config.access_policy_file()),
                        "access policy"));
  app->access_policy_file_ = config.access_policy_file();
  app->authorizer_ = std::make_unique<auth::Authorizer>(
      std::move(acl), config.dev_plaintext() ? config.dev_principal() : "");
  if (!config.tls().crl_file().empty()) {
    app->crl_file_ = config.tls().crl_file();
    app->client_ca_file_ = config.tls().client_ca_file();
    ASSIGN_OR_RETURN(std::shared_ptr<const crypto::RevocationList> crl,
                     Part(crypto::RevocationList::LoadFile(app->crl_file_, app->client_ca_file_,
                                                         clock.Now()),
                          "revocation list"));
    app->authorizer_->SetRevocationList(std::move(crl));
  }
  ASSIGN_OR_RETURN(app->catalog_, Part(pipeline::DatasetCatalog::Open(*app->store_), "catalog"));

  pipeline::PipelineOptions pipeline_options;
  pipeline_options.max_cells = config.limits().max_cells();
  pipeline_options.max_query_time = absl::Seconds(config.limits().max_query_seconds());
  pipeline_options.max_ledger_atoms = config.limits().max_ledger_atoms();
  pipeline_options.release_cache_bytes =
      config.limits().release_cache_bytes() < 0
          ? 0
          : static_cast<size_t>(config.limits().release_cache_bytes());
  pipeline_options.observer = app->telemetry_.get();
  ASSIGN_OR_RETURN(app->ledger_, Part(ledger::ReleaseLedger::Open(*app->store_), "release ledger"));
  app->pipeline_ = std::make_unique<pipeline::ReleasePipeline>(
      *app->catalog_, *app->policies_, *app->log_, pipeline_options, app->ledger_.get());
  RETURN_IF_ERROR(Annotate(app->pipeline_->KeepPolicies(), "policy archive"));
  app->admin_ = std::make_unique<pipeline::AdminOperations>(*app->catalog_, *app->log_, key_file,
                                                            rotatable_signing_key);
  if (pending != store::PendingRotation::kNone) {
    v1::AuditRecord settled;
    settled.set_record_type(v1::KEY_ROTATION);
    settled.set_decision(pending == store::PendingRotation::kCompleted ? v1::RELEASED
                                                                     : v1::REFUSED);
    settled.set_detail(pending == store::PendingRotation::kCompleted
                           ? "an interrupted store key rotation was completed at start"
                           : "an interrupted store key rotation was abandoned at start; the "
                             "old key stays");
    RETURN_IF_ERROR(Annotate(app->log_->Append(std::move(settled)).status(), "audit log"));
  }
  app->query_limiter_ = std::make_unique<PrincipalLimiter>(
      config.limits().max_queries_in_flight_per_principal(),
      config.limits().max_queries_per_minute_per_principal(), clock);
  app->context_ = std::make_unique<ServiceContext>(ServiceContext{
      *app->authorizer_, *app->pipeline_, config.limits().max_request_bytes(), {},
      app->query_limiter_.get()});
  app->data_service_ = std::make_unique<DataServiceImpl>(*app->context_, *app->catalog_,
                                                         config.audit_dir());
  app->audit_service_ =
      std::make_unique<AuditServiceImpl>(*app->context_, config.audit_dir(), config.audit_origin(),
                                         app->log_->first_public_key(), log_options.content_key);
  std::string scratch_dir = config.backup_scratch_dir();
  if (scratch_dir.empty()) {
    const size_t slash = config.store_path().rfind('/');
    scratch_dir = slash == std::string::npos ? "." : config.store_path().substr(0, slash);
  }
  app->backup_ = std::make_unique<OnlineBackup>(BackupSources{
      *app->store_, *app->pipeline_, *app->log_, clock, config.audit_dir(), config.audit_origin(),
      log_options.signing_key != nullptr, scratch_dir});
  app->admin_service_ = std::make_unique<AdminServiceImpl>(
      *app->context_, *app->admin_, config.limits().max_ingest_chunk_bytes(), app->backup_.get(),
      app->telemetry_.get());

  ListenOptions listen;
  listen.address = config.listen_address();
  listen.plaintext_dev = config.dev_plaintext();
  if (!config.dev_plaintext()) {
    ASSIGN_OR_RETURN(listen.tls, Part(ReadTls(config.tls()), "tls"));
  }
  // One limit for every method: ingest chunks need room; unary requests
  // are held to max_request_bytes by the handlers.
  listen.max_receive_bytes =
      std::max(config.limits().max_request_bytes(), config.limits().max_ingest_chunk_bytes()) +
      64 * 1024;
  listen.health_address = config.health_listen_address();
  listen.reflection = config.dev_reflection();
  if (app->metrics_ != nullptr) listen.interceptors.push_back(NewRequestMetrics(*app->metrics_));
  ASSIGN_OR_RETURN(app->server_,
                   GrpcServer::Start(std::move(listen), {app->data_service_.get(), app->audit_service_.get(),
                                              app->admin_service_.get()}));
  GrpcServer* server = app->server_.get();
  app->context_->on_audit_failure = [server] { server->SetServing(false); };
  return app;
}

Application::~Application() {
  Shutdown();
  // No scrape may read the catalog while it is torn down.
  if (metrics_ != nullptr) metrics_->StopServing();
}

void Application::Shutdown() {
  if (server_ != nullptr) server_->Shutdown();
}

absl::Status Application::ReloadAccessPolicy() {
  absl::MutexLock lock(&reload_mu_);
  absl::StatusOr<std::shared_ptr<const auth::AccessControl>> loaded =
      auth::AccessControl::LoadFile(access_policy_file_);
  if (!loaded.ok()) {
    return Annotate(loaded.status(), "access policy not reloaded; the old one stays in force");
  }
  std::shared_ptr<const crypto::RevocationList> crl;
  if (!crl_file_.empty()) {
    absl::StatusOr<std::shared_ptr<const crypto::RevocationList>> read =
        crypto::RevocationList::LoadFile(crl_file_, client_ca_file_, clock_->Now());
    if (!read.ok()) {
      return Annotate(read.status(),
                      "access policy and revocation list not reloaded; the old ones stay in force");
    }
    crl = *std::move(read);
  }
  const std::string old_hash = authorizer_->access_control()->hash();
  v1::AuditRecord record;
  record.set_record_type(v1::CONFIG_CHANGE);
  record.set_access_policy_hash((*loaded)->hash());
  record.set_detail(absl::StrCat("access policy ", access_policy_file_, " reloaded: ", old_hash,
                                 " -> ", (*loaded)->hash()));
  if (crl != nullptr) {
    absl::StrAppend(record.mutable_detail(), "; revocation list ", crl_file_, " reloaded: ",
                    crl->revoked_count(), " revoked, sha256 ", crl->hash());
  }
  // Recorded before it takes effect: no call is decided under an
  // unrecorded policy.
  RETURN_IF_ERROR(log_->Append(std::move(record)).status());
  authorizer_->SetAccessControl(*std::move(loaded));
  if (crl != nullptr) authorizer_->SetRevocationList(std::move(crl));
  return absl::OkStatus();
}

}  // namespace cellgate::service
