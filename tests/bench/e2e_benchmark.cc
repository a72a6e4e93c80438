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
//   BM_Protect/N             the protection of a table of about N cells
//                            (64, 1,152, 10,368, 46,656) computed from
//                            1,000,000 seu records, under the shipped seu
//                            policy: primary rules, secondary suppression
//                            and the attacker-LP audit (TableProtector),
//                            within the server's default time budget (30 s;
//                            counter over_budget = 1 if it ran out)
//   BM_ProtectThreeDimension/R  BM_EndToEnd's protection alone: the 3-D
//                            table over R records under the seu policy
//                            (TableProtector, no ledger)
//   BM_SuppressThreeDimension/{priced,whole}/R  secondary suppression of
//                            its counts alone (threshold 3), with the
//                            priced protection LP and with its baseline,
//                            one LP over the whole table per cell
//   BM_ThresholdOnly/N       the threshold rule alone on the same table (a
//                            release without secondary suppression)
//
// The SQLCipher GROUP BY baseline of the same records is
// engine_benchmark's BM_SqlGroupBy/keyed/R in the same `make bench`.
// Results and the command line: docs/performance.md.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "cellgate/v1/data_service.grpc.pb.h"
#include "absl/strings/str_cat.h"
#include "policies/cell_marks.h"
#include "policies/policy_loader.h"
#include "policies/secondary_suppression.h"
#include "policies/table_structure.h"
#include "policies/table_protector.h"
#include "policies/threshold_rule.h"
#include "server/engine/table_computer.h"
#include "tests/bench/bench_data.h"
#include "tests/bench/bench_server.h"

namespace cellgate {
namespace {

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

// Tables of about 100, 1,000, 10,000 and 50,000 cells over seu: the
// grouping dimensions (bezirk with its subtotals where named so).
v1::Query TableOfAbout(int64_t cells) {
  std::vector<std::string> dims;
  bool subtotals = false;
  v1::Query q;
  switch (cells) {
    case 100: {  // 16 × 4 = 64: obese children of one year by Stadtteil and sex
      dims = {"stadtteil", "sex"};
      v1::Filter* year = q.add_filters();
      year->set_dimension("einschulungsjahr");
      year->add_codes("2025");
      v1::Filter* bmi = q.add_filters();
      bmi->set_dimension("bmi_kat");
      bmi->add_codes("adipositas");
      break;
    }
    case 1000:  // 6 × 16 × 4 × 3 = 1,152
      dims = {"einschulungsjahr", "stadtteil", "sex", "sprachfoerderbedarf"};
      break;
    case 10000:  // 6 × 72 × 4 × 6 = 10,368
      dims = {"einschulungsjahr", "bezirk", "sex", "kita_dauer"};
      subtotals = true;
      break;
    default:  // 6 × 72 × 6 × 6 × 3 = 46,656
      dims = {"einschulungsjahr", "bezirk", "bmi_kat", "kita_dauer", "sprachfoerderbedarf"};
      subtotals = true;
  }
  q.set_dataset("seu");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  for (const std::string& d : dims) {
    v1::Grouping* g = q.add_group_by();
    g->set_dimension(d == "stadtteil" ? "bezirk" : d);
    if (d == "stadtteil") g->set_level("stadtteil");
    if (d == "bezirk") g->set_subtotals(subtotals);
  }
  q.set_totals(true);
  return q;
}

const policies::TableProtector& SeuProtector() {
  static const policies::TableProtector* protector = [] {
    const std::string path = absl::StrCat(CELLGATE_SOURCE_DIR, "/policies/config/seu.textproto");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto loaded = policies::ParsePolicy(text.str(), path);
    if (!loaded.ok()) std::abort();
    auto p = policies::TableProtector::Create(*loaded);
    if (!p.ok()) std::abort();
    return new policies::TableProtector(*std::move(p));
  }();
  return *protector;
}

v1::ComputedTable ProtectionTable(int64_t cells) {
  engine::ComputeLimits limits;
  limits.max_dimensions = 5;
  limits.largest_contributions = false;
  auto table = engine::ComputeTable(*bench::SeuVersion(1'000'000), TableOfAbout(cells), limits);
  if (!table.ok()) std::abort();
  return *std::move(table);
}

void BM_Protect(benchmark::State& state) {
  const v1::ComputedTable table = ProtectionTable(state.range(0));
  v1::ReleaseCounts counts;
  bool over_budget = false;
  for (auto _ : state) {
    // The server's default time budget of a query (limits.max_query_seconds).
    auto decision = SeuProtector().Protect(table, absl::Now() + absl::Seconds(30));
    over_budget = absl::IsDeadlineExceeded(decision.status());
    if (over_budget) continue;
    if (!decision.ok()) {
      state.SkipWithError(std::string(decision.status().message()).c_str());
      return;
    }
    counts = decision->counts();
  }
  state.counters["over_budget"] = over_budget ? 1 : 0;
  state.counters["cells"] = static_cast<double>(table.record_count_size());
  state.counters["primary"] = static_cast<double>(counts.suppressed_primary());
  state.counters["secondary"] = static_cast<double>(counts.suppressed_secondary());
}

// The 3-dimensional table of BM_EndToEnd over `rows` records, as the
// pipeline computes it for the seu policy.
absl::StatusOr<v1::ComputedTable> ThreeDimensionTable(int64_t rows) {
  engine::ComputeLimits limits;
  limits.largest_contributions = false;
  return engine::ComputeTable(*bench::SeuVersion(rows), bench::ThreeDimensionQuery(), limits);
}

// The protection part of BM_EndToEnd/R alone: the 3-dimensional table over
// R records under the shipped seu policy, as the pipeline protects it
// before the ledger (no earlier releases).
void BM_ProtectThreeDimension(benchmark::State& state) {
  const absl::StatusOr<v1::ComputedTable> table = ThreeDimensionTable(state.range(0));
  if (!table.ok()) {
    state.SkipWithError(std::string(table.status().message()).c_str());
    return;
  }
  v1::ReleaseCounts counts;
  for (auto _ : state) {
    auto decision = SeuProtector().Protect(*table, absl::Now() + absl::Seconds(30));
    if (!decision.ok()) {
      state.SkipWithError(std::string(decision.status().message()).c_str());
      return;
    }
    counts = decision->counts();
  }
  state.counters["cells"] = static_cast<double>(table->record_count_size());
  state.counters["primary"] = static_cast<double>(counts.suppressed_primary());
  state.counters["secondary"] = static_cast<double>(counts.suppressed_secondary());
}

// Secondary suppression alone (counts, threshold 3, cost 1 + n, the method
// OptionsFor picks, with the cleanup) of the 3-dimensional table over R
// records, with the protection LP priced (the default, protection_lp.h) or
// over the whole table per cell, its baseline. Same pattern either way.
void BM_SuppressThreeDimension(benchmark::State& state, policies::RegionSolve solve) {
  const absl::StatusOr<v1::ComputedTable> table = ThreeDimensionTable(state.range(0));
  if (!table.ok()) {
    state.SkipWithError(std::string(table.status().message()).c_str());
    return;
  }
  auto structure = policies::StructureOf(table->axes());
  if (!structure.ok()) std::abort();
  policies::MeasureTable counts;
  counts.name = "count";
  counts.floor = 1;
  counts.values.assign(table->record_count().begin(), table->record_count().end());
  policies::SuppressionCosts costs;
  std::vector<bool> primary(counts.values.size(), false);
  for (size_t c = 0; c < counts.values.size(); ++c) {
    const double n = counts.values[c];
    costs.per_unit.push_back(1 + n);
    costs.may_suppress.push_back(n > 0);
    if (n > 0 && n < 3) {
      primary[c] = true;
      counts.required.push_back({static_cast<int32_t>(c), 0, 3 - n});
    }
  }
  policies::SuppressionOptions options = policies::OptionsFor(*structure, {counts});
  options.lp_solve = solve;
  int64_t secondary = 0;
  for (auto _ : state) {
    std::vector<bool> suppressed = primary;
    std::vector<std::vector<policies::Certificate>> certificates;
    if (!policies::SuppressTables(*structure, {counts}, costs, suppressed, certificates, options)
             .ok()) {
      state.SkipWithError("suppression failed");
      return;
    }
    secondary = 0;
    for (size_t c = 0; c < suppressed.size(); ++c) secondary += suppressed[c] && !primary[c];
  }
  state.counters["primary"] = static_cast<double>(counts.required.size());
  state.counters["secondary"] = static_cast<double>(secondary);
}

void BM_ThresholdOnly(benchmark::State& state) {
  const v1::ComputedTable table = ProtectionTable(state.range(0));
  const policies::ThresholdRule rule(SeuProtector().policy().threshold());
  int64_t primary = 0;
  for (auto _ : state) {
    policies::CellMarks marks(table.record_count_size());
    rule.Mark(table, marks);
    primary = marks.suppressed_count();
    benchmark::DoNotOptimize(primary);
  }
  state.counters["cells"] = static_cast<double>(table.record_count_size());
  state.counters["primary"] = static_cast<double>(primary);
}

void Register() {
  for (int64_t cells : {100, 1000, 10000, 50000}) {
    benchmark::RegisterBenchmark("BM_ThresholdOnly", BM_ThresholdOnly)
        ->Arg(cells)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark("BM_Protect", BM_Protect)
        ->Arg(cells)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(cells > 1000 ? 1 : 20);
  }
  for (int64_t rows : bench::RowCounts()) {
    benchmark::RegisterBenchmark("BM_EndToEnd", BM_EndToEnd)
        ->Arg(rows)->Iterations(1)->Unit(benchmark::kMillisecond)->UseManualTime();
    benchmark::RegisterBenchmark("BM_EngineOnly", BM_EngineOnly)
        ->Arg(rows)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark("BM_ProtectThreeDimension", BM_ProtectThreeDimension)
        ->Arg(rows)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark("BM_SuppressThreeDimension/priced", BM_SuppressThreeDimension,
                                 policies::RegionSolve::kPriced)
        ->Arg(rows)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark("BM_SuppressThreeDimension/whole", BM_SuppressThreeDimension,
                                 policies::RegionSolve::kWhole)
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
