// Application: the whole server wired together from a validated config —
// store, audit log, policies, access control, catalog, pipeline, the three
// services and the gRPC listener. Used by main and by in-process tests.
// Thread-safe after Start.
//
//   ASSIGN_OR_RETURN(auto app, Application::Start(config, clock, keys));
//   std::printf("listening on %d\n", app->port());
//   app->Wait();
#ifndef CELLGATE_SERVER_SERVICE_APPLICATION_H_
#define CELLGATE_SERVER_SERVICE_APPLICATION_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "audit/audit_log.h"
#include "audit/retention.h"
#include "cellgate/v1/config.pb.h"
#include "common/clock.h"
#include "policies/policy_set.h"
#include "server/auth/authorizer.h"
#include "server/service/principal_limiter.h"
#include "server/ledger/release_ledger.h"
#include "server/pipeline/admin_operations.h"
#include "server/pipeline/dataset_catalog.h"
#include "server/pipeline/release_pipeline.h"
#include "server/service/admin_service_impl.h"
#include "server/service/audit_service_impl.h"
#include "server/service/data_service_impl.h"
#include "server/service/grpc_server.h"
#include "server/service/json_log.h"
#include "server/service/metrics.h"
#include "server/service/online_backup.h"
#include "server/service/telemetry.h"
#include "server/store/key_source.h"
#include "server/store/store.h"

namespace cellgate::service {

class Application {
 public:
  // Opens everything named by `config` (from CompleteServerConfig) and starts
  // listening. `clock` must outlive the application; `keys` is used during
  // Start only. Errors name the part that failed, e.g. `store: cannot open
  // store: wrong key or not a cellgate store`. `audit_fs` replaces the
  // audit log's file system (tests inject failures); null means POSIX.
  static absl::StatusOr<std::unique_ptr<Application>> Start(
      const v1::ServerConfig& config, const Clock& clock, const store::KeySource& keys,
      std::unique_ptr<audit::LogFileSystem> audit_fs = nullptr);
  ~Application();

  int port() const { return server_->port(); }
  // The health-only listener's port and the metrics endpoint's; 0 if none.
  int health_port() const { return server_->health_port(); }
  int metrics_port() const { return metrics_ != nullptr ? metrics_->port() : 0; }
  // The structured log (main writes its start and stop lines to it).
  JsonLog& json_log() { return *json_log_; }
  // Stops listening, finishes running calls, then closes the log.
  void Shutdown();
  void Wait() { server_->Wait(); }
  // The audit log (for health and tests).
  const audit::AuditLog& audit_log() const { return *log_; }

  // Re-reads the access policy file (and the revocation list, if one is
  // configured) and swaps them in for later calls, with a CONFIG_CHANGE
  // audit record naming the old and new hashes. On any error (the message
  // names the file and what is wrong) the old ones stay.
  // Thread-safe; main calls it on SIGHUP.
  absl::Status ReloadAccessPolicy();

 private:
  Application() = default;

  std::string access_policy_file_;
  // The revocation list and the CA that signs it; empty if none.
  std::string crl_file_;
  std::string client_ca_file_;
  const Clock* clock_ = nullptr;
  absl::Mutex reload_mu_;  // one reload at a time

  // Declared first: they outlive the audit log, whose last commit they see.
  std::unique_ptr<JsonLog> json_log_;
  std::unique_ptr<Metrics> metrics_;  // null without metrics_listen_address
  std::unique_ptr<TelemetryObserver> telemetry_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<audit::AuditLog> log_;
  // Deletes expired audit details daily; stops before the log closes.
  std::unique_ptr<audit::RetentionSweeper> retention_;
  std::unique_ptr<policies::PolicySet> policies_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<pipeline::DatasetCatalog> catalog_;
  std::unique_ptr<ledger::ReleaseLedger> ledger_;
  std::unique_ptr<pipeline::ReleasePipeline> pipeline_;
  std::unique_ptr<pipeline::AdminOperations> admin_;
  std::unique_ptr<PrincipalLimiter> query_limiter_;
  std::unique_ptr<ServiceContext> context_;
  std::unique_ptr<DataServiceImpl> data_service_;
  std::unique_ptr<AuditServiceImpl> audit_service_;
  std::unique_ptr<OnlineBackup> backup_;
  std::unique_ptr<AdminServiceImpl> admin_service_;
  std::unique_ptr<GrpcServer> server_;
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_APPLICATION_H_
