#include "server/service/metrics.h"

#include <unistd.h>

#include <array>
#include <exception>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace cellgate::service {
namespace {

constexpr std::array<const char*, 17> kGrpcCodes = {
    "OK",          "CANCELLED",         "UNKNOWN",           "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED", "NOT_FOUND",   "ALREADY_EXISTS",    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",  "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL",        "UNAVAILABLE",       "DATA_LOSS",
    "UNAUTHENTICATED"};

// The pipeline's reason codes: absl status codes in lower case.
std::string ReasonLabel(absl::string_view reason) {
  for (const char* code : kGrpcCodes) {
    if (absl::EqualsIgnoreCase(reason, code)) return absl::AsciiStrToLower(code);
  }
  return "other";
}

// Seconds buckets from 0.5 ms to 30 s (the default query budget).
prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

// Gauges read at scrape time: resident memory and loaded datasets.
class ProcessCollector final : public prometheus::Collectable {
 public:
  explicit ProcessCollector(std::function<int64_t()> loaded_datasets)
      : loaded_datasets_(std::move(loaded_datasets)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out(2);
    out[0].name = "process_resident_memory_bytes";
    out[0].help = "Resident memory of the server process in bytes.";
    out[0].type = prometheus::MetricType::Gauge;
    out[0].metric.emplace_back().gauge.value = static_cast<double>(ResidentBytes());
    out[1].name = "cellgate_datasets_loaded";
    out[1].help = "Datasets the catalog serves.";
    out[1].type = prometheus::MetricType::Gauge;
    out[1].metric.emplace_back().gauge.value =
        loaded_datasets_ ? static_cast<double>(loaded_datasets_()) : 0;
    return out;
  }

 private:
  static int64_t ResidentBytes() {
    std::ifstream statm("/proc/self/statm");
    int64_t size = 0, resident = 0;
    if (!(statm >> size >> resident)) return 0;
    return resident * ::sysconf(_SC_PAGESIZE);
  }
  std::function<int64_t()> loaded_datasets_;
};

}  // namespace

std::string GrpcCodeName(int code) {
  if (code < 0 || code >= static_cast<int>(kGrpcCodes.size())) return "UNKNOWN";
  return kGrpcCodes[static_cast<size_t>(code)];
}

absl::StatusOr<std::string> MetricsBindAddress(const std::string& address) {
  int port = 0;
  if (absl::SimpleAtoi(address, &port) && port >= 0 && port < 65536) {
    return absl::StrCat("127.0.0.1:", port);
  }
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config: metrics_listen_address \"", address, "\" is not a port or host:port"));
  }
  return address;
}

std::vector<std::string> KnownMethods() {
  std::vector<std::string> methods = {"/grpc.health.v1.Health/Check",
                                      "/grpc.health.v1.Health/Watch"};
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* name :
       {"cellgate.v1.DataService", "cellgate.v1.AuditService", "cellgate.v1.AdminService"}) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      methods.push_back(absl::StrCat("/", name, "/", service->method(i)->name()));
    }
  }
  return methods;
}

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(MetricsOptions options) {
  std::unique_ptr<Metrics> m(new Metrics());
  m->methods_.insert(options.methods.begin(), options.methods.end());
  m->registry_ = std::make_shared<prometheus::Registry>();
  prometheus::Registry& r = *m->registry_;
  m->requests_ = &prometheus::BuildCounter()
                      .Name("cellgate_requests_total")
                      .Help("gRPC calls by method and status code.")
                      .Register(r);
  m->request_seconds_ = &prometheus::BuildHistogram()
                             .Name("cellgate_request_duration_seconds")
                             .Help("gRPC call latency by method.")
                             .Register(r);
  m->releases_ = &prometheus::BuildCounter()
                      .Name("cellgate_releases_total")
                      .Help("Tables released, by dataset.")
                      .Register(r);
  m->refusals_ = &prometheus::BuildCounter()
                      .Name("cellgate_refusals_total")
                      .Help("Refused requests, by reason code.")
                      .Register(r);
  m->suppressed_ = &prometheus::BuildCounter()
                        .Name("cellgate_suppressed_cells_total")
                        .Help("Cells suppressed in released tables, by dataset.")
                        .Register(r);
  m->query_seconds_ = &prometheus::BuildHistogram()
                           .Name("cellgate_query_duration_seconds")
                           .Help("Time from the start of a query to its durable audit record.")
                           .Register(r);
  m->commit_seconds_ = &prometheus::BuildHistogram()
                            .Name("cellgate_audit_commit_duration_seconds")
                            .Help("Write plus fdatasync of one audit group commit.")
                            .Register(r);
  m->audit_records_ = &prometheus::BuildCounter()
                           .Name("cellgate_audit_records_total")
                           .Help("Audit records made durable.")
                           .Register(r);
  m->backups_ = &prometheus::BuildCounter()
                     .Name("cellgate_backups_total")
                     .Help("Online backups, by outcome.")
                     .Register(r);
  m->process_ = std::make_shared<ProcessCollector>(std::move(options.loaded_datasets));
  absl::StatusOr<std::string> bind = MetricsBindAddress(options.address);
  if (!bind.ok()) return bind.status();
  try {
    // civetweb reports a failed bind by throwing; this is the one place.
    m->exposer_ = std::make_unique<prometheus::Exposer>(*bind, 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on \"", *bind, "\": ", e.what()));
  }
  m->exposer_->RegisterCollectable(m->registry_);
  m->exposer_->RegisterCollectable(m->process_);
  const std::vector<int> ports = m->exposer_->GetListeningPorts();
  m->port_ = ports.empty() ? 0 : ports.front();
  return m;
}

Metrics::~Metrics() = default;

void Metrics::StopServing() { exposer_.reset(); }

std::string Metrics::MethodLabel(absl::string_view method) const {
  return methods_.contains(method) ? std::string(method) : "other";
}

void Metrics::ObserveRequest(absl::string_view method, int code, absl::Duration latency) {
  const std::string label = MethodLabel(method);
  requests_->Add({{"method", label}, {"code", GrpcCodeName(code)}}).Increment();
  request_seconds_->Add({{"method", label}}, LatencyBuckets()).Observe(Seconds(latency));
}

void Metrics::ObserveDecision(const pipeline::DecisionEvent& event) {
  const bool released = event.decision == v1::RELEASED;
  query_seconds_->Add({{"decision", released ? "released" : "refused"}}, LatencyBuckets())
      .Observe(Seconds(event.latency));
  if (released && event.dataset_known) {
    releases_->Add({{"dataset", event.dataset}}).Increment();
    suppressed_->Add({{"dataset", event.dataset}}).Increment(static_cast<double>(event.suppressed));
  } else if (!released) {
    refusals_->Add({{"reason", ReasonLabel(event.reason_code)}}).Increment();
  }
}

void Metrics::ObserveCommit(size_t records, absl::Duration write_and_sync) {
  commit_seconds_->Add({}, LatencyBuckets()).Observe(Seconds(write_and_sync));
  audit_records_->Add({}).Increment(static_cast<double>(records));
}

void Metrics::ObserveBackup(bool ok) {
  backups_->Add({{"outcome", ok ? "ok" : "failed"}}).Increment();
}

}  // namespace cellgate::service
