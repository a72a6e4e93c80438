#include "client/render/text_table.h"

#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

TEST(TextTableTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("–"), 1u);
  EXPECT_EQ(DisplayWidth("männlich"), 8u);
  EXPECT_EQ(DisplayWidth(""), 0u);
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

TEST(TextTableTest, RendersNothingWithoutColumns) {
  TextTable table;
  table.AddRow({"ignored"});
  EXPECT_EQ(table.Render(), "");
}

}  // namespace
}  // namespace cellgate::client
