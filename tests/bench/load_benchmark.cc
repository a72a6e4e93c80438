// Loading at scale (issue #8, targets 4 and 5), each beside its baseline in
// the same binary and run:
//
//   BM_IngestParseEncode/R   cellgate's ingest of the seu CSV of R records:
//                            CSV parsing, dictionary coding, record keys
//                            (HMAC-SHA-256 per unit) and the file hash, from
//                            the file's bytes (timed), then the encrypted
//                            commit (counter commit_s)
//   BM_SqlcipherImport/R     the `sqlcipher` command line tool's `.import`
//                            of the same file into an encrypted database
//                            with the store's page size (the whole process)
//   BM_OpenAndLoad/R         opening the store and loading the version into
//                            memory (decrypt, hash check, index), in a
//                            child process that reports its resident memory
//                            before and after (counters rss_*, column_bytes:
//                            the columns at their stored width, codes of 1
//                            or 2 bytes and 8-byte measures)
//
// Results and the command line: docs/performance.md.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "server/engine/loaded_version.h"
#include "tests/bench/bench_data.h"

namespace cellgate {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

void BM_IngestParseEncode(benchmark::State& state) {
  const bench::SeuFile& file = bench::SeuData(state.range(0));
  const std::string bytes = ReadAll(file.csv_path);
  const std::string path = absl::StrCat(bench::BenchDir(), "/ingest-", getpid(), ".db");
  double commit_seconds = 0;
  for (auto _ : state) {
    RemoveDb(path);
    auto s = bench::OpenBenchStore(path);
    if (!s->store->CreateDataset(file.schema).ok()) std::abort();
    auto ingest = *s->store->BeginIngest("seu", "seu.csv", "bench");
    const absl::Time start = absl::Now();
    for (size_t offset = 0; offset < bytes.size(); offset += 1 << 20) {
      if (!ingest->AddChunk(absl::string_view(bytes).substr(offset, 1 << 20)).ok()) std::abort();
    }
    const absl::Time parsed = absl::Now();
    if (!ingest->Commit().ok()) std::abort();
    commit_seconds = absl::ToDoubleSeconds(absl::Now() - parsed);
    state.SetIterationTime(absl::ToDoubleSeconds(parsed - start));
  }
  RemoveDb(path);
  state.counters["rows"] = static_cast<double>(file.rows);
  state.counters["commit_s"] = commit_seconds;
  state.SetItemsProcessed(state.iterations() * file.rows);
  state.SetBytesProcessed(state.iterations() * file.bytes);
}

void BM_SqlcipherImport(benchmark::State& state) {
  const bench::SeuFile& file = bench::SeuData(state.range(0));
  const std::string dir = bench::BenchDir();
  const std::string db = absl::StrCat(dir, "/import-", getpid(), ".db");
  const std::string script = absl::StrCat(dir, "/import-", getpid(), ".sql");
  std::string hex;
  for (unsigned char c : bench::BenchKey()) absl::StrAppend(&hex, absl::Hex(c, absl::kZeroPad2));
  // The table is made from the header line; the rows go in one transaction.
  std::ofstream(script) << "PRAGMA key = \"x'" << hex << "'\";\n"
                        << "PRAGMA cipher_page_size = 65536;\n"
                        << ".mode csv\n"
                        << ".import " << file.csv_path << " seu\n"
                        << "SELECT count(*) FROM seu;\n";
  const std::string command = absl::StrCat("sqlcipher ", db, " < ", script, " > /dev/null");
  for (auto _ : state) {
    RemoveDb(db);
    const absl::Time start = absl::Now();
    if (std::system(command.c_str()) != 0) {
      state.SkipWithError("the sqlcipher command line tool failed (is it installed?)");
      break;
    }
    state.SetIterationTime(absl::ToDoubleSeconds(absl::Now() - start));
  }
  RemoveDb(db);
  std::filesystem::remove(script);
  state.counters["rows"] = static_cast<double>(file.rows);
  state.SetItemsProcessed(state.iterations() * file.rows);
}

struct LoadFigures {
  double seconds = 0, open_seconds = 0, read_seconds = 0, cpu_seconds = 0;
  int64_t rss_before = 0, rss_after = 0, column_bytes = 0, record_key_bytes = 0;
};

// Opens the store and loads version 1 of seu in a fresh child process, so
// that each measurement starts from the same resident memory.
LoadFigures LoadInChild(const std::string& path) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    LoadFigures f;
    f.rss_before = bench::ResidentBytes();
    const double cpu_start = bench::ProcessCpuSeconds();
    const absl::Time start = absl::Now();
    auto s = bench::OpenBenchStore(path);
    auto schema = s->store->GetDataset("seu");
    f.open_seconds = absl::ToDoubleSeconds(absl::Now() - start);
    auto data = s->store->LoadVersion("seu", 1);
    f.read_seconds = absl::ToDoubleSeconds(absl::Now() - start) - f.open_seconds;
    if (!schema.ok() || !data.ok()) _exit(1);
    for (const v1::ColumnData& c : data->columns()) f.column_bytes += c.data().size();
    f.record_key_bytes = static_cast<int64_t>(data->record_keys().size());
    auto version = engine::LoadedVersion::Create(*schema, *std::move(data));
    if (!version.ok()) _exit(1);
    f.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    f.cpu_seconds = bench::ProcessCpuSeconds() - cpu_start;
    f.rss_after = bench::ResidentBytes();
    if (write(fds[1], &f, sizeof(f)) != sizeof(f)) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  LoadFigures f;
  const bool got = read(fds[0], &f, sizeof(f)) == sizeof(f);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) std::abort();
  return f;
}

void BM_OpenAndLoad(benchmark::State& state) {
  const std::string& path = bench::PristineStore(state.range(0));
  LoadFigures f;
  for (auto _ : state) {
    f = LoadInChild(path);
    state.SetIterationTime(f.seconds);
  }
  const int64_t rows = bench::SeuData(state.range(0)).rows;
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["cpu_s"] = f.cpu_seconds;
  state.counters["open_s"] = f.open_seconds;
  state.counters["read_s"] = f.read_seconds;
  state.counters["rss_loaded"] = static_cast<double>(f.rss_after - f.rss_before);
  state.counters["column_bytes"] = static_cast<double>(f.column_bytes);
  state.counters["record_key_bytes"] = static_cast<double>(f.record_key_bytes);
  state.counters["rss_per_column_byte"] =
      static_cast<double>(f.rss_after - f.rss_before) / static_cast<double>(f.column_bytes);
  state.SetItemsProcessed(state.iterations() * rows);
}

void Register() {
  for (int64_t rows : bench::RowCounts()) {
    benchmark::RegisterBenchmark("BM_IngestParseEncode", BM_IngestParseEncode)
        ->Arg(rows)->Unit(benchmark::kMillisecond)->UseManualTime();
    benchmark::RegisterBenchmark("BM_SqlcipherImport", BM_SqlcipherImport)
        ->Arg(rows)->Unit(benchmark::kMillisecond)->UseManualTime();
    benchmark::RegisterBenchmark("BM_OpenAndLoad", BM_OpenAndLoad)
        ->Arg(rows)->Unit(benchmark::kMillisecond)->UseManualTime();
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
