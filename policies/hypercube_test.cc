// Hypercube candidates keep hierarchical tables additive, and certificates
// that do not prove protection are rejected.
#include "policies/hypercube.h"

#include <algorithm>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/secondary_suppression.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

// Stadtteil 0..3 -> Bezirk 4 (0, 1) and 5 (2, 3) -> total 6; Schulart 0..2 -> total 3.
google::protobuf::RepeatedPtrField<v1::Axis> HierarchicalAxes() {
  google::protobuf::RepeatedPtrField<v1::Axis> axes;
  v1::Axis& st = *axes.Add();
  for (int parent : {4, 4, 5, 5, 6, 6, -1}) st.add_entries()->set_parent(parent);
  v1::Axis& sa = *axes.Add();
  for (int parent : {3, 3, 3, -1}) sa.add_entries()->set_parent(parent);
  return axes;
}

// Random leaf counts with all subtotals and totals.
MeasureTable RandomCounts(uint64_t seed) {
  MeasureTable m;
  m.name = "count";
  m.floor = 1;
  m.values.assign(7 * 4, 0);
  std::mt19937_64 rng(seed);
  const int st_up[4][3] = {{0, 4, 6}, {1, 4, 6}, {2, 5, 6}, {3, 5, 6}};
  for (int s = 0; s < 4; ++s) {
    for (int a = 0; a < 3; ++a) {
      const double n = static_cast<double>(rng() % 6);
      for (int i : st_up[s]) {
        m.values[i * 4 + a] += n;
        m.values[i * 4 + 3] += n;
      }
    }
  }
  return m;
}

SuppressionCosts CostsOf(const MeasureTable& m) {
  SuppressionCosts costs;
  for (double v : m.values) {
    costs.per_unit.push_back(1 + v);
    costs.may_suppress.push_back(v > 0);
  }
  return costs;
}

TEST(HypercubeTest, EveryCandidateKeepsTheHierarchicalTableAdditive) {
  const TableStructure structure = *StructureOf(HierarchicalAxes());
  int found = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const MeasureTable m = RandomCounts(seed);
    for (int32_t cell = 0; cell < 28; ++cell) {
      if (m.values[cell] < 1 || m.values[cell] >= 3) continue;
      std::vector<bool> suppressed(28, false);
      suppressed[cell] = true;
      for (const double delta : {2.0, -1.0}) {
        if (m.values[cell] + delta < 1) continue;
        const std::optional<Perturbation> y =
            FindHypercube(structure, m, CostsOf(m), suppressed, cell, delta);
        if (!y.has_value()) continue;
        ++found;
        std::vector<bool> pattern = suppressed;
        for (const auto& [c, change] : y->changes) pattern[c] = true;
        const absl::Status verified = VerifyCertificates(structure, m, pattern, {{cell, delta, *y}});
        EXPECT_TRUE(verified.ok()) << "seed " << seed << " cell " << cell << ": " << verified;
      }
    }
  }
  EXPECT_GT(found, 50);
}

TEST(HypercubeTest, AFreeHypercubeIsTheCheapestCandidateWhenThatCostsNothing) {
  const TableStructure structure = *StructureOf(HierarchicalAxes());
  int free = 0;
  int costly = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const MeasureTable m = RandomCounts(seed);
    std::mt19937_64 rng(seed * 7919);
    std::vector<bool> suppressed(28);
    for (int32_t c = 0; c < 28; ++c) suppressed[c] = m.values[c] > 0 && rng() % 3 != 0;
    for (int32_t cell = 0; cell < 28; ++cell) {
      if (!suppressed[cell]) continue;
      for (const double delta : {2.0, -1.0}) {
        const std::optional<Perturbation> cheapest =
            FindHypercube(structure, m, CostsOf(m), suppressed, cell, delta);
        const bool costs_nothing =
            cheapest.has_value() &&
            std::all_of(cheapest->changes.begin(), cheapest->changes.end(),
                        [&](const auto& change) { return suppressed[change.first]; });
        const std::optional<Perturbation> found =
            FindFreeHypercube(structure, m, suppressed, cell, delta);
        if (!costs_nothing) {
          costly += cheapest.has_value();
          EXPECT_FALSE(found.has_value()) << "seed " << seed << " cell " << cell;
          continue;
        }
        ++free;
        ASSERT_TRUE(found.has_value()) << "seed " << seed << " cell " << cell;
        EXPECT_EQ(found->changes, cheapest->changes) << "seed " << seed << " cell " << cell;
      }
    }
  }
  // Both kinds of case occur.
  EXPECT_GT(free, 20);
  EXPECT_GT(costly, 20);
}

TEST(HypercubeTest, ForgedCertificatesAreRejected) {
  const TableStructure structure = *StructureOf(HierarchicalAxes());
  const MeasureTable m = RandomCounts(3);
  std::vector<bool> all(28, true);
  // Moving one cell alone breaks its row and column sums.
  EXPECT_THAT(VerifyCertificates(structure, m, all, {{0, 1, {{{0, 1}}}}}),
              testing::StatusIs(absl::StatusCode::kInternal, ::testing::HasSubstr("additivity")));
  // A perturbation through a published cell proves nothing.
  std::vector<bool> some = all;
  some[4] = false;
  EXPECT_THAT(VerifyCertificates(structure, m, some, {{0, 1, {{{0, 1}, {4, -1}}}}}),
              testing::StatusIs(absl::StatusCode::kInternal, ::testing::HasSubstr("published")));
}

}  // namespace
}  // namespace cellgate::policies
