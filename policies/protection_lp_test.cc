// The protection LP over a region: it finds perturbations inside the region
// only, and the regions are what their contracts say.
#include "policies/protection_lp.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/secondary_suppression.h"
#include "policies/testing/hierarchical_tables.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ProtectionLpTest, SubtableOfASchoolIsItsDistrictWithTheOtherAxesWhole) {
  // Axis 0: total 0 > groups 1 (leaves 2, 3) and 4 (leaves 5, 6); axis 1:
  // total 0 > leaves 1, 2. Cell (5, 1) = 5 * 3 + 1.
  const testing::TestTable t =
      testing::RandomCounts({testing::ThreeLevelAxis({2, 2}), testing::FlatAxis(2)}, 1);
  const TableStructure structure = *StructureOf(t.Axes());
  EXPECT_THAT(SubtableOf(structure, 5 * 3 + 1), ElementsAre(12, 13, 14, 15, 16, 17, 18, 19, 20));
  // A group's subtable: the total, both groups, and its own leaves.
  EXPECT_THAT(SubtableOf(structure, 4 * 3 + 0),
              ElementsAre(0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17, 18, 19, 20));
}

TEST(ProtectionLpTest, FindsPerturbationsOnlyInsideItsRegion) {
  // 3 x 3 leaves with totals (entry 0); the leaf (1, 1), cell 5, holds 1
  // and needs +2.
  testing::TestTable t{{testing::FlatAxis(3), testing::FlatAxis(3)}, std::vector<double>(16, 0)};
  const double leaves[3][3] = {{1, 6, 7}, {6, 5, 8}, {9, 9, 9}};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      for (int rr : {r + 1, 0}) {
        for (int cc : {c + 1, 0}) t.values[rr * 4 + cc] += leaves[r][c];
      }
    }
  }
  MeasureTable m;
  m.name = "count";
  m.floor = 1;
  m.values = t.values;
  const TableStructure structure = *StructureOf(t.Axes());
  const CellEquations equations(structure);
  const SuppressionCosts costs = testing::CostsOf(t.values);
  std::vector<bool> suppressed(t.Cells(), false);
  suppressed[5] = true;
  // Rows 1-2 and columns 1-2 only (no totals): the cheapest rectangle there.
  ProtectionLp local(structure, m, costs, equations, suppressed, {5, 6, 9, 10});
  ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> found, local.Cheapest(5, 2));
  ASSERT_TRUE(found.has_value());
  for (const auto& [cell, change] : found->changes) {
    EXPECT_THAT(cell, ::testing::AnyOf(5, 6, 9, 10));
  }
  std::vector<bool> pattern = suppressed;
  for (const auto& [cell, change] : found->changes) pattern[cell] = true;
  EXPECT_OK(VerifyCertificates(structure, m, pattern, {{5, 2, *found}}));
  // Alone in its region the cell cannot move.
  ProtectionLp alone(structure, m, costs, equations, suppressed, {5});
  ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> none, alone.Cheapest(5, 2));
  EXPECT_FALSE(none.has_value());
  // Nor below the floor: it holds 1 and suppressed counts are >= 1.
  ProtectionLp whole(structure, m, costs, equations, suppressed);
  ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> down, whole.Cheapest(5, -1));
  EXPECT_FALSE(down.has_value());
}

TEST(ProtectionLpTest, SuppressedCellsCostNothing) {
  const testing::TestTable t =
      testing::RandomCounts({testing::FlatAxis(4), testing::FlatAxis(4)}, 11);
  std::vector<bool> primary;
  const MeasureTable m = testing::ThresholdPrimaries(t, 3, primary);
  ASSERT_FALSE(m.required.empty());
  const TableStructure structure = *StructureOf(t.Axes());
  const CellEquations equations(structure);
  const SuppressionCosts costs = testing::CostsOf(t.values);
  std::vector<bool> suppressed = primary;
  ProtectionLp lp(structure, m, costs, equations, suppressed);
  const Protection& p = m.required[0];
  ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> first, lp.Cheapest(p.cell, p.upper));
  ASSERT_TRUE(first.has_value());
  // Once its cells are suppressed, the same move is free: the second
  // solution changes no cell that is still published.
  for (const auto& [cell, change] : first->changes) {
    suppressed[cell] = true;
    lp.Price(cell, true);
  }
  ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> second, lp.Cheapest(p.cell, p.upper));
  ASSERT_TRUE(second.has_value());
  std::vector<int32_t> published;
  for (const auto& [cell, change] : second->changes) {
    if (!suppressed[cell]) published.push_back(cell);
  }
  EXPECT_THAT(published, IsEmpty());
}

// The cost of `perturbation` in cells that are still published.
double CostOf(const Perturbation& perturbation, const SuppressionCosts& costs,
              const std::vector<bool>& suppressed) {
  double cost = 0;
  for (const auto& [cell, change] : perturbation.changes) {
    if (!suppressed[cell]) cost += costs.per_unit[cell] * std::fabs(change);
  }
  return cost;
}

TEST(ProtectionLpTest, PricingFindsAsCheapAPerturbationAsTheWholeTable) {
  // 3-D tables with a 3-level hierarchy: for every primary cell and
  // direction, the priced LP's cheapest change costs what the whole
  // table's does, and as the pattern grows both go on agreeing.
  int64_t priced_solves = 0;
  for (uint64_t seed : {3, 8, 21}) {
    const testing::TestTable t = testing::RandomCounts(
        {testing::ThreeLevelAxis({3, 4, 2}), testing::FlatAxis(4), testing::FlatAxis(3)}, seed);
    std::vector<bool> primary;
    const MeasureTable m = testing::ThresholdPrimaries(t, 3, primary);
    ASSERT_GE(m.required.size(), 3u) << "seed " << seed;
    const TableStructure structure = *StructureOf(t.Axes());
    const CellEquations equations(structure);
    const SuppressionCosts costs = testing::CostsOf(t.values);
    std::vector<bool> suppressed = primary;
    ProtectionLp whole(structure, m, costs, equations, suppressed, {}, RegionSolve::kWhole);
    ProtectionLp priced(structure, m, costs, equations, suppressed, {}, RegionSolve::kPriced);
    for (const Protection& p : m.required) {
      for (const double delta : {p.upper, -p.lower}) {
        if (delta == 0) continue;
        ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> a, whole.Cheapest(p.cell, delta));
        ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> b, priced.Cheapest(p.cell, delta));
        ASSERT_EQ(a.has_value(), b.has_value()) << "cell " << p.cell << " delta " << delta;
        if (!a.has_value()) continue;
        const double cost = CostOf(*a, costs, suppressed);
        EXPECT_NEAR(CostOf(*b, costs, suppressed), cost, 1e-6 * (1 + cost))
            << "seed " << seed << " cell " << p.cell << " delta " << delta;
        std::vector<bool> pattern = suppressed;
        for (const auto& [cell, change] : b->changes) pattern[cell] = true;
        EXPECT_OK(VerifyCertificates(structure, m, pattern, {{p.cell, delta, *b}}));
        // Go on with the priced LP's pattern in both.
        for (const auto& [cell, change] : b->changes) {
          if (suppressed[cell]) continue;
          suppressed[cell] = true;
          whole.Price(cell, true);
          priced.Price(cell, true);
        }
      }
    }
    priced_solves += priced.solves();
  }
  EXPECT_GT(priced_solves, 0);
}

TEST(ProtectionLpTest, PricingSolvesAFewPrimaryCellsOfALargeTableInSmallLps) {
  // 3 Bezirke of 5 Stadtteile x 5 x 4: 570 cells. The cheapest change of
  // one small cell stays near it, and so do the LPs that find it.
  const testing::TestTable t = testing::RandomCounts(
      {testing::ThreeLevelAxis({5, 5, 5}), testing::FlatAxis(5), testing::FlatAxis(4)}, 4);
  std::vector<bool> primary;
  const MeasureTable m = testing::ThresholdPrimaries(t, 3, primary);
  ASSERT_GE(m.required.size(), 3u);
  const TableStructure structure = *StructureOf(t.Axes());
  const CellEquations equations(structure);
  const SuppressionCosts costs = testing::CostsOf(t.values);
  ProtectionLp whole(structure, m, costs, equations, primary, {}, RegionSolve::kWhole);
  ProtectionLp priced(structure, m, costs, equations, primary, {}, RegionSolve::kPriced);
  for (size_t r = 0; r < 3; ++r) {
    const Protection& p = m.required[r];
    ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> a, whole.Cheapest(p.cell, p.upper));
    ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> b, priced.Cheapest(p.cell, p.upper));
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_NEAR(CostOf(*b, costs, primary), CostOf(*a, costs, primary), 1e-6);
  }
  EXPECT_LT(priced.largest_working_set() * 3, static_cast<size_t>(structure.cells));
}

TEST(ProtectionLpTest, PricingFallsBackToTheWholeRegionWhenTheSubtableCannotMoveTheCell) {
  // A 2 x 2 table of leaves with totals where only the leaf row of the
  // other group can balance the cell: axis 0 has groups 1 (leaf 2) and 3
  // (leaves 4, 5); axis 1 is flat. The subtable of a cell in leaf 2 is
  // group 1 alone, which cannot move it without its total moving too.
  const testing::TestTable t =
      testing::RandomCounts({testing::ThreeLevelAxis({1, 2}), testing::FlatAxis(2)}, 5);
  MeasureTable m;
  m.name = "count";
  m.floor = 0;
  m.values = t.values;
  const TableStructure structure = *StructureOf(t.Axes());
  const CellEquations equations(structure);
  const SuppressionCosts costs = testing::CostsOf(t.values);
  const std::vector<bool> suppressed(t.Cells(), false);
  const int32_t cell = 2 * 3 + 1;  // leaf 2, first column
  ProtectionLp whole(structure, m, costs, equations, suppressed, {}, RegionSolve::kWhole);
  ProtectionLp priced(structure, m, costs, equations, suppressed, {}, RegionSolve::kPriced);
  ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> a, whole.Cheapest(cell, 1));
  ASSERT_OK_AND_ASSIGN(std::optional<Perturbation> b, priced.Cheapest(cell, 1));
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_NEAR(CostOf(*b, costs, suppressed), CostOf(*a, costs, suppressed), 1e-6);
  std::vector<bool> pattern(t.Cells(), false);
  for (const auto& [c, change] : b->changes) pattern[c] = true;
  EXPECT_OK(VerifyCertificates(structure, m, pattern, {{cell, 1, *b}}));
  EXPECT_GT(priced.solves(), 1);
}

}  // namespace
}  // namespace cellgate::policies
