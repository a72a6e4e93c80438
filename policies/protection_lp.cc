#include "policies/protection_lp.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::policies {
namespace {

// A perturbation y = up - down per cell; |y| > kMoved counts as touched.
constexpr double kMoved = 1e-7;

// kPriced: a working set that would grow past 1/kLargeWorkingSet of the
// region gives way to the whole region (tests/bench/protection_benchmark.cc:
// growing further costs more rounds than the whole region's one solve).
constexpr size_t kLargeWorkingSet = 3;

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
                           const std::vector<bool>& suppressed, std::vector<int32_t> region,
                           RegionSolve solve, bool warm_start)
    : structure_(structure),
      table_(table),
      costs_(costs),
      equations_(equations),
      region_(std::move(region)),
      solve_(solve),
      warm_start_(warm_start),
      lp_(std::make_unique<LinearProgram>()) {
  whole_ = region_.empty();
  if (solve_ == RegionSolve::kPriced) {
    suppressed_ = suppressed;
    active_index_.assign(structure.cells, -1);
    equation_row_.assign(structure.equations.size(), -1);
    dual_sum_.assign(structure.cells, 0);
    return;
  }
  const int32_t cells =
      whole_ ? static_cast<int32_t>(structure.cells) : static_cast<int32_t>(region_.size());
  up_.resize(cells);
  down_.resize(cells);
  for (int32_t k = 0; k < cells; ++k) {
    const int32_t c = whole_ ? k : region_[k];
    up_[k] = lp_->AddVariable(0, kInfinity);
    down_[k] = lp_->AddVariable(0, DownLimit(c));
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
    lp_->AddEqualityRow(terms, 0);
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

size_t ProtectionLp::RegionSize() const {
  return whole_ ? static_cast<size_t>(structure_.cells) : region_.size();
}

int ProtectionLp::VariableOf(int32_t cell) const {
  return solve_ == RegionSolve::kPriced ? active_index_[cell] : Local(cell);
}

int32_t ProtectionLp::CellOf(int k) const {
  if (solve_ == RegionSolve::kPriced) return active_[k];
  return whole_ ? static_cast<int32_t>(k) : region_[k];
}

bool ProtectionLp::Movable(int32_t cell) const {
  return suppressed_[cell] || costs_.may_suppress[cell];
}

void ProtectionLp::Price(int32_t cell, bool suppressed) {
  if (!InRegion(cell)) return;
  if (solve_ == RegionSolve::kPriced) suppressed_[cell] = suppressed;
  SetVariables(cell, suppressed);
}

void ProtectionLp::SetVariables(int32_t cell, bool suppressed) {
  const int k = VariableOf(cell);
  if (k < 0) return;
  if (!suppressed && !costs_.may_suppress[cell]) {
    lp_->SetBounds(up_[k], 0, 0);
    lp_->SetBounds(down_[k], 0, 0);
    return;
  }
  lp_->SetBounds(up_[k], 0, kInfinity);
  lp_->SetBounds(down_[k], 0, DownLimit(cell));
  const double cost = suppressed ? 0 : costs_.per_unit[cell];
  lp_->SetCost(up_[k], cost);
  lp_->SetCost(down_[k], cost);
}

void ProtectionLp::Activate(const std::vector<int32_t>& cells) {
  // Variables first, then each equation's new terms in one change of its
  // row (or a new row), in equation order.
  std::vector<std::pair<int32_t, std::pair<int, double>>> terms;  // (equation, term)
  for (int32_t cell : cells) {
    if (active_index_[cell] >= 0) continue;
    const int k = static_cast<int>(active_.size());
    active_.push_back(cell);
    active_index_[cell] = k;
    up_.push_back(lp_->AddVariable(0, 0));
    down_.push_back(lp_->AddVariable(0, 0));
    SetVariables(cell, suppressed_[cell]);
    for (int32_t e : equations_.of(cell)) {
      const double sign = structure_.equations[e].total == cell ? 1 : -1;
      terms.push_back({e, {up_[k], sign}});
      terms.push_back({e, {down_[k], -sign}});
    }
  }
  std::stable_sort(terms.begin(), terms.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<int, double>> row;
  for (size_t i = 0; i < terms.size();) {
    const int32_t e = terms[i].first;
    row.clear();
    for (; i < terms.size() && terms[i].first == e; ++i) row.push_back(terms[i].second);
    if (equation_row_[e] >= 0) {
      lp_->AddToRow(equation_row_[e], row);
    } else {
      equation_row_[e] = lp_->AddRow(row, 0, 0);
      row_equation_.push_back(e);
    }
  }
}

void ProtectionLp::ResetWorkingSet() {
  for (int32_t c : active_) active_index_[c] = -1;
  for (int32_t e : row_equation_) equation_row_[e] = -1;
  active_.clear();
  row_equation_.clear();
  up_.clear();
  down_.clear();
  lp_ = std::make_unique<LinearProgram>();
}

void ProtectionLp::ActivateRegion() {
  // Built afresh in cell and equation order, as kWhole builds it: the
  // simplex's path (and its time) depends on the order.
  ResetWorkingSet();
  region_active_ = true;
  const int32_t count =
      whole_ ? static_cast<int32_t>(structure_.cells) : static_cast<int32_t>(region_.size());
  for (int32_t k = 0; k < count; ++k) {
    const int32_t c = whole_ ? k : region_[k];
    if (!Movable(c)) continue;
    active_index_[c] = static_cast<int32_t>(active_.size());
    active_.push_back(c);
    up_.push_back(lp_->AddVariable(0, 0));
    down_.push_back(lp_->AddVariable(0, 0));
    SetVariables(c, suppressed_[c]);
  }
  std::vector<std::pair<int, double>> terms;
  for (size_t e = 0; e < structure_.equations.size(); ++e) {
    const Additivity& eq = structure_.equations[e];
    terms.clear();
    auto add = [&](int32_t c, double sign) {
      const int32_t k = active_index_[c];
      if (k < 0) return;
      terms.emplace_back(up_[k], sign);
      terms.emplace_back(down_[k], -sign);
    };
    add(eq.total, 1);
    for (int32_t part : eq.parts) add(part, -1);
    if (terms.empty()) continue;
    equation_row_[e] = lp_->AddRow(terms, 0, 0);
    row_equation_.push_back(static_cast<int32_t>(e));
  }
}

std::vector<int32_t> ProtectionLp::Entering(const std::vector<double>& row_duals) {
  // A cell enters with up (coefficient +1 as a total, −1 as a part) or
  // down (the opposite); its reduced cost is its cost ∓ Σ coefficient·π.
  // Only rows with a non-zero dual matter; equations without a row have
  // no active cell and a dual of 0.
  std::vector<int32_t> touched;
  for (size_t r = 0; r < row_duals.size(); ++r) {
    const double pi = row_duals[r];
    if (pi == 0) continue;
    const Additivity& eq = structure_.equations[row_equation_[r]];
    auto accumulate = [&](int32_t c, double sign) {
      if (active_index_[c] >= 0) return;
      if (active_index_[c] == -1) {
        if (!InRegion(c) || !Movable(c)) return;
        active_index_[c] = -2;  // being priced
        touched.push_back(c);
      }
      dual_sum_[c] += sign * pi;
    };
    accumulate(eq.total, 1);
    for (int32_t part : eq.parts) accumulate(part, -1);
  }
  std::vector<int32_t> entering;
  for (int32_t c : touched) {
    const double a = dual_sum_[c];
    dual_sum_[c] = 0;
    active_index_[c] = -1;
    const double cost = suppressed_[c] ? 0 : costs_.per_unit[c];
    const double tolerance = 1e-9 * (1 + cost + std::fabs(a));
    const bool up_improves = cost - a < -tolerance;
    const bool down_improves = DownLimit(c) > 0 && cost + a < -tolerance;
    if (up_improves || down_improves) entering.push_back(c);
  }
  std::sort(entering.begin(), entering.end());  // deterministic variable order
  return entering;
}

void ProtectionLp::Pin(int32_t cell, double delta) {
  // The cell itself is suppressed and free: pin its other direction to 0
  // so that up and down cannot cancel. Exactly `delta`: with suppressed
  // cells free, a larger move can cost nothing too, and the certificate
  // must move the cell by its level (a feasible larger move scales down to
  // it: the constraints are convex and hold at zero).
  const int k = VariableOf(cell);
  const double amount = std::fabs(delta);
  lp_->SetBounds(delta > 0 ? up_[k] : down_[k], amount, amount);
  lp_->SetBounds(delta > 0 ? down_[k] : up_[k], 0, 0);
}

void ProtectionLp::Unpin(int32_t cell) {
  const int k = VariableOf(cell);
  lp_->SetBounds(up_[k], 0, kInfinity);
  lp_->SetBounds(down_[k], 0, DownLimit(cell));
}

absl::StatusOr<LpSolution> ProtectionLp::SolvePriced(int32_t cell, double delta) {
  for (;;) {
    ++solves_;
    largest_working_set_ = std::max(largest_working_set_, up_.size());
    ASSIGN_OR_RETURN(LpSolution solution, lp_->Solve(LpSense::kMinimize));
    if (solve_ != RegionSolve::kPriced) return solution;
    if (solution.outcome != LpSolution::kOptimal) {
      // Nothing within the working set: only the whole region can say.
      if (region_active_) return solution;
      ActivateRegion();
      if (VariableOf(cell) < 0) Activate({cell});
      Pin(cell, delta);
      continue;
    }
    const std::vector<int32_t> entering = Entering(solution.row_duals);
    if (entering.empty()) return solution;
    if (!region_active_ && (active_.size() + entering.size()) * kLargeWorkingSet > RegionSize()) {
      // The cheapest change reaches far: the whole region at once is
      // cheaper than growing on, for this cell and (it stays) the next ones.
      ActivateRegion();
      if (VariableOf(cell) < 0) Activate({cell});
      Pin(cell, delta);
      continue;
    }
    // The new cells sit at 0 and their new rows hold only them: the
    // optimum stays feasible, and the primal simplex goes on from it.
    Activate(entering);
    lp_->ContinueWithPrimal();
  }
}

absl::StatusOr<std::optional<Perturbation>> ProtectionLp::Cheapest(int32_t cell, double delta) {
  if (!InRegion(cell)) {
    return absl::InternalError(absl::StrCat("cell ", cell, " is outside the region"));
  }
  if (delta < 0 && -delta > DownLimit(cell)) return std::nullopt;
  if (solve_ == RegionSolve::kPriced && !region_active_ && cell != working_cell_) {
    // Each cell starts from its own subtable (its other direction goes on
    // with the set the first one grew), until one needed the region.
    working_cell_ = cell;
    ResetWorkingSet();
    std::vector<int32_t> subtable = SubtableOf(structure_, cell);
    subtable.erase(std::remove_if(subtable.begin(), subtable.end(),
                                  [&](int32_t c) {
                                    return c != cell && (!InRegion(c) || !Movable(c));
                                  }),
                   subtable.end());
    Activate(subtable);
  }
  // The cell moves even if it could not be suppressed (then it has no
  // variables in the region's LP yet).
  if (solve_ == RegionSolve::kPriced && VariableOf(cell) < 0) Activate({cell});
  Pin(cell, delta);
  // From the zero perturbation (the slack basis, dual feasible as every
  // cost is >= 0) the dual simplex builds just the one cycle needed. The
  // last basis holds the cycles of the cells before, which then linger
  // (free through suppressed cells) and cost pivots: on the 3,864-cell
  // table, 85,000 instead of 125,000 iterations, half the time.
  if (!warm_start_) lp_->ResetBasis();
  absl::StatusOr<LpSolution> solution = SolvePriced(cell, delta);
  Unpin(cell);
  if (!solution.ok()) return solution.status();
  if (solution->outcome != LpSolution::kOptimal) return std::nullopt;
  Perturbation touched;
  for (size_t j = 0; j < up_.size(); ++j) {
    const double change = solution->values[up_[j]] - solution->values[down_[j]];
    if (std::fabs(change) > kMoved) touched.changes.emplace_back(CellOf(static_cast<int>(j)), change);
  }
  // Variables are in activation order, not cell order.
  std::sort(touched.changes.begin(), touched.changes.end());
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
