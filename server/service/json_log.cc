#include "server/service/json_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cellgate::service {

std::string JsonEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

LogLine::LogLine(absl::string_view level, absl::string_view event)
    : level_(level), event_(event) {}

LogLine& LogLine::Str(absl::string_view key, absl::string_view value) {
  absl::StrAppend(&fields_, ",\"", key, "\":\"", JsonEscape(value), "\"");
  return *this;
}

LogLine& LogLine::Int(absl::string_view key, int64_t value) {
  absl::StrAppend(&fields_, ",\"", key, "\":", value);
  return *this;
}

LogLine& LogLine::Num(absl::string_view key, double value) {
  if (!std::isfinite(value)) value = 0;
  absl::StrAppend(&fields_, ",\"", key, "\":", absl::StrFormat("%.3f", value));
  return *this;
}

std::string LogLine::Render(absl::Time time) const {
  return absl::StrCat("{\"time\":\"", FormatRfc3339Millis(time), "\",\"level\":\"",
                      JsonEscape(level_), "\",\"event\":\"", JsonEscape(event_), "\"", fields_,
                      "}\n");
}

absl::StatusOr<std::unique_ptr<JsonLog>> JsonLog::Open(const std::string& path,
                                                       const Clock& clock) {
  if (path.empty()) return std::unique_ptr<JsonLog>(new JsonLog(STDERR_FILENO, false, clock));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open log file \"", path, "\": ", std::strerror(errno)));
  }
  return std::unique_ptr<JsonLog>(new JsonLog(fd, true, clock));
}

JsonLog::~JsonLog() {
  if (owned_) ::close(fd_);
}

void JsonLog::Write(const LogLine& line) {
  const std::string text = line.Render(clock_.Now());
  absl::MutexLock lock(&mu_);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace cellgate::service
