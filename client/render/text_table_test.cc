#include "client/render/text_table.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::testing::HasSubstr;

TEST(TextTableTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("–"), 1u);
  EXPECT_EQ(DisplayWidth("männlich"), 8u);
  EXPECT_EQ(DisplayWidth(""), 0u);
}

TEST(TextTableTest, CombiningMarksTakeNoColumnAndWideCharactersTwo) {
  EXPECT_EQ(DisplayWidth("Mu\xCC\x88nchen"), 7u);  // "ü" as u + U+0308
  EXPECT_EQ(DisplayWidth("Mü\xE2\x80\x8B"), 2u);   // zero-width space
  EXPECT_EQ(DisplayWidth("東京"), 4u);
  EXPECT_EQ(DisplayWidth("\xFF" "a\xC3"), 3u);     // invalid bytes count one each
}

TEST(TextTableTest, AlignsColumnsAndDropsTrailingSpaces) {
  TextTable table;
  table.AddColumn("Schulart");
  table.AddColumn("Anzahl", TextTable::Align::kRight);
  table.AddColumn("Hinweis");
  table.AddRow({"Grundschule", "1.234"});
  table.AddRow({"Förderschule", "–", "klein"});
  EXPECT_EQ(table.Render(),
            "Schulart      Anzahl  Hinweis\n"
            "------------  ------  -------\n"
            "Grundschule    1.234\n"
            "Förderschule       –  klein\n");
}

TEST(TextTableTest, AlignsLabelsWrittenWithCombiningMarks) {
  TextTable table;
  table.AddColumn("Ort");
  table.AddColumn("Anzahl", TextTable::Align::kRight);
  table.AddRow({"Mu\xCC\x88nchen", "1"});
  table.AddRow({"München", "2"});
  EXPECT_EQ(table.Render(),
            "Ort      Anzahl\n"
            "-------  ------\n"
            "Mu\xCC\x88nchen       1\n"
            "München       2\n");
}

TEST(TextTableTest, RendersNothingWithoutColumns) {
  TextTable table;
  table.AddRow({"ignored"});
  EXPECT_EQ(table.Render(), "");
}

// Stadtteil down; Anzahl and a share across, three entries each.
TextTable DistrictTable() {
  TextTable t;
  t.AddColumn("Stadtteil");
  for (const char* group : {"Anzahl", "Anteil Mädchen (%)"}) {
    t.AddColumn("männlich", TextTable::Align::kRight, group);
    t.AddColumn("weiblich", TextTable::Align::kRight, group);
    t.AddColumn("Insgesamt", TextTable::Align::kRight, group);
  }
  t.AddRow({"Altstadt", "1.234", "1.100", "2.334", "47,1", "–", "x"});
  t.AddRow({"Südstadt", ".", ".", "980", ".", ".", "51,0"});
  t.AddRow({"  Hafen-Süd", "12", "–", "12", "0,0", "/", "/"});
  return t;
}

TEST(TextTableTest, GroupHeadingsStandOverTheirColumns) {
  EXPECT_EQ(DistrictTable().Render(),
            "             Anzahl                         Anteil Mädchen (%)\n"
            "Stadtteil    männlich  weiblich  Insgesamt  männlich  weiblich  Insgesamt\n"
            "-----------  --------  --------  ---------  --------  --------  ---------\n"
            "Altstadt        1.234     1.100      2.334      47,1         –          x\n"
            "Südstadt            .         .        980         .         .       51,0\n"
            "  Hafen-Süd        12         –         12       0,0         /          /\n");
}

TEST(TextTableTest, NarrowWidthWrapsColumnBlocksRepeatingTheRowLabels) {
  EXPECT_EQ(DistrictTable().Render(36, 1),
            "             Anzahl\n"
            "Stadtteil    männlich  weiblich\n"
            "-----------  --------  --------\n"
            "Altstadt        1.234     1.100\n"
            "Südstadt            .         .\n"
            "  Hafen-Süd        12         –\n"
            "\n"
            "             Anzahl\n"
            "Stadtteil    Insgesamt\n"
            "-----------  ---------\n"
            "Altstadt         2.334\n"
            "Südstadt           980\n"
            "  Hafen-Süd         12\n"
            "\n"
            "             Anteil Mädchen (%)\n"
            "Stadtteil    männlich  weiblich\n"
            "-----------  --------  --------\n"
            "Altstadt         47,1         –\n"
            "Südstadt            .         .\n"
            "  Hafen-Süd       0,0         /\n"
            "\n"
            "             Anteil Mädchen (%)\n"
            "Stadtteil             Insgesamt\n"
            "-----------  ------------------\n"
            "Altstadt                      x\n"
            "Südstadt                   51,0\n"
            "  Hafen-Süd                   /\n");
}

TEST(TextTableTest, EveryWidthKeepsEveryColumnAndEveryCellWithinTheWidth) {
  const TextTable table = DistrictTable();
  for (size_t width : {24, 30, 36, 50, 80}) {
    const std::string text = table.Render(width, 1);
    std::multiset<std::string> headers;
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      EXPECT_LE(DisplayWidth(line), width) << width << ": " << line;
      if (absl::StartsWith(line, "Stadtteil")) {
        for (absl::string_view word : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
          headers.emplace(word);
        }
      }
    }
    // Each column's header once, the row labels in every block.
    EXPECT_EQ(headers.count("männlich"), 2u) << width;
    EXPECT_EQ(headers.count("weiblich"), 2u) << width;
    EXPECT_EQ(headers.count("Insgesamt"), 2u) << width;
    for (const char* cell : {"1.234", "2.334", "51,0", "0,0", "Hafen-Süd"}) {
      EXPECT_THAT(text, HasSubstr(cell)) << width;
    }
  }
}

TEST(TextTableTest, HeadingWrapsWhereTheWidthAllowsNoWiderColumn) {
  const std::string text = DistrictTable().Render(24, 1);
  EXPECT_THAT(text, HasSubstr("             Anteil\n"
                              "             Mädchen (%)\n"
                              "Stadtteil       männlich\n"
                              "-----------  -----------\n"));
}

TEST(TextTableTest, ColumnWiderThanTheWidthIsShownWhole) {
  TextTable table;
  table.AddColumn("Schlüssel");
  table.AddColumn("ein sehr langer Kopf über die ganze Breite");
  table.AddRow({"ä", "x"});
  EXPECT_EQ(table.Render(20, 1),
            "Schlüssel  ein sehr langer Kopf über die ganze Breite\n"
            "---------  ------------------------------------------\n"
            "ä          x\n");
}

TEST(TextTableTest, WrapWordsBreaksAtSpacesAndIndentsFollowingLines) {
  EXPECT_EQ(WrapWords("Öffentliche und private Schulen", 16, 2),
            "Öffentliche und\n"
            "  private\n"
            "  Schulen\n");
  EXPECT_EQ(WrapWords("Zeichenerklärung", 5), "Zeichenerklärung\n");
  EXPECT_EQ(WrapWords("", 10), "");
}

}  // namespace
}  // namespace cellgate::client
