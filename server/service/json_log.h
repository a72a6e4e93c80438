// JsonLog: the server's structured log, one JSON object per line on standard
// error or in a file (ServerConfig.log_file). LogLine builds one line from
// fixed fields; callers add only ids, codes, counts and timings, never
// microdata, figures, suppressed values or key material (docs/operations.md
// lists the events). JsonLog is thread-safe: each line is written whole.
//
//   log.Write(LogLine("info", "listening").Int("port", port));
#ifndef CELLGATE_SERVER_SERVICE_JSON_LOG_H_
#define CELLGATE_SERVER_SERVICE_JSON_LOG_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"

namespace cellgate::service {

// One log line under construction: {"time":..,"level":..,"event":..,...}.
class LogLine {
 public:
  // `level` is "info", "warning" or "error"; `event` a snake_case name.
  LogLine(absl::string_view level, absl::string_view event);
  // Adds a string field (escaped), an integer or a number.
  LogLine& Str(absl::string_view key, absl::string_view value);
  LogLine& Int(absl::string_view key, int64_t value);
  LogLine& Num(absl::string_view key, double value);
  // The line for `time`, ending in "}\n".
  std::string Render(absl::Time time) const;

 private:
  std::string level_;
  std::string event_;
  std::string fields_;  // ,"key":value pairs
};

// Returns `text` as the body of a JSON string literal (quotes, backslash and
// control characters escaped).
std::string JsonEscape(absl::string_view text);

class JsonLog {
 public:
  // Writes to `path` (created 0600, appended to), or to standard error if
  // `path` is empty. UNAVAILABLE naming the file if it cannot be opened.
  // `clock` must outlive the log.
  static absl::StatusOr<std::unique_ptr<JsonLog>> Open(const std::string& path,
                                                      const Clock& clock);
  ~JsonLog();
  JsonLog(const JsonLog&) = delete;
  JsonLog& operator=(const JsonLog&) = delete;

  // Appends `line` with the current time. A failed write is dropped: the
  // log never stops the server (the audit log is the record that counts).
  void Write(const LogLine& line);

 private:
  JsonLog(int fd, bool owned, const Clock& clock) : fd_(fd), owned_(owned), clock_(clock) {}
  absl::Mutex mu_;
  const int fd_;
  const bool owned_;
  const Clock& clock_;
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_JSON_LOG_H_
