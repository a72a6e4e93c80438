#include "tests/bench/bench_data.h"

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "deploy/demo/musterstadt.h"
#include "deploy/demo/schemas.h"

namespace cellgate::bench {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "benchmark setup failed: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T OrDie(absl::StatusOr<T> value, const std::string& what) {
  if (!value.ok()) Die(absl::StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

void OkOrDie(const absl::Status& status, const std::string& what) {
  if (!status.ok()) Die(absl::StrCat(what, ": ", status.ToString()));
}

// Counts the data rows of a CSV file (lines after the header).
int64_t DataRows(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) Die(absl::StrCat("cannot read ", path));
  int64_t lines = 0;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) {
    for (size_t i = 0; i < n; ++i) lines += buffer[i] == '\n';
  }
  std::fclose(f);
  return lines - 1;
}

}  // namespace

std::vector<int64_t> RowCounts() {
  const char* env = std::getenv("CELLGATE_BENCH_MAX_ROWS");
  const int64_t most = env != nullptr ? std::atoll(env) : 10'000'000;
  std::vector<int64_t> rows;
  for (int64_t n : {100'000, 1'000'000, 10'000'000}) {
    if (n <= most) rows.push_back(n);
  }
  return rows;
}

std::string BenchDir() {
  const char* env = std::getenv("CELLGATE_BENCH_DIR");
  const std::string dir = env != nullptr && *env != '\0' ? env : CELLGATE_BENCH_DEFAULT_DIR;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) Die(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  return dir;
}

const SeuFile& SeuData(int64_t rows) {
  static auto* files = new std::map<int64_t, SeuFile>;
  auto it = files->find(rows);
  if (it != files->end()) return it->second;
  SeuFile file;
  const std::string dir = absl::StrCat(BenchDir(), "/seu-", rows);
  file.csv_path = dir + "/seu.csv";
  file.schema = OrDie(demo::MusterstadtSchema("seu"), "seu schema");
  // A finished file has its stamp; a cut-off one (interrupted run) is redone.
  const std::string stamp = dir + "/complete";
  if (!std::filesystem::exists(stamp)) {
    std::fprintf(stderr, "generating about %lld seu records into %s ...\n",
                 static_cast<long long>(rows), dir.c_str());
    demo::MusterstadtOptions options;
    options.out_dir = dir;
    options.scale = static_cast<double>(rows) / kSeuRowsAtScale1;
    options.datasets = {"seu"};
    OrDie(demo::GenerateMusterstadt(options), "generating seu");
    std::ofstream(stamp) << "seed 2026 scale " << options.scale << "\n";
  }
  file.rows = DataRows(file.csv_path);
  file.bytes = static_cast<int64_t>(std::filesystem::file_size(file.csv_path));
  return files->emplace(rows, std::move(file)).first->second;
}

const std::string& BenchKey() {
  static const std::string key(32, '\x5a');
  return key;
}

std::unique_ptr<BenchStore> OpenBenchStore(const std::string& path) {
  auto s = std::make_unique<BenchStore>();
  s->keys = std::make_unique<store::InMemoryKeySource>(
      OrDie(store::SecretKey::FromBytes(BenchKey()), "store key"));
  store::StoreOptions options;
  options.path = path;
  s->store = OrDie(store::Store::Open(options, *s->keys, s->clock), "opening the store");
  return s;
}

void IngestSeu(store::Store& store, const SeuFile& file) {
  OkOrDie(store.CreateDataset(file.schema), "creating seu");
  auto ingest = OrDie(store.BeginIngest("seu", "seu.csv", "bench"), "starting the ingest");
  std::ifstream in(file.csv_path, std::ios::binary);
  std::string chunk(1 << 20, '\0');
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    OkOrDie(ingest->AddChunk(absl::string_view(chunk.data(), static_cast<size_t>(in.gcount()))),
            "ingesting");
  }
  OrDie(ingest->Commit(), "committing the ingest");
}

const std::string& PristineStore(int64_t rows) {
  static auto* paths = new std::map<int64_t, std::string>;
  auto it = paths->find(rows);
  if (it != paths->end()) return it->second;
  const SeuFile& file = SeuData(rows);
  const std::string path = absl::StrCat(BenchDir(), "/seu-", rows, "/store.db");
  if (!std::filesystem::exists(path)) {
    // Built under another name and renamed when closed: a cut-off build is
    // never taken for a store.
    const std::string building = absl::StrCat(path, ".building-", getpid());
    {
      std::unique_ptr<BenchStore> s = OpenBenchStore(building);
      IngestSeu(*s->store, file);
    }
    std::filesystem::rename(building, path);
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(building + suffix);
  }
  return paths->emplace(rows, path).first->second;
}

std::shared_ptr<const engine::LoadedVersion> SeuVersion(int64_t rows) {
  static auto* versions = new std::map<int64_t, std::shared_ptr<const engine::LoadedVersion>>;
  auto it = versions->find(rows);
  if (it != versions->end()) return it->second;
  const SeuFile& file = SeuData(rows);
  std::shared_ptr<const engine::LoadedVersion> version;
  {
    std::unique_ptr<BenchStore> s = OpenBenchStore(PristineStore(rows));
    version = OrDie(engine::LoadedVersion::Create(
                        file.schema, OrDie(s->store->LoadVersion("seu", 1), "loading")),
                    "indexing");
  }
  return versions->emplace(rows, version).first->second;
}

v1::Query ThreeDimensionQuery() {
  v1::Query q;
  q.set_dataset("seu");
  q.set_purpose("bildungsbericht");
  q.set_legal_basis("bdsg_3");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Measure* sum = q.add_measures();
  sum->set_kind(v1::Measure::SUM);
  sum->set_column("alter_monate");
  q.add_group_by()->set_dimension("einschulungsjahr");
  v1::Grouping* bezirk = q.add_group_by();
  bezirk->set_dimension("bezirk");
  bezirk->set_subtotals(true);
  q.add_group_by()->set_dimension("sex");
  q.set_totals(true);
  return q;
}

int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace cellgate::bench
