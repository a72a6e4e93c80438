// A linear program behind GLPK (the only file that includes glpk.h):
// variables with bounds and costs, equality rows, minimize or maximize.
// Re-solving after changing costs or bounds starts from the last basis
// (warm start), which makes long series of related solves cheap: after
// changing only the objective the last optimal basis is still feasible and
// the primal simplex goes on from it; after changing bounds or adding rows
// the dual simplex does; unless ResetBasis asks for a start from the
// all-slack basis.
// Not thread-safe; different instances may be used on different threads.
//
//   LinearProgram lp;
//   const int x = lp.AddVariable(0, kInfinity, 0);
//   lp.AddEqualityRow({{x, 1}, {y, 1}}, 7);
//   ASSIGN_OR_RETURN(LpSolution s, lp.Solve(LpSense::kMaximize, {{x, 1}}));
#ifndef CELLGATE_POLICIES_LP_LINEAR_PROGRAM_H_
#define CELLGATE_POLICIES_LP_LINEAR_PROGRAM_H_

#include <limits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

struct glp_prob;

namespace cellgate::policies {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

enum class LpSense { kMinimize, kMaximize };

// Frees the solver's state of the calling thread (GLPK keeps some per
// thread), for a thread that solved LPs and is about to end. Every
// LinearProgram made on it must be destroyed already.
void ReleaseThreadSolverState();

struct LpSolution {
  enum Outcome { kOptimal, kUnbounded, kInfeasible };
  Outcome outcome = kInfeasible;
  // Objective value when kOptimal.
  double objective = 0;
  // Variable values when kOptimal, by variable index.
  std::vector<double> values;
  // When kOptimal: the dual value π of each row, by row index, such that a
  // variable's reduced cost is its cost − Σ coefficient·π over its rows (a
  // variable at its lower bound with a negative reduced cost would improve
  // a minimum; one that is not in the program yet can be priced this way).
  std::vector<double> row_duals;
};

class LinearProgram final {
 public:
  LinearProgram();
  ~LinearProgram();
  LinearProgram(const LinearProgram&) = delete;
  LinearProgram& operator=(const LinearProgram&) = delete;

  // Adds a variable lower <= v <= upper (either may be ±kInfinity) with the
  // given cost in the objective; returns its index (0, 1, ...).
  int AddVariable(double lower, double upper, double cost = 0);
  void SetBounds(int variable, double lower, double upper);
  void SetCost(int variable, double cost);
  // Adds Σ coefficient·variable = rhs. Terms must name distinct variables.
  void AddEqualityRow(const std::vector<std::pair<int, double>>& terms, double rhs);
  // Adds lower <= Σ coefficient·variable <= upper (either may be
  // ±kInfinity, not both); returns the row index (0, 1, ...).
  int AddRow(const std::vector<std::pair<int, double>>& terms, double lower, double upper);

  // Appends terms (distinct variables not yet in the row) to row `row`.
  void AddToRow(int row, const std::vector<std::pair<int, double>>& terms);

  // Makes the next Solve go on from the current basis with the primal
  // simplex: cheapest when the last optimum is still feasible, as after
  // adding variables that sit at a bound of 0 and rows only they enter.
  // (If it is not feasible after all, the primal simplex finds a feasible
  // basis first; the result is the same.)
  void ContinueWithPrimal() { primal_feasible_ = true; }

  // Makes the next Solve start from the basis of all row slacks (every
  // variable at a bound) instead of the last one: cheaper when the last
  // solution is far from the next one and the slack basis is dual feasible.
  void ResetBasis();

  int variables() const { return variables_; }
  int rows() const { return rows_; }

  // Optimizes the stored costs.
  absl::StatusOr<LpSolution> Solve(LpSense sense);
  // Optimizes the given objective instead of the stored costs (which it
  // replaces).
  absl::StatusOr<LpSolution> Solve(LpSense sense,
                                   const std::vector<std::pair<int, double>>& objective);

 private:
  glp_prob* problem_;
  int variables_ = 0;
  int rows_ = 0;
  std::vector<int> costed_;  // variables with a non-zero cost
  // True while the basis of the last optimal solve is still primal
  // feasible: only costs changed since (then the primal simplex goes on).
  bool primal_feasible_ = false;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_LP_LINEAR_PROGRAM_H_
