#include "policies/lp/linear_program.h"

#include <glpk.h>

#include <cmath>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace cellgate::policies {
namespace {

// GLPK keeps per-thread state only when built with thread-local storage;
// without it every call into the library is serialized.
std::mutex& GlpkMutex() {
  static std::mutex mu;
  return mu;
}

bool GlpkIsReentrant() {
  static const bool reentrant = glp_config("TLS") != nullptr;
  return reentrant;
}

class GlpkLock {
 public:
  GlpkLock() : lock_(GlpkMutex(), std::defer_lock) {
    if (!GlpkIsReentrant()) lock_.lock();
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

void SetColumnBounds(glp_prob* p, int column, double lower, double upper) {
  const bool has_lower = std::isfinite(lower);
  const bool has_upper = std::isfinite(upper);
  int type = GLP_FR;
  // GLPK aborts the process on crossed bounds; callers must not pass them.
  if (has_lower && has_upper && lower > upper) upper = lower;
  if (has_lower && has_upper) {
    type = lower == upper ? GLP_FX : GLP_DB;
  } else if (has_lower) {
    type = GLP_LO;
  } else if (has_upper) {
    type = GLP_UP;
  }
  glp_set_col_bnds(p, column, type, has_lower ? lower : 0, has_upper ? upper : 0);
}

}  // namespace

void ReleaseThreadSolverState() {
  // Without thread-local storage GLPK's state is shared: nothing to free.
  if (GlpkIsReentrant()) glp_free_env();
}

LinearProgram::LinearProgram() {
  GlpkLock lock;
  problem_ = glp_create_prob();
}

LinearProgram::~LinearProgram() {
  GlpkLock lock;
  glp_delete_prob(problem_);
}

int LinearProgram::AddVariable(double lower, double upper, double cost) {
  GlpkLock lock;
  primal_feasible_ = false;
  const int column = glp_add_cols(problem_, 1);
  SetColumnBounds(problem_, column, lower, upper);
  glp_set_obj_coef(problem_, column, cost);
  if (cost != 0) costed_.push_back(column - 1);
  return variables_++;
}

void LinearProgram::SetBounds(int variable, double lower, double upper) {
  GlpkLock lock;
  primal_feasible_ = false;
  SetColumnBounds(problem_, variable + 1, lower, upper);
}

void LinearProgram::SetCost(int variable, double cost) {
  GlpkLock lock;
  glp_set_obj_coef(problem_, variable + 1, cost);
  if (cost != 0) costed_.push_back(variable);
}

void LinearProgram::ResetBasis() {
  GlpkLock lock;
  glp_std_basis(problem_);
}

void LinearProgram::AddEqualityRow(const std::vector<std::pair<int, double>>& terms, double rhs) {
  AddRow(terms, rhs, rhs);
}

int LinearProgram::AddRow(const std::vector<std::pair<int, double>>& terms, double lower,
                          double upper) {
  GlpkLock lock;
  primal_feasible_ = false;
  const int row = glp_add_rows(problem_, 1);
  std::vector<int> index(terms.size() + 1);
  std::vector<double> value(terms.size() + 1);
  for (size_t i = 0; i < terms.size(); ++i) {
    index[i + 1] = terms[i].first + 1;
    value[i + 1] = terms[i].second;
  }
  glp_set_mat_row(problem_, row, static_cast<int>(terms.size()), index.data(), value.data());
  int type = GLP_DB;
  if (lower == upper) {
    type = GLP_FX;
  } else if (std::isinf(upper)) {
    type = std::isinf(lower) ? GLP_FR : GLP_LO;
  } else if (std::isinf(lower)) {
    type = GLP_UP;
  }
  glp_set_row_bnds(problem_, row, type, std::isinf(lower) ? 0 : lower,
                   std::isinf(upper) ? 0 : upper);
  return rows_++;
}

void LinearProgram::AddToRow(int row, const std::vector<std::pair<int, double>>& terms) {
  GlpkLock lock;
  primal_feasible_ = false;
  const int existing = glp_get_mat_row(problem_, row + 1, nullptr, nullptr);
  std::vector<int> index(existing + terms.size() + 1);
  std::vector<double> value(existing + terms.size() + 1);
  glp_get_mat_row(problem_, row + 1, index.data(), value.data());
  for (size_t i = 0; i < terms.size(); ++i) {
    index[existing + i + 1] = terms[i].first + 1;
    value[existing + i + 1] = terms[i].second;
  }
  glp_set_mat_row(problem_, row + 1, static_cast<int>(existing + terms.size()), index.data(),
                  value.data());
}

absl::StatusOr<LpSolution> LinearProgram::Solve(
    LpSense sense, const std::vector<std::pair<int, double>>& objective) {
  {
    GlpkLock lock;
    for (int v : costed_) glp_set_obj_coef(problem_, v + 1, 0);
  }
  costed_.clear();
  for (const auto& [v, c] : objective) SetCost(v, c);
  return Solve(sense);
}

absl::StatusOr<LpSolution> LinearProgram::Solve(LpSense sense) {
  GlpkLock lock;
  glp_set_obj_dir(problem_, sense == LpSense::kMinimize ? GLP_MIN : GLP_MAX);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  // Only the objective changed since the last optimum: that basis is still
  // feasible, so the primal simplex goes on from it (measured 3-4x fewer
  // iterations than the dual simplex's phase 1 on the ledger's LPs).
  parm.meth = primal_feasible_ ? GLP_PRIMAL : GLP_DUALP;
  primal_feasible_ = false;
  LpSolution solution;
  if (rows_ == 0 && variables_ == 0) {
    solution.outcome = LpSolution::kOptimal;
    return solution;
  }
  int rc = glp_simplex(problem_, &parm);
  if (rc == GLP_EBADB || rc == GLP_ESING || rc == GLP_ECOND) {
    // The kept basis is unusable: start again from the standard basis.
    glp_std_basis(problem_);
    rc = glp_simplex(problem_, &parm);
  }
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("LP solver failed (GLPK code ", rc, ")"));
  }
  switch (glp_get_status(problem_)) {
    case GLP_OPT:
      primal_feasible_ = true;
      solution.outcome = LpSolution::kOptimal;
      solution.objective = glp_get_obj_val(problem_);
      solution.values.resize(variables_);
      for (int v = 0; v < variables_; ++v) solution.values[v] = glp_get_col_prim(problem_, v + 1);
      solution.row_duals.resize(rows_);
      for (int r = 0; r < rows_; ++r) solution.row_duals[r] = glp_get_row_dual(problem_, r + 1);
      return solution;
    case GLP_UNBND:
      solution.outcome = LpSolution::kUnbounded;
      return solution;
    case GLP_NOFEAS:
      solution.outcome = LpSolution::kInfeasible;
      return solution;
    default: {
      // Dual simplex may stop with the primal status undecided; settle it.
      if (glp_get_dual_stat(problem_) == GLP_NOFEAS) {
        solution.outcome = LpSolution::kUnbounded;
        return solution;
      }
      if (glp_get_prim_stat(problem_) == GLP_NOFEAS) {
        solution.outcome = LpSolution::kInfeasible;
        return solution;
      }
      return absl::InternalError("LP solver ended without a definite status");
    }
  }
}

}  // namespace cellgate::policies
