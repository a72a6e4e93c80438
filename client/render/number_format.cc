#include "client/render/number_format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cellgate::client {
namespace {

// Returns `digits` (ASCII digits only) with "." every three from the right.
std::string GroupThousands(const std::string& digits) {
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back('.');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string FormatPlainNumber(double value, int decimals) {
  decimals = std::clamp(decimals, 0, 9);
  std::string text = absl::StrFormat("%.*f", decimals, value);
  // "-0.0" and "-0" carry a sign that means nothing.
  if (text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

std::string FormatGermanNumber(double value, int decimals) {
  const std::string plain = FormatPlainNumber(value, decimals);
  const bool negative = plain[0] == '-';
  const std::string unsigned_part = negative ? plain.substr(1) : plain;
  const size_t point = unsigned_part.find('.');
  std::string out = negative ? "-" : "";
  absl::StrAppend(&out, GroupThousands(unsigned_part.substr(0, point)));
  if (point != std::string::npos) absl::StrAppend(&out, ",", unsigned_part.substr(point + 1));
  return out;
}

std::string FormatGermanInteger(int64_t value) {
  if (value < 0) {
    // Via uint64 so that INT64_MIN does not overflow.
    return absl::StrCat("-", GroupThousands(absl::StrCat(0 - static_cast<uint64_t>(value))));
  }
  return GroupThousands(absl::StrCat(value));
}

}  // namespace cellgate::client
