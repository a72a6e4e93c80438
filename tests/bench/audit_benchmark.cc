// Audited records per second through the group-committing audit log, with
// 1, 16 and 64 concurrent writers, against the same log file system with one
// fdatasync per record (no group commit), in the same binary and run:
//
//   BM_GroupCommit/threads:N       AuditLog::Append, signed checkpoints on,
//                                  format 2: identity and table in detail
//                                  blobs encrypted with AES-256-GCM (three
//                                  files synced per commit)
//   BM_GroupCommitNoDetails/...    the same log for records that carry no
//                                  detail (one file synced per commit, as in
//                                  format 1): the cost of the detail files
//   BM_SyncPerRecord/threads:N     append + fdatasync per record, serialized
//
// Records are ~1 KB releases of a small table. The log lives in
// $CELLGATE_BENCH_DIR (default: the system temp dir; use a real disk).
// Results: docs/performance.md.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "audit/audit_log.h"
#include "audit/log_file.h"
#include "audit/verify/frame_format.h"
#include "benchmark/benchmark.h"
#include "common/canonical.h"

namespace cellgate::audit {
namespace {

std::string BenchDir(const std::string& name) {
  const char* env = std::getenv("CELLGATE_BENCH_DIR");
  const std::filesystem::path base = env ? env : std::filesystem::temp_directory_path();
  const std::filesystem::path dir = base / absl::StrCat("cellgate-audit-bench-", getpid(), "-", name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

v1::AuditRecord SmallRelease(int i) {
  v1::AuditRecord r;
  r.set_record_type(v1::RELEASE);
  r.set_release_id(absl::StrCat("release-", i));
  r.set_dataset("schueler");
  r.set_purpose("bildungsbericht");
  r.mutable_requester()->set_principal("schulamt-analyst");
  for (int c = 0; c < 40; ++c) {
    v1::ReleasedCell* cell = r.mutable_released_table()->add_cells();
    cell->add_codes(absl::StrCat("code", c));
    cell->add_values()->set_value(100 + c);
  }
  return r;
}

// The same release without the fields that go into detail blobs.
v1::AuditRecord HeaderOnlyRelease(int i) {
  v1::AuditRecord r = SmallRelease(i);
  r.clear_requester();
  r.clear_released_table();
  return r;
}

AuditLog* SharedLog() {
  static AuditLog* log = [] {
    static SystemClock clock;
    AuditLogOptions options;
    options.dir = BenchDir("group");
    options.origin = "cellgate.bench.example/audit/v1";
    options.signing_key =
        std::make_shared<const crypto::Ed25519PrivateKey>(*crypto::Ed25519PrivateKey::Generate());
    options.content_key =
        std::make_shared<const crypto::AesGcmKey>(*crypto::AesGcmKey::Generate());
    return AuditLog::Open(options, clock)->release();
  }();
  return log;
}

void GroupCommit(benchmark::State& state, v1::AuditRecord (*make)(int)) {
  AuditLog* log = SharedLog();
  const uint64_t commits_before = log->commits();
  int i = 0;
  for (auto _ : state) {
    if (!log->Append(make(i++)).ok()) {
      state.SkipWithError("append failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["commits"] = static_cast<double>(log->commits() - commits_before);
  }
}

void BM_GroupCommit(benchmark::State& state) { GroupCommit(state, SmallRelease); }
void BM_GroupCommitNoDetails(benchmark::State& state) { GroupCommit(state, HeaderOnlyRelease); }
BENCHMARK(BM_GroupCommit)->Threads(1)->Threads(16)->Threads(64)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_GroupCommitNoDetails)
    ->Threads(1)
    ->Threads(16)
    ->Threads(64)
    ->UseRealTime()
    ->MinTime(2.0);

struct SyncPerRecord {
  std::mutex mu;
  std::unique_ptr<LogFile> file;
};

SyncPerRecord& Baseline() {
  static SyncPerRecord* b = [] {
    auto* s = new SyncPerRecord;
    auto fs = NewPosixLogFileSystem();
    const std::string dir = BenchDir("single");
    (void)fs->CreateDirectory(dir);
    bool created = false;
    s->file = *fs->OpenForAppend(dir + "/audit-000001.log", &created);
    return s;
  }();
  return *b;
}

void BM_SyncPerRecord(benchmark::State& state) {
  SyncPerRecord& b = Baseline();
  int i = 0;
  for (auto _ : state) {
    const std::string frame = EncodeFrame(CanonicalBytes(SmallRelease(i++)));
    std::lock_guard<std::mutex> lock(b.mu);
    if (!b.file->Append(frame).ok() || !b.file->Sync().ok()) {
      state.SkipWithError("append failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SyncPerRecord)->Threads(1)->Threads(16)->Threads(64)->UseRealTime()->MinTime(2.0);

}  // namespace
}  // namespace cellgate::audit

BENCHMARK_MAIN();
