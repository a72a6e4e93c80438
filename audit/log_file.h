// The file operations the audit writer needs, behind an interface so that
// tests can inject write and fsync failures (audit/testing/). The POSIX
// implementation opens segments and detail files O_APPEND, creates them
// 0600 in a 0700 directory, and syncs with fdatasync.
#ifndef CELLGATE_AUDIT_LOG_FILE_H_
#define CELLGATE_AUDIT_LOG_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cellgate::audit {

// An open segment. Not thread-safe; the audit writer thread owns it.
class LogFile {
 public:
  virtual ~LogFile() = default;
  // Appends all of `bytes` (retrying short writes). Any error is final.
  virtual absl::Status Append(absl::string_view bytes) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual absl::Status Sync() = 0;
};

class LogFileSystem {
 public:
  virtual ~LogFileSystem() = default;
  // Creates `dir` (mode 0700) if it does not exist, and its parents.
  virtual absl::Status CreateDirectory(const std::string& dir) = 0;
  // Opens `path` for appending, creating it (mode 0600) if missing; sets
  // `*created` to whether it was created.
  virtual absl::StatusOr<std::unique_ptr<LogFile>> OpenForAppend(const std::string& path,
                                                                 bool* created) = 0;
  // Cuts `path` back to `size` bytes and syncs it.
  virtual absl::Status Truncate(const std::string& path, uint64_t size) = 0;
  // Makes the entries of `dir` durable (fsync of the directory).
  virtual absl::Status SyncDirectory(const std::string& dir) = 0;
  // Removes the file `path` (not durable until its directory is synced).
  virtual absl::Status Remove(const std::string& path) = 0;
};

std::unique_ptr<LogFileSystem> NewPosixLogFileSystem();

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_LOG_FILE_H_
