#include "client/render/query_table.h"

#include "client/testing/test_tables.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::SchoolTable;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(QueryTableTest, RendersLabelsGermanNumbersSymbolsFooterAndLegend) {
  EXPECT_EQ(RenderQueryTable(SchoolTable()),
            "Stadtteil   Geschlecht  Anzahl  Alter (Mittel)  Summe Stunden\n"
            "----------  ----------  ------  --------------  -------------\n"
            "Insgesamt   männlich     1.234            75,3       12.345,6\n"
            "Insgesamt   weiblich     1.100            74,0        9.876,5\n"
            "Nord        männlich       600            75,0        6.000,0\n"
            "Nord        weiblich         –               x              –\n"
            "  Altstadt  männlich         .               .              .\n"
            "  Altstadt  weiblich         .               .              .\n"
            "  Hafen     männlich       598               /        5.000,5\n"
            "  Hafen     weiblich         –               x              –\n"
            "\n"
            "release  5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b\n"
            "dataset  schule@3 (0123456789ab)\n"
            "policy   schule-standard v2\n"
            "receipt  seq 42\n"
            "legend   . suppressed to protect individuals\n"
            "         – zero (no records)\n"
            "         x not applicable (the figure is undefined)\n"
            "         / unreliable (too uncertain to show)\n");
}

TEST(QueryTableTest, LegendListsOnlySymbolsThatAppear) {
  v1::QueryResponse response = SchoolTable();
  for (v1::ReleasedCell& cell : *response.mutable_table()->mutable_cells()) {
    for (v1::CellValue& value : *cell.mutable_values()) {
      if (value.status() != v1::SUPPRESSED) value.set_status(v1::PUBLISHED);
    }
  }
  const std::string text = RenderQueryTable(response);
  EXPECT_THAT(text, HasSubstr("legend   . suppressed to protect individuals\n"));
  EXPECT_THAT(text, Not(HasSubstr("zero")));
  EXPECT_THAT(text, Not(HasSubstr("unreliable")));
}

TEST(QueryTableTest, ShowsAnUnlabelledTotalAsInsgesamt) {
  v1::QueryResponse response = SchoolTable();
  response.mutable_table()->mutable_axes(0)->mutable_entries(0)->clear_label();
  EXPECT_THAT(RenderQueryTable(response), HasSubstr("\nInsgesamt   männlich"));
}

TEST(QueryTableTest, FormatsValuesByMeasureKind) {
  v1::MeasureFacts sum;
  sum.mutable_measure()->set_kind(v1::Measure::SUM);
  sum.set_decimals(2);
  v1::MeasureFacts mean;
  mean.mutable_measure()->set_kind(v1::Measure::MEAN);
  v1::CellValue value;
  value.set_status(v1::PUBLISHED);
  value.set_value(1234567.891);
  EXPECT_EQ(FormatCellValue(value, sum), "1.234.567,89");
  EXPECT_EQ(FormatCellValue(value, mean), "1.234.567,9");
  value.set_status(v1::ROUNDED);
  EXPECT_EQ(FormatCellValue(value, mean), "1.234.567,9");
  value.set_status(v1::ZERO);
  EXPECT_EQ(FormatCellValue(value, mean), "–");
}

}  // namespace
}  // namespace cellgate::client
