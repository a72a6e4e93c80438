// The attacker LP against published oracles (../shared/SDC-ORACLES.md).
#include "policies/attacker_audit.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

v1::Axis MakeAxis(const std::vector<int>& parents) {
  v1::Axis axis;
  for (int parent : parents) axis.add_entries()->set_parent(parent);
  return axis;
}

// O1 — Handbook Example 3 / tau-Argus manual §2.15 (Geurts 1992): rows 1..3
// and total, columns 1..2 and total; X11, X12, X21, X22 suppressed.
//
//          1    2    T
//    1   X11  X12    7
//    2   X21  X22    3
//    3     3    3    6
//    T     9    7   16
class HandbookExample3 : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::RepeatedPtrField<v1::Axis> axes;
    *axes.Add() = MakeAxis({3, 3, 3, -1});
    *axes.Add() = MakeAxis({2, 2, -1});
    structure_ = *StructureOf(axes);
    table_.name = "count";
    table_.floor = 0;  // the handbook's attacker knows only non-negativity
    // Hidden values consistent with the margins: X11 4, X12 3, X21 2, X22 1.
    table_.values = {4, 3, 7, 2, 1, 3, 3, 3, 6, 9, 7, 16};
    suppressed_.assign(12, false);
    for (int c : {0, 1, 3, 4}) suppressed_[c] = true;
  }

  TableStructure structure_;
  MeasureTable table_;
  std::vector<bool> suppressed_;
};

TEST_F(HandbookExample3, FeasibilityIntervalsMatchThePublishedOnes) {
  ASSERT_OK_AND_ASSIGN(std::vector<Interval> intervals,
                       FeasibilityIntervals(structure_, table_, suppressed_, {0, 1, 3, 4}));
  ASSERT_EQ(intervals.size(), 4u);
  EXPECT_DOUBLE_EQ(intervals[0].lower, 3);  // X11 in [3, 6]
  EXPECT_DOUBLE_EQ(intervals[0].upper, 6);
  EXPECT_DOUBLE_EQ(intervals[1].lower, 1);  // X12 in [1, 4]
  EXPECT_DOUBLE_EQ(intervals[1].upper, 4);
  EXPECT_DOUBLE_EQ(intervals[2].lower, 0);  // X21 in [0, 3]
  EXPECT_DOUBLE_EQ(intervals[2].upper, 3);
  EXPECT_DOUBLE_EQ(intervals[3].lower, 0);  // X22 in [0, 3]
  EXPECT_DOUBLE_EQ(intervals[3].upper, 3);
}

TEST_F(HandbookExample3, ProtectionLevelsDecideWhichCellsAreUnprotected) {
  // X11 = 4 lies in [3, 6]: open for ±1, not for +3 (7 is excluded).
  table_.required = {{0, 1, 1}, {3, 1, 1}};
  ASSERT_OK_AND_ASSIGN(std::vector<int32_t> unprotected,
                       UnprotectedCells(structure_, table_, suppressed_));
  EXPECT_TRUE(unprotected.empty());
  table_.required = {{0, 1, 3}, {3, 2, 1}};  // X21 = 2 - 2 = 0 is feasible
  ASSERT_OK_AND_ASSIGN(unprotected, UnprotectedCells(structure_, table_, suppressed_));
  EXPECT_THAT(unprotected, ::testing::ElementsAre(0));
}

TEST_F(HandbookExample3, ALoneSuppressedCellInARowIsRecomputedExactly) {
  suppressed_.assign(12, false);
  suppressed_[0] = true;  // only X11: 7 - X12 gives it away
  ASSERT_OK_AND_ASSIGN(std::vector<Interval> intervals,
                       FeasibilityIntervals(structure_, table_, suppressed_, {0}));
  EXPECT_DOUBLE_EQ(intervals[0].lower, 4);
  EXPECT_DOUBLE_EQ(intervals[0].upper, 4);
}

TEST_F(HandbookExample3, InconsistentPublishedValuesAreInternal) {
  table_.values[8] = 5;  // row 3 no longer adds up
  EXPECT_THAT(FeasibilityIntervals(structure_, table_, suppressed_, {0}),
              testing::StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace cellgate::policies
