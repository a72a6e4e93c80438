// cellgate-load: the throughput benchmark of issue #8 (target 3). Starts a
// whole server (bench_server.h: mTLS, the shipped seu policy, ledger,
// durable audit log) on the seu dataset, then drives it with N concurrent
// clients, each with its own principal, certificate and connection, through
// the gRPC callback API: every client keeps one query in flight and sends
// the next when the answer arrives, for a fixed time. The queries are small
// tables (64 cells: Stadtteil × one of five characteristics, for one
// school-entry year), drawn from a fixed pseudo-random sequence, so most
// are repeats of an earlier release and the rest are new. With --fresh 1
// every query is a table never asked before (the same tables, each over a
// new set of Stadtteile), so every release runs the whole protection and
// the linked audit against the growing ledger. Prints the
// audited releases per second, errors by code, and latency percentiles,
// as a table and as one JSON line (for the report script).
//
//   cellgate-load [--clients 64] [--seconds 20] [--rows 10000] [--warmup 2] [--fresh 0|1]
//
// Clients beyond the default per-principal limits are not needed (one
// principal per client); the server gets a per-minute limit that the run
// cannot reach, so that the limiter is measured, not the limit.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "cellgate/v1/data_service.grpc.pb.h"
#include "tests/bench/bench_data.h"
#include "tests/bench/bench_server.h"

namespace cellgate {
namespace {

struct Options {
  int clients = 64;
  double seconds = 20;
  double warmup = 2;
  int64_t rows = 10'000;
  bool fresh = false;
};

// The 25 small tables: year y, Stadtteil (15 + total) × one of five
// characteristics (3 codes + total): 64 cells each.
v1::Query SmallTable(int index) {
  static const char* kYears[] = {"2021", "2022", "2023", "2024", "2025"};
  static const char* kDims[] = {"sex", "familiensprache", "empfehlung", "sprachfoerderbedarf",
                                "sex"};
  v1::Query q;
  q.set_dataset("seu");
  q.set_purpose("bildungsbericht");
  q.set_legal_basis("bdsg_3");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Grouping* st = q.add_group_by();
  st->set_dimension("bezirk");
  st->set_level("stadtteil");
  q.add_group_by()->set_dimension(kDims[index % 5]);
  v1::Filter* year = q.add_filters();
  year->set_dimension("einschulungsjahr");
  year->add_codes(kYears[(index / 5) % 5]);
  if (index % 5 == 4) {  // sex again, but by Sozialraum: 6 × 4 cells
    st->set_level("sozialraum");
  }
  q.set_totals(true);
  return q;
}

// The `n`-th query never asked before: small table n % 25 over the
// Stadtteile of a subset that no earlier n had (at least two of 15).
v1::Query FreshTable(int64_t n) {
  v1::Query q = SmallTable(static_cast<int>(n % 25));
  // The subsets with two or more of the 15 Stadtteile, in a fixed order:
  // the (n / 25)-th of them, so no two n ask the same table.
  static const std::vector<int32_t> kSubsets = [] {
    std::vector<int32_t> masks;
    for (int32_t m = 0; m < (1 << 15); ++m) {
      if (__builtin_popcount(m) >= 2) masks.push_back(m);
    }
    return masks;
  }();
  const int32_t mask = kSubsets[static_cast<size_t>(n / 25) % kSubsets.size()];
  v1::Filter* where = q.add_filters();
  where->set_dimension("bezirk");
  where->set_level("stadtteil");
  for (int s = 0; s < 15; ++s) {
    if ((mask >> s) & 1) where->add_codes(absl::StrFormat("%02d", s + 1));
  }
  return q;
}

class Recorder {
 public:
  void Add(bool measured, double ms, grpc::StatusCode code) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!measured) return;
    if (code == grpc::StatusCode::OK) {
      latencies_.push_back(ms);
    } else if (code == grpc::StatusCode::FAILED_PRECONDITION) {
      ++refused_;  // a refusal by the protection, recorded in the log too
    } else {
      ++errors_[code];
    }
  }
  std::vector<double> latencies() {
    std::lock_guard<std::mutex> lock(mu_);
    return latencies_;
  }
  std::map<int, int64_t> errors() {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }
  int64_t refused() {
    std::lock_guard<std::mutex> lock(mu_);
    return refused_;
  }

 private:
  std::mutex mu_;
  std::vector<double> latencies_;
  std::map<int, int64_t> errors_;
  int64_t refused_ = 0;
};

// One client: one call in flight, the next started from the callback.
class Client {
 public:
  Client(std::shared_ptr<grpc::Channel> channel, int seed, Recorder& recorder,
         absl::Time measure_from, absl::Time stop, std::atomic<int>& running,
         std::atomic<int64_t>* fresh)
      : channel_(std::move(channel)), stub_(v1::DataService::NewStub(channel_)), rng_(seed),
        recorder_(recorder), measure_from_(measure_from), stop_(stop), running_(running),
        fresh_(fresh) {}

  void Start() { Next(); }

 private:
  void Next() {
    if (absl::Now() >= stop_) {
      if (--running_ == 0) running_.notify_all();
      return;
    }
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    request_.Clear();
    *request_.mutable_query() = fresh_ != nullptr ? FreshTable((*fresh_)++)
                                                  : SmallTable(static_cast<int>(rng_() % 25));
    response_.Clear();
    sent_ = absl::Now();
    stub_->async()->Query(context_.get(), &request_, &response_, [this](grpc::Status status) {
      const absl::Time now = absl::Now();
      recorder_.Add(sent_ >= measure_from_ && now <= stop_,
                    absl::ToDoubleMilliseconds(now - sent_), status.error_code());
      Next();
    });
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::DataService::Stub> stub_;
  std::mt19937_64 rng_;
  Recorder& recorder_;
  const absl::Time measure_from_, stop_;
  std::atomic<int>& running_;
  std::atomic<int64_t>* const fresh_;  // the next fresh query; null: repeats
  std::unique_ptr<grpc::ClientContext> context_;
  v1::QueryRequest request_;
  v1::QueryResponse response_;
  absl::Time sent_;
};

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[i];
}

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    bool ok = true;
    if (flag == "--clients") {
      ok = absl::SimpleAtoi(value, &o.clients) && o.clients > 0;
    } else if (flag == "--seconds") {
      ok = absl::SimpleAtod(value, &o.seconds) && o.seconds > 0;
    } else if (flag == "--warmup") {
      ok = absl::SimpleAtod(value, &o.warmup) && o.warmup >= 0;
    } else if (flag == "--rows") {
      ok = absl::SimpleAtoi(value, &o.rows) && o.rows > 0;
    } else if (flag == "--fresh") {
      int fresh = 0;
      ok = absl::SimpleAtoi(value, &fresh) && (fresh == 0 || fresh == 1);
      o.fresh = fresh == 1;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "cellgate-load: bad flag \"%s\" or value \"%s\"\n", flag.c_str(), value);
      return false;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "cellgate-load: flag \"%s\" needs a value\n", argv[argc - 1]);
    return false;
  }
  return true;
}

int Run(const Options& o) {
  bench::BenchServerOptions server_options;
  server_options.store_file = bench::PristineStore(o.rows);
  server_options.principals = o.clients;
  server_options.max_queries_per_minute_per_principal = 1'000'000;
  bench::BenchServer server(server_options);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < o.clients; ++i) {
    channels.push_back(server.Channel(i));
    bench::BenchServer::Connect(channels.back());
  }
  Recorder recorder;
  std::atomic<int> running(o.clients);
  const absl::Time start = absl::Now();
  const absl::Time measure_from = start + absl::Seconds(o.warmup);
  const absl::Time stop = measure_from + absl::Seconds(o.seconds);
  const double cpu_start = bench::ProcessCpuSeconds();
  std::atomic<int64_t> next_fresh(0);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < o.clients; ++i) {
    clients.push_back(std::make_unique<Client>(channels[i], 1000 + i, recorder, measure_from,
                                               stop, running, o.fresh ? &next_fresh : nullptr));
  }
  for (auto& c : clients) c->Start();
  for (int left = running.load(); left > 0; left = running.load()) running.wait(left);
  const double cpu = bench::ProcessCpuSeconds() - cpu_start;
  std::vector<double> latencies = recorder.latencies();
  std::sort(latencies.begin(), latencies.end());
  int64_t errors = 0;
  std::string error_text;
  for (const auto& [code, n] : recorder.errors()) {
    errors += n;
    absl::StrAppend(&error_text, error_text.empty() ? "" : ", ", "code ", code, ": ", n);
  }
  const double per_second = static_cast<double>(latencies.size()) / o.seconds;
  std::printf("clients %d, %.0f s measured after %.0f s warm-up, %lld seu records, %s\n",
              o.clients, o.seconds, o.warmup, static_cast<long long>(bench::SeuData(o.rows).rows),
              o.fresh ? "every query a new table" : "small tables, mostly repeats");
  std::printf("audited releases: %zu (%.0f per second), errors: %lld%s%s\n", latencies.size(),
              per_second, static_cast<long long>(errors), error_text.empty() ? "" : " — ",
              error_text.c_str());
  std::printf("refused by the protection (audited, not counted as releases): %lld\n",
              static_cast<long long>(recorder.refused()));
  std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", Percentile(latencies, 0.5),
              Percentile(latencies, 0.9), Percentile(latencies, 0.99),
              latencies.empty() ? 0.0 : latencies.back());
  std::printf("process CPU (server and clients): %.1f s of %.1f s wall\n", cpu,
              absl::ToDoubleSeconds(absl::Now() - start));
  std::printf("{\"clients\": %d, \"fresh\": %s, \"seconds\": %.1f, \"rows\": %lld, \"releases\": %zu, "
              "\"releases_per_second\": %.1f, \"errors\": %lld, \"p50_ms\": %.3f, "
              "\"p90_ms\": %.3f, \"p99_ms\": %.3f}\n",
              o.clients, o.fresh ? "true" : "false", o.seconds,
              static_cast<long long>(bench::SeuData(o.rows).rows),
              latencies.size(), per_second, static_cast<long long>(errors),
              Percentile(latencies, 0.5), Percentile(latencies, 0.9),
              Percentile(latencies, 0.99));
  return errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cellgate

int main(int argc, char** argv) {
  cellgate::Options options;
  if (!cellgate::ParseArgs(argc, argv, options)) return 2;
  return cellgate::Run(options);
}
