// TelemetryObserver: receives the pipeline's decisions and the audit log's
// commits through their observer hooks and turns them into metrics (if
// configured) and JSON log lines. The log line of a decision carries the
// audit record's release id as `request_id` and its `seq`, the method, the
// principal id and department, the dataset, the decision, the reason code,
// cell counts and the latency; never a figure, a code value or a key.
// Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_TELEMETRY_H_
#define CELLGATE_SERVER_SERVICE_TELEMETRY_H_

#include <string>

#include "audit/commit_observer.h"
#include "cellgate/v1/admin_service.pb.h"
#include "server/pipeline/release_observer.h"
#include "server/service/json_log.h"
#include "server/service/metrics.h"

namespace cellgate::service {

class TelemetryObserver final : public pipeline::ReleaseObserver, public audit::CommitObserver {
 public:
  // `log` must outlive the observer; `metrics` may be null (no endpoint)
  // and is not owned.
  TelemetryObserver(JsonLog& log, Metrics* metrics) : log_(log), metrics_(metrics) {}

  void OnDecision(const pipeline::DecisionEvent& event) override;
  void OnCommit(size_t records, absl::Duration write_and_sync) override;
  void OnLatched(const absl::Status& cause) override;
  // Logs and counts one finished (or failed) backup by `principal`.
  void OnBackup(const std::string& principal, const absl::Status& status,
                const v1::BackupManifest& manifest);

 private:
  JsonLog& log_;
  Metrics* const metrics_;
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_TELEMETRY_H_
