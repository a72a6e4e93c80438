#include "policies/cell_marks.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::policies {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CellMarksTest, StartsWithNoCellSuppressed) {
  const CellMarks marks(3);
  EXPECT_EQ(marks.size(), 3);
  EXPECT_FALSE(marks.suppressed(0));
  EXPECT_EQ(marks.rule_id(0), "");
  EXPECT_EQ(marks.suppressed_count(), 0);
  EXPECT_THAT(marks.RuleIds(), IsEmpty());
}

TEST(CellMarksTest, RecordsTheRuleThatMarkedACell) {
  CellMarks marks(3);
  marks.MarkPrimary(1, "threshold");
  EXPECT_FALSE(marks.suppressed(0));
  EXPECT_TRUE(marks.suppressed(1));
  EXPECT_EQ(marks.rule_id(1), "threshold");
  EXPECT_EQ(marks.suppressed_count(), 1);
}

TEST(CellMarksTest, KeepsTheFirstRuleButListsEveryRuleThatMarked) {
  CellMarks marks(2);
  marks.MarkPrimary(0, "threshold");
  marks.MarkPrimary(0, "dominance");
  marks.MarkPrimary(1, "threshold");
  EXPECT_EQ(marks.rule_id(0), "threshold");
  EXPECT_EQ(marks.suppressed_count(), 2);
  EXPECT_THAT(marks.RuleIds(), ElementsAre("dominance", "threshold"));
}

}  // namespace
}  // namespace cellgate::policies
