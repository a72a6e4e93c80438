#include "policies/hypercube.h"

#include <algorithm>
#include <cmath>

#include "policies/lp/linear_program.h"

namespace cellgate::policies {
namespace {

// A move along one axis: entries with coefficient +1 or -1.
using AxisMove = std::vector<std::pair<int32_t, int>>;

// Candidates kept per axis before combining axes.
int KeptPerAxis(size_t dims) { return dims <= 2 ? 16 : dims == 3 ? 8 : 5; }

void Leaves(const AxisShape& axis, int32_t entry, std::vector<int32_t>& out) {
  if (axis.children[entry].empty()) {
    out.push_back(entry);
    return;
  }
  for (int32_t child : axis.children[entry]) Leaves(axis, child, out);
}

// The entry and its ancestors (bounded by the axis size against cycles).
std::vector<int32_t> Path(const AxisShape& axis, int32_t entry) {
  std::vector<int32_t> path;
  for (int32_t e = entry; e >= 0 && static_cast<int32_t>(path.size()) < axis.size();
       e = axis.parent[e]) {
    path.push_back(e);
  }
  return path;
}

bool InSubtree(const AxisShape& axis, int32_t entry, int32_t root) {
  for (int32_t e = entry, n = 0; e >= 0 && n < axis.size(); e = axis.parent[e], ++n) {
    if (e == root) return true;
  }
  return false;
}

// All moves along `axis` that contain `entry` with coefficient +1.
std::vector<AxisMove> MovesThrough(const AxisShape& axis, int32_t entry) {
  std::vector<int32_t> own;
  Leaves(axis, entry, own);
  std::vector<int32_t> all;
  for (int32_t e = 0; e < axis.size(); ++e) {
    if (axis.children[e].empty()) all.push_back(e);
  }
  std::vector<AxisMove> moves;
  for (int32_t l1 : own) {
    const std::vector<int32_t> up = Path(axis, l1);
    AxisMove alone;
    for (int32_t e : up) alone.emplace_back(e, 1);
    moves.push_back(alone);
    for (int32_t l2 : all) {
      if (InSubtree(axis, l2, entry)) continue;
      // Both paths run up to the top; their common ancestors cancel, and
      // below them the paths are disjoint.
      const std::vector<int32_t> down = Path(axis, l2);
      size_t i = up.size();
      size_t j = down.size();
      while (i > 0 && j > 0 && up[i - 1] == down[j - 1]) {
        --i;
        --j;
      }
      AxisMove move;
      move.reserve(i + j);
      for (size_t k = 0; k < i; ++k) move.emplace_back(up[k], 1);
      for (size_t k = 0; k < j; ++k) move.emplace_back(down[k], -1);
      std::sort(move.begin(), move.end());
      moves.push_back(std::move(move));
    }
  }
  return moves;
}

struct Scored {
  double cost;
  size_t index;
};

// Cost of changing `cell` by `change`; infinite if it may not change.
double CellCost(const MeasureTable& table, const SuppressionCosts& costs,
                const std::vector<bool>& suppressed, int64_t cell, double change) {
  if (std::isfinite(table.floor) && table.values[cell] + change < table.floor - 1e-9) {
    return kInfinity;
  }
  if (suppressed[cell]) return 0;
  if (!costs.may_suppress[cell]) return kInfinity;
  return costs.per_unit[cell] * std::fabs(change);
}

// The search of both functions below. With `only_free`, a move counts only
// if it touches suppressed cells alone on the line through `cell`, and the
// first combination that does so everywhere is returned: a corner of the
// hypercube off those lines is then the only thing left to check.
std::optional<Perturbation> Search(const TableStructure& structure, const MeasureTable& table,
                                   const SuppressionCosts* costs,
                                   const std::vector<bool>& suppressed, int32_t cell,
                                   double delta) {
  const bool only_free = costs == nullptr;
  auto cell_cost = [&](int64_t c, double change) {
    if (!only_free) return CellCost(table, *costs, suppressed, c, change);
    if (std::isfinite(table.floor) && table.values[c] + change < table.floor - 1e-9) {
      return kInfinity;
    }
    return suppressed[c] ? 0.0 : kInfinity;
  };
  const size_t dims = structure.axes.size();
  // Per axis, the moves ranked by their cost on the line through `cell`.
  std::vector<std::vector<AxisMove>> kept(dims);
  for (size_t a = 0; a < dims; ++a) {
    const AxisShape& axis = structure.axes[a];
    const int32_t own = structure.Coordinate(cell, static_cast<int>(a));
    const int64_t base = cell - int64_t{own} * axis.stride;
    std::vector<AxisMove> moves = MovesThrough(axis, own);
    std::vector<Scored> scored;
    for (size_t m = 0; m < moves.size(); ++m) {
      double cost = 0;
      for (const auto& [e, c] : moves[m]) {
        cost += cell_cost(base + int64_t{e} * axis.stride, c * delta);
        if (!std::isfinite(cost)) break;
      }
      if (std::isfinite(cost)) scored.push_back({cost + 1e-9 * moves[m].size(), m});
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const Scored& x, const Scored& y) { return x.cost < y.cost; });
    const size_t keep = std::min<size_t>(scored.size(), KeptPerAxis(dims));
    for (size_t i = 0; i < keep; ++i) kept[a].push_back(std::move(moves[scored[i].index]));
    if (kept[a].empty()) return std::nullopt;
  }
  // Every combination of the kept moves; the cheapest feasible one wins.
  std::optional<Perturbation> best;
  double best_cost = kInfinity;
  std::vector<size_t> pick(dims, 0);
  std::vector<std::pair<int64_t, int>> corners;
  std::vector<std::pair<int64_t, int>> next;
  while (true) {
    // Corners as (offset from `cell`, sign), built axis by axis.
    corners.assign(1, {0, 1});
    for (size_t a = 0; a < dims; ++a) {
      const AxisShape& axis = structure.axes[a];
      const int32_t own = structure.Coordinate(cell, static_cast<int>(a));
      next.clear();
      for (const auto& [offset, sign] : corners) {
        for (const auto& [e, c] : kept[a][pick[a]]) {
          next.emplace_back(offset + (int64_t{e} - own) * axis.stride, sign * c);
        }
      }
      corners.swap(next);
    }
    double cost = 0;
    Perturbation candidate;
    for (const auto& [offset, sign] : corners) {
      const int64_t target = cell + offset;
      cost += cell_cost(target, sign * delta);
      if (!std::isfinite(cost) || cost >= best_cost) break;
      candidate.changes.emplace_back(static_cast<int32_t>(target), sign * delta);
    }
    if (std::isfinite(cost) && cost < best_cost) {
      if (only_free) return candidate;
      best_cost = cost;
      best = std::move(candidate);
    }
    size_t a = 0;
    while (a < dims && ++pick[a] == kept[a].size()) pick[a++] = 0;
    if (a == dims) break;
  }
  return best;
}

}  // namespace

std::optional<Perturbation> FindHypercube(const TableStructure& structure,
                                          const MeasureTable& table,
                                          const SuppressionCosts& costs,
                                          const std::vector<bool>& suppressed, int32_t cell,
                                          double delta) {
  return Search(structure, table, &costs, suppressed, cell, delta);
}

std::optional<Perturbation> FindFreeHypercube(const TableStructure& structure,
                                              const MeasureTable& table,
                                              const std::vector<bool>& suppressed, int32_t cell,
                                              double delta) {
  return Search(structure, table, nullptr, suppressed, cell, delta);
}

}  // namespace cellgate::policies
