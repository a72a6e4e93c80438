#include "policies/attacker_audit.h"

#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "policies/lp/linear_program.h"

namespace cellgate::policies {
namespace {

// Tolerance for LP round-off, relative to the values involved.
double Tolerance(double value) { return 1e-6 * std::max(1.0, std::fabs(value)); }

}  // namespace

bool LeavesOpen(const Interval& interval, double value, const Protection& protection) {
  const double low = value - protection.lower;
  const double high = value + protection.upper;
  return interval.lower <= low + Tolerance(low) && interval.upper >= high - Tolerance(high);
}

absl::StatusOr<std::vector<Interval>> FeasibilityIntervals(const TableStructure& structure,
                                                           const MeasureTable& table,
                                                           const std::vector<bool>& suppressed,
                                                           const std::vector<int32_t>& cells) {
  // One variable per suppressed cell; published cells are constants.
  LinearProgram lp;
  absl::flat_hash_map<int32_t, int> variable_of;
  for (int32_t c = 0; c < structure.cells; ++c) {
    if (!suppressed[c]) continue;
    variable_of[c] = lp.AddVariable(table.floor, kInfinity);
  }
  for (const Additivity& eq : structure.equations) {
    std::vector<std::pair<int, double>> terms;
    double rhs = 0;  // total - Σ parts = 0, published values moved right
    auto add = [&](int32_t cell, double sign) {
      const auto it = variable_of.find(cell);
      if (it != variable_of.end()) {
        terms.emplace_back(it->second, sign);
      } else {
        rhs -= sign * table.values[cell];
      }
    };
    add(eq.total, 1);
    for (int32_t part : eq.parts) add(part, -1);
    if (terms.empty()) {
      if (std::fabs(rhs) > Tolerance(table.values[eq.total])) {
        return absl::InternalError(absl::StrCat("published ", table.name,
                                                " values do not add up at cell ", eq.total));
      }
      continue;
    }
    lp.AddEqualityRow(terms, rhs);
  }
  std::vector<Interval> intervals;
  intervals.reserve(cells.size());
  for (int32_t cell : cells) {
    const auto it = variable_of.find(cell);
    if (it == variable_of.end()) {
      return absl::InternalError(absl::StrCat("cell ", cell, " is not suppressed"));
    }
    Interval interval;
    interval.cell = cell;
    ASSIGN_OR_RETURN(LpSolution low, lp.Solve(LpSense::kMinimize, {{it->second, 1}}));
    ASSIGN_OR_RETURN(LpSolution high, lp.Solve(LpSense::kMaximize, {{it->second, 1}}));
    if (low.outcome == LpSolution::kInfeasible || high.outcome == LpSolution::kInfeasible) {
      return absl::InternalError(absl::StrCat("the published ", table.name,
                                              " values admit no table"));
    }
    interval.lower = low.outcome == LpSolution::kOptimal ? low.objective : -kInfinity;
    interval.upper = high.outcome == LpSolution::kOptimal ? high.objective : kInfinity;
    intervals.push_back(interval);
  }
  return intervals;
}

absl::StatusOr<std::vector<int32_t>> UnprotectedCells(const TableStructure& structure,
                                                      const MeasureTable& table,
                                                      const std::vector<bool>& suppressed) {
  std::vector<int32_t> cells;
  for (const Protection& p : table.required) {
    if (!suppressed[p.cell]) return std::vector<int32_t>{p.cell};
    cells.push_back(p.cell);
  }
  ASSIGN_OR_RETURN(const std::vector<Interval> intervals,
                   FeasibilityIntervals(structure, table, suppressed, cells));
  std::vector<int32_t> unprotected;
  for (size_t i = 0; i < intervals.size(); ++i) {
    const Protection& p = table.required[i];
    if (!LeavesOpen(intervals[i], table.values[p.cell], p)) unprotected.push_back(p.cell);
  }
  return unprotected;
}

}  // namespace cellgate::policies
