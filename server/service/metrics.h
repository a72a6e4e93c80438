// Metrics: the server's Prometheus metrics, served over HTTP at /metrics
// (prometheus-cpp's Exposer). Only this module and the gRPC interceptor in
// request_metrics.h touch prometheus; the pipeline and the audit log report
// through their observer hooks (TelemetryObserver). Every label value comes
// from a fixed set: a known method (else "other"), a gRPC code name, a
// reason code, a decision, or a dataset id the catalog holds. Never a code
// value, a principal or anything small enough to point at a person.
// Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_METRICS_H_
#define CELLGATE_SERVER_SERVICE_METRICS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/pipeline/release_observer.h"

namespace prometheus {
class Collectable;
class Exposer;
class Registry;
template <typename T>
class Family;
class Counter;
class Histogram;
}  // namespace prometheus

namespace cellgate::service {

struct MetricsOptions {
  // "host:port" or a bare port (binds 127.0.0.1); port 0 picks a free one.
  std::string address;
  // Full names of the methods that may appear as a label, e.g.
  // "/cellgate.v1.DataService/Query"; any other method counts as "other".
  std::vector<std::string> methods;
  // Number of datasets the catalog serves, read at every scrape.
  std::function<int64_t()> loaded_datasets;
};

// Returns the bind address for a metrics_listen_address: a bare port binds
// loopback. INVALID_ARGUMENT naming the value if it has no port.
absl::StatusOr<std::string> MetricsBindAddress(const std::string& address);

// The methods of every service in the cellgate.v1 package, plus health.
std::vector<std::string> KnownMethods();

class Metrics {
 public:
  // Starts the HTTP endpoint. UNAVAILABLE if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(MetricsOptions options);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The bound port.
  int port() const { return port_; }

  // Stops the HTTP endpoint; observations still count. Idempotent.
  void StopServing();

  // One finished gRPC call: `code` is the gRPC status code number.
  void ObserveRequest(absl::string_view method, int code, absl::Duration latency);
  // One recorded release or refusal.
  void ObserveDecision(const pipeline::DecisionEvent& event);
  // One durable audit commit.
  void ObserveCommit(size_t records, absl::Duration write_and_sync);
  // One finished backup.
  void ObserveBackup(bool ok);

 private:
  Metrics() = default;
  std::string MethodLabel(absl::string_view method) const;

  absl::flat_hash_set<std::string> methods_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<prometheus::Collectable> process_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* request_seconds_ = nullptr;
  prometheus::Family<prometheus::Counter>* releases_ = nullptr;
  prometheus::Family<prometheus::Counter>* refusals_ = nullptr;
  prometheus::Family<prometheus::Counter>* suppressed_ = nullptr;
  prometheus::Family<prometheus::Histogram>* query_seconds_ = nullptr;
  prometheus::Family<prometheus::Histogram>* commit_seconds_ = nullptr;
  prometheus::Family<prometheus::Counter>* audit_records_ = nullptr;
  prometheus::Family<prometheus::Counter>* backups_ = nullptr;
};

// Returns the gRPC name of status code `code` ("OK", "PERMISSION_DENIED"),
// or "UNKNOWN" for a number outside 0..16.
std::string GrpcCodeName(int code);

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_METRICS_H_
