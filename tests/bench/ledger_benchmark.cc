// The release ledger's cost: protecting a table against 1, 100, 1,000 and
// 10,000 earlier releases, side by side with protecting it alone.
//   unrelated: earlier releases of other populations (other years, Stadtteile
//              and school types): the index keeps them out of the audit;
//   related:   earlier releases of the same population (one school year),
//              different groupings and filters: all enter the joint LP;
//   related sums: the same with a mean in every other release and in the
//              candidate, whose sums are audited across releases too;
//   related direct: the related releases written into the ledger through
//              its own API, each protected alone (filling 1,000 through the
//              real path takes most of an hour).
// Run: build/bin/ledger_benchmark (results and filters in docs/performance.md).
#include <ctime>
#include <filesystem>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/clock.h"
#include "common/textproto.h"
#include "policies/table_protector.h"
#include "server/engine/table_computer.h"
#include "server/ledger/ledger_entry.h"
#include "server/ledger/linked_protection.h"
#include "server/ledger/release_ledger.h"
#include "server/store/store.h"

namespace cellgate {
namespace {

constexpr int kYears = 50, kStadtteile = 40, kSchularten = 10, kRows = 200000;

v1::DatasetSchema Schema() {
  v1::DatasetSchema schema;
  schema.set_id("bench");
  schema.set_title("bench");
  schema.add_columns()->set_name("key");
  schema.mutable_columns(0)->set_kind(v1::UNIT_ID);
  auto add = [&](const std::string& name, int codes) {
    v1::ColumnSchema& c = *schema.add_columns();
    c.set_name(name);
    c.set_label(name);
    c.set_kind(v1::DIMENSION);
    v1::Level& level = *c.add_levels();
    level.set_name(name);
    level.set_label(name);
    for (int i = 0; i < codes; ++i) {
      v1::Code& code = *level.add_codes();
      code.set_code(absl::StrCat("c", i));
      code.set_label(absl::StrCat(name, " ", i));
    }
  };
  add("jahr", kYears);
  add("stadtteil", kStadtteile);
  add("schulart", kSchularten);
  add("sex", 2);
  add("nat", 2);
  v1::ColumnSchema& hours = *schema.add_columns();
  hours.set_name("stunden");
  hours.set_label("Fehlstunden");
  hours.set_kind(v1::MEASURE);
  return schema;
}

std::string Csv() {
  std::mt19937 random(7);
  std::mt19937 hours(11);  // apart, so that the codes are those of earlier runs
  std::string csv = "key,jahr,stadtteil,schulart,sex,nat,stunden\n";
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&csv, i, ",c", random() % kYears, ",c", random() % kStadtteile, ",c",
                    random() % kSchularten, ",c", random() % 2, ",c", random() % 7 == 0);
    // Hours missed: mostly 0..40, one pupil in 200 dominates her cell.
    absl::StrAppend(&csv, ",", hours() % 200 == 0 ? 400 + hours() % 400 : hours() % 41, "\n");
  }
  return csv;
}

v1::Query Query(const std::vector<std::string>& by,
                const std::vector<std::pair<std::string, std::vector<int>>>& filters) {
  v1::Query q;
  q.set_dataset("bench");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  for (const std::string& d : by) q.add_group_by()->set_dimension(d);
  for (const auto& [d, codes] : filters) {
    v1::Filter& f = *q.add_filters();
    f.set_dimension(d);
    for (int c : codes) f.add_codes(absl::StrCat("c", c));
  }
  q.set_totals(true);
  return q;
}

struct World {
  SystemClock clock;
  std::unique_ptr<store::KeySource> keys;
  std::unique_ptr<store::Store> store;
  std::shared_ptr<const engine::LoadedVersion> version;
  std::unique_ptr<policies::TableProtector> protector;
  std::unique_ptr<ledger::ReleaseLedger> ledger;
  int64_t asked = 0;     // earlier queries, released or refused
  int64_t released = 0;
  int64_t refused = 0;
  double fill_cpu_s = 0;  // CPU seconds spent asking them

  // Asks earlier queries until `n` were asked, each made by `make`:
  // through the real path (`direct` false), or protected alone and written
  // straight into the ledger through its own API (not audited against each
  // other: the union may pin sets the real path would have kept open).
  void FillTo(int64_t n, v1::Query (*make)(int64_t), bool direct = false) {
    const std::clock_t start = std::clock();
    while (asked < n) {
      if (direct) {
        Write(make(asked++));
      } else {
        Release(make(asked++));
      }
    }
    fill_cpu_s += static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  }

  // Protects `query` alone and appends it.
  void Write(const v1::Query& query) {
    const v1::ComputedTable table = *engine::ComputeTable(*version, query, {});
    const v1::ReleaseDecision decision = *protector->Protect(table);
    v1::LedgerRelease entry = *ledger::LedgerEntryOf(*version, query, table, decision);
    entry.set_release_id(absl::StrCat("r", released++));
    if (!ledger->Append(std::move(entry)).ok()) std::abort();
  }

  // Protects `query` against the ledger and appends it.
  void Release(const v1::Query& query) {
    const v1::ComputedTable table = *engine::ComputeTable(*version, query, {});
    v1::LedgerAudit audit;
    auto decision = ledger::ProtectAcrossReleases(*protector, *version, query, table, *ledger,
                                                  Loader(), {}, audit);
    if (!decision.ok()) {  // refused: nothing to add
      ++refused;
      return;
    }
    decision->entry.set_release_id(absl::StrCat("r", released++));
    if (!ledger->Append(decision->entry).ok()) std::abort();
  }
  // One version only: the re-ingest rule never asks.
  static ledger::TableOnVersion Loader() {
    return [](int64_t) -> absl::StatusOr<ledger::TableOnOtherVersion> {
      return absl::InternalError("the benchmark has one version");
    };
  }
};

std::unique_ptr<World> MakeWorld(const std::string& name) {
  auto w = std::make_unique<World>();
  const std::string dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  const std::string path = absl::StrCat(dir, "/cellgate-ledger-bench-", name, "-", getpid());
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  w->keys = std::make_unique<store::InMemoryKeySource>(
      *store::SecretKey::FromBytes(std::string(32, '\x5a')));
  store::StoreOptions options;
  options.path = path + "/store.db";
  w->store = *store::Store::Open(options, *w->keys, w->clock);
  const v1::DatasetSchema schema = Schema();
  if (!w->store->CreateDataset(schema).ok()) std::abort();
  auto ingest = *w->store->BeginIngest("bench", "bench.csv", "bench");
  if (!ingest->AddChunk(Csv()).ok()) std::abort();
  const v1::DatasetVersionInfo info = *ingest->Commit();
  w->version = *engine::LoadedVersion::Create(schema, *w->store->LoadVersion("bench", info.version()));
  v1::DisclosurePolicy policy;
  policy.set_id("bench");
  policy.set_version(1);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(3);
  policy.mutable_magnitude()->mutable_dominance()->set_n(1);
  policy.mutable_magnitude()->mutable_dominance()->set_k(85);
  w->protector = std::make_unique<policies::TableProtector>(*policies::TableProtector::Create(policy));
  w->ledger = *ledger::ReleaseLedger::Open(*w->store);
  return w;
}

// Earlier release i of another population: year, Stadtteil, school type.
v1::Query Unrelated(int64_t i) {
  return Query({"sex", "nat"}, {{"jahr", {static_cast<int>(i % kYears)}},
                                {"stadtteil", {static_cast<int>(i / kYears % kStadtteile)}},
                                {"schulart", {static_cast<int>(i / kYears / kStadtteile)}}});
}

// Earlier release i of year 0: one of several groupings, over a window of
// Stadtteile.
v1::Query Related(int64_t i) {
  static const std::vector<std::vector<std::string>> groupings = {
      {"sex"}, {"nat"}, {"sex", "nat"}, {"stadtteil"}, {"stadtteil", "sex"},
      {"schulart"}, {"schulart", "sex"}, {"schulart", "nat"}, {"stadtteil", "nat"}};
  // Distinct for i < 7,200: (grouping, start) repeats every 360 releases,
  // and the length shifts by one with every such round.
  std::vector<int> window;
  const int start = static_cast<int>(i * 7 % kStadtteile);
  const int length = 10 + static_cast<int>((i + i / 360) % 20);
  for (int s = 0; s < length; ++s) window.push_back((start + s) % kStadtteile);
  return Query(groupings[i % groupings.size()], {{"jahr", {0}}, {"stadtteil", window}});
}

// Related release i with the mean hours missed in every other one.
v1::Query RelatedWithMeans(int64_t i) {
  v1::Query q = Related(i);
  if (i % 2 == 0) {
    v1::Measure& mean = *q.add_measures();
    mean.set_kind(v1::Measure::MEAN);
    mean.set_column("stunden");
  }
  return q;
}

void Run(benchmark::State& state, World& w, const v1::Query& candidate) {
  const v1::ComputedTable table = *engine::ComputeTable(*w.version, candidate, {});
  v1::LedgerAudit audit;
  bool released = false;
  for (auto _ : state) {
    audit.Clear();
    auto decision = ledger::ProtectAcrossReleases(*w.protector, *w.version, candidate, table,
                                                  *w.ledger, w.Loader(), {}, audit);
    released = decision.ok();
    benchmark::DoNotOptimize(decision);
  }
  state.counters["earlier"] = static_cast<double>(w.asked);
  state.counters["fill_cpu_s"] = w.fill_cpu_s;
  state.counters["refused_earlier"] = static_cast<double>(w.refused);
  state.counters["linked"] = audit.linked_releases();
  state.counters["atoms"] = static_cast<double>(audit.atoms());
  state.counters["variables"] = static_cast<double>(audit.variables());
  state.counters["equations"] = static_cast<double>(audit.equations());
  state.counters["implied"] = static_cast<double>(audit.implied_equations());
  state.counters["small"] = static_cast<double>(audit.sensitive_atoms());
  state.counters["sensitive_sums"] = static_cast<double>(audit.sensitive_sums());
  state.counters["sums_suppressed"] = audit.sums_suppressed();
  state.counters["lp_solves"] = static_cast<double>(audit.lp_solves());
  state.counters["rounds"] = audit.rounds();
  state.counters["released"] = released;
}

void BM_ProtectAlone(benchmark::State& state) {
  static std::unique_ptr<World> w = MakeWorld("alone");
  const v1::Query candidate = Query({"stadtteil", "sex"}, {{"jahr", {0}}});
  const v1::ComputedTable table = *engine::ComputeTable(*w->version, candidate, {});
  for (auto _ : state) benchmark::DoNotOptimize(w->protector->Protect(table));
}
BENCHMARK(BM_ProtectAlone)->Unit(benchmark::kMillisecond)->Repetitions(3);

void BM_LedgerUnrelated(benchmark::State& state) {
  static std::unique_ptr<World> w = MakeWorld("unrelated");
  w->FillTo(state.range(0), Unrelated);
  // The candidate shares its population with earlier release 0 only.
  Run(state, *w, Query({"sex", "nat"}, {{"jahr", {0}}, {"stadtteil", {0}}, {"schulart", {0}}}));
}
BENCHMARK(BM_LedgerUnrelated)->Arg(1)->Arg(100)->Arg(1000)->Arg(10000)
    ->Unit(benchmark::kMillisecond)->Repetitions(3);

void BM_LedgerRelated(benchmark::State& state) {
  static std::unique_ptr<World> w = MakeWorld("related");
  w->FillTo(state.range(0), Related);
  Run(state, *w, Query({"stadtteil", "sex"}, {{"jahr", {0}}}));
}
BENCHMARK(BM_LedgerRelated)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)
    ->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3);

// Half of the related releases with a mean, and a candidate with one:
// the sums of "stunden" are audited across releases too.
void BM_LedgerRelatedSums(benchmark::State& state) {
  static std::unique_ptr<World> w = MakeWorld("related-sums");
  w->FillTo(state.range(0), RelatedWithMeans);
  v1::Query candidate = Query({"stadtteil", "sex"}, {{"jahr", {0}}});
  v1::Measure& mean = *candidate.add_measures();
  mean.set_kind(v1::Measure::MEAN);
  mean.set_column("stunden");
  Run(state, *w, candidate);
}
BENCHMARK(BM_LedgerRelatedSums)->Arg(10)->Arg(100)
    ->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3);

// The same related releases written straight into the ledger (filling
// 1,000 through the real path takes too long); 100 for a comparison with
// the real path.
void BM_LedgerRelatedDirect(benchmark::State& state) {
  static std::unique_ptr<World> w = MakeWorld("related-direct");
  w->FillTo(state.range(0), Related, /*direct=*/true);
  Run(state, *w, Query({"stadtteil", "sex"}, {{"jahr", {0}}}));
}
BENCHMARK(BM_LedgerRelatedDirect)->Arg(100)->Arg(1000)
    ->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3);

}  // namespace
}  // namespace cellgate

BENCHMARK_MAIN();
