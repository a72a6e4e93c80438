// The cost of the engine's contributor pass (server/engine/
// contributor_facts.h): the same table, the same rows, once as a SUM of a
// column without contributor (the baseline) and once as a SUM of an equal
// column whose contributor is a school, with few or many contributors.
//
//   BM_ContributorSum/0        COUNT + SUM stunden (no contributor)
//   BM_ContributorSum/300      COUNT + SUM stunden_schule: 300 schools
//   BM_ContributorSum/100000   the same with 100,000 contributors
//   BM_ContributorSum/-1       every row its own contributor (the worst case)
//
// 3 dimensions with hierarchy subtotals and totals (3,410 cells), as in
// engine_benchmark. The version is built in memory (no store): only the
// engine is measured. Rows: CELLGATE_BENCH_ROWS (default 1,000,000).
// Results and the command line: docs/performance.md.
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/textproto.h"
#include "server/engine/loaded_version.h"
#include "server/engine/table_computer.h"

namespace cellgate {
namespace {

constexpr char kSchema[] = R"pb(
  id: "bench"
  columns { name: "jahr" label: "Jahr" kind: DIMENSION levels { name: "jahr" label: "Jahr" } }
  columns { name: "stadtteil" label: "Stadtteil" kind: DIMENSION
    levels { name: "stadtteil" label: "Stadtteil" } levels { name: "bezirk" label: "Bezirk" } }
  columns { name: "schulart" label: "Schulart" kind: DIMENSION
    levels { name: "schulart" label: "Schulart" } }
  columns { name: "schule" label: "Schule" kind: CONTRIBUTOR }
  columns { name: "stunden" label: "Stunden" kind: MEASURE decimals: 1 }
  columns { name: "stunden_schule" label: "Stunden" kind: MEASURE decimals: 1
            contributor: "schule" }
)pb";

constexpr int kYears = 10, kStadtteile = 24, kBezirke = 6, kSchularten = 9;

int64_t BenchRows() {
  const char* env = std::getenv("CELLGATE_BENCH_ROWS");
  return env != nullptr ? std::atoll(env) : 1'000'000;
}

v1::DatasetSchema Schema() {
  v1::DatasetSchema schema;
  if (!ParseTextProto(kSchema, "bench schema", schema).ok()) std::abort();
  auto add = [](v1::Level* level, const std::string& code, const std::string& parent) {
    v1::Code* c = level->add_codes();
    c->set_code(code);
    c->set_label(code);
    c->set_parent(parent);
  };
  v1::Level* years = schema.mutable_columns(0)->mutable_levels(0);
  for (int y = 0; y < kYears; ++y) add(years, absl::StrCat(2016 + y), "");
  v1::Level* bezirke = schema.mutable_columns(1)->mutable_levels(1);
  for (int b = 0; b < kBezirke; ++b) add(bezirke, absl::StrCat("B", b), "");
  for (int s = 0; s < kStadtteile; ++s) {
    add(schema.mutable_columns(1)->mutable_levels(0), absl::StrCat("S", s),
        absl::StrCat("B", s % kBezirke));
  }
  v1::Level* arten = schema.mutable_columns(2)->mutable_levels(0);
  for (int a = 0; a < kSchularten; ++a) add(arten, absl::StrCat("A", a), "");
  return schema;
}

// Rows skewed like real districts; a school's pupils mostly in one
// Stadtteil and Schulart. `contributors` -1: one per row. Schools are
// numbered by first appearance, as the store numbers them.
std::shared_ptr<const engine::LoadedVersion> MakeVersion(int64_t rows, int64_t contributors) {
  std::mt19937_64 rng(2026);
  std::geometric_distribution<int> district(0.12);
  v1::VersionData data;
  data.mutable_info()->set_dataset("bench");
  data.mutable_info()->set_version(1);
  data.mutable_info()->set_row_count(rows);
  std::string jahr, stadtteil, schulart, schule, stunden;
  std::vector<int64_t> dense(contributors > 0 ? contributors : 0, -1);
  uint32_t next = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t school = contributors > 0 ? static_cast<int64_t>(rng() % contributors) : r;
    uint32_t id = next;
    if (contributors > 0) {
      if (dense[school] < 0) dense[school] = next++;
      id = static_cast<uint32_t>(dense[school]);
    } else {
      ++next;
    }
    jahr.push_back(static_cast<char>(rng() % kYears));
    const int st = school % 7 == 0 ? district(rng) % kStadtteile
                                   : static_cast<int>(school % kStadtteile);
    stadtteil.push_back(static_cast<char>(st));
    schulart.push_back(static_cast<char>(school % kSchularten));
    schule.append(reinterpret_cast<const char*>(&id), 4);
    const int64_t tenths = static_cast<int64_t>(rng() % 400);
    stunden.append(reinterpret_cast<const char*>(&tenths), 8);
  }
  auto add = [&](const char* name, uint32_t width, const std::string& bytes) {
    v1::ColumnData* c = data.add_columns();
    c->set_name(name);
    c->set_width(width);
    c->set_data(bytes);
  };
  add("jahr", 1, jahr);
  add("stadtteil", 1, stadtteil);
  add("schulart", 1, schulart);
  add("schule", 4, schule);
  add("stunden", 8, stunden);
  add("stunden_schule", 8, stunden);
  absl::StatusOr<std::shared_ptr<const engine::LoadedVersion>> v =
      engine::LoadedVersion::Create(Schema(), std::move(data));
  if (!v.ok()) std::abort();
  return *v;
}

v1::Query Query(bool with_contributor) {
  v1::Query q;
  q.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Measure* sum = q.add_measures();
  sum->set_kind(v1::Measure::SUM);
  sum->set_column(with_contributor ? "stunden_schule" : "stunden");
  q.add_group_by()->set_dimension("jahr");
  v1::Grouping* st = q.add_group_by();
  st->set_dimension("stadtteil");
  st->set_subtotals(true);
  q.add_group_by()->set_dimension("schulart");
  q.set_totals(true);
  return q;
}

void BM_ContributorSum(benchmark::State& state) {
  // 300 schools for the baseline too: its data are the same bytes.
  const int64_t contributors = state.range(0) == 0 ? 300 : state.range(0);
  static std::map<int64_t, std::shared_ptr<const engine::LoadedVersion>> versions;
  auto& version = versions[contributors];
  if (version == nullptr) version = MakeVersion(BenchRows(), contributors);
  const v1::Query q = Query(state.range(0) != 0);
  int64_t cells = 0, in_total = 0;
  for (auto _ : state) {
    absl::StatusOr<v1::ComputedTable> table = engine::ComputeTable(*version, q, {});
    if (!table.ok()) {
      state.SkipWithError(std::string(table.status().message()).c_str());
      return;
    }
    cells = table->record_count_size();
    const v1::MeasureFacts& facts = table->measures(1);
    in_total = facts.contributors_size() > 0 ? facts.contributors(cells - 1) : 0;
    benchmark::DoNotOptimize(table);
  }
  state.counters["rows"] = static_cast<double>(version->row_count());
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["contributors_in_total"] = static_cast<double>(in_total);
  state.SetItemsProcessed(state.iterations() * version->row_count());
}
BENCHMARK(BM_ContributorSum)
    ->Arg(0)
    ->Arg(300)
    ->Arg(100000)
    ->Arg(-1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace cellgate

BENCHMARK_MAIN();
