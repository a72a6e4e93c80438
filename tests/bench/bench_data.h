// Benchmark data shared by the benchmarks of issue #8: the Musterstadt
// school-entry examinations ("seu", deploy/demo) at the scale that gives a
// wanted number of records, written once per size into the benchmark
// directory and reused; stores with it ingested; the query every benchmark
// times; and small process probes (resident memory, CPU time). Not
// thread-safe; aborts with a message on any failure (benchmarks only).
#ifndef CELLGATE_TESTS_BENCH_BENCH_DATA_H_
#define CELLGATE_TESTS_BENCH_BENCH_DATA_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cellgate/v1/dataset.pb.h"
#include "cellgate/v1/query.pb.h"
#include "common/clock.h"
#include "server/engine/loaded_version.h"
#include "server/store/key_source.h"
#include "server/store/store.h"

namespace cellgate::bench {

// Records of "seu" at scale 1 (seed 2026): the scale is rows / this.
inline constexpr double kSeuRowsAtScale1 = 9972.0;

// The record counts the benchmarks grow over: 100,000, 1,000,000 and
// 10,000,000, up to $CELLGATE_BENCH_MAX_ROWS (e.g. 1000000 for a quick run).
std::vector<int64_t> RowCounts();

// The directory for generated data and stores: $CELLGATE_BENCH_DIR, else
// <build>/bench-data. Created if missing.
std::string BenchDir();

// A generated "seu" CSV file and its schema.
struct SeuFile {
  std::string csv_path;
  v1::DatasetSchema schema;
  int64_t rows = 0;  // data rows (about the wanted number)
  int64_t bytes = 0;
};

// Returns the seu file of about `rows` records (seed 2026, scale
// rows / kSeuRowsAtScale1), generating it on first use into
// BenchDir()/seu-<rows>/.
const SeuFile& SeuData(int64_t rows);

// The raw 256-bit store key of every benchmark store.
const std::string& BenchKey();

// A store with `file` ingested as dataset "seu" version 1, at `path` (made
// new), its key source and clock.
struct BenchStore {
  SystemClock clock;
  std::unique_ptr<store::KeySource> keys;
  std::unique_ptr<store::Store> store;
};
std::unique_ptr<BenchStore> OpenBenchStore(const std::string& path);
void IngestSeu(store::Store& store, const SeuFile& file);

// Returns the path of a store holding SeuData(rows) as dataset "seu"
// version 1 (store key BenchKey()), built once into BenchDir() and reused
// by later runs; callers copy it before they write to it.
const std::string& PristineStore(int64_t rows);

// Returns version 1 of "seu" from PristineStore(rows), loaded in memory;
// loaded once per size for the process.
std::shared_ptr<const engine::LoadedVersion> SeuVersion(int64_t rows);

// The benchmarks' 3-dimensional table: Einschulungsjahr × Bezirk (with the
// Stadtteil, Sozialraum and Stadt subtotals) × Geschlecht, all totals,
// count and sum of alter_monate: 6 × 72 × 4 = 1,728 cells, 750 leaves.
v1::Query ThreeDimensionQuery();
// The same GROUP BY in SQL, leaf cells only, on table `seu`.
inline constexpr char kSqlGroupBy[] =
    "SELECT einschulungsjahr, bezirk, sex, COUNT(*), SUM(alter_monate) FROM seu "
    "GROUP BY einschulungsjahr, bezirk, sex";

// Resident set size of this process in bytes (/proc/self/statm).
int64_t ResidentBytes();
// CPU time of this process so far (all threads, user and system), seconds.
double ProcessCpuSeconds();

}  // namespace cellgate::bench

#endif  // CELLGATE_TESTS_BENCH_BENCH_DATA_H_
