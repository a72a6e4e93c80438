#include "policies/testing/hierarchical_tables.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "policies/lp/linear_program.h"

namespace cellgate::policies::testing {
namespace {

// Whether `entry` is `root` or lies below it.
bool Below(const std::vector<int32_t>& parents, int32_t entry, int32_t root) {
  for (int32_t e = entry; e >= 0; e = parents[e]) {
    if (e == root) return true;
  }
  return false;
}

bool HasChildren(const std::vector<int32_t>& parents, int32_t entry) {
  return std::find(parents.begin(), parents.end(), entry) != parents.end();
}

}  // namespace

int64_t TestTable::Cells() const {
  int64_t n = 1;
  for (const auto& axis : parents) n *= static_cast<int64_t>(axis.size());
  return n;
}

std::vector<int32_t> TestTable::Coords(int64_t cell) const {
  std::vector<int32_t> coords(parents.size());
  for (int a = static_cast<int>(parents.size()) - 1; a >= 0; --a) {
    const int64_t size = static_cast<int64_t>(parents[a].size());
    coords[a] = static_cast<int32_t>(cell % size);
    cell /= size;
  }
  return coords;
}

int64_t TestTable::Index(const std::vector<int32_t>& coords) const {
  int64_t index = 0;
  for (size_t a = 0; a < parents.size(); ++a) {
    index = index * static_cast<int64_t>(parents[a].size()) + coords[a];
  }
  return index;
}

google::protobuf::RepeatedPtrField<v1::Axis> TestTable::Axes() const {
  google::protobuf::RepeatedPtrField<v1::Axis> axes;
  for (size_t a = 0; a < parents.size(); ++a) {
    v1::Axis& axis = *axes.Add();
    axis.set_dimension(absl::StrCat("a", a));
    for (size_t e = 0; e < parents[a].size(); ++e) {
      v1::AxisEntry& entry = *axis.add_entries();
      entry.set_code(absl::StrCat("a", a, "e", e));
      entry.set_parent(parents[a][e]);
      entry.set_is_total(parents[a][e] < 0);
    }
  }
  return axes;
}

std::vector<int32_t> ThreeLevelAxis(const std::vector<int>& leaves_per_group) {
  std::vector<int32_t> parents = {-1};
  for (int leaves : leaves_per_group) {
    const int32_t group = static_cast<int32_t>(parents.size());
    parents.push_back(0);
    for (int i = 0; i < leaves; ++i) parents.push_back(group);
  }
  return parents;
}

std::vector<int32_t> FlatAxis(int leaves) {
  std::vector<int32_t> parents = {-1};
  for (int i = 0; i < leaves; ++i) parents.push_back(0);
  return parents;
}

// The leaf cells of `t` (every coordinate an entry without children).
std::vector<int64_t> LeafCells(const TestTable& t) {
  std::vector<int64_t> leaves;
  for (int64_t c = 0; c < t.Cells(); ++c) {
    const std::vector<int32_t> coords = t.Coords(c);
    bool leaf = true;
    for (size_t a = 0; a < coords.size(); ++a) leaf = leaf && !HasChildren(t.parents[a], coords[a]);
    if (leaf) leaves.push_back(c);
  }
  return leaves;
}

// Adds `v` at leaf cell `leaf` into every cell whose coordinates are the
// leaf's or their ancestors.
void AddUp(TestTable& t, int64_t leaf, double v) {
  const std::vector<int32_t> own = t.Coords(leaf);
  for (int64_t c = 0; c < t.Cells(); ++c) {
    const std::vector<int32_t> coords = t.Coords(c);
    bool above = true;
    for (size_t a = 0; a < coords.size() && above; ++a) {
      above = Below(t.parents[a], own[a], coords[a]);
    }
    if (above) t.values[c] += v;
  }
}

TestTable RandomCounts(std::vector<std::vector<int32_t>> parents, uint64_t seed) {
  TestTable t{std::move(parents), {}};
  t.values.assign(t.Cells(), 0);
  std::mt19937_64 rng(seed);
  for (int64_t leaf : LeafCells(t)) {
    const int roll = static_cast<int>(rng() % 15);
    AddUp(t, leaf, roll < 3 ? 0 : roll < 8 ? 1 + rng() % 2 : 3 + rng() % 20);
  }
  return t;
}

TestTable RandomSums(const TestTable& counts, uint64_t seed) {
  TestTable t{counts.parents, std::vector<double>(counts.Cells(), 0)};
  std::mt19937_64 rng(seed);
  for (int64_t leaf : LeafCells(t)) {
    AddUp(t, leaf, counts.values[leaf] * static_cast<double>(5 + rng() % 20));
  }
  return t;
}

MeasureTable ThresholdPrimaries(const TestTable& table, int k, std::vector<bool>& suppressed) {
  MeasureTable m;
  m.name = "count";
  m.floor = 1;
  m.values = table.values;
  suppressed.assign(table.Cells(), false);
  for (int64_t c = 0; c < table.Cells(); ++c) {
    const double n = table.values[c];
    if (n > 0 && n < k) {
      suppressed[c] = true;
      m.required.push_back({static_cast<int32_t>(c), 0, std::max(1.0, k - n)});
    }
  }
  return m;
}

SuppressionCosts CostsOf(const std::vector<double>& values) {
  SuppressionCosts costs;
  for (double v : values) {
    costs.per_unit.push_back(1 + v);
    costs.may_suppress.push_back(v > 0);
  }
  return costs;
}

std::vector<int32_t> IndependentAttack(const TestTable& shape, const MeasureTable& table,
                                       const std::vector<bool>& suppressed) {
  LinearProgram lp;
  std::vector<int> var(shape.Cells(), -1);
  for (int64_t c = 0; c < shape.Cells(); ++c) {
    if (suppressed[c]) var[c] = lp.AddVariable(table.floor, kInfinity);
  }
  for (size_t a = 0; a < shape.parents.size(); ++a) {
    const std::vector<int32_t>& parents = shape.parents[a];
    for (int64_t c = 0; c < shape.Cells(); ++c) {
      std::vector<int32_t> coords = shape.Coords(c);
      const int32_t total = coords[a];
      if (!HasChildren(parents, total)) continue;
      std::vector<std::pair<int, double>> terms;
      double rhs = 0;
      auto add = [&](int64_t cell, double sign) {
        if (var[cell] >= 0) {
          terms.emplace_back(var[cell], sign);
        } else {
          rhs -= sign * table.values[cell];
        }
      };
      add(c, 1);
      for (int32_t e = 0; e < static_cast<int32_t>(parents.size()); ++e) {
        if (parents[e] != total) continue;
        coords[a] = e;
        add(shape.Index(coords), -1);
      }
      if (!terms.empty()) lp.AddEqualityRow(terms, rhs);
    }
  }
  std::vector<int32_t> narrowed;
  for (const Protection& p : table.required) {
    if (!suppressed[p.cell]) {
      narrowed.push_back(p.cell);
      continue;
    }
    const double value = table.values[p.cell];
    const auto low = lp.Solve(LpSense::kMinimize, {{var[p.cell], 1}});
    const auto high = lp.Solve(LpSense::kMaximize, {{var[p.cell], 1}});
    const bool open =
        low.ok() && high.ok() && low->outcome != LpSolution::kInfeasible &&
        (low->outcome != LpSolution::kOptimal || low->objective <= value - p.lower + 1e-6) &&
        (high->outcome != LpSolution::kOptimal || high->objective >= value + p.upper - 1e-6);
    if (!open) narrowed.push_back(p.cell);
  }
  return narrowed;
}

}  // namespace cellgate::policies::testing
