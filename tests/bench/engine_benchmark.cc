// The engine against a plain SQL GROUP BY over the same rows, through the
// same SQLCipher library, in the same binary and run:
//
//   BM_EngineTable/1        cellgate: 3 dimensions with all margins and
//                           hierarchy subtotals, count and sum (in memory),
//                           and the cell keys (sum of the record keys)
//   BM_EngineTable/0        the same without cell keys (internal
//                           channels): the engine as it was before them
//   BM_SqlGroupBy/keyed     SELECT d1,d2,d3,COUNT(*),SUM(m) GROUP BY d1,d2,d3
//                           on an encrypted SQLCipher database (the store's
//                           settings: 64 KiB pages, raw key)
//   BM_SqlGroupBy/plain     the same query, same library, no key
//   BM_EngineLoadVersion    decrypt the version's column blobs and index them
//
// The SQL baselines compute only the leaf cells (no margins): less work than
// the engine does. Rows: CELLGATE_BENCH_ROWS (default 1,000,000).
// Results and the command line: docs/performance.md.
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/clock.h"
#include "common/textproto.h"
#include "server/engine/loaded_version.h"
#include "server/engine/table_computer.h"
#include "server/store/key_source.h"
#include "server/store/store.h"

namespace cellgate {
namespace {

constexpr char kSchema[] = R"pb(
  id: "bench"
  title: "Benchmark pupils"
  columns { name: "id" label: "Schlüssel" kind: UNIT_ID }
  columns { name: "jahr" label: "Schuljahr" kind: DIMENSION levels { name: "jahr" label: "Jahr" } }
  columns { name: "stadtteil" label: "Stadtteil" kind: DIMENSION
    levels { name: "stadtteil" label: "Stadtteil" } levels { name: "bezirk" label: "Bezirk" } }
  columns { name: "schulart" label: "Schulart" kind: DIMENSION
    levels { name: "schulart" label: "Schulart" } }
  columns { name: "stunden" label: "Stunden" kind: MEASURE decimals: 1 }
)pb";

constexpr int kYears = 10;
constexpr int kStadtteile = 24;
constexpr int kBezirke = 6;
constexpr int kSchularten = 9;

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
    c->set_label(absl::StrCat("Label ", code));
    c->set_parent(parent);
  };
  for (int y = 0; y < kYears; ++y) add(schema.mutable_columns(1)->mutable_levels(0), absl::StrCat(2016 + y), "");
  for (int b = 0; b < kBezirke; ++b) add(schema.mutable_columns(2)->mutable_levels(1), absl::StrCat("B", b), "");
  for (int s = 0; s < kStadtteile; ++s) {
    add(schema.mutable_columns(2)->mutable_levels(0), absl::StrCat("S", s), absl::StrCat("B", s % kBezirke));
  }
  for (int a = 0; a < kSchularten; ++a) add(schema.mutable_columns(3)->mutable_levels(0), absl::StrCat("A", a), "");
  return schema;
}

struct Row {
  int jahr, stadtteil, schulart, stunden_tenths;
};

// Deterministic rows, skewed like real districts.
std::vector<Row> MakeRows(int64_t n) {
  std::mt19937_64 rng(2026);
  std::vector<Row> rows(n);
  std::geometric_distribution<int> district(0.12);
  for (Row& r : rows) {
    r.jahr = static_cast<int>(rng() % kYears);
    r.stadtteil = district(rng) % kStadtteile;
    r.schulart = static_cast<int>(rng() % kSchularten);
    r.stunden_tenths = static_cast<int>(rng() % 400);
  }
  return rows;
}

std::string Csv(const std::vector<Row>& rows) {
  std::string csv = "id,jahr,stadtteil,schulart,stunden\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    absl::StrAppend(&csv, "p", i, ",", 2016 + r.jahr, ",S", r.stadtteil, ",A", r.schulart, ",",
                    r.stunden_tenths / 10, ".", r.stunden_tenths % 10, "\n");
  }
  return csv;
}

std::string BenchDir() {
  const std::string dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("cellgate-bench-", getpid())).string();
  std::filesystem::create_directories(dir);
  return dir;
}

const std::string& Key() {
  static const std::string key(32, '\x5a');
  return key;
}

// The rows in cellgate's store and in memory, built once.
struct EngineFixture {
  SystemClock clock;
  std::unique_ptr<store::KeySource> keys;
  std::unique_ptr<store::Store> store;
  std::shared_ptr<const engine::LoadedVersion> version;
  v1::DatasetSchema schema;
};

EngineFixture& Engine() {
  static EngineFixture* fixture = [] {
    auto* f = new EngineFixture;
    f->keys = std::make_unique<store::InMemoryKeySource>(*store::SecretKey::FromBytes(Key()));
    store::StoreOptions options;
    options.path = BenchDir() + "/store.db";
    f->store = *store::Store::Open(options, *f->keys, f->clock);
    f->schema = Schema();
    if (!f->store->CreateDataset(f->schema).ok()) std::abort();
    auto ingest = *f->store->BeginIngest("bench", "bench.csv", "bench");
    if (!ingest->AddChunk(Csv(MakeRows(BenchRows()))).ok()) std::abort();
    const v1::DatasetVersionInfo info = *ingest->Commit();
    f->version = *engine::LoadedVersion::Create(f->schema, *f->store->LoadVersion("bench", info.version()));
    if (f->version->record_keys() == nullptr) std::abort();
    return f;
  }();
  return *fixture;
}

v1::Query ThreeDimensionQuery() {
  v1::Query q;
  q.set_dataset("bench");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Measure* sum = q.add_measures();
  sum->set_kind(v1::Measure::SUM);
  sum->set_column("stunden");
  q.add_group_by()->set_dimension("jahr");
  auto* st = q.add_group_by();
  st->set_dimension("stadtteil");
  st->set_subtotals(true);
  q.add_group_by()->set_dimension("schulart");
  q.set_totals(true);
  return q;
}

void BM_EngineTable(benchmark::State& state) {
  EngineFixture& f = Engine();
  engine::ComputeLimits limits;
  limits.cell_keys = state.range(0) != 0;
  const v1::Query q = ThreeDimensionQuery();
  int64_t cells = 0;
  for (auto _ : state) {
    absl::StatusOr<v1::ComputedTable> table = engine::ComputeTable(*f.version, q, limits);
    if (!table.ok()) {
      state.SkipWithError(std::string(table.status().message()).c_str());
      return;
    }
    cells = table->record_count_size();
    if (limits.cell_keys && table->cell_key_size() != cells) {
      state.SkipWithError("no cell keys");
      return;
    }
    benchmark::DoNotOptimize(table);
  }
  state.counters["rows"] = static_cast<double>(f.version->row_count());
  state.counters["cells"] = static_cast<double>(cells);
  state.SetItemsProcessed(state.iterations() * f.version->row_count());
}
BENCHMARK(BM_EngineTable)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EngineLoadVersion(benchmark::State& state) {
  EngineFixture& f = Engine();
  for (auto _ : state) {
    auto data = f.store->LoadVersion("bench", 1);
    auto version = engine::LoadedVersion::Create(f.schema, *std::move(data));
    benchmark::DoNotOptimize(version);
  }
  state.SetItemsProcessed(state.iterations() * f.version->row_count());
}
BENCHMARK(BM_EngineLoadVersion)->Unit(benchmark::kMillisecond)->UseRealTime();

// A row table in a SQLCipher (keyed) or unkeyed database of the same library.
sqlite3* SqlDatabase(bool keyed) {
  static sqlite3* dbs[2] = {nullptr, nullptr};
  if (dbs[keyed] != nullptr) return dbs[keyed];
  const std::string path = BenchDir() + (keyed ? "/keyed.db" : "/plain.db");
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
  if (keyed) {
    const std::string pragma = absl::StrCat("PRAGMA key = \"x'", [] {
      std::string hex;
      for (unsigned char c : Key()) absl::StrAppend(&hex, absl::Hex(c, absl::kZeroPad2));
      return hex;
    }(), "'\"; PRAGMA cipher_page_size = 65536;");
    if (sqlite3_exec(db, pragma.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
  }
  sqlite3_exec(db,
               "CREATE TABLE pupils(jahr INTEGER, stadtteil INTEGER, schulart INTEGER, "
               "stunden INTEGER); BEGIN;",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO pupils VALUES (?, ?, ?, ?)", -1, &insert, nullptr);
  for (const Row& r : MakeRows(BenchRows())) {
    sqlite3_bind_int(insert, 1, r.jahr);
    sqlite3_bind_int(insert, 2, r.stadtteil);
    sqlite3_bind_int(insert, 3, r.schulart);
    sqlite3_bind_int(insert, 4, r.stunden_tenths);
    if (sqlite3_step(insert) != SQLITE_DONE) std::abort();
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (sqlite3_exec(db, "COMMIT;", nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
  dbs[keyed] = db;
  return db;
}

void BM_SqlGroupBy(benchmark::State& state, bool keyed) {
  sqlite3* db = SqlDatabase(keyed);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT jahr, stadtteil, schulart, COUNT(*), SUM(stunden) FROM pupils "
                     "GROUP BY jahr, stadtteil, schulart",
                     -1, &st, nullptr);
  int64_t groups = 0;
  for (auto _ : state) {
    groups = 0;
    while (sqlite3_step(st) == SQLITE_ROW) ++groups;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  state.counters["cells"] = static_cast<double>(groups);
  state.SetItemsProcessed(state.iterations() * BenchRows());
}
BENCHMARK_CAPTURE(BM_SqlGroupBy, keyed, true)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_SqlGroupBy, plain, false)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace cellgate

BENCHMARK_MAIN();
