#include "client/commands/command_util.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/exit_codes.h"
#include "client/render/json.h"
#include "common/status_macros.h"

namespace cellgate::client {

absl::StatusOr<OutputFormat> FormatFlag(const CommandLine& line,
                                        const std::vector<absl::string_view>& allowed) {
  std::string value = line.Value("format", "table");
  if (value == "text") value = "table";
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    return UsageError(absl::StrCat("flag --format has a bad value \"", line.Value("format"),
                                   "\": expected ", absl::StrJoin(allowed, ", ")));
  }
  if (value == "csv") return OutputFormat::kCsv;
  if (value == "json") return OutputFormat::kJson;
  return OutputFormat::kTable;
}

absl::StatusOr<int64_t> IntegerArgument(absl::string_view text, absl::string_view what, int64_t min,
                                        int64_t max) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return UsageError(absl::StrCat(what, " has a bad value \"", text,
                                   "\": expected a whole number from ", min, " to ", max));
  }
  return value;
}

absl::StatusOr<int64_t> IntegerFlag(const CommandLine& line, const std::string& name,
                                    int64_t fallback, int64_t min, int64_t max) {
  if (!line.Has(name)) return fallback;
  return IntegerArgument(line.Value(name), absl::StrCat("flag --", name), min, max);
}

absl::Status WriteJson(const google::protobuf::Message& message, std::ostream& out) {
  ASSIGN_OR_RETURN(const std::string json, RenderJson(message));
  out << json;
  return absl::OkStatus();
}

std::string OrDash(absl::string_view text) { return text.empty() ? "-" : std::string(text); }

std::string KeyValueText::Render() const {
  size_t width = 0;
  for (const auto& [key, value] : lines_) width = std::max(width, key.size());
  std::string out;
  for (const auto& [key, value] : lines_) {
    absl::StrAppend(&out, key, std::string(width - key.size() + 2, ' '), value, "\n");
  }
  return out;
}

}  // namespace cellgate::client
