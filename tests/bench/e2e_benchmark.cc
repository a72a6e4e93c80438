// The whole path of one release (issue #8, target 2), beside the engine
// alone on the same records in the same binary and run:
//
//   BM_EndToEnd/R            the 3-dimensional table of bench_data.h over R
//                            seu records through gRPC with mTLS: access
//                            check, engine, the shipped seu policy
//                            (threshold, group disclosure, secondary
//                            suppression, attacker-LP audit), the release
//                            ledger and the durable, signed audit record.
//                            Each repetition starts a server on a fresh copy
//                            of the store (an empty ledger), connects, and
//                            times the first release of the query; the
//                            counter repeat_ms is the same query asked
//                            again (audited against the first)
//   BM_EngineOnly/R          the engine's part alone (ComputeTable, 2
//                            threads as the server uses them)
//
// The SQLCipher GROUP BY baseline of the same records is
// engine_benchmark's BM_SqlGroupBy/keyed/R in the same `make bench`.
// Results and the command line: docs/performance.md.
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "cellgate/v1/data_service.grpc.pb.h"
#include "server/engine/table_computer.h"
#include "tests/bench/bench_data.h"
#include "tests/bench/bench_server.h"

namespace cellgate {
namespace {

std::vector<int64_t> RowCounts() {
  const char* env = std::getenv("CELLGATE_BENCH_MAX_ROWS");
  const int64_t most = env != nullptr ? std::atoll(env) : 10'000'000;
  std::vector<int64_t> rows;
  for (int64_t n : {100'000, 1'000'000, 10'000'000}) {
    if (n <= most) rows.push_back(n);
  }
  return rows;
}

// One release; returns its wall time in seconds, or a negative value and
// the error.
double TimedRelease(v1::DataService::Stub& stub, std::string* error) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::QueryRequest request;
  *request.mutable_query() = bench::ThreeDimensionQuery();
  v1::QueryResponse response;
  const absl::Time start = absl::Now();
  const grpc::Status status = stub.Query(&context, request, &response);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!status.ok()) {
    *error = status.error_message();
    return -1;
  }
  if (response.table().cells_size() == 0 || response.receipt().release_id().empty()) {
    *error = "empty answer";
    return -1;
  }
  return seconds;
}

void BM_EndToEnd(benchmark::State& state) {
  const int64_t rows = state.range(0);
  bench::BenchServerOptions options;
  options.store_file = bench::PristineStore(rows);
  double repeat_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto server = std::make_unique<bench::BenchServer>(options);
    auto channel = server->Channel(0);
    bench::BenchServer::Connect(channel);
    auto stub = v1::DataService::NewStub(channel);
    state.ResumeTiming();
    std::string error;
    const double first = TimedRelease(*stub, &error);
    const double repeat = first < 0 ? -1 : TimedRelease(*stub, &error);
    if (first < 0 || repeat < 0) {
      state.SkipWithError(error.c_str());
      break;
    }
    state.SetIterationTime(first);
    repeat_seconds = repeat;
    state.PauseTiming();
    stub.reset();
    channel.reset();
    server.reset();
    state.ResumeTiming();
  }
  state.counters["rows"] = static_cast<double>(bench::SeuData(rows).rows);
  state.counters["repeat_ms"] = repeat_seconds * 1e3;
}

void BM_EngineOnly(benchmark::State& state) {
  const auto version = bench::SeuVersion(state.range(0));
  engine::ComputeLimits limits;  // as the pipeline sets them for seu
  limits.largest_contributions = false;
  limits.scan_threads = 2;
  const v1::Query q = bench::ThreeDimensionQuery();
  for (auto _ : state) {
    auto table = engine::ComputeTable(*version, q, limits);
    if (!table.ok()) {
      state.SkipWithError(std::string(table.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(table);
  }
  state.counters["rows"] = static_cast<double>(version->row_count());
}

void Register() {
  for (int64_t rows : RowCounts()) {
    benchmark::RegisterBenchmark("BM_EndToEnd", BM_EndToEnd)
        ->Arg(rows)->Iterations(1)->Unit(benchmark::kMillisecond)->UseManualTime();
    benchmark::RegisterBenchmark("BM_EngineOnly", BM_EngineOnly)
        ->Arg(rows)->Unit(benchmark::kMillisecond)->UseRealTime();
  }
}

}  // namespace
}  // namespace cellgate

int main(int argc, char** argv) {
  cellgate::Register();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
