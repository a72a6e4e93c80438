#include "policies/secondary_suppression.h"

#include <cmath>
#include <memory>
#include <optional>

#include "absl/container/flat_hash_map.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "policies/hypercube.h"
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
  // down, if `upward` is false); FAILED_PRECONDITION if none exists.
  absl::StatusOr<Perturbation> Cheapest(int32_t cell, bool upward, double amount) {
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
    // Exactly `amount`: with suppressed cells free, a larger move can cost
    // nothing too, and the certificate must move the cell by its level (a
    // feasible larger move scales down to it: the constraints are convex
    // and hold at zero).
    lp_.SetBounds(moved, amount, amount);
    lp_.SetBounds(other, 0, 0);
    absl::StatusOr<LpSolution> solution = lp_.Solve(LpSense::kMinimize);
    lp_.SetBounds(moved, 0, moved_limit);
    lp_.SetBounds(other, 0, other_limit);
    if (!solution.ok()) return solution.status();
    if (solution->outcome != LpSolution::kOptimal) {
      return absl::FailedPreconditionError("the table cannot be protected by suppression");
    }
    Perturbation touched;
    for (int32_t c = 0; c < static_cast<int32_t>(up_.size()); ++c) {
      const double change = solution->values[up_[c]] - solution->values[down_[c]];
      if (std::fabs(change) > kMoved) touched.changes.emplace_back(c, change);
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
                               const SuppressionCosts& costs, std::vector<bool>& suppressed,
                               std::vector<Certificate>* certificates,
                               SuppressionOptions options) {
  std::unique_ptr<ProtectionLp> lp;  // built only if a hypercube does not fit
  for (const Protection& p : table.required) {
    if (absl::Now() > options.deadline) {
      return absl::DeadlineExceededError(
          "protecting the table took longer than the server allows; ask for fewer cells or "
          "dimensions");
    }
    for (const double delta : {p.upper, -p.lower}) {
      if (delta == 0) continue;
      std::optional<Perturbation> found;
      if (options.method == SuppressionMethod::kHypercubeThenLp) {
        found = FindHypercube(structure, table, costs, suppressed, p.cell, delta);
      }
      if (!found.has_value()) {
        if (lp == nullptr) lp = std::make_unique<ProtectionLp>(structure, table, costs, suppressed);
        ASSIGN_OR_RETURN(Perturbation cheapest, lp->Cheapest(p.cell, delta > 0, std::fabs(delta)));
        found = std::move(cheapest);
      }
      for (const auto& [c, change] : found->changes) {
        if (suppressed[c]) continue;
        suppressed[c] = true;
        if (lp != nullptr) lp->Price(c, true);
      }
      if (certificates != nullptr) {
        certificates->push_back({p.cell, delta, *std::move(found)});
      }
    }
  }
  return absl::OkStatus();
}

absl::Status VerifyCertificates(const TableStructure& structure, const MeasureTable& table,
                                const std::vector<bool>& suppressed,
                                const std::vector<Certificate>& certificates) {
  // The equations each cell takes part in.
  std::vector<std::vector<int32_t>> equations_of(structure.cells);
  for (size_t i = 0; i < structure.equations.size(); ++i) {
    const Additivity& eq = structure.equations[i];
    equations_of[eq.total].push_back(static_cast<int32_t>(i));
    for (int32_t part : eq.parts) equations_of[part].push_back(static_cast<int32_t>(i));
  }
  for (const Certificate& certificate : certificates) {
    auto broken = [&](absl::string_view why) {
      return absl::InternalError(absl::StrCat("protection certificate of cell ",
                                              certificate.cell, " (", table.name, ") ", why));
    };
    const double tolerance = 1e-6 * std::max(1.0, std::fabs(certificate.delta));
    absl::flat_hash_map<int32_t, double> change;
    for (const auto& [c, d] : certificate.perturbation.changes) {
      if (c < 0 || c >= structure.cells) return broken("names a cell outside the table");
      if (!suppressed[c]) return broken("changes a published cell");
      if (std::isfinite(table.floor) && table.values[c] + d < table.floor - tolerance) {
        return broken("goes below what the attacker knows");
      }
      change[c] += d;
    }
    const auto own = change.find(certificate.cell);
    if (own == change.end() || std::fabs(own->second - certificate.delta) > tolerance) {
      return broken("does not move the cell by its protection level");
    }
    for (const auto& [c, d] : change) {
      for (int32_t i : equations_of[c]) {
        const Additivity& eq = structure.equations[i];
        auto changed = [&](int32_t cell) {
          const auto it = change.find(cell);
          return it == change.end() ? 0.0 : it->second;
        };
        double sum = changed(eq.total);
        for (int32_t part : eq.parts) sum -= changed(part);
        if (std::fabs(sum) > tolerance) return broken("breaks the table's additivity");
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace cellgate::policies
