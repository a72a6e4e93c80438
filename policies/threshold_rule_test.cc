#include "policies/threshold_rule.h"

#include <cstdint>
#include <initializer_list>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/cell_marks.h"

namespace cellgate::policies {
namespace {

// A one-axis table whose cells have the given record counts.
v1::ComputedTable TableWithCounts(std::initializer_list<int64_t> counts) {
  v1::ComputedTable table;
  for (int64_t n : counts) table.add_record_count(n);
  return table;
}

v1::ThresholdRule Config(int k) {
  v1::ThresholdRule config;
  config.set_k(k);
  return config;
}

v1::ThresholdRule ConfigWithSensitive(int k, const std::string& dimension, int dimension_k) {
  v1::ThresholdRule config = Config(k);
  v1::DimensionThreshold& d = *config.add_per_dimension();
  d.set_dimension(dimension);
  d.set_k(dimension_k);
  return config;
}

TEST(ThresholdRuleTest, SuppressesCellsWithFewerThanKRecords) {
  const ThresholdRule rule(Config(3));
  const v1::ComputedTable table = TableWithCounts({0, 1, 2, 3, 4});
  CellMarks marks(table.record_count_size());
  rule.Mark(table, marks);
  EXPECT_FALSE(marks.suppressed(0)) << "an empty cell is a structural zero";
  EXPECT_TRUE(marks.suppressed(1));
  EXPECT_TRUE(marks.suppressed(2));
  EXPECT_FALSE(marks.suppressed(3)) << "n == k is published";
  EXPECT_FALSE(marks.suppressed(4));
  EXPECT_EQ(marks.rule_id(1), "threshold");
}

TEST(ThresholdRuleTest, HasIdThreshold) { EXPECT_EQ(ThresholdRule(Config(3)).id(), "threshold"); }

TEST(ThresholdRuleTest, SensitiveDimensionRaisesK) {
  const ThresholdRule rule(ConfigWithSensitive(3, "bmi_kat", 5));
  v1::ComputedTable table = TableWithCounts({4, 5});
  table.add_sensitive_dimensions("bmi_kat");
  EXPECT_EQ(rule.EffectiveK(table), 5);
  CellMarks marks(table.record_count_size());
  rule.Mark(table, marks);
  EXPECT_TRUE(marks.suppressed(0));
  EXPECT_FALSE(marks.suppressed(1));
}

TEST(ThresholdRuleTest, PerDimensionKAppliesOnlyWhenTableUsesTheDimension) {
  const ThresholdRule rule(ConfigWithSensitive(3, "bmi_kat", 5));
  v1::ComputedTable table = TableWithCounts({4});
  table.add_sensitive_dimensions("geschlecht");  // sensitive, but no own k
  EXPECT_EQ(rule.EffectiveK(table), 3);
  CellMarks marks(table.record_count_size());
  rule.Mark(table, marks);
  EXPECT_FALSE(marks.suppressed(0));
}

TEST(ThresholdRuleTest, EffectiveKIsTheLargestOfAllUsedDimensions) {
  v1::ThresholdRule config = ConfigWithSensitive(3, "bmi_kat", 5);
  v1::DimensionThreshold& d = *config.add_per_dimension();
  d.set_dimension("diagnose");
  d.set_k(8);
  const ThresholdRule rule(config);
  v1::ComputedTable table = TableWithCounts({7});
  table.add_sensitive_dimensions("bmi_kat");
  table.add_sensitive_dimensions("diagnose");
  EXPECT_EQ(rule.EffectiveK(table), 8);
}

}  // namespace
}  // namespace cellgate::policies
