// Secondary suppression plus the attacker-LP audit, against the primary rule
// alone, in the same binary and run:
//
//   BM_ProtectFull         threshold rule + secondary suppression + audit,
//                          4-D table of 9,920 cells with a 3-level hierarchy
//   BM_PrimaryRuleOnly     threshold rule alone (what was released before #3)
//   BM_SecondaryMethod     each secondary-suppression method on a 3-D table
//   BM_School*             the offline tools' table (SDC-ORACLES.md): schools
//                          in districts x nationality [x sex], k = 4, through
//                          the protector and through each method, also under
//                          the offline tools' weaker criterion
//   BM_FourDimMethod       the methods fast enough for the 4-D table
//   …_whole                the same with the protection LP over the whole
//                          table per cell (RegionSolve::kWhole), the
//                          baseline of the priced LP
//
// Axes of the 4-D table: Stadtteil (24) -> Bezirk (6) -> total, Schulart (9)
// + total, Geschlecht (3) + total, Jahr (7) + total. Counts are skewed so
// that a realistic share of cells is small. Every benchmark reports the
// secondary cells and the records in them (the information loss).
// Results: docs/performance.md.
#include <optional>
#include <random>

#include "benchmark/benchmark.h"
#include "policies/cell_marks.h"
#include "policies/secondary_suppression.h"
#include "policies/table_protector.h"
#include "policies/table_structure.h"
#include "policies/testing/school_tables.h"
#include "policies/threshold_rule.h"

namespace cellgate::policies {
namespace {

// Adds an axis with `leaves` codes, optionally grouped `group` at a time
// into subtotals, and a total.
void AddAxis(v1::ComputedTable& table, const std::string& name, int leaves, int group) {
  v1::Axis& axis = *table.add_axes();
  axis.set_dimension(name);
  const int groups = group > 0 ? (leaves + group - 1) / group : 0;
  const int total = leaves + groups;
  for (int i = 0; i < leaves; ++i) {
    v1::AxisEntry* e = axis.add_entries();
    e->set_code(absl::StrCat(name, i));
    e->set_parent(group > 0 ? leaves + i / group : total);
  }
  for (int g = 0; g < groups; ++g) {
    v1::AxisEntry* e = axis.add_entries();
    e->set_code(absl::StrCat(name, "G", g));
    e->set_parent(total);
  }
  v1::AxisEntry* t = axis.add_entries();
  t->set_code("_T");
  t->set_is_total(true);
  t->set_parent(-1);
}

// Leaf counts drawn at random, margins added up along every axis. With
// `years` 1 the Jahr axis is left out (a 3-dimensional table of 1,240 cells).
v1::ComputedTable MakeTable(uint64_t seed, int years = 7) {
  v1::ComputedTable table;
  table.set_dataset("bench");
  AddAxis(table, "stadtteil", 24, 4);
  AddAxis(table, "schulart", 9, 0);
  AddAxis(table, "sex", 3, 0);
  if (years > 1) AddAxis(table, "jahr", years, 0);
  std::vector<int> size;
  int64_t cells = 1;
  for (const v1::Axis& a : table.axes()) {
    size.push_back(a.entries_size());
    cells *= a.entries_size();
  }
  std::vector<int64_t> counts(cells, 0);
  std::mt19937_64 rng(seed);
  std::geometric_distribution<int> small(0.08);
  // Leaf index ranges: stadtteil 0..23, schulart 0..8, sex 0..2, jahr 0..6.
  for (int s = 0; s < 24; ++s) {
    for (int a = 0; a < 9; ++a) {
      for (int g = 0; g < 3; ++g) {
        for (int j = 0; j < years; ++j) {
          const int64_t n = g == 2 ? static_cast<int64_t>(rng() % 3) : small(rng);
          // Add into every combination of the leaf and its ancestors.
          const std::vector<std::vector<int>> up = {
              {s, 24 + s / 4, 30}, {a, 9}, {g, 3}, years > 1 ? std::vector<int>{j, years} : std::vector<int>{0}};
          for (int i0 : up[0]) {
            for (int i1 : up[1]) {
              for (int i2 : up[2]) {
                for (int i3 : up[3]) {
                  const int64_t last = years > 1 ? size[3] : 1;
                  counts[((int64_t{i0} * size[1] + i1) * size[2] + i2) * last + i3] += n;
                }
              }
            }
          }
        }
      }
    }
  }
  for (int64_t n : counts) table.add_record_count(n);
  v1::MeasureFacts* count = table.add_measures();
  count->mutable_measure()->set_kind(v1::Measure::COUNT);
  return table;
}

v1::DisclosurePolicy Policy(int64_t k = 3) {
  v1::DisclosurePolicy policy;
  policy.set_id("bench");
  policy.set_version(1);
  policy.set_dataset("bench");
  policy.mutable_threshold()->set_k(k);
  return policy;
}

// The whole protector (primary rule, secondary suppression, audit) on
// `table` with threshold `k`.
void Protect(benchmark::State& state, const v1::ComputedTable& table, int64_t k) {
  const absl::StatusOr<TableProtector> protector = TableProtector::Create(Policy(k));
  v1::ReleaseDecision decision;
  for (auto _ : state) {
    absl::StatusOr<v1::ReleaseDecision> protected_table = protector->Protect(table);
    if (!protected_table.ok()) {
      state.SkipWithError(std::string(protected_table.status().message()).c_str());
      return;
    }
    decision = *std::move(protected_table);
  }
  double records = 0;
  for (int c = 0; c < table.record_count_size(); ++c) {
    const int64_t n = table.record_count(c);
    if (decision.table().cells(c).values(0).status() == v1::SUPPRESSED && !(n > 0 && n < k)) {
      records += static_cast<double>(n);
    }
  }
  const v1::ReleaseCounts& counts = decision.counts();
  state.counters["cells"] = static_cast<double>(counts.cells());
  state.counters["primary"] = static_cast<double>(counts.suppressed_primary());
  state.counters["secondary"] = static_cast<double>(counts.suppressed_secondary());
  state.counters["secondary_records"] = records;
}

void BM_ProtectFull(benchmark::State& state) { Protect(state, MakeTable(2026), 3); }
BENCHMARK(BM_ProtectFull)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_PrimaryRuleOnly(benchmark::State& state) {
  const v1::ComputedTable table = MakeTable(2026);
  const v1::DisclosurePolicy policy = Policy();
  const ThresholdRule rule(policy.threshold());
  int suppressed = 0;
  for (auto _ : state) {
    CellMarks marks(table.record_count_size());
    rule.Mark(table, marks);
    suppressed = marks.suppressed_count();
    benchmark::DoNotOptimize(marks);
  }
  state.counters["cells"] = static_cast<double>(table.record_count_size());
  state.counters["primary"] = static_cast<double>(suppressed);
}
BENCHMARK(BM_PrimaryRuleOnly)->Unit(benchmark::kMillisecond);

// What protected means for a primary count n (docs/policies.md): cellgate's
// rule, or the weaker one the offline tools check (sdcTable's attack():
// only "not exactly computable", suppressed cells may be 0), to compare
// with their numbers in SDC-ORACLES.md.
enum class Criterion { kCellgate, kOfflineTools };

// One secondary-suppression method alone on the count table of `table`
// with threshold `k` (default protection levels: up to k, nothing below);
// `options` unset: the method TableProtector picks (OptionsFor).
void Method(benchmark::State& state, const v1::ComputedTable& table, int64_t k,
            std::optional<SuppressionOptions> options,
            Criterion criterion = Criterion::kCellgate, RegionSolve solve = RegionSolve::kPriced) {
  const TableStructure structure = *StructureOf(table.axes());
  MeasureTable counts;
  counts.name = "count";
  counts.floor = criterion == Criterion::kCellgate ? 1 : 0;
  counts.values.assign(table.record_count().begin(), table.record_count().end());
  std::vector<bool> primary(counts.values.size(), false);
  SuppressionCosts costs;
  for (size_t c = 0; c < counts.values.size(); ++c) {
    const double n = counts.values[c];
    costs.per_unit.push_back(1 + n);
    costs.may_suppress.push_back(n > 0);
    if (n > 0 && n < static_cast<double>(k)) {
      primary[c] = true;
      const double upper = criterion == Criterion::kCellgate ? std::max(1.0, k - n) : 1;
      counts.required.push_back({static_cast<int32_t>(c), 0, upper});
    }
  }
  if (!options.has_value()) options = OptionsFor(structure, {counts});
  options->lp_solve = solve;
  int64_t secondary = 0;
  double suppressed_records = 0;
  for (auto _ : state) {
    std::vector<bool> suppressed = primary;
    std::vector<std::vector<Certificate>> certificates;
    if (!SuppressTables(structure, {counts}, costs, suppressed, certificates, *options).ok()) {
      state.SkipWithError("suppression failed");
      return;
    }
    secondary = 0;
    suppressed_records = 0;
    for (size_t c = 0; c < suppressed.size(); ++c) {
      if (suppressed[c] && !primary[c]) {
        ++secondary;
        suppressed_records += counts.values[c];
      }
    }
  }
  state.counters["cells"] = static_cast<double>(counts.values.size());
  state.counters["primary"] = static_cast<double>(counts.required.size());
  state.counters["secondary"] = static_cast<double>(secondary);
  state.counters["secondary_records"] = suppressed_records;
}

// The methods compared: the two first passes of ADR 0002 alone, each with
// the cleanup pass of ADR 0010, hypercubes with the LP for the expensive
// ones, and (unset) the choice TableProtector makes.
SuppressionOptions Options(SuppressionMethod method, bool cleanup, double max_cost = kInfinity) {
  SuppressionOptions options;
  options.method = method;
  options.cleanup = cleanup;
  options.hypercube_max_cost = max_cost;
  return options;
}
const SuppressionOptions kHypercubes = Options(SuppressionMethod::kHypercubeThenLp, false);
const SuppressionOptions kLp = Options(SuppressionMethod::kLpOnly, false);
const SuppressionOptions kHypercubesCleanup = Options(SuppressionMethod::kHypercubeThenLp, true);
const SuppressionOptions kLpCleanup = Options(SuppressionMethod::kLpOnly, true);
const SuppressionOptions kCheapHypercubesCleanup =
    Options(SuppressionMethod::kHypercubeThenLp, true, 40);
const std::optional<SuppressionOptions> kChosen;

// The methods on the same 3-dimensional table (1,240 cells, k = 3).
void BM_SecondaryMethod(benchmark::State& state, std::optional<SuppressionOptions> options,
                        RegionSolve solve = RegionSolve::kPriced) {
  Method(state, MakeTable(2026, /*years=*/1), 3, options, Criterion::kCellgate, solve);
}
BENCHMARK_CAPTURE(BM_SecondaryMethod, hypercubes, kHypercubes)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SecondaryMethod, lp, kLp)->Unit(benchmark::kMillisecond)->Iterations(1);
// The baseline of the priced protection LP (protection_lp.h): one LP over
// the whole table per cell.
BENCHMARK_CAPTURE(BM_SecondaryMethod, lp_whole, kLp, RegionSolve::kWhole)
    ->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SecondaryMethod, hypercubes_cleanup, kHypercubesCleanup)
    ->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SecondaryMethod, chosen, kChosen)
    ->Unit(benchmark::kMillisecond)->Iterations(1);

// The offline tools' table (k = 4, i.e. n <= 3 is unsafe): 966 cells, and
// 3,864 with sex (argument 1).
void BM_SchoolProtect(benchmark::State& state) {
  Protect(state, testing::SchoolTable({.with_sex = state.range(0) != 0}), 4);
}
BENCHMARK(BM_SchoolProtect)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_SchoolMethod(benchmark::State& state, std::optional<SuppressionOptions> options,
                     RegionSolve solve = RegionSolve::kPriced) {
  Method(state, testing::SchoolTable({.with_sex = state.range(0) != 0}), 4, options,
         Criterion::kCellgate, solve);
}
BENCHMARK_CAPTURE(BM_SchoolMethod, hypercubes, kHypercubes)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolMethod, lp, kLp)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolMethod, hypercubes_cleanup, kHypercubesCleanup)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolMethod, lp_whole, kLp, RegionSolve::kWhole)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolMethod, lp_cleanup, kLpCleanup)
    ->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolMethod, lp_cleanup_whole, kLpCleanup, RegionSolve::kWhole)
    ->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolMethod, chosen, kChosen)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolMethod, chosen_whole, kChosen, RegionSolve::kWhole)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolMethod, cheap_hypercubes_cleanup, kCheapHypercubesCleanup)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

// The same table under the offline tools' weaker criterion, to compare
// with their published counts (HiTaS: 85 secondary cells on 966).
void BM_SchoolOfflineCriterion(benchmark::State& state,
                               std::optional<SuppressionOptions> options) {
  Method(state, testing::SchoolTable({.with_sex = state.range(0) != 0}), 4, options,
         Criterion::kOfflineTools);
}
BENCHMARK_CAPTURE(BM_SchoolOfflineCriterion, hypercubes, kHypercubes)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_SchoolOfflineCriterion, chosen, kChosen)
    ->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

// The 4-D table's count table through the methods fast enough for it.
void BM_FourDimMethod(benchmark::State& state, std::optional<SuppressionOptions> options,
                      RegionSolve solve = RegionSolve::kPriced) {
  Method(state, MakeTable(2026), 3, options, Criterion::kCellgate, solve);
}
BENCHMARK_CAPTURE(BM_FourDimMethod, hypercubes, kHypercubes)
    ->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_FourDimMethod, chosen, kChosen)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_FourDimMethod, chosen_whole, kChosen, RegionSolve::kWhole)
    ->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace cellgate::policies

BENCHMARK_MAIN();
