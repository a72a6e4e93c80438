// AuditLog: the append-only, hash-chained release log (docs/audit-log-format.md).
// Append returns only after the record is durable on disk, so a caller may
// release a table once Append succeeded and never before. Concurrent appends
// share one write and one fdatasync (group commit) on a single writer thread.
// The first write or sync error latches the log: every later Append is
// UNAVAILABLE until a restart recovers the log. Thread-safe.
//
//   ASSIGN_OR_RETURN(auto log, AuditLog::Open(options, clock));
//   ASSIGN_OR_RETURN(v1::Receipt receipt, log->Append(std::move(record)));
//   // now the answer may leave; `receipt` names its record.
#ifndef CELLGATE_AUDIT_AUDIT_LOG_H_
#define CELLGATE_AUDIT_AUDIT_LOG_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "audit/commit_observer.h"
#include "audit/log_file.h"
#include "audit/verify/merkle.h"
#include "cellgate/v1/audit.pb.h"
#include "common/clock.h"
#include "common/crypto/ed25519.h"

namespace cellgate::audit {

struct AuditLogOptions {
  // Directory of the segment files; created (0700) if missing.
  std::string dir;
  // Log identity written into every record, e.g.
  // "cellgate.musterstadt.example/audit/v1". Must match an existing log's.
  std::string origin;
  // Written into every record's header.
  std::string server_instance_id;
  std::string build_version;
  // If set, every commit ends with a CHECKPOINT record: a note over the
  // RFC 6962 root of all records before it, signed with this key.
  std::shared_ptr<const crypto::Ed25519PrivateKey> signing_key;
  // Told of every commit and of a latch (metrics, logs); null for none.
  // Not owned; must outlive the log.
  CommitObserver* observer = nullptr;
};

class AuditLog final {
 public:
  // Opens or creates the log in options.dir. Recovers first: a torn tail of
  // the last segment is cut (a RECOVERY record after START names the bytes);
  // damage before the tail, a broken chain or a different origin is
  // DATA_LOSS and nothing is written. Then appends a START record.
  // `clock` must outlive the log; `fs` defaults to the POSIX file system.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const AuditLogOptions& options,
                                                        const Clock& clock,
                                                        std::unique_ptr<LogFileSystem> fs = nullptr);

  // Appends a STOP record if the log is healthy, then stops the writer.
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Fills in the header (seq, prev_leaf_hash, origin, time, instance,
  // build), writes the record and waits until it is durable. UNAVAILABLE if
  // the log is or becomes unwritable; INVALID_ARGUMENT if the record exceeds
  // the frame limit (nothing written, the log stays healthy).
  absl::StatusOr<v1::Receipt> Append(v1::AuditRecord record);

  // False once a write or sync failed; only a restart clears it.
  bool healthy() const { return healthy_.load(); }
  // Records durable in the log, i.e. the next seq.
  uint64_t size() const { return size_.load(); }
  // Records waiting for the writer (for metrics and tests).
  size_t pending() const;
  // Group commits (one write + one fdatasync each) since Open.
  uint64_t commits() const { return commits_.load(); }

 private:
  struct Pending;
  AuditLog(const AuditLogOptions& options, const Clock& clock, std::unique_ptr<LogFileSystem> fs);

  absl::Status Recover();
  void WriterLoop();
  void CommitBatch(std::deque<Pending*>& batch);
  void Latch(const absl::Status& cause);

  const AuditLogOptions options_;
  const Clock& clock_;
  std::unique_ptr<LogFileSystem> fs_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending*> queue_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_

  std::atomic<bool> healthy_{true};
  std::atomic<uint64_t> size_{0};
  std::atomic<uint64_t> commits_{0};

  // Owned by the writer thread after Open.
  std::unique_ptr<LogFile> file_;
  std::string prev_leaf_hash_;
  CompactRange tree_;
  std::string last_time_;
  // What Recover cut, recorded after START; empty if nothing.
  std::string recovery_detail_;
  std::thread writer_;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_AUDIT_LOG_H_
