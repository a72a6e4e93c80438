#include "policies/lp/linear_program.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

TEST(LinearProgramTest, SolvesAndWarmStartsWithNewObjectives) {
  // x + y = 7, y + z = 3, all >= 0.
  LinearProgram lp;
  const int x = lp.AddVariable(0, kInfinity);
  const int y = lp.AddVariable(0, kInfinity);
  const int z = lp.AddVariable(0, kInfinity);
  lp.AddEqualityRow({{x, 1}, {y, 1}}, 7);
  lp.AddEqualityRow({{y, 1}, {z, 1}}, 3);
  ASSERT_OK_AND_ASSIGN(LpSolution max_x, lp.Solve(LpSense::kMaximize, {{x, 1}}));
  ASSERT_EQ(max_x.outcome, LpSolution::kOptimal);
  EXPECT_DOUBLE_EQ(max_x.objective, 7);
  ASSERT_OK_AND_ASSIGN(LpSolution min_x, lp.Solve(LpSense::kMinimize, {{x, 1}}));
  EXPECT_DOUBLE_EQ(min_x.objective, 4);
  EXPECT_DOUBLE_EQ(min_x.values[y], 3);
}

TEST(LinearProgramTest, ReportsUnboundedAndInfeasible) {
  LinearProgram lp;
  const int x = lp.AddVariable(0, kInfinity);
  const int y = lp.AddVariable(0, kInfinity);
  lp.AddEqualityRow({{x, 1}, {y, -1}}, 1);  // x = y + 1
  ASSERT_OK_AND_ASSIGN(LpSolution up, lp.Solve(LpSense::kMaximize, {{x, 1}}));
  EXPECT_EQ(up.outcome, LpSolution::kUnbounded);
  lp.SetBounds(x, 0, 0.5);  // then y = x - 1 < 0
  ASSERT_OK_AND_ASSIGN(LpSolution none, lp.Solve(LpSense::kMaximize, {{x, 1}}));
  EXPECT_EQ(none.outcome, LpSolution::kInfeasible);
}

TEST(LinearProgramTest, StoredCostsAreMinimized) {
  LinearProgram lp;
  const int a = lp.AddVariable(0, kInfinity, 3);
  const int b = lp.AddVariable(0, kInfinity, 1);
  lp.AddEqualityRow({{a, 1}, {b, 1}}, 2);
  ASSERT_OK_AND_ASSIGN(LpSolution s, lp.Solve(LpSense::kMinimize));
  EXPECT_DOUBLE_EQ(s.objective, 2);
  EXPECT_DOUBLE_EQ(s.values[b], 2);
  lp.SetCost(b, 5);
  ASSERT_OK_AND_ASSIGN(s, lp.Solve(LpSense::kMinimize));
  EXPECT_DOUBLE_EQ(s.values[a], 2);
}

TEST(LinearProgramTest, RangeRowsBoundFromEitherSide) {
  // x + y >= 1 (a suppressed cell is not empty), x + z = 5, z <= 4 via a row.
  LinearProgram lp;
  const int x = lp.AddVariable(0, kInfinity);
  const int y = lp.AddVariable(0, kInfinity);
  const int z = lp.AddVariable(0, kInfinity);
  const int at_least_one = lp.AddRow({{x, 1}, {y, 1}}, 1, kInfinity);
  const int total = lp.AddRow({{x, 1}, {z, 1}}, 5, 5);
  const int z_cap = lp.AddRow({{z, 1}}, -kInfinity, 4);
  EXPECT_EQ(lp.rows(), 3);
  EXPECT_EQ(at_least_one, 0);  // rows are numbered in order
  EXPECT_EQ(total, 1);
  EXPECT_EQ(z_cap, 2);
  ASSERT_OK_AND_ASSIGN(LpSolution max_x, lp.Solve(LpSense::kMaximize, {{x, 1}}));
  ASSERT_EQ(max_x.outcome, LpSolution::kOptimal);
  EXPECT_DOUBLE_EQ(max_x.objective, 5);
  EXPECT_DOUBLE_EQ(max_x.values[z], 0);  // the total caps x
  EXPECT_GE(max_x.values[x] + max_x.values[y], 1);  // x + y >= 1 holds
  ASSERT_OK_AND_ASSIGN(LpSolution min_x, lp.Solve(LpSense::kMinimize, {{x, 1}}));
  EXPECT_DOUBLE_EQ(min_x.objective, 1);  // z <= 4 forces x >= 1
  EXPECT_DOUBLE_EQ(min_x.values[z], 4);  // z at its cap
}

TEST(LinearProgramTest, RowDualsPriceAVariableNotYetInTheProgram) {
  // min x + 3y subject to x + y = 2 and x <= 1: x = 1, y = 1, and the row's
  // dual is y's cost, 3 (one more unit on the right side costs 3).
  LinearProgram lp;
  const int x = lp.AddVariable(0, 1, 1);
  const int y = lp.AddVariable(0, kInfinity, 3);
  lp.AddEqualityRow({{x, 1}, {y, 1}}, 2);
  ASSERT_OK_AND_ASSIGN(LpSolution s, lp.Solve(LpSense::kMinimize));
  ASSERT_EQ(s.outcome, LpSolution::kOptimal);
  ASSERT_EQ(s.row_duals.size(), 1u);
  EXPECT_DOUBLE_EQ(s.row_duals[0], 3);
  // A variable z of cost 2 in the row would have reduced cost 2 - 1·3 < 0:
  // adding it lowers the minimum, as the dual says.
  LinearProgram with_z;
  const int x2 = with_z.AddVariable(0, 1, 1);
  const int y2 = with_z.AddVariable(0, kInfinity, 3);
  const int z2 = with_z.AddVariable(0, kInfinity, 2);
  with_z.AddEqualityRow({{x2, 1}, {y2, 1}, {z2, 1}}, 2);
  ASSERT_OK_AND_ASSIGN(LpSolution better, with_z.Solve(LpSense::kMinimize));
  EXPECT_DOUBLE_EQ(better.objective, 3);  // x = 1, z = 1
  EXPECT_LT(better.objective, s.objective);
}

}  // namespace
}  // namespace cellgate::policies
