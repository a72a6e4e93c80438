#include "audit/testing/failing_log_file_system.h"

namespace cellgate::audit {
namespace {

class FailingLogFile final : public LogFile {
 public:
  FailingLogFile(std::unique_ptr<LogFile> file, std::string path,
                 std::shared_ptr<FailingLogFileSystem::Control> control)
      : file_(std::move(file)), path_(std::move(path)), control_(std::move(control)) {}

  absl::Status Append(absl::string_view bytes) override {
    control_->appends.fetch_add(1);
    if (control_->fail_next_append.exchange(false)) {
      // Like a full disk: half of the bytes land, then the write fails.
      (void)file_->Append(bytes.substr(0, bytes.size() / 2));
      return absl::UnavailableError("injected write failure (No space left on device)");
    }
    return file_->Append(bytes);
  }

  absl::Status Sync() override {
    control_->syncs.fetch_add(1);
    bool fail_this = false;
    {
      std::unique_lock<std::mutex> lock(control_->gate_mu);
      control_->gate_cv.wait(lock, [this] { return !control_->gate_closed; });
      if (!control_->fail_sync_of.empty() &&
          path_.find(control_->fail_sync_of) != std::string::npos) {
        control_->fail_sync_of.clear();
        fail_this = true;
      }
    }
    if (fail_this || control_->fail_next_sync.exchange(false)) {
      return absl::UnavailableError("injected fdatasync failure (Input/output error)");
    }
    return file_->Sync();
  }

 private:
  std::unique_ptr<LogFile> file_;
  const std::string path_;
  std::shared_ptr<FailingLogFileSystem::Control> control_;
};

}  // namespace

FailingLogFileSystem::FailingLogFileSystem()
    : posix_(NewPosixLogFileSystem()), control_(std::make_shared<Control>()) {}

void FailingLogFileSystem::CloseSyncGate() {
  std::lock_guard<std::mutex> lock(control_->gate_mu);
  control_->gate_closed = true;
}

void FailingLogFileSystem::FailNextSyncOf(std::string path_part) {
  std::lock_guard<std::mutex> lock(control_->gate_mu);
  control_->fail_sync_of = std::move(path_part);
}

void FailingLogFileSystem::OpenSyncGate() {
  {
    std::lock_guard<std::mutex> lock(control_->gate_mu);
    control_->gate_closed = false;
  }
  control_->gate_cv.notify_all();
}

absl::Status FailingLogFileSystem::CreateDirectory(const std::string& dir) {
  return posix_->CreateDirectory(dir);
}

absl::StatusOr<std::unique_ptr<LogFile>> FailingLogFileSystem::OpenForAppend(
    const std::string& path, bool* created) {
  absl::StatusOr<std::unique_ptr<LogFile>> file = posix_->OpenForAppend(path, created);
  if (!file.ok()) return file.status();
  return std::make_unique<FailingLogFile>(std::move(*file), path, control_);
}

absl::Status FailingLogFileSystem::Truncate(const std::string& path, uint64_t size) {
  return posix_->Truncate(path, size);
}

absl::Status FailingLogFileSystem::SyncDirectory(const std::string& dir) {
  return posix_->SyncDirectory(dir);
}

absl::Status FailingLogFileSystem::Remove(const std::string& path) {
  if (control_->fail_next_remove.exchange(false)) {
    return absl::UnavailableError("injected unlink failure (Input/output error)");
  }
  return posix_->Remove(path);
}

}  // namespace cellgate::audit
