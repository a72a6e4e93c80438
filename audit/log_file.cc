#include "audit/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace cellgate::audit {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

class PosixLogFile final : public LogFile {
 public:
  PosixLogFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixLogFile() override { ::close(fd_); }

  absl::Status Append(absl::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("cannot append to", path_);
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    if (::fdatasync(fd_) != 0) return Errno("cannot sync", path_);
    return absl::OkStatus();
  }

 private:
  const int fd_;
  const std::string path_;
};

class PosixLogFileSystem final : public LogFileSystem {
 public:
  absl::Status CreateDirectory(const std::string& dir) override {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("cannot create directory ", dir, ": ", error.message()));
    }
    ::chmod(dir.c_str(), 0700);
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<LogFile>> OpenForAppend(const std::string& path,
                                                         bool* created) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    *created = false;
    if (fd < 0 && errno == ENOENT) {
      fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      *created = true;
    }
    if (fd < 0) return Errno("cannot open", path);
    return std::make_unique<PosixLogFile>(fd, path);
  }

  absl::Status Truncate(const std::string& path, uint64_t size) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Errno("cannot open", path);
    absl::Status status;
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      status = Errno("cannot truncate", path);
    } else if (::fsync(fd) != 0) {
      status = Errno("cannot sync", path);
    }
    ::close(fd);
    return status;
  }

  absl::Status SyncDirectory(const std::string& dir) override {
    return ::cellgate::SyncDirectory(dir);
  }

  absl::Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return Errno("cannot remove", path);
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<LogFileSystem> NewPosixLogFileSystem() {
  return std::make_unique<PosixLogFileSystem>();
}

}  // namespace cellgate::audit
