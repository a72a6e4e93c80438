#include "client/render/number_format.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

TEST(NumberFormatTest, GroupsThousandsWithDots) {
  EXPECT_EQ(FormatGermanInteger(0), "0");
  EXPECT_EQ(FormatGermanInteger(999), "999");
  EXPECT_EQ(FormatGermanInteger(1000), "1.000");
  EXPECT_EQ(FormatGermanInteger(1234567), "1.234.567");
  EXPECT_EQ(FormatGermanInteger(-12345), "-12.345");
  EXPECT_EQ(FormatGermanInteger(std::numeric_limits<int64_t>::min()), "-9.223.372.036.854.775.808");
}

TEST(NumberFormatTest, UsesADecimalComma) {
  EXPECT_EQ(FormatGermanNumber(1234.5, 1), "1.234,5");
  EXPECT_EQ(FormatGermanNumber(1234567.891, 2), "1.234.567,89");
  EXPECT_EQ(FormatGermanNumber(75.26, 1), "75,3");
  EXPECT_EQ(FormatGermanNumber(12, 0), "12");
  EXPECT_EQ(FormatGermanNumber(0.5, 3), "0,500");
  EXPECT_EQ(FormatGermanNumber(-1234.25, 2), "-1.234,25");
}

TEST(NumberFormatTest, NeverShowsMinusZero) {
  EXPECT_EQ(FormatGermanNumber(-0.04, 1), "0,0");
  EXPECT_EQ(FormatGermanNumber(-0.4, 0), "0");
  EXPECT_EQ(FormatPlainNumber(-0.001, 2), "0.00");
}

TEST(NumberFormatTest, PlainFormatHasAPointAndNoGrouping) {
  EXPECT_EQ(FormatPlainNumber(1234567.891, 2), "1234567.89");
  EXPECT_EQ(FormatPlainNumber(1234, 0), "1234");
}

}  // namespace
}  // namespace cellgate::client
