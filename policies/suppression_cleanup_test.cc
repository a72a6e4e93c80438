// The cleanup pass: it publishes secondary cells that no protection needs,
// reroutes certificates through the cells that stay, keeps every cell some
// protection needs, and leaves patterns that an attacker LP written in the
// test (policies/testing/hierarchical_tables.h) cannot break. On small
// tables, where it can search the whole pattern, the result is minimal:
// publishing any secondary cell it kept lets the attacker in.
#include "policies/suppression_cleanup.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/secondary_suppression.h"
#include "policies/testing/hierarchical_tables.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using testing::CostsOf;
using testing::FlatAxis;
using testing::IndependentAttack;
using ::testing::IsEmpty;
using testing::TestTable;
using testing::ThreeLevelAxis;
using testing::ThresholdPrimaries;

int Secondary(const std::vector<bool>& suppressed, const std::vector<bool>& primary) {
  int n = 0;
  for (size_t c = 0; c < suppressed.size(); ++c) n += suppressed[c] && !primary[c];
  return n;
}

// A 3 x 3 table of leaves (row-major with totals at entry 0) from `leaves`.
TestTable Grid(const double (&leaves)[3][3]) {
  TestTable t{{FlatAxis(3), FlatAxis(3)}, std::vector<double>(16, 0)};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      for (int rr : {r + 1, 0}) {
        for (int cc : {c + 1, 0}) t.values[rr * 4 + cc] += leaves[r][c];
      }
    }
  }
  return t;
}

TEST(SuppressionCleanupTest, ReroutesACertificateAndPublishesTheCellsItFreed) {
  // Leaf (1, 1) = cell 5 holds 1 and needs +2. Two rectangles protect it:
  // A through the small cells 6, 9, 10 and B through the large 7, 13, 15.
  // The certificate runs through B; the cleanup tries the large cells
  // first, reroutes the certificate through A and publishes all of B.
  const TestTable t = Grid({{1, 5, 50}, {5, 5, 9}, {50, 9, 50}});
  std::vector<bool> primary;
  const MeasureTable m = ThresholdPrimaries(t, 3, primary);
  ASSERT_EQ(m.required.size(), 1u);
  std::vector<bool> suppressed = primary;
  for (int c : {6, 9, 10, 7, 13, 15}) suppressed[c] = true;
  std::vector<std::vector<Certificate>> certificates = {
      {{5, 2, {{{5, 2}, {7, -2}, {13, -2}, {15, 2}}}}}};
  const TableStructure structure = *StructureOf(t.Axes());
  ASSERT_OK(VerifyCertificates(structure, m, suppressed, certificates[0]));
  CleanupStats stats;
  ASSERT_OK(ReleaseRedundant(structure, {m}, CostsOf(t.values), primary, suppressed, certificates,
                             absl::InfiniteFuture(), &stats));
  std::vector<int> left;
  for (int c = 0; c < 16; ++c) {
    if (suppressed[c]) left.push_back(c);
  }
  EXPECT_THAT(left, ::testing::ElementsAre(5, 6, 9, 10));
  EXPECT_EQ(stats.released, 3);
  EXPECT_OK(VerifyCertificates(structure, m, suppressed, certificates[0]));
  EXPECT_THAT(IndependentAttack(t, m, suppressed), IsEmpty());
}

TEST(SuppressionCleanupTest, KeepsWhatAProtectionNeedsAndWhatTheCallerKeeps) {
  // The same table with only rectangle A: every cell of it is needed. Cell
  // 15, unused, stays too because the caller keeps it (as the ledger does).
  const TestTable t = Grid({{1, 5, 50}, {5, 5, 9}, {50, 9, 50}});
  std::vector<bool> primary;
  const MeasureTable m = ThresholdPrimaries(t, 3, primary);
  std::vector<bool> keep = primary;
  keep[15] = true;
  std::vector<bool> suppressed = keep;
  for (int c : {6, 9, 10}) suppressed[c] = true;
  const std::vector<bool> before = suppressed;
  std::vector<std::vector<Certificate>> certificates = {
      {{5, 2, {{{5, 2}, {6, -2}, {9, -2}, {10, 2}}}}}};
  ASSERT_OK(ReleaseRedundant(*StructureOf(t.Axes()), {m}, CostsOf(t.values), keep, suppressed,
                             certificates));
  EXPECT_EQ(suppressed, before);
}

TEST(SuppressionCleanupTest, SmallPatternsEndMinimalAndSafe) {
  // Random hierarchical tables, small enough for the whole-pattern LP:
  // after the cleanup every primary is protected (the independent attack
  // fails), and publishing any remaining secondary cell breaks one.
  int released = 0;
  int checked = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const TestTable t = testing::RandomCounts({ThreeLevelAxis({2, 3}), FlatAxis(4)}, seed);
    std::vector<bool> primary;
    const MeasureTable m = ThresholdPrimaries(t, 3, primary);
    if (m.required.empty()) continue;
    const TableStructure structure = *StructureOf(t.Axes());
    std::vector<bool> suppressed = primary;
    std::vector<std::vector<Certificate>> certificates(1);
    ASSERT_OK(SuppressSecondary(structure, m, CostsOf(t.values), suppressed, &certificates[0],
                                {SuppressionMethod::kHypercubeThenLp}));
    const int before = Secondary(suppressed, primary);
    ASSERT_OK(
        ReleaseRedundant(structure, {m}, CostsOf(t.values), primary, suppressed, certificates));
    released += before - Secondary(suppressed, primary);
    EXPECT_OK(VerifyCertificates(structure, m, suppressed, certificates[0])) << seed;
    EXPECT_THAT(IndependentAttack(t, m, suppressed), IsEmpty()) << "seed " << seed;
    for (int64_t c = 0; c < t.Cells(); ++c) {
      if (!suppressed[c] || primary[c]) continue;
      std::vector<bool> fewer = suppressed;
      fewer[c] = false;
      EXPECT_THAT(IndependentAttack(t, m, fewer), ::testing::Not(IsEmpty()))
          << "seed " << seed << ": cell " << c << " was not needed";
      ++checked;
    }
  }
  EXPECT_GT(released, 0);
  EXPECT_GT(checked, 0);
}

TEST(SuppressionCleanupTest, KeepsEveryTableProtected) {
  // Counts and sums share one pattern; a cell the sums need stays even
  // where the counts could do without it.
  for (uint64_t seed = 20; seed < 30; ++seed) {
    const TestTable t = testing::RandomCounts({ThreeLevelAxis({2, 2}), FlatAxis(3)}, seed);
    std::vector<bool> primary;
    const MeasureTable counts = ThresholdPrimaries(t, 3, primary);
    if (counts.required.empty()) continue;
    // A sum over the same records; a primary cell's sum needs protection
    // by 10 % of it.
    MeasureTable sums;
    sums.name = "sum:x";
    sums.floor = 0;
    sums.values = testing::RandomSums(t, seed).values;
    for (const Protection& p : counts.required) {
      const double level = std::max(1.0, std::ceil(sums.values[p.cell] * 0.1));
      sums.required.push_back({p.cell, std::min(level, sums.values[p.cell]), level});
    }
    const TableStructure structure = *StructureOf(t.Axes());
    std::vector<bool> suppressed = primary;
    std::vector<std::vector<Certificate>> certificates;
    ASSERT_OK(SuppressTables(structure, {counts, sums}, CostsOf(t.values), suppressed, certificates,
                             {SuppressionMethod::kHypercubeThenLp}));
    EXPECT_OK(VerifyCertificates(structure, counts, suppressed, certificates[0])) << seed;
    EXPECT_OK(VerifyCertificates(structure, sums, suppressed, certificates[1])) << seed;
    EXPECT_THAT(IndependentAttack(t, counts, suppressed), IsEmpty()) << "seed " << seed;
    EXPECT_THAT(IndependentAttack(t, sums, suppressed), IsEmpty()) << "seed " << seed;
  }
}

TEST(SuppressionCleanupTest, StopsAtTheDeadline) {
  const TestTable t = Grid({{1, 5, 50}, {5, 5, 9}, {50, 9, 50}});
  std::vector<bool> primary;
  const MeasureTable m = ThresholdPrimaries(t, 3, primary);
  std::vector<bool> suppressed = primary;
  for (int c : {6, 9, 10}) suppressed[c] = true;
  std::vector<std::vector<Certificate>> certificates = {
      {{5, 2, {{{5, 2}, {6, -2}, {9, -2}, {10, 2}}}}}};
  EXPECT_THAT(ReleaseRedundant(*StructureOf(t.Axes()), {m}, CostsOf(t.values), primary, suppressed,
                               certificates, absl::InfinitePast()),
              cellgate::testing::StatusIs(absl::StatusCode::kDeadlineExceeded));
}

}  // namespace
}  // namespace cellgate::policies
