#include "policies/secondary_suppression.h"

#include <cmath>

#include "common/status_macros.h"
#include "policies/attacker_audit.h"
#include "policies/lp/linear_program.h"

namespace cellgate::policies {
namespace {

// A perturbation y = up - down per cell; |y| > kMoved counts as touched.
constexpr double kMoved = 1e-7;

class ProtectionLp {
 public:
  ProtectionLp(const TableStructure& structure, const MeasureTable& table,
               const SuppressionCosts& costs, const std::vector<bool>& suppressed)
      : table_(table), costs_(costs) {
    const int32_t cells = static_cast<int32_t>(structure.cells);
    up_.resize(cells);
    down_.resize(cells);
    for (int32_t c = 0; c < cells; ++c) {
      up_[c] = lp_.AddVariable(0, kInfinity);
      down_[c] = lp_.AddVariable(0, DownLimit(c));
      Price(c, suppressed[c]);
    }
    for (const Additivity& eq : structure.equations) {
      std::vector<std::pair<int, double>> terms = {{up_[eq.total], 1}, {down_[eq.total], -1}};
      for (int32_t part : eq.parts) {
        terms.emplace_back(up_[part], -1);
        terms.emplace_back(down_[part], 1);
      }
      lp_.AddEqualityRow(terms, 0);
    }
  }

  // Makes `cell` free to move (suppressed) or priced (published), or fixed
  // if it may not be suppressed.
  void Price(int32_t cell, bool suppressed) {
    const double down_limit = DownLimit(cell);
    if (!suppressed && !costs_.may_suppress[cell]) {
      lp_.SetBounds(up_[cell], 0, 0);
      lp_.SetBounds(down_[cell], 0, 0);
      return;
    }
    lp_.SetBounds(up_[cell], 0, kInfinity);
    lp_.SetBounds(down_[cell], 0, down_limit);
    const double cost = suppressed ? 0 : costs_.per_unit[cell];
    lp_.SetCost(up_[cell], cost);
    lp_.SetCost(down_[cell], cost);
  }

  // Finds the cheapest perturbation that moves `cell` up by `amount` (or
  // down, if `upward` is false) and returns the cells it touches; empty
  // and FAILED_PRECONDITION if none exists.
  absl::StatusOr<std::vector<int32_t>> Touched(int32_t cell, bool upward, double amount) {
    // The cell itself is suppressed and free: pin its other direction to 0
    // so that up and down cannot cancel.
    const int moved = upward ? up_[cell] : down_[cell];
    const int other = upward ? down_[cell] : up_[cell];
    const double down_limit = DownLimit(cell);
    const double moved_limit = upward ? kInfinity : down_limit;
    const double other_limit = upward ? down_limit : kInfinity;
    if (amount > moved_limit) {
      return absl::FailedPreconditionError("the table cannot be protected by suppression");
    }
    lp_.SetBounds(moved, amount, moved_limit);
    lp_.SetBounds(other, 0, 0);
    absl::StatusOr<LpSolution> solution = lp_.Solve(LpSense::kMinimize);
    lp_.SetBounds(moved, 0, moved_limit);
    lp_.SetBounds(other, 0, other_limit);
    if (!solution.ok()) return solution.status();
    if (solution->outcome != LpSolution::kOptimal) {
      return absl::FailedPreconditionError("the table cannot be protected by suppression");
    }
    std::vector<int32_t> touched;
    for (int32_t c = 0; c < static_cast<int32_t>(up_.size()); ++c) {
      if (std::fabs(solution->values[up_[c]] - solution->values[down_[c]]) > kMoved) {
        touched.push_back(c);
      }
    }
    return touched;
  }

 private:
  // How far a suppressed cell can go down before the attacker's floor.
  double DownLimit(int32_t cell) const {
    return std::isfinite(table_.floor) ? std::max(0.0, table_.values[cell] - table_.floor)
                                       : kInfinity;
  }

  const MeasureTable& table_;
  const SuppressionCosts& costs_;
  LinearProgram lp_;
  std::vector<int> up_;
  std::vector<int> down_;
};

}  // namespace

absl::Status SuppressSecondary(const TableStructure& structure, const MeasureTable& table,
                               const SuppressionCosts& costs, std::vector<bool>& suppressed) {
  if (table.required.empty()) return absl::OkStatus();
  ProtectionLp protection(structure, table, costs, suppressed);
  for (const Protection& p : table.required) {
    // Skip cells that earlier additions already protect.
    ASSIGN_OR_RETURN(const std::vector<Interval> now,
                     FeasibilityIntervals(structure, table, suppressed, {p.cell}));
    const double value = table.values[p.cell];
    const bool up_open = now[0].upper >= value + p.upper - 1e-6 * std::max(1.0, value + p.upper);
    const bool down_open = now[0].lower <= value - p.lower + 1e-6 * std::max(1.0, value);
    for (const bool upward : {true, false}) {
      if (upward ? up_open : down_open) continue;
      const double amount = upward ? p.upper : p.lower;
      if (amount <= 0) continue;
      ASSIGN_OR_RETURN(const std::vector<int32_t> touched,
                       protection.Touched(p.cell, upward, amount));
      for (int32_t c : touched) {
        if (suppressed[c]) continue;
        suppressed[c] = true;
        protection.Price(c, true);
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace cellgate::policies
