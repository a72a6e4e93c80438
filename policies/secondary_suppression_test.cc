// Secondary suppression: oracles, an attack that defeats primary suppression
// and the naive "two per row and column" heuristic but not cellgate, and
// random tables checked by an attacker LP written independently here.
#include "policies/secondary_suppression.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/attacker_audit.h"
#include "policies/lp/solver_thread.h"
#include "policies/testing/hierarchical_tables.h"
#include "policies/testing/school_tables.h"
#include "policies/testing/solver_thread_hold.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

// A dense table over `sizes` leaf codes per axis, each axis with a total
// entry at index sizes[a] (so extent sizes[a] + 1), row-major.
struct GridTable {
  std::vector<int> sizes;
  std::vector<double> values;  // all cells, totals included

  int Extent(int a) const { return sizes[a] + 1; }
  int64_t Cells() const {
    int64_t n = 1;
    for (size_t a = 0; a < sizes.size(); ++a) n *= Extent(a);
    return n;
  }
  int64_t Index(const std::vector<int>& coords) const {
    int64_t index = 0;
    for (size_t a = 0; a < sizes.size(); ++a) index = index * Extent(a) + coords[a];
    return index;
  }
  std::vector<int> Coords(int64_t index) const {
    std::vector<int> coords(sizes.size());
    for (int a = static_cast<int>(sizes.size()) - 1; a >= 0; --a) {
      coords[a] = static_cast<int>(index % Extent(a));
      index /= Extent(a);
    }
    return coords;
  }
  bool IsLeaf(int64_t index) const {
    const std::vector<int> c = Coords(index);
    for (size_t a = 0; a < sizes.size(); ++a) {
      if (c[a] == sizes[a]) return false;
    }
    return true;
  }
  google::protobuf::RepeatedPtrField<v1::Axis> Axes() const {
    google::protobuf::RepeatedPtrField<v1::Axis> axes;
    for (int size : sizes) {
      v1::Axis& axis = *axes.Add();
      for (int i = 0; i < size; ++i) axis.add_entries()->set_parent(size);
      axis.add_entries()->set_parent(-1);
    }
    return axes;
  }
};

// Random counts with many small cells; margins computed from the leaves.
GridTable RandomCounts(std::vector<int> sizes, uint64_t seed) {
  GridTable t{std::move(sizes), {}};
  t.values.assign(t.Cells(), 0);
  std::mt19937_64 rng(seed);
  for (int64_t c = 0; c < t.Cells(); ++c) {
    if (!t.IsLeaf(c)) continue;
    const int roll = static_cast<int>(rng() % 10);
    const double v = roll < 2 ? 0 : roll < 5 ? 1 + rng() % 2 : 3 + rng() % 20;
    // Add the leaf into every cell whose coordinates are the leaf's or totals.
    const std::vector<int> leaf = t.Coords(c);
    const size_t dims = t.sizes.size();
    for (uint32_t mask = 0; mask < (1u << dims); ++mask) {
      std::vector<int> target = leaf;
      for (size_t a = 0; a < dims; ++a) {
        if (mask & (1u << a)) target[a] = t.sizes[a];
      }
      t.values[t.Index(target)] += v;
    }
  }
  return t;
}

// The grid as a table of policies/testing/hierarchical_tables.h: each
// axis's total is the parent of its leaves.
testing::TestTable ShapeOf(const GridTable& t) {
  testing::TestTable shape;
  for (int size : t.sizes) {
    std::vector<int32_t>& parents = shape.parents.emplace_back(size + 1, size);
    parents[size] = -1;
  }
  shape.values = t.values;
  return shape;
}

// The threshold rule with k = 3 and the default protection levels (upper:
// up to k; lower: none).
MeasureTable CountsWithPrimaries(const GridTable& t, std::vector<bool>& suppressed) {
  return testing::ThresholdPrimaries(ShapeOf(t), 3, suppressed);
}

SuppressionCosts CostsOf(const GridTable& t) { return testing::CostsOf(t.values); }

// The attacker written in the test (policies/testing/hierarchical_tables.h)
// on the grid. Returns true if every required cell's protection is open.
bool IndependentAuditPasses(const GridTable& t, const MeasureTable& m,
                            const std::vector<bool>& suppressed) {
  return testing::IndependentAttack(ShapeOf(t), m, suppressed).empty();
}

// The naive heuristic: while a line (row, column, ...) holds exactly one
// suppressed cell, also suppress its smallest non-empty published cell.
void NaiveTwoPerLine(const GridTable& t, std::vector<bool>& suppressed) {
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t a = 0; a < t.sizes.size(); ++a) {
      for (int64_t c = 0; c < t.Cells(); ++c) {
        std::vector<int> coords = t.Coords(c);
        if (coords[a] != 0) continue;
        int hidden = 0;
        int64_t smallest = -1;
        for (int i = 0; i < t.Extent(a); ++i) {
          coords[a] = i;
          const int64_t cell = t.Index(coords);
          if (suppressed[cell]) {
            ++hidden;
          } else if (t.values[cell] > 0 &&
                     (smallest < 0 || t.values[cell] < t.values[smallest])) {
            smallest = cell;
          }
        }
        if (hidden == 1 && smallest >= 0) {
          suppressed[smallest] = true;
          changed = true;
        }
      }
    }
  }
}

TEST(SecondarySuppressionTest, SingletonOracleO4NeedsExactlyOneSecondary) {
  // O4 (sdcTable test-protectTable.r): a=1, b=2, c=1, d=0, total 4; a and c
  // primary (k = 2). Both are known to be non-empty, so a + c = 2 would give
  // both away; one secondary suppression (b; d is empty) protects them.
  GridTable t{{4}, {1, 2, 1, 0, 4}};
  MeasureTable m;
  m.name = "count";
  m.floor = 1;
  m.values = t.values;
  m.required = {{0, 0, 1}, {2, 0, 1}};
  std::vector<bool> suppressed = {true, false, true, false, false};
  EXPECT_FALSE(IndependentAuditPasses(t, m, suppressed));
  ASSERT_OK(SuppressSecondary(*StructureOf(t.Axes()), m, CostsOf(t), suppressed));
  EXPECT_THAT(suppressed, ::testing::ElementsAre(true, true, true, false, false));
  EXPECT_TRUE(IndependentAuditPasses(t, m, suppressed));
}

TEST(SecondarySuppressionTest, NaiveHeuristicIsBrokenWhereCellgateHolds) {
  // The attack: for many random tables, primary suppression alone and the
  // "two per row and column" heuristic let the attacker LP narrow a small
  // cell below its protection; cellgate's pattern never does.
  int naive_broken = 0;
  int primary_broken = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const GridTable t = RandomCounts({5, 4}, seed);
    std::vector<bool> primary;
    const MeasureTable m = CountsWithPrimaries(t, primary);
    if (m.required.empty()) continue;
    primary_broken += !IndependentAuditPasses(t, m, primary);
    std::vector<bool> naive = primary;
    NaiveTwoPerLine(t, naive);
    naive_broken += !IndependentAuditPasses(t, m, naive);
    for (const SuppressionMethod method :
         {SuppressionMethod::kHypercubeThenLp, SuppressionMethod::kLpOnly}) {
      std::vector<bool> ours = primary;
      ASSERT_TRUE(
          SuppressSecondary(*StructureOf(t.Axes()), m, CostsOf(t), ours, nullptr, {method}).ok())
          << seed;
      EXPECT_TRUE(IndependentAuditPasses(t, m, ours)) << "seed " << seed;
    }
  }
  EXPECT_GT(primary_broken, 0);
  EXPECT_GT(naive_broken, 0);
}

TEST(SecondarySuppressionTest, RandomThreeDimensionalTablesPassTheIndependentAudit) {
  for (uint64_t seed = 100; seed < 130; ++seed) {
    const GridTable t = RandomCounts({4, 3, 3}, seed);
    std::vector<bool> suppressed;
    const MeasureTable m = CountsWithPrimaries(t, suppressed);
    const std::vector<bool> primary = suppressed;
    const SuppressionMethod method =
        seed % 2 ? SuppressionMethod::kLpOnly : SuppressionMethod::kHypercubeThenLp;
    const absl::Status status =
        SuppressSecondary(*StructureOf(t.Axes()), m, CostsOf(t), suppressed, nullptr, {method});
    ASSERT_TRUE(status.ok()) << "seed " << seed << ": " << status;
    EXPECT_TRUE(IndependentAuditPasses(t, m, suppressed)) << "seed " << seed;
    // Primary cells stay suppressed; empty cells are never suppressed.
    for (int64_t c = 0; c < t.Cells(); ++c) {
      if (primary[c]) {
        EXPECT_TRUE(suppressed[c]);
      }
      if (t.values[c] == 0) {
        EXPECT_FALSE(suppressed[c]);
      }
    }
  }
}

TEST(SecondarySuppressionTest, IsDeterministic) {
  const GridTable t = RandomCounts({6, 5}, 7);
  std::vector<bool> first;
  const MeasureTable m = CountsWithPrimaries(t, first);
  std::vector<bool> second = first;
  ASSERT_OK(SuppressSecondary(*StructureOf(t.Axes()), m, CostsOf(t), first));
  ASSERT_OK(SuppressSecondary(*StructureOf(t.Axes()), m, CostsOf(t), second));
  EXPECT_EQ(first, second);
}

TEST(SecondarySuppressionTest, UnprotectableTableIsFailedPrecondition) {
  // One non-empty cell and its total; the total is not suppressible here.
  GridTable t{{2}, {2, 0, 2}};
  MeasureTable m;
  m.name = "count";
  m.floor = 1;
  m.values = t.values;
  m.required = {{0, 1, 1}};
  SuppressionCosts costs = CostsOf(t);
  costs.may_suppress[2] = false;
  std::vector<bool> suppressed = {true, false, false};
  EXPECT_THAT(SuppressSecondary(*StructureOf(t.Axes()), m, costs, suppressed),
              cellgate::testing::StatusIs(absl::StatusCode::kFailedPrecondition));
}

// Every way SuppressTables can run: each first-pass method, with the LP
// for expensive hypercubes, with and without the cleanup pass.
std::vector<SuppressionOptions> AllMethods() {
  std::vector<SuppressionOptions> all;
  for (const bool cleanup : {false, true}) {
    SuppressionOptions lp;
    lp.method = SuppressionMethod::kLpOnly;
    lp.cleanup = cleanup;
    SuppressionOptions lp_ahead = lp;
    lp_ahead.solve_ahead = true;
    SuppressionOptions cubes;
    cubes.cleanup = cleanup;
    SuppressionOptions cheap_cubes = cubes;
    cheap_cubes.hypercube_max_cost = 10;
    all.insert(all.end(), {lp, lp_ahead, cubes, cheap_cubes});
  }
  return all;
}

// Protects `t` with threshold k = 3 by every method and checks each pattern
// with the independent attacker, the certificates and the invariants.
void ExpectEveryMethodProtects(const testing::TestTable& t, uint64_t seed) {
  std::vector<bool> primary;
  const MeasureTable m = testing::ThresholdPrimaries(t, 3, primary);
  const TableStructure structure = *StructureOf(t.Axes());
  // Without secondary suppression the attacker wins on these tables.
  if (!m.required.empty()) {
    EXPECT_THAT(testing::IndependentAttack(t, m, primary), ::testing::Not(::testing::IsEmpty()))
        << "seed " << seed;
  }
  for (const SuppressionOptions& options : AllMethods()) {
    std::vector<bool> suppressed = primary;
    std::vector<std::vector<Certificate>> certificates;
    const absl::Status status = SuppressTables(structure, {m}, testing::CostsOf(t.values),
                                               suppressed, certificates, options);
    ASSERT_TRUE(status.ok()) << "seed " << seed << ": " << status;
    EXPECT_THAT(testing::IndependentAttack(t, m, suppressed), ::testing::IsEmpty())
        << "seed " << seed << " method " << static_cast<int>(options.method) << " cleanup "
        << options.cleanup << " ahead " << options.solve_ahead;
    EXPECT_OK(VerifyCertificates(structure, m, suppressed, certificates[0]));
    for (int64_t c = 0; c < t.Cells(); ++c) {
      if (primary[c]) {
        EXPECT_TRUE(suppressed[c]);
      }
      if (t.values[c] == 0) {
        EXPECT_FALSE(suppressed[c]);
      }
    }
  }
}

TEST(SecondarySuppressionTest, ThreeLevelHierarchiesPassTheIndependentAudit) {
  // Total > 3 groups > 2-3 leaves, by 4 (2-D) and by 3 x 3 (3-D).
  for (uint64_t seed = 200; seed < 215; ++seed) {
    ExpectEveryMethodProtects(
        testing::RandomCounts({testing::ThreeLevelAxis({2, 3, 2}), testing::FlatAxis(4)}, seed),
        seed);
    ExpectEveryMethodProtects(
        testing::RandomCounts(
            {testing::ThreeLevelAxis({2, 2}), testing::FlatAxis(3), testing::FlatAxis(3)}, seed),
        seed);
  }
}

TEST(SecondarySuppressionTest, FourDimensionalTablesWithHierarchiesPassTheIndependentAudit) {
  // Two hierarchical axes and two flat ones: 5 x 6 x 3 x 3 = 270 cells.
  for (uint64_t seed = 300; seed < 303; ++seed) {
    ExpectEveryMethodProtects(
        testing::RandomCounts({testing::ThreeLevelAxis({2, 1}), testing::ThreeLevelAxis({1, 2}),
                               testing::FlatAxis(2), testing::FlatAxis(2)},
                              seed),
        seed);
  }
}

TEST(SecondarySuppressionTest, CleanupPublishesCellsAgainOnRandomTables) {
  // The pass never adds a cell, and on these tables it publishes some.
  int before = 0;
  int after = 0;
  for (uint64_t seed = 400; seed < 410; ++seed) {
    const testing::TestTable t = testing::RandomCounts(
        {testing::ThreeLevelAxis({2, 2, 2}), testing::FlatAxis(3), testing::FlatAxis(2)}, seed);
    std::vector<bool> primary;
    const MeasureTable m = testing::ThresholdPrimaries(t, 3, primary);
    const TableStructure structure = *StructureOf(t.Axes());
    int counts[2] = {0, 0};
    for (const bool cleanup : {false, true}) {
      SuppressionOptions options;
      options.cleanup = cleanup;
      std::vector<bool> suppressed = primary;
      std::vector<std::vector<Certificate>> certificates;
      ASSERT_OK(SuppressTables(structure, {m}, testing::CostsOf(t.values), suppressed,
                               certificates, options));
      for (int64_t c = 0; c < t.Cells(); ++c) counts[cleanup] += suppressed[c] && !primary[c];
    }
    EXPECT_LE(counts[1], counts[0]) << "seed " << seed;
    before += counts[0];
    after += counts[1];
  }
  EXPECT_LT(after, before);
}

TEST(SecondarySuppressionTest, SuppressTablesIsDeterministic) {
  const testing::TestTable t = testing::RandomCounts(
      {testing::ThreeLevelAxis({3, 2}), testing::FlatAxis(4), testing::FlatAxis(2)}, 77);
  std::vector<bool> primary;
  const MeasureTable m = testing::ThresholdPrimaries(t, 3, primary);
  const TableStructure structure = *StructureOf(t.Axes());
  for (const SuppressionOptions& options : AllMethods()) {
    std::vector<bool> first = primary;
    std::vector<bool> second = primary;
    std::vector<std::vector<Certificate>> first_certificates;
    std::vector<std::vector<Certificate>> second_certificates;
    ASSERT_OK(SuppressTables(structure, {m}, testing::CostsOf(t.values), first,
                             first_certificates, options));
    ASSERT_OK(SuppressTables(structure, {m}, testing::CostsOf(t.values), second,
                             second_certificates, options));
    EXPECT_EQ(first, second);
    ASSERT_EQ(first_certificates[0].size(), second_certificates[0].size());
    for (size_t i = 0; i < first_certificates[0].size(); ++i) {
      EXPECT_EQ(first_certificates[0][i].perturbation.changes,
                second_certificates[0][i].perturbation.changes);
    }
  }
}

// A sum table over the cells of `counts` with the same primary cells: the
// sums are `per_record` times the counts, each protected by `share` of its
// value both ways (down to 0 at most).
MeasureTable SumsOf(const testing::TestTable& counts, const MeasureTable& count_table,
                    double per_record, double share) {
  MeasureTable sums;
  sums.name = "sum:x";
  sums.floor = 0;
  for (double n : counts.values) sums.values.push_back(per_record * n);
  for (const Protection& p : count_table.required) {
    const double x = sums.values[p.cell];
    const double level = std::max(1.0, std::ceil(share * x));
    sums.required.push_back({p.cell, std::min(level, x), level});
  }
  return sums;
}

// Solves `m` over `t` by the LP, solving ahead; returns the pattern and
// appends the certificates.
std::vector<bool> SolvedAhead(const testing::TestTable& t, const MeasureTable& m,
                              const std::vector<bool>& primary,
                              std::vector<Certificate>& certificates) {
  SuppressionOptions options;
  options.method = SuppressionMethod::kLpOnly;
  options.solve_ahead = true;
  std::vector<bool> suppressed = primary;
  std::vector<std::vector<Certificate>> all;
  EXPECT_OK(SuppressTables(*StructureOf(t.Axes()), {m}, testing::CostsOf(t.values), suppressed,
                           all, options));
  certificates = all.empty() ? std::vector<Certificate>{} : all[0];
  return suppressed;
}

TEST(SecondarySuppressionTest, SolvingAheadGivesTheSamePatternWhetherTheSolverThreadIsFreeOrBusy) {
  // 8 x 9 x 4 cells with margins, many small leaves: several cells need
  // the LP, so some are solved ahead on the solver thread.
  const testing::TestTable t = testing::RandomCounts(
      {testing::ThreeLevelAxis({3, 3}), testing::FlatAxis(8), testing::FlatAxis(3)}, 91);
  std::vector<bool> primary;
  const MeasureTable m = testing::ThresholdPrimaries(t, 3, primary);
  ASSERT_GE(m.required.size(), 10u);
  EXPECT_THAT(testing::IndependentAttack(t, m, primary), ::testing::Not(::testing::IsEmpty()));
  const int64_t tasks_before = SolverThread::Shared().tasks_run();
  std::vector<Certificate> beside_certificates;
  const std::vector<bool> beside = SolvedAhead(t, m, primary, beside_certificates);
  EXPECT_GT(SolverThread::Shared().tasks_run(), tasks_before);
  EXPECT_THAT(testing::IndependentAttack(t, m, beside), ::testing::IsEmpty());
  EXPECT_OK(VerifyCertificates(*StructureOf(t.Axes()), m, beside, beside_certificates));
  // Again while another caller holds the solver thread: the caller solves
  // both itself, and the pattern and its proofs are the same.
  std::vector<Certificate> inline_certificates;
  std::vector<bool> inline_pattern;
  {
    testing::SolverThreadHold hold;
    const int64_t tasks_while_held = SolverThread::Shared().tasks_run();
    inline_pattern = SolvedAhead(t, m, primary, inline_certificates);
    EXPECT_EQ(SolverThread::Shared().tasks_run(), tasks_while_held);
  }
  EXPECT_EQ(inline_pattern, beside);
  ASSERT_EQ(inline_certificates.size(), beside_certificates.size());
  for (size_t i = 0; i < beside_certificates.size(); ++i) {
    EXPECT_EQ(inline_certificates[i].cell, beside_certificates[i].cell);
    EXPECT_EQ(inline_certificates[i].perturbation.changes,
              beside_certificates[i].perturbation.changes);
  }
}

TEST(SecondarySuppressionTest, ASumTableIsProtectedAlongTheCountsCertificates) {
  const testing::TestTable t = testing::RandomCounts(
      {testing::ThreeLevelAxis({3, 3}), testing::FlatAxis(4), testing::FlatAxis(3)}, 12);
  std::vector<bool> primary;
  const MeasureTable counts = testing::ThresholdPrimaries(t, 3, primary);
  ASSERT_GE(counts.required.size(), 5u);
  const TableStructure structure = *StructureOf(t.Axes());
  const SuppressionCosts costs = testing::CostsOf(t.values);
  // Ages in months: a few percent of a sum is far less than the sums of the
  // cells a count certificate moves, so the scaled hints keep the floor.
  const MeasureTable ages = SumsOf(t, counts, 72, 0.05);
  std::vector<bool> suppressed = primary;
  std::vector<std::vector<Certificate>> certificates;
  ASSERT_OK(SuppressTables(structure, {counts, ages}, costs, suppressed, certificates));
  EXPECT_OK(VerifyCertificates(structure, counts, suppressed, certificates[0]));
  EXPECT_OK(VerifyCertificates(structure, ages, suppressed, certificates[1]));
  // Some sum certificates are count certificates scaled.
  int reused = 0;
  for (const Certificate& sum : certificates[1]) {
    for (const Certificate& count : certificates[0]) {
      if (sum.perturbation.changes.size() != count.perturbation.changes.size()) continue;
      bool same_cells = true;
      for (size_t i = 0; i < sum.perturbation.changes.size(); ++i) {
        same_cells &= sum.perturbation.changes[i].first == count.perturbation.changes[i].first;
      }
      reused += same_cells;
    }
  }
  EXPECT_GT(reused, 0);
}

// Leaf values from `leaf` (cell -> value, for cells that are leaves on
// every axis), with every margin and subtotal added up.
std::vector<double> Additive(const testing::TestTable& shape,
                             const std::function<double(int64_t)>& leaf) {
  std::vector<double> values(shape.Cells(), 0);
  auto is_leaf = [&](size_t a, int32_t e) {
    return std::find(shape.parents[a].begin(), shape.parents[a].end(), e) ==
           shape.parents[a].end();
  };
  for (int64_t c = 0; c < shape.Cells(); ++c) {
    const std::vector<int32_t> coords = shape.Coords(c);
    bool leaf_cell = true;
    for (size_t a = 0; a < coords.size(); ++a) leaf_cell &= is_leaf(a, coords[a]);
    if (!leaf_cell) continue;
    const double v = leaf(c);
    // Every combination of the entry or one of its ancestors per axis.
    std::vector<std::vector<int32_t>> chains(coords.size());
    for (size_t a = 0; a < coords.size(); ++a) {
      for (int32_t e = coords[a]; e >= 0; e = shape.parents[a][e]) chains[a].push_back(e);
    }
    std::vector<size_t> pick(coords.size(), 0);
    for (;;) {
      std::vector<int32_t> at(coords.size());
      for (size_t a = 0; a < coords.size(); ++a) at[a] = chains[a][pick[a]];
      values[shape.Index(at)] += v;
      size_t a = 0;
      while (a < coords.size() && ++pick[a] == chains[a].size()) pick[a++] = 0;
      if (a == coords.size()) break;
    }
  }
  return values;
}

TEST(SecondarySuppressionTest, AHintThatWouldPushASumBelowZeroIsNotTaken) {
  // The small cells hold large sums (one big contributor each), the others
  // a sum of 1 per record: a count certificate scaled up to half a small
  // cell's sum would move the other cells it touches far below zero.
  const testing::TestTable t = testing::RandomCounts(
      {testing::ThreeLevelAxis({3, 3}), testing::FlatAxis(4), testing::FlatAxis(3)}, 12);
  std::vector<bool> primary;
  const MeasureTable counts = testing::ThresholdPrimaries(t, 3, primary);
  ASSERT_GE(counts.required.size(), 5u);
  const TableStructure structure = *StructureOf(t.Axes());
  MeasureTable sums;
  sums.name = "sum:x";
  sums.floor = 0;
  sums.values = Additive(t, [&](int64_t c) { return primary[c] ? 1000.0 : t.values[c]; });
  for (const Protection& p : counts.required) {
    sums.required.push_back({p.cell, 500, 500});
  }
  std::vector<bool> suppressed = primary;
  std::vector<std::vector<Certificate>> certificates;
  ASSERT_OK(SuppressTables(structure, {counts, sums}, testing::CostsOf(t.values), suppressed,
                           certificates));
  EXPECT_OK(VerifyCertificates(structure, sums, suppressed, certificates[1]));
}

// The offline tools' school table (SDC-ORACLES.md) as a test table.
testing::TestTable AsTestTable(const v1::ComputedTable& table) {
  testing::TestTable t;
  for (const v1::Axis& axis : table.axes()) {
    std::vector<int32_t>& parents = t.parents.emplace_back();
    for (const v1::AxisEntry& entry : axis.entries()) parents.push_back(entry.parent());
  }
  t.values.assign(table.record_count().begin(), table.record_count().end());
  return t;
}

TEST(SecondarySuppressionTest, SchoolTablePassesTheIndependentAudit) {
  // 966 cells, Total > 40 districts > 120 schools x 5 groups, k = 4, with
  // the method TableProtector picks for it.
  const testing::TestTable t = AsTestTable(testing::SchoolTable());
  std::vector<bool> primary;
  const MeasureTable m = testing::ThresholdPrimaries(t, 4, primary);
  ASSERT_GT(m.required.size(), 150u);
  const TableStructure structure = *StructureOf(t.Axes());
  EXPECT_THAT(testing::IndependentAttack(t, m, primary), ::testing::Not(::testing::IsEmpty()));
  std::vector<bool> suppressed = primary;
  std::vector<std::vector<Certificate>> certificates;
  ASSERT_OK(SuppressTables(structure, {m}, testing::CostsOf(t.values), suppressed, certificates,
                           OptionsFor(structure, {m})));
  EXPECT_THAT(testing::IndependentAttack(t, m, suppressed), ::testing::IsEmpty());
  EXPECT_OK(VerifyCertificates(structure, m, suppressed, certificates[0]));
}

}  // namespace
}  // namespace cellgate::policies
