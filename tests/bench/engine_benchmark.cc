// The engine against a SQL GROUP BY over the same records, through the same
// SQLCipher library, and against the machine's memory bandwidth, in the
// same binary and run (issue #8, target 1 and the growth curves):
//
//   BM_ReadBandwidth/R/T     reads the bytes the scan reads (the three code
//                            columns and the measure column) sequentially
//                            with T threads: the memory-bandwidth bound
//   BM_EngineTable/R/T/F     cellgate: Einschulungsjahr × Bezirk (with
//                            Stadtteil, Sozialraum, Stadt subtotals) ×
//                            Geschlecht with every margin, count and sum
//                            (1,728 cells), over R records on T threads;
//                            F = 1 also keeps the two largest values per
//                            cell (magnitude rules), F = 2 the cell keys
//                            (perturbed channels)
//   BM_SqlGroupBy/R/keyed    SELECT … COUNT(*), SUM(alter_monate) GROUP BY
//                            the three columns (750 leaf cells, no margins)
//                            in an encrypted SQLCipher database with the
//                            store's settings (64 KiB pages, raw key)
//   BM_SqlGroupBy/R/plain    the same query, same library, no key
//
// Records: the Musterstadt "seu" dataset at the scale for R (deploy/demo,
// seed 2026), generated once into the benchmark directory (bench_data.h).
// Results and the command line: docs/performance.md.
#include <sqlite3.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "server/engine/loaded_version.h"
#include "server/engine/table_computer.h"
#include "tests/bench/bench_data.h"

namespace cellgate {
namespace {

using bench::SeuVersion;

// The columns the 3-dimensional table reads.
std::vector<std::pair<const char*, size_t>> ScannedColumns(const engine::LoadedVersion& v) {
  std::vector<std::pair<const char*, size_t>> out;
  const size_t rows = static_cast<size_t>(v.row_count());
  for (const char* name : {"einschulungsjahr", "bezirk", "sex"}) {
    const engine::DimensionLevels* d = v.FindDimension(name);
    out.emplace_back(d->codes, rows * d->width);
  }
  out.emplace_back(v.FindMeasure("alter_monate")->values, rows * 8);
  return out;
}

size_t ScannedBytes(const engine::LoadedVersion& v) {
  size_t bytes = 0;
  for (const auto& [data, size] : ScannedColumns(v)) bytes += size;
  return bytes;
}

// Sums 64-bit words of [p, p + bytes) with four independent chains.
uint64_t ReadWords(const char* p, size_t bytes) {
  uint64_t a = 0, b = 0, c = 0, d = 0;
  size_t i = 0;
  for (; i + 32 <= bytes; i += 32) {
    uint64_t w[4];
    std::memcpy(w, p + i, 32);
    a += w[0];
    b += w[1];
    c += w[2];
    d += w[3];
  }
  for (; i < bytes; ++i) a += static_cast<unsigned char>(p[i]);
  return a + b + c + d;
}

// Reads each scanned column once, split into `threads` contiguous parts
// of every column (as the scan splits its rows).
uint64_t ReadColumns(const std::vector<std::pair<const char*, size_t>>& columns, int threads) {
  std::vector<uint64_t> sums(threads, 0);
  auto part = [&](int t) {
    for (const auto& [data, size] : columns) {
      const size_t begin = size * t / threads, end = size * (t + 1) / threads;
      sums[t] += ReadWords(data + begin, end - begin);
    }
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t) workers.emplace_back(part, t);
  part(0);
  for (std::thread& w : workers) w.join();
  uint64_t all = 0;
  for (uint64_t s : sums) all += s;
  return all;
}

void BM_ReadBandwidth(benchmark::State& state) {
  const auto version = SeuVersion(state.range(0));
  const auto columns = ScannedColumns(*version);
  const int threads = static_cast<int>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(ReadColumns(columns, threads));
  state.counters["rows"] = static_cast<double>(version->row_count());
  state.counters["bytes_scanned"] = static_cast<double>(ScannedBytes(*version));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(ScannedBytes(*version)));
}

void BM_EngineTable(benchmark::State& state) {
  const auto version = SeuVersion(state.range(0));
  engine::ComputeLimits limits;
  limits.scan_threads = static_cast<int>(state.range(1));
  limits.min_rows_per_scan_thread = 1;
  limits.largest_contributions = state.range(2) == 1;
  limits.cell_keys = state.range(2) == 2;
  if (limits.cell_keys && version->record_keys() == nullptr) {
    state.SkipWithError("the version has no record keys");
    return;
  }
  const v1::Query q = bench::ThreeDimensionQuery();
  int64_t cells = 0;
  for (auto _ : state) {
    absl::StatusOr<v1::ComputedTable> table = engine::ComputeTable(*version, q, limits);
    if (!table.ok()) {
      state.SkipWithError(std::string(table.status().message()).c_str());
      return;
    }
    cells = table->record_count_size();
    benchmark::DoNotOptimize(table);
  }
  state.counters["rows"] = static_cast<double>(version->row_count());
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["bytes_scanned"] = static_cast<double>(ScannedBytes(*version));
  state.SetItemsProcessed(state.iterations() * version->row_count());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(ScannedBytes(*version)));
}

// The version's rows (the codes as integers, the measure) in a SQLCipher
// (keyed) or unkeyed database of the same library, built once per size.
sqlite3* SqlDatabase(int64_t rows, bool keyed) {
  static auto* dbs = new std::map<std::pair<int64_t, bool>, sqlite3*>;
  const auto it = dbs->find({rows, keyed});
  if (it != dbs->end()) return it->second;
  const auto version = SeuVersion(rows);
  const std::string path = absl::StrCat(bench::BenchDir(), "/sql-", rows,
                                        keyed ? "-keyed-" : "-plain-", getpid(), ".db");
  std::filesystem::remove(path);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
  if (keyed) {
    std::string hex;
    for (unsigned char c : bench::BenchKey()) absl::StrAppend(&hex, absl::Hex(c, absl::kZeroPad2));
    const std::string pragma =
        absl::StrCat("PRAGMA key = \"x'", hex, "'\"; PRAGMA cipher_page_size = 65536;");
    if (sqlite3_exec(db, pragma.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
  }
  sqlite3_exec(db,
               "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
               "CREATE TABLE seu(einschulungsjahr INTEGER, bezirk INTEGER, sex INTEGER, "
               "alter_monate INTEGER); BEGIN;",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO seu VALUES (?, ?, ?, ?)", -1, &insert, nullptr);
  const auto columns = ScannedColumns(*version);
  for (int64_t r = 0; r < version->row_count(); ++r) {
    for (int c = 0; c < 3; ++c) {
      const size_t width = columns[c].second / static_cast<size_t>(version->row_count());
      uint16_t code = 0;
      std::memcpy(&code, columns[c].first + r * width, width);
      sqlite3_bind_int(insert, c + 1, code);
    }
    int64_t v;
    std::memcpy(&v, columns[3].first + r * 8, 8);
    sqlite3_bind_int64(insert, 4, v);
    if (sqlite3_step(insert) != SQLITE_DONE) std::abort();
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (sqlite3_exec(db, "COMMIT;", nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
  std::atexit([] {
    for (auto& [key, handle] : *dbs) sqlite3_close(handle);
    for (const auto& entry : std::filesystem::directory_iterator(bench::BenchDir())) {
      if (entry.path().filename().string().find(absl::StrCat("-", getpid(), ".db")) !=
          std::string::npos) {
        std::filesystem::remove(entry.path());
      }
    }
  });
  (*dbs)[{rows, keyed}] = db;
  return db;
}

void BM_SqlGroupBy(benchmark::State& state, bool keyed) {
  const int64_t rows = state.range(0);
  sqlite3* db = SqlDatabase(rows, keyed);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, bench::kSqlGroupBy, -1, &st, nullptr);
  int64_t groups = 0;
  for (auto _ : state) {
    groups = 0;
    while (sqlite3_step(st) == SQLITE_ROW) ++groups;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  state.counters["rows"] = static_cast<double>(SeuVersion(rows)->row_count());
  state.counters["cells"] = static_cast<double>(groups);
  state.SetItemsProcessed(state.iterations() * SeuVersion(rows)->row_count());
}

void Register() {
  for (int64_t rows : bench::RowCounts()) {
    for (int threads : {1, 2}) {
      benchmark::RegisterBenchmark("BM_ReadBandwidth", BM_ReadBandwidth)
          ->Args({rows, threads})
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
    for (int threads : {1, 2}) {
      for (int facts : {0, 1, 2}) {
        benchmark::RegisterBenchmark("BM_EngineTable", BM_EngineTable)
            ->Args({rows, threads, facts})
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
    for (bool keyed : {true, false}) {
      benchmark::RegisterBenchmark(keyed ? "BM_SqlGroupBy/keyed" : "BM_SqlGroupBy/plain",
                                   BM_SqlGroupBy, keyed)
          ->Arg(rows)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
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
