// Golden-file checks: an output is compared byte for byte with the file
// that holds what it must be, and a mismatch is shown as a unified line
// diff with invisible characters (CR, tab, BOM) spelled out. Setting
// CELLGATE_UPDATE_GOLDENS=1 rewrites the files from the outputs, on
// purpose, instead of comparing (client/testdata/README.md). TESTONLY;
// thread-compatible.
//
//   EXPECT_TRUE(MatchesGoldenFile(ExportCsv(table), GoldenPath("abschluesse.csv")));
#ifndef CELLGATE_TESTS_TESTING_GOLDEN_H_
#define CELLGATE_TESTS_TESTING_GOLDEN_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace cellgate::testing {

// The environment variable that makes MatchesGoldenFile write, not compare.
inline constexpr char kUpdateGoldensVariable[] = "CELLGATE_UPDATE_GOLDENS";

// Returns success if `actual` equals the content of `path`. Otherwise a
// failure naming `path`, with LineDiff(expected, actual) and the command
// that regenerates the file. With $CELLGATE_UPDATE_GOLDENS=1, writes
// `actual` to `path` and returns success.
::testing::AssertionResult MatchesGoldenFile(const std::string& actual, const std::string& path);

// Returns a unified diff from the lines of `expected` to those of `actual`
// ("-" expected, "+" actual, 3 lines of context, hunk headers "@@ -a,b +c,d
// @@"), with CR, tab, other control characters and a BOM shown as escapes;
// "" if they are equal.
std::string LineDiff(absl::string_view expected, absl::string_view actual);

}  // namespace cellgate::testing

#endif  // CELLGATE_TESTS_TESTING_GOLDEN_H_
