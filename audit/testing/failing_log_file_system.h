// Test double: the POSIX log file system with failures on demand and
// counters, to show that the audit log fails closed and commits in groups.
//
//   auto fs = std::make_unique<FailingLogFileSystem>();
//   FailingLogFileSystem* control = fs.get();
//   ASSIGN_OR_RETURN(auto log, AuditLog::Open(options, clock, std::move(fs)));
//   control->FailNextSync();  // the next commit fails like an EIO fdatasync
#ifndef CELLGATE_AUDIT_TESTING_FAILING_LOG_FILE_SYSTEM_H_
#define CELLGATE_AUDIT_TESTING_FAILING_LOG_FILE_SYSTEM_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "audit/log_file.h"

namespace cellgate::audit {

class FailingLogFileSystem final : public LogFileSystem {
 public:
  // Shared with the files it opens; outlives the file system's owner.
  struct Control {
    std::atomic<bool> fail_next_append{false};
    std::atomic<bool> fail_next_sync{false};
    std::atomic<bool> fail_next_remove{false};
    std::atomic<int> appends{0};
    std::atomic<int> syncs{0};
    // While held, Sync blocks (to let appends pile up behind it).
    std::mutex gate_mu;
    std::condition_variable gate_cv;
    bool gate_closed = false;
    // If not empty: the next Sync of a file whose path contains it fails.
    std::string fail_sync_of;  // guarded by gate_mu
  };

  FailingLogFileSystem();

  void FailNextAppend() { control_->fail_next_append = true; }
  void FailNextSync() { control_->fail_next_sync = true; }
  // The next Remove fails and leaves the file (like a crash before unlink).
  void FailNextRemove() { control_->fail_next_remove = true; }
  // Fails the next Sync of a file whose path contains `path_part` (e.g.
  // "identity-": a detail file), whatever is synced before it.
  void FailNextSyncOf(std::string path_part);
  // Appends and syncs attempted so far, failed ones included.
  int appends() const { return control_->appends.load(); }
  int syncs() const { return control_->syncs.load(); }
  // Holds every Sync until OpenSyncGate().
  void CloseSyncGate();
  void OpenSyncGate();

  absl::Status CreateDirectory(const std::string& dir) override;
  absl::StatusOr<std::unique_ptr<LogFile>> OpenForAppend(const std::string& path,
                                                         bool* created) override;
  absl::Status Truncate(const std::string& path, uint64_t size) override;
  absl::Status SyncDirectory(const std::string& dir) override;
  absl::Status Remove(const std::string& path) override;

 private:
  std::unique_ptr<LogFileSystem> posix_;
  std::shared_ptr<Control> control_;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_TESTING_FAILING_LOG_FILE_SYSTEM_H_
