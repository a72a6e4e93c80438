#include "server/service/telemetry.h"

#include <string>

namespace cellgate::service {

void TelemetryObserver::OnDecision(const pipeline::DecisionEvent& event) {
  if (metrics_ != nullptr) metrics_->ObserveDecision(event);
  const bool released = event.decision == v1::RELEASED;
  LogLine line(released ? "info" : "warning", released ? "release" : "refusal");
  line.Str("request_id", event.release_id)
      .Int("seq", static_cast<int64_t>(event.seq))
      .Str("method", event.method)
      .Str("principal", event.principal)
      .Str("department", event.department)
      .Str("dataset", event.dataset)
      .Str("decision", released ? "released" : "refused");
  if (!event.reason_code.empty()) line.Str("reason_code", event.reason_code);
  if (released) line.Int("cells", event.cells).Int("suppressed", event.suppressed);
  line.Num("latency_ms", absl::ToDoubleMilliseconds(event.latency));
  log_.Write(line);
}

void TelemetryObserver::OnCommit(size_t records, absl::Duration write_and_sync) {
  if (metrics_ != nullptr) metrics_->ObserveCommit(records, write_and_sync);
}

void TelemetryObserver::OnLatched(const absl::Status& cause) {
  log_.Write(LogLine("error", "audit_log_failed")
                 .Str("message", cause.message())
                 .Str("effect", "every release is withheld until the server restarts and "
                                "recovers the log"));
}

void TelemetryObserver::OnBackup(const std::string& principal, const absl::Status& status,
                                 const v1::BackupManifest& manifest) {
  if (metrics_ != nullptr) metrics_->ObserveBackup(status.ok());
  if (!status.ok()) {
    log_.Write(LogLine("error", "backup_failed").Str("principal", principal)
                   .Str("message", status.message()));
    return;
  }
  log_.Write(LogLine("info", "backup")
                 .Str("request_id", manifest.backup_id())
                 .Int("seq", static_cast<int64_t>(manifest.backup_record_seq()))
                 .Str("principal", principal)
                 .Int("audit_records", static_cast<int64_t>(manifest.audit_records()))
                 .Int("ledger_entries", manifest.ledger_entries()));
}

}  // namespace cellgate::service
