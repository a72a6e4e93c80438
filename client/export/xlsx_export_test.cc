// The xlsx export read back from its XML (client/testing/xlsx_dump.h): the
// sheets and their names, figures as numbers with their formats, symbols as
// text, footnotes, provenance, legend and the sheet of release ids; and
// Excel's rules for sheet names. The whole dump is also a golden file
// (golden_test.cc).
#include "client/export/xlsx_export.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "client/export/derived_shares.h"
#include "client/export/xlsx_sheet_names.h"
#include "client/testing/test_tables.h"
#include "client/testing/xlsx_dump.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::DumpXlsx;
using ::cellgate::client::testing::PulledGoldenTable;
using ::cellgate::client::testing::PulledLeaversTable;
using ::cellgate::testing::IsOk;
using ::cellgate::testing::StatusIs;
using ::cellgate::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

ExportOptions Options(v1::SymbolSet symbols = v1::SYMBOL_SET_DIN_55301) {
  return {"bericht", "Bericht 2025", "Bildungsbüro", symbols};
}

class XlsxExportTest : public ::testing::Test {
 protected:
  // The dump of the workbook of `entries`, or the failure.
  std::string Dump(const std::vector<ReportEntry>& entries, const ExportOptions& options) {
    absl::StatusOr<std::string> bytes = ExportXlsx(entries, options, {scratch_.path(), 1764000000});
    if (!bytes.ok()) return std::string(bytes.status().message());
    return DumpXlsx(*bytes);
  }

  std::string GoldenDump(const ExportOptions& options = Options()) {
    view_ = *ExportView(PulledGoldenTable());
    return Dump({{view_.table(), &view_, ""}}, options);
  }

  TempDir scratch_;
  v1::PulledTable view_;
};

// The cells of rows `first`..`last` and columns C..K of the first sheet (the
// figures of the golden table) from a dump.
std::vector<std::string> ValueCells(const std::string& dump, int first, int last) {
  std::vector<std::string> cells;
  for (absl::string_view line : absl::StrSplit(dump.substr(0, dump.find("\nsheet 2 ")), '\n')) {
    if (line.size() < 4 || line.substr(0, 2) != "  " || line[2] < 'C' || line[2] > 'K') continue;
    int row = 0;
    const size_t space = line.find(' ', 3);
    if (!absl::SimpleAtoi(line.substr(3, space - 3), &row) || row < first || row > last) continue;
    cells.emplace_back(line);
  }
  return cells;
}

TEST_F(XlsxExportTest, HasASheetPerTableNamedByItsIdAndTheReleaseSheet) {
  const std::string dump = GoldenDump();
  EXPECT_THAT(dump, HasSubstr("sheet 1 \"abschluesse\"\n"));
  EXPECT_THAT(dump, HasSubstr("sheet 2 \"Release-IDs\"\n"));
  EXPECT_THAT(dump, Not(HasSubstr("sheet 3")));
}

TEST_F(XlsxExportTest, TitleHeaderRowsAndUmlautsAreText) {
  const std::string dump = GoldenDump();
  EXPECT_THAT(dump, HasSubstr("  A1 s \"Schulabgängerinnen und Schulabgänger nach Abschlussart "
                              "und Geschlecht\" bold\n"));
  // The measure over its three entries of Geschlecht, the axes beside them.
  EXPECT_THAT(dump, HasSubstr("  merge C3:E3\n"));
  EXPECT_THAT(dump, HasSubstr("  I3 s \"Anteil an allen Abschlüssen (%)\" bold center\n"));
  EXPECT_THAT(dump, HasSubstr("  B4 s \"Abschlussart\" bold\n"));
  EXPECT_THAT(dump, HasSubstr("  D4 s \"männlich\" bold\n"));
  EXPECT_THAT(dump, HasSubstr("  B7 s \"Förderschulabschluss\"\n"));
  EXPECT_THAT(dump, HasSubstr("  pane C5\n"));
}

TEST_F(XlsxExportTest, EveryFigureIsANumberWithItsFormatAndEveryOtherCellASymbol) {
  const std::vector<std::string> cells = ValueCells(GoldenDump(), 5, 12);
  ASSERT_EQ(cells.size(), 8u * 9u);
  for (const std::string& cell : cells) {
    const bool number = absl::StrContains(cell, " n ") &&
                        (absl::StrContains(cell, "fmt=\"#,##0\"") ||
                         absl::StrContains(cell, "fmt=\"#,##0.0\""));
    const bool symbol = absl::StrContains(cell, " s \".\" right") ||
                        absl::StrContains(cell, " s \"–\" right") ||
                        absl::StrContains(cell, " s \"x\" right") ||
                        absl::StrContains(cell, " s \"/\" right");
    EXPECT_TRUE(number != symbol) << cell;
  }
}

TEST_F(XlsxExportTest, CountsMeansSharesAndEachWithheldStatus) {
  const std::string dump = GoldenDump();
  EXPECT_THAT(dump, HasSubstr("  C9 n 1234 fmt=\"#,##0\"\n"));     // shows 1.234
  EXPECT_THAT(dump, HasSubstr("  C6 n 45 fmt=\"#,##0\"\n"));       // rounded: a figure
  EXPECT_THAT(dump, HasSubstr("  F9 n 18.3 fmt=\"#,##0.0\"\n"));   // 18.26, one decimal
  EXPECT_THAT(dump, HasSubstr("  I6 n 3.8 fmt=\"#,##0.0\"\n"));    // 45 / 1180, derived
  EXPECT_THAT(dump, HasSubstr("  K10 n 0 fmt=\"#,##0.0\"\n"));     // share of a zero count
  EXPECT_THAT(dump, HasSubstr("  D7 s \".\" right\n"));            // suppressed
  EXPECT_THAT(dump, HasSubstr("  E10 s \"–\" right\n"));           // zero
  EXPECT_THAT(dump, HasSubstr("  H10 s \"x\" right\n"));           // not applicable
  EXPECT_THAT(dump, HasSubstr("  H6 s \"/\" right\n"));            // unreliable
}

TEST_F(XlsxExportTest, FootnotesSourceProvenanceChannelAndLegendFollowTheTable) {
  const std::string dump = GoldenDump();
  EXPECT_THAT(dump, HasSubstr("  A14 s \"Öffentliche und private Schulen; ohne Zweiten "
                              "Bildungsweg.\"\n"));
  EXPECT_THAT(dump, HasSubstr("  A15 s \"Anteil an allen Abschlüssen (%): beim Abruf aus den "
                              "veröffentlichten, bereits geschützten Anzahlen berechnet"));
  EXPECT_THAT(dump, HasSubstr("  A17 s \"Quelle\" bold\n  B17 s \"Bildungsbüro\"\n"));
  EXPECT_THAT(dump, HasSubstr("  A18 s \"Release-ID\" bold\n"
                              "  B18 s \"74ed4558c1f34b1e9d0a6c2f8b3e5d71\"\n"));
  EXPECT_THAT(dump, HasSubstr("  A21 s \"Datensatzversion\" bold\n  B21 n 3 fmt=\"0\" left\n"));
  EXPECT_THAT(dump, HasSubstr("  A24 s \"Regelwerksversion\" bold\n  B24 n 2 fmt=\"0\" left\n"));
  EXPECT_THAT(dump, HasSubstr("  A27 s \"Freigabekanal\" bold\n  B27 s \"intern\"\n"));
  EXPECT_THAT(dump, HasSubstr("  A29 s \"Zeichenerklärung\" bold\n"
                              "  A30 s \"–\"\n  B30 s \"nichts vorhanden (genau null)\"\n"
                              "  A31 s \".\"\n  B31 s \"Zahlenwert geheim zu halten"));
}

TEST_F(XlsxExportTest, ReleaseSheetLinksEveryTableAndGivesTheReasonOfAMissingOne) {
  const v1::PulledTable leavers = PulledLeaversTable();
  v1::ManifestTable pending;
  pending.set_id("vhs");
  pending.set_title("Volkshochschule");
  const std::string dump =
      Dump({{leavers.table(), &leavers, ""}, {pending, nullptr, "Datensatz fehlt"}}, Options());
  EXPECT_THAT(dump, HasSubstr("  link A5 #'abschluesse'!A1\n"));
  EXPECT_THAT(dump, HasSubstr("  A5 s \"abschluesse\"\n  B5 s \"Schulabgänger nach Abschlussart\"\n"
                              "  C5 s \"rel-1\"\n  D5 n 42 fmt=\"0\" left\n"));
  EXPECT_THAT(dump, HasSubstr("  B6 s \"Volkshochschule\"\n  M6 s \"Datensatz fehlt\"\n"));
  EXPECT_THAT(dump, Not(HasSubstr("A6 ")));  // no sheet, no link
  EXPECT_THAT(dump, Not(HasSubstr("\"vhs\"")));
}

TEST_F(XlsxExportTest, ReleaseSheetHasColumnsForTheDenominatorOfAShareOverAnotherDataset) {
  const v1::PulledTable leavers = PulledLeaversTable();
  v1::PulledTable quote = PulledLeaversTable();
  quote.mutable_table()->set_id("quote");
  v1::Measure::Denominator& d = *quote.mutable_response()
                                     ->mutable_table()
                                     ->mutable_measures(0)
                                     ->mutable_measure()
                                     ->mutable_denominator();
  d.set_dataset("population");
  d.set_version(7);
  d.set_policy_id("population");
  // The table with more provenance comes second: its extra fields need
  // columns of their own, after those every table has.
  const std::string dump =
      Dump({{leavers.table(), &leavers, ""}, {quote.table(), &quote, ""}}, Options());
  EXPECT_THAT(dump, HasSubstr("  L4 s \"Nenner: Datensatz\" bold\n"));
  EXPECT_THAT(dump, HasSubstr("  L6 s \"population\"\n"));
  EXPECT_THAT(dump, HasSubstr("  R4 s \"Freigabekanal\" bold\n"));
  EXPECT_THAT(dump, HasSubstr("  R5 s \"intern\"\n"));
  EXPECT_THAT(dump, HasSubstr("  R6 s \"intern\"\n"));
}

TEST_F(XlsxExportTest, LongEntryHeadingsWrapInAHigherHeaderRow) {
  v1::PulledTable pulled = PulledLeaversTable();
  pulled.mutable_response()->mutable_table()->mutable_axes(1)->mutable_entries(3)->set_label(
      "Freie Waldorfschule oder sonstige Privatschule");
  const std::string dump = Dump({{pulled.table(), &pulled, ""}}, Options());
  // 46 characters in a column of 20: three lines.
  EXPECT_THAT(dump, HasSubstr("  column 5 width 20.7109375\n"));
  EXPECT_THAT(dump, HasSubstr("  row 4 height 45\n"));
}

TEST_F(XlsxExportTest, LetterSymbolsReplaceTheDinSymbols) {
  const std::string dump = GoldenDump(Options(v1::SYMBOL_SET_LETTERS));
  EXPECT_THAT(dump, HasSubstr("  D7 s \"g\" right\n"));
  EXPECT_THAT(dump, HasSubstr("  E10 s \"k\" right\n"));
  EXPECT_THAT(dump, HasSubstr("  H6 s \"u\" right\n"));
  EXPECT_THAT(dump, HasSubstr("  A31 s \"g\"\n"));
}

TEST_F(XlsxExportTest, LabelsThatLookLikeFormulasStayText) {
  v1::PulledTable pulled = PulledLeaversTable();
  pulled.mutable_response()->mutable_table()->mutable_axes(1)->mutable_entries(1)->set_label(
      "=HYPERLINK(\"http://x\")");
  pulled.mutable_table()->set_title("a\x01" "b <c> & \"d\"");
  const std::string dump = Dump({{pulled.table(), &pulled, ""}}, Options());
  EXPECT_THAT(dump, HasSubstr("  C4 s \"=HYPERLINK(\\\"http://x\\\")\" bold\n"));
  EXPECT_THAT(dump, HasSubstr("  A1 s \"a_x0001_b <c> & \\\"d\\\"\" bold\n"));
  EXPECT_THAT(dump, Not(HasSubstr("xlsx_dump.py failed")));
}

TEST_F(XlsxExportTest, SheetNamesThatClashAfterTruncationAreRefusedNamingBothTables) {
  v1::PulledTable a = PulledLeaversTable();
  v1::PulledTable b = PulledLeaversTable();
  a.mutable_table()->set_id("schulabgaenger_nach_abschlussart_2024");
  b.mutable_table()->set_id("schulabgaenger_nach_abschlussart_2025");
  absl::StatusOr<std::string> xlsx =
      ExportXlsx({{a.table(), &a, ""}, {b.table(), &b, ""}}, Options(), {scratch_.path(), 1});
  EXPECT_THAT(xlsx, StatusIs(absl::StatusCode::kInvalidArgument,
                             AllOf(HasSubstr("table \"schulabgaenger_nach_abschlussart_2025\""),
                                   HasSubstr("\"schulabgaenger_nach_abschlussar\""),
                                   HasSubstr("table \"schulabgaenger_nach_abschlussart_2024\""))));
}

TEST_F(XlsxExportTest, UnwritableScratchDirectoryIsAnError) {
  const v1::PulledTable leavers = PulledLeaversTable();
  EXPECT_THAT(ExportXlsx({{leavers.table(), &leavers, ""}}, Options(),
                         {scratch_.File("missing"), 1}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("missing")));
}

TEST_F(XlsxExportTest, SameEntriesAndTimeGiveTheSameBytesAndLeaveNoFiles) {
  const v1::PulledTable leavers = PulledLeaversTable();
  absl::StatusOr<std::string> a = ExportXlsx({{leavers.table(), &leavers, ""}}, Options(),
                                             {scratch_.path(), 1764000000});
  absl::StatusOr<std::string> b = ExportXlsx({{leavers.table(), &leavers, ""}}, Options(),
                                             {scratch_.path(), 1764000000});
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->substr(0, 2), "PK");
  EXPECT_TRUE(std::filesystem::is_empty(scratch_.path()));
}

TEST(XlsxSheetNamesTest, TableIdIsCutTo31Characters) {
  EXPECT_EQ(SheetNameOf("abschluesse"), "abschluesse");
  EXPECT_EQ(SheetNameOf("schulabgaenger_nach_abschlussart_2025"), "schulabgaenger_nach_abschlussar");
  EXPECT_EQ(SheetNameOf("a/b[c]"), "a_b_c_");
  EXPECT_EQ(SheetNameOf(std::string(40, 'x')).size(), kMaxSheetNameLength);
}

TEST(XlsxSheetNamesTest, ExcelsRulesAreChecked) {
  EXPECT_THAT(CheckSheetName("abschluesse"), IsOk());
  EXPECT_THAT(CheckSheetName(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckSheetName(std::string(32, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("longer than 31")));
  EXPECT_THAT(CheckSheetName("Jahr 2024/25"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"Jahr 2024/25\"")));
  EXPECT_THAT(CheckSheetName("'quoted"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckSheetName("History"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reserved")));
  EXPECT_THAT(CheckSheetName("history"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(XlsxSheetNamesTest, ClashesIgnoreCaseAndIncludeTheReleaseSheet) {
  int earlier = 0;
  EXPECT_EQ(FindSheetNameClash({"a", "b"}, earlier), -1);
  EXPECT_EQ(FindSheetNameClash({"a", "b", "A"}, earlier), 2);
  EXPECT_EQ(earlier, 0);
  EXPECT_EQ(FindSheetNameClash({"x", "release-ids"}, earlier), 1);
  EXPECT_EQ(earlier, -1);
}

}  // namespace
}  // namespace cellgate::client
