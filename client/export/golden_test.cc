// Golden files of every export format on one fixed table
// (testing::PulledGoldenTable): csv, csv-de, json, ffcsv, html, xlsx (as
// the text xlsx_dump.py reads from its XML) and the terminal view at two
// widths. The files are client/testdata/golden/*; regenerate them on purpose
// with CELLGATE_UPDATE_GOLDENS=1 (client/testdata/README.md).
#include <cstdlib>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "client/export/csv_export.h"
#include "client/export/derived_shares.h"
#include "client/export/html_report.h"
#include "client/export/json_export.h"
#include "client/export/terminal_view.h"
#include "client/export/xlsx_export.h"
#include "client/testing/test_tables.h"
#include "client/testing/xlsx_dump.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/golden.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::DumpXlsx;
using ::cellgate::client::testing::PulledGoldenTable;
using ::cellgate::testing::IsOk;
using ::cellgate::testing::LineDiff;
using ::cellgate::testing::MatchesGoldenFile;
using ::cellgate::testing::TempDir;
using ::testing::HasSubstr;

std::string GoldenPath(const std::string& name) {
  return std::string(CELLGATE_REPO_DIR) + "/client/testdata/golden/" + name;
}

class GoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<v1::PulledTable> view = ExportView(PulledGoldenTable());
    ASSERT_THAT(view, IsOk());
    view_ = *view;
  }

  v1::PulledTable view_;
  const ExportOptions options_{"bildungsbericht-2025", "Bildungsbericht Musterstadt 2025",
                               "Bildungsbüro Musterstadt", v1::SYMBOL_SET_DIN_55301};
};

TEST_F(GoldenTest, Csv) {
  EXPECT_TRUE(MatchesGoldenFile(ExportCsv(view_), GoldenPath("abschluesse.csv")));
}

TEST_F(GoldenTest, CsvDe) {
  EXPECT_TRUE(MatchesGoldenFile(ExportCsvDe(view_, options_), GoldenPath("abschluesse.de.csv")));
}

TEST_F(GoldenTest, CsvDeWithLetterSymbols) {
  ExportOptions letters = options_;
  letters.symbols = v1::SYMBOL_SET_LETTERS;
  EXPECT_TRUE(
      MatchesGoldenFile(ExportCsvDe(view_, letters), GoldenPath("abschluesse.letters.de.csv")));
}

TEST_F(GoldenTest, Json) {
  EXPECT_TRUE(MatchesGoldenFile(ExportJson(view_, options_), GoldenPath("abschluesse.json")));
}

TEST_F(GoldenTest, Ffcsv) {
  EXPECT_TRUE(MatchesGoldenFile(ExportFfcsv(view_, options_), GoldenPath("abschluesse.ffcsv.csv")));
}

TEST_F(GoldenTest, Html) {
  EXPECT_TRUE(MatchesGoldenFile(RenderHtmlReport({{view_.table(), &view_, ""}}, options_),
                                GoldenPath("bildungsbericht-2025.html")));
}

TEST_F(GoldenTest, XlsxAsReadFromItsXml) {
  TempDir scratch;
  v1::ManifestTable pending;
  pending.set_id("vhs_kurse");
  pending.set_title("Kurse der Volkshochschule");
  absl::StatusOr<std::string> xlsx =
      ExportXlsx({{view_.table(), &view_, ""}, {pending, nullptr, "Datensatz fehlt"}}, options_,
                 {scratch.path(), 1764000000});
  ASSERT_THAT(xlsx, IsOk());
  EXPECT_TRUE(MatchesGoldenFile(DumpXlsx(*xlsx), GoldenPath("bildungsbericht-2025.xlsx.txt")));
}

TEST_F(GoldenTest, TerminalAtWidth100) {
  EXPECT_TRUE(MatchesGoldenFile(RenderTerminalView(view_, options_, 100),
                                GoldenPath("abschluesse.terminal-100.txt")));
}

TEST_F(GoldenTest, TerminalAtWidth60) {
  EXPECT_TRUE(MatchesGoldenFile(RenderTerminalView(view_, options_, 60),
                                GoldenPath("abschluesse.terminal-60.txt")));
}

TEST(GoldenDiffTest, ShowsChangedLinesWithContextAndVisibleCarriageReturns) {
  EXPECT_EQ(LineDiff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\r\nf\ng\nh\n"),
            "@@ -2,7 +2,7 @@\n"
            " b\n c\n d\n"
            "-e\n"
            "+E\\r\n"
            " f\n g\n h\n");
  EXPECT_EQ(LineDiff("same\n", "same\n"), "");
  EXPECT_THAT(LineDiff("\xEF\xBB\xBFx;\ty", "x;\ty"),
              HasSubstr("-\\uFEFFx;\\ty  (no newline at end)\n+x;\\ty  (no newline at end)\n"));
}

TEST(GoldenDiffTest, MismatchNamesTheFileAndHowToRegenerate) {
  // Compare, even while the goldens are being rewritten.
  const char* update = std::getenv(cellgate::testing::kUpdateGoldensVariable);
  const std::string saved = update != nullptr ? update : "";
  ::unsetenv(cellgate::testing::kUpdateGoldensVariable);
  absl::Cleanup restore = [&saved] {
    if (!saved.empty()) ::setenv(cellgate::testing::kUpdateGoldensVariable, saved.c_str(), 1);
  };
  TempDir dir;
  const std::string path = dir.File("golden.txt");
  cellgate::testing::WriteTestFile(path, "eins\nzwei\n");
  const ::testing::AssertionResult result = MatchesGoldenFile("eins\ndrei\n", path);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr(path));
  EXPECT_THAT(result.message(), HasSubstr("-zwei\n+drei\n"));
  EXPECT_THAT(result.message(), HasSubstr("CELLGATE_UPDATE_GOLDENS=1"));
  EXPECT_TRUE(MatchesGoldenFile("eins\nzwei\n", path));
  EXPECT_FALSE(MatchesGoldenFile("x", dir.File("missing.txt")));
}

}  // namespace
}  // namespace cellgate::client
