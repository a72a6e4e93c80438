#include "policies/protection_lp.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cellgate::policies {
namespace {

// A perturbation y = up - down per cell; |y| > kMoved counts as touched.
constexpr double kMoved = 1e-7;

// Appends the descendants of `entry` on `axis` (bounded by the axis size
// against cycles).
void Descendants(const AxisShape& axis, int32_t entry, std::vector<int32_t>& out) {
  std::vector<int32_t> stack = {entry};
  while (!stack.empty() && static_cast<int32_t>(out.size()) <= axis.size()) {
    const int32_t e = stack.back();
    stack.pop_back();
    for (int32_t child : axis.children[e]) {
      out.push_back(child);
      stack.push_back(child);
    }
  }
}

// The product of per-axis entry sets as ascending cell indices.
std::vector<int32_t> Product(const TableStructure& structure,
                             std::vector<std::vector<int32_t>>& entries) {
  std::vector<int32_t> cells = {0};
  for (size_t a = 0; a < structure.axes.size(); ++a) {
    std::vector<int32_t>& own = entries[a];
    std::sort(own.begin(), own.end());
    own.erase(std::unique(own.begin(), own.end()), own.end());
    std::vector<int32_t> next;
    next.reserve(cells.size() * own.size());
    for (int32_t base : cells) {
      for (int32_t e : own) {
        next.push_back(static_cast<int32_t>(base + e * structure.axes[a].stride));
      }
    }
    cells.swap(next);
  }
  // Row-major: axis 0 has the largest stride, so with each axis's entries
  // ascending the cells come out ascending.
  return cells;
}

}  // namespace

CellEquations::CellEquations(const TableStructure& structure) : of_(structure.cells) {
  for (size_t i = 0; i < structure.equations.size(); ++i) {
    const Additivity& eq = structure.equations[i];
    of_[eq.total].push_back(static_cast<int32_t>(i));
    for (int32_t part : eq.parts) of_[part].push_back(static_cast<int32_t>(i));
  }
}

ProtectionLp::ProtectionLp(const TableStructure& structure, const MeasureTable& table,
                           const SuppressionCosts& costs, const CellEquations& equations,
                           const std::vector<bool>& suppressed, std::vector<int32_t> region)
    : table_(table), costs_(costs), region_(std::move(region)) {
  whole_ = region_.empty();
  const int32_t cells =
      whole_ ? static_cast<int32_t>(structure.cells) : static_cast<int32_t>(region_.size());
  up_.resize(cells);
  down_.resize(cells);
  for (int32_t k = 0; k < cells; ++k) {
    const int32_t c = whole_ ? k : region_[k];
    up_[k] = lp_.AddVariable(0, kInfinity);
    down_[k] = lp_.AddVariable(0, DownLimit(c));
    Price(c, suppressed[c]);
  }
  // Every equation with a cell in the region; cells outside it do not move,
  // so they drop out of the row.
  std::vector<int32_t> rows;
  if (whole_) {
    rows.resize(structure.equations.size());
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int32_t>(i);
  } else {
    for (int32_t c : region_) {
      const std::vector<int32_t>& of = equations.of(c);
      rows.insert(rows.end(), of.begin(), of.end());
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  }
  std::vector<std::pair<int, double>> terms;
  for (int32_t i : rows) {
    const Additivity& eq = structure.equations[i];
    terms.clear();
    auto add = [&](int32_t cell, double sign) {
      const int k = Local(cell);
      if (k < 0) return;
      terms.emplace_back(up_[k], sign);
      terms.emplace_back(down_[k], -sign);
    };
    add(eq.total, 1);
    for (int32_t part : eq.parts) add(part, -1);
    lp_.AddEqualityRow(terms, 0);
  }
}

int ProtectionLp::Local(int32_t cell) const {
  if (whole_) return cell;
  const auto it = std::lower_bound(region_.begin(), region_.end(), cell);
  return it != region_.end() && *it == cell ? static_cast<int>(it - region_.begin()) : -1;
}

double ProtectionLp::DownLimit(int32_t cell) const {
  return std::isfinite(table_.floor) ? std::max(0.0, table_.values[cell] - table_.floor)
                                     : kInfinity;
}

void ProtectionLp::Price(int32_t cell, bool suppressed) {
  const int k = Local(cell);
  if (k < 0) return;
  if (!suppressed && !costs_.may_suppress[cell]) {
    lp_.SetBounds(up_[k], 0, 0);
    lp_.SetBounds(down_[k], 0, 0);
    return;
  }
  lp_.SetBounds(up_[k], 0, kInfinity);
  lp_.SetBounds(down_[k], 0, DownLimit(cell));
  const double cost = suppressed ? 0 : costs_.per_unit[cell];
  lp_.SetCost(up_[k], cost);
  lp_.SetCost(down_[k], cost);
}

absl::StatusOr<std::optional<Perturbation>> ProtectionLp::Cheapest(int32_t cell, double delta) {
  const int k = Local(cell);
  if (k < 0) return absl::InternalError(absl::StrCat("cell ", cell, " is outside the region"));
  // The cell itself is suppressed and free: pin its other direction to 0
  // so that up and down cannot cancel. Exactly `delta`: with suppressed
  // cells free, a larger move can cost nothing too, and the certificate
  // must move the cell by its level (a feasible larger move scales down to
  // it: the constraints are convex and hold at zero).
  const bool upward = delta > 0;
  const double amount = std::fabs(delta);
  const int moved = upward ? up_[k] : down_[k];
  const int other = upward ? down_[k] : up_[k];
  const double down_limit = DownLimit(cell);
  const double moved_limit = upward ? kInfinity : down_limit;
  const double other_limit = upward ? down_limit : kInfinity;
  if (amount > moved_limit) return std::nullopt;
  lp_.SetBounds(moved, amount, amount);
  lp_.SetBounds(other, 0, 0);
  // From the zero perturbation (the slack basis, dual feasible as every
  // cost is >= 0) the dual simplex builds just the one cycle needed. The
  // last basis holds the cycles of the cells before, which then linger
  // (free through suppressed cells) and cost pivots: on the 3,864-cell
  // table, 85,000 instead of 125,000 iterations, half the time.
  lp_.ResetBasis();
  absl::StatusOr<LpSolution> solution = lp_.Solve(LpSense::kMinimize);
  lp_.SetBounds(moved, 0, moved_limit);
  lp_.SetBounds(other, 0, other_limit);
  if (!solution.ok()) return solution.status();
  if (solution->outcome != LpSolution::kOptimal) return std::nullopt;
  Perturbation touched;
  for (size_t j = 0; j < up_.size(); ++j) {
    const double change = solution->values[up_[j]] - solution->values[down_[j]];
    if (std::fabs(change) > kMoved) {
      touched.changes.emplace_back(whole_ ? static_cast<int32_t>(j) : region_[j], change);
    }
  }
  return touched;
}

std::vector<int32_t> SubtableOf(const TableStructure& structure, int32_t cell) {
  std::vector<std::vector<int32_t>> entries(structure.axes.size());
  for (size_t a = 0; a < structure.axes.size(); ++a) {
    const AxisShape& axis = structure.axes[a];
    const int32_t own = structure.Coordinate(cell, static_cast<int>(a));
    const int32_t parent = axis.parent[own];
    if (parent >= 0) {
      entries[a].push_back(parent);
      entries[a].insert(entries[a].end(), axis.children[parent].begin(),
                        axis.children[parent].end());
    } else {
      entries[a].push_back(own);
    }
    Descendants(axis, own, entries[a]);
  }
  return Product(structure, entries);
}

}  // namespace cellgate::policies
