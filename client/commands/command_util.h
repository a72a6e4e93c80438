// Helpers shared by the command implementations: the --format flag, integer
// flag values, and writing JSON. Thread-safe.
#ifndef CELLGATE_CLIENT_COMMANDS_COMMAND_UTIL_H_
#define CELLGATE_CLIENT_COMMANDS_COMMAND_UTIL_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/cli_flags.h"
#include "google/protobuf/message.h"

namespace cellgate::client {

enum class OutputFormat { kTable, kCsv, kJson };

// Returns the --format of `line` (default table). Usage error naming
// --format if the value is not one of `allowed` ("table", "csv", "json";
// "text" is accepted as "table").
absl::StatusOr<OutputFormat> FormatFlag(const CommandLine& line,
                                        const std::vector<absl::string_view>& allowed);

// Returns the flag `name` as an integer in [min, max], or `fallback` if the
// flag is absent. Usage error naming the flag and value otherwise.
absl::StatusOr<int64_t> IntegerFlag(const CommandLine& line, const std::string& name,
                                    int64_t fallback, int64_t min, int64_t max);

// Parses `text`, the positional argument `what`, as an integer in [min, max].
absl::StatusOr<int64_t> IntegerArgument(absl::string_view text, absl::string_view what, int64_t min,
                                        int64_t max);

// Writes `message` to `out` as proto JSON (render/json.h).
absl::Status WriteJson(const google::protobuf::Message& message, std::ostream& out);

// Returns `text`, or "-" if it is empty (keeps whitespace columns intact).
std::string OrDash(absl::string_view text);

// Collects "key  value" lines with the keys padded to one width (audit show,
// audit replay). Lines with an empty value are left out. Not thread-safe.
class KeyValueText {
 public:
  void Add(absl::string_view key, absl::string_view value) {
    if (!value.empty()) lines_.emplace_back(key, value);
  }
  // Returns the lines, each ending in "\n".
  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_COMMANDS_COMMAND_UTIL_H_
