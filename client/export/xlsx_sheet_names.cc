#include "client/export/xlsx_sheet_names.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cellgate::client {
namespace {

constexpr absl::string_view kForbidden = "[]:*?/\\";

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t CodePoints(absl::string_view text) {
  size_t n = 0;
  for (char c : text) n += IsContinuation(c) ? 0 : 1;
  return n;
}

}  // namespace

std::string SheetNameOf(absl::string_view table_id) {
  std::string name;
  size_t characters = 0;
  for (char c : table_id) {
    if (!IsContinuation(c) && ++characters > kMaxSheetNameLength) break;
    name.push_back(kForbidden.find(c) == absl::string_view::npos ? c : '_');
  }
  return name;
}

absl::Status CheckSheetName(absl::string_view name) {
  const std::string quoted = absl::StrCat("\"", name, "\"");
  if (name.empty()) return absl::InvalidArgumentError("an xlsx sheet name must not be empty");
  if (CodePoints(name) > kMaxSheetNameLength) {
    return absl::InvalidArgumentError(absl::StrCat("xlsx sheet name ", quoted, " is longer than ",
                                                   kMaxSheetNameLength, " characters"));
  }
  if (name.find_first_of(kForbidden) != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("xlsx sheet name ", quoted, " holds one of [ ] : * ? / \\"));
  }
  if (name.front() == '\'' || name.back() == '\'') {
    return absl::InvalidArgumentError(
        absl::StrCat("xlsx sheet name ", quoted, " starts or ends with an apostrophe"));
  }
  if (absl::AsciiStrToLower(name) == "history") {
    return absl::InvalidArgumentError(
        absl::StrCat("xlsx sheet name ", quoted, " is reserved by Excel"));
  }
  return absl::OkStatus();
}

int FindSheetNameClash(const std::vector<std::string>& names, int& earlier) {
  std::map<std::string, int> seen = {{absl::AsciiStrToLower(kReleaseSheetName), -1}};
  for (size_t i = 0; i < names.size(); ++i) {
    auto [it, inserted] = seen.emplace(absl::AsciiStrToLower(names[i]), static_cast<int>(i));
    if (!inserted) {
      earlier = it->second;
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace cellgate::client
