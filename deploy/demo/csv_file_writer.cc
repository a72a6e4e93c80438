#include "deploy/demo/csv_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::demo {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

absl::Status PathError(int error_number, absl::string_view action, absl::string_view path) {
  return absl::ErrnoToStatus(error_number, absl::StrCat("cannot ", action, " \"", path, "\""));
}

bool IsPlainField(absl::string_view field) {
  for (char c : field) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return false;
  }
  return true;
}

absl::Status SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return PathError(errno, "open directory", dir);
  const int rc = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (rc != 0) return PathError(sync_errno, "sync directory", dir);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CsvFileWriter>> CsvFileWriter::Create(
    const std::string& path, const std::vector<std::string>& columns) {
  const std::string temp_path = path + ".tmp";
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return PathError(errno, "create", temp_path);
  std::unique_ptr<CsvFileWriter> writer(new CsvFileWriter(path, fd, columns.size()));
  std::vector<absl::string_view> header(columns.begin(), columns.end());
  writer->AddRow(header);
  writer->rows_ = 0;
  return writer;
}

CsvFileWriter::CsvFileWriter(std::string path, int fd, size_t columns)
    : path_(std::move(path)), temp_path_(path_ + ".tmp"), fd_(fd), columns_(columns) {
  buffer_.reserve(kFlushBytes + 4096);
}

CsvFileWriter::~CsvFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void CsvFileWriter::AddRow(absl::Span<const absl::string_view> fields) {
  CELLGATE_CHECK(fields.size() == columns_);
  for (size_t i = 0; i < fields.size(); ++i) {
    CELLGATE_CHECK(IsPlainField(fields[i]));
    if (i > 0) buffer_.push_back(',');
    buffer_.append(fields[i].data(), fields[i].size());
  }
  buffer_.push_back('\n');
  ++rows_;
  if (buffer_.size() >= kFlushBytes) Flush();
}

void CsvFileWriter::Flush() {
  size_t written = 0;
  while (error_.ok() && written < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = PathError(errno, "write", temp_path_);
    } else {
      written += static_cast<size_t>(n);
    }
  }
  buffer_.clear();
}

absl::Status CsvFileWriter::Commit() {
  CELLGATE_CHECK(fd_ >= 0);
  Flush();
  if (error_.ok() && ::fsync(fd_) != 0) error_ = PathError(errno, "sync", temp_path_);
  if (::close(fd_) != 0 && error_.ok()) error_ = PathError(errno, "close", temp_path_);
  fd_ = -1;
  RETURN_IF_ERROR(error_);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return PathError(errno, "rename to", path_);
  }
  committed_ = true;
  return SyncDirectoryOf(path_);
}

}  // namespace cellgate::demo
