#include "client/render/table_cells.h"

#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

v1::MeasureFacts Facts(v1::Measure::Kind kind, int decimals) {
  v1::MeasureFacts facts;
  facts.mutable_measure()->set_kind(kind);
  facts.set_decimals(decimals);
  return facts;
}

TEST(TableCellsTest, DisplayDecimalsByMeasureKind) {
  EXPECT_EQ(DisplayDecimals(Facts(v1::Measure::COUNT, 0)), 0);
  EXPECT_EQ(DisplayDecimals(Facts(v1::Measure::SUM, 2)), 2);
  EXPECT_EQ(DisplayDecimals(Facts(v1::Measure::MEAN, 0)), 1);
}

TEST(TableCellsTest, SharesShowOneDecimalWhateverTheFactsSay) {
  EXPECT_EQ(DisplayDecimals(Facts(v1::Measure::SHARE, 1)), 1);
  EXPECT_EQ(DisplayDecimals(Facts(v1::Measure::SHARE, 0)), 1);
}

TEST(TableCellsTest, NotApplicableShowsX) {
  EXPECT_EQ(StatusSymbol(v1::NOT_APPLICABLE), "x");
  EXPECT_FALSE(CarriesValue(v1::NOT_APPLICABLE));
}

}  // namespace
}  // namespace cellgate::client
