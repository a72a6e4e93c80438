#include "tests/testing/golden.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cellgate::testing {
namespace {

// Context lines around a change.
constexpr size_t kContext = 3;
// Beyond this many line pairs the diff shows the first difference only.
constexpr size_t kMaxDiffCells = size_t{4} << 20;

// The lines of `text`, each with its "\n" (the last may lack one).
std::vector<std::string> Lines(absl::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const size_t stop = end == absl::string_view::npos ? text.size() : end + 1;
    lines.emplace_back(text.substr(start, stop - start));
    start = stop;
  }
  return lines;
}

std::string Visible(const std::string& line) {
  std::string out;
  absl::string_view rest = line;
  const bool ends = !rest.empty() && rest.back() == '\n';
  if (ends) rest.remove_suffix(1);
  for (size_t i = 0; i < rest.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(rest[i]);
    if (rest.substr(i, 3) == "\xEF\xBB\xBF") {
      out += "\\uFEFF";
      i += 2;
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += absl::StrFormat("\\x%02X", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (!ends) out += "  (no newline at end)";
  return out;
}

struct Op {
  char kind;  // ' ', '-', '+'
  size_t a;   // line index in expected (for ' ' and '-')
  size_t b;   // line index in actual (for ' ' and '+')
};

// The edit script of a longest common subsequence of the lines.
std::vector<Op> EditScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<size_t>> lcs(n + 1, std::vector<size_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Op> ops;
  size_t i = 0;
  size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back({' ', i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', i++, j});  // removals before additions, as diff -u
    } else {
      ops.push_back({'+', i, j++});
    }
  }
  return ops;
}

}  // namespace

std::string LineDiff(absl::string_view expected, absl::string_view actual) {
  if (expected == actual) return "";
  const std::vector<std::string> a = Lines(expected);
  const std::vector<std::string> b = Lines(actual);
  if ((a.size() + 1) * (b.size() + 1) > kMaxDiffCells) {
    size_t k = 0;
    while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
    return absl::StrCat("first difference at line ", k + 1, "\n-",
                        k < a.size() ? Visible(a[k]) : "(end)", "\n+",
                        k < b.size() ? Visible(b[k]) : "(end)", "\n");
  }
  const std::vector<Op> ops = EditScript(a, b);
  std::string out;
  for (size_t start = 0; start < ops.size();) {
    // The next change, with its context before.
    size_t change = start;
    while (change < ops.size() && ops[change].kind == ' ') ++change;
    if (change == ops.size()) break;
    const size_t first = change >= start + kContext ? change - kContext : start;
    // Extend while changes follow within 2 * kContext unchanged lines.
    size_t last = change;
    for (size_t k = change, same = 0; k < ops.size(); ++k) {
      same = ops[k].kind == ' ' ? same + 1 : 0;
      if (ops[k].kind != ' ') last = k;
      if (same > 2 * kContext) break;
    }
    const size_t end = std::min(ops.size(), last + 1 + kContext);
    size_t a_lines = 0;
    size_t b_lines = 0;
    for (size_t k = first; k < end; ++k) {
      a_lines += ops[k].kind != '+';
      b_lines += ops[k].kind != '-';
    }
    absl::StrAppend(&out, "@@ -", ops[first].a + 1, ",", a_lines, " +", ops[first].b + 1, ",",
                    b_lines, " @@\n");
    for (size_t k = first; k < end; ++k) {
      const std::string& line = ops[k].kind == '+' ? b[ops[k].b] : a[ops[k].a];
      absl::StrAppend(&out, std::string(1, ops[k].kind), Visible(line), "\n");
    }
    start = end;
  }
  return out;
}

::testing::AssertionResult MatchesGoldenFile(const std::string& actual, const std::string& path) {
  const char* update = std::getenv(kUpdateGoldensVariable);
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << actual;
    file.close();
    if (!file) return ::testing::AssertionFailure() << "cannot write golden file " << path;
    return ::testing::AssertionSuccess() << "rewrote " << path;
  }
  std::ifstream file(path, std::ios::binary);
  const std::string how = absl::StrCat("if the change is intended, regenerate with ",
                                       kUpdateGoldensVariable,
                                       "=1 ctest --test-dir build -R GoldenTest, and review the diff");
  if (!file) {
    return ::testing::AssertionFailure() << "golden file " << path << " is missing; " << how;
  }
  std::ostringstream expected;
  expected << file.rdbuf();
  if (expected.str() == actual) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "output differs from golden file " << path << " (- golden, + output):\n"
         << LineDiff(expected.str(), actual) << how;
}

}  // namespace cellgate::testing
