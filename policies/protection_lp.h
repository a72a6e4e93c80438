// The protection LP of Kelly, Golden and Assad / Fischetti and Salazar over a
// region of a table (docs/adr/0010-secondary-suppression-cleanup.md): the
// cheapest perturbation that keeps the table additive, keeps every cell at
// or above the attacker's floor, changes only cells inside the region (all
// others stay as published) and moves one cell by a given amount. Suppressed
// cells cost nothing, published ones their per-unit cost, cells that may not
// be suppressed are fixed. Start with CellEquations, then ProtectionLp.
// Thread-compatible: one instance per thread.
#ifndef CELLGATE_POLICIES_PROTECTION_LP_H_
#define CELLGATE_POLICIES_PROTECTION_LP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "policies/lp/linear_program.h"
#include "policies/protection.h"
#include "policies/table_structure.h"

namespace cellgate::policies {

// A change of the table that keeps it additive: (cell, change) pairs.
struct Perturbation {
  std::vector<std::pair<int32_t, double>> changes;
};

struct SuppressionCosts {
  // Per cell: the cost per unit of change of suppressing it (e.g. 1 + its
  // record count, so that large cells and margins are kept).
  std::vector<double> per_unit;
  // Per cell: whether it may be suppressed at all (e.g. not empty cells,
  // which are published as zero).
  std::vector<bool> may_suppress;
};

// For every cell, the indices into structure.equations of the equations it
// takes part in (as total or part), in increasing order.
class CellEquations {
 public:
  explicit CellEquations(const TableStructure& structure);
  const std::vector<int32_t>& of(int32_t cell) const { return of_[cell]; }

 private:
  std::vector<std::vector<int32_t>> of_;
};

// How ProtectionLp::Cheapest solves over its region. Both find a cheapest
// perturbation; where several are equally cheap they may find different ones.
enum class RegionSolve {
  // One LP over the whole region, kept between calls; every solve starts
  // from the slack basis. Best for small regions and for costs that are all
  // zero (a feasibility question).
  kWhole,
  // Column generation: an LP over a working set of cells that starts as
  // the cell's subtable (SubtableOf) and grows by every cell of the region
  // whose reduced cost under the last optimum's row duals is negative,
  // until none is; then that optimum is optimal over the whole region. If
  // the working set has no solution or would grow past a third of the
  // region, the whole region joins it, and stays for the calls after.
  // Much faster where the cheapest perturbations stay near their cells, as
  // in large tables with few primary cells.
  kPriced,
};

class ProtectionLp {
 public:
  // Builds the LP over the cells in `region` (sorted, distinct, in range;
  // empty means the whole table) with the pattern `suppressed`.
  // `structure`, `table`, `costs` and `equations` must outlive the LP.
  // With `warm_start` every solve goes on from the last basis instead of
  // the slack basis: faster when nothing it can move costs anything (the
  // cleanup's LPs over suppressed cells), slower otherwise (ADR 0010).
  ProtectionLp(const TableStructure& structure, const MeasureTable& table,
               const SuppressionCosts& costs, const CellEquations& equations,
               const std::vector<bool>& suppressed, std::vector<int32_t> region = {},
               RegionSolve solve = RegionSolve::kWhole, bool warm_start = false);

  // Makes `cell` free to move (suppressed) or priced (published), or fixed
  // if it is published and may not be suppressed. Cells outside the region
  // are ignored.
  void Price(int32_t cell, bool suppressed);

  // Returns the cheapest perturbation inside the region that moves `cell`
  // (in the region) by exactly `delta` (> 0 up, < 0 down), or nullopt if
  // none exists; INTERNAL if the solver fails.
  absl::StatusOr<std::optional<Perturbation>> Cheapest(int32_t cell, double delta);

  // The number of cells in the region.
  size_t size() const { return region_.size(); }

  // The LPs solved so far, and the most cells that had variables at once.
  int64_t solves() const { return solves_; }
  size_t largest_working_set() const { return largest_working_set_; }
  // kPriced: whether the whole region has joined the working set (it then
  // stays for every later call).
  bool whole_region_joined() const { return region_active_; }

 private:
  // The index of `cell` in region_, or -1.
  int Local(int32_t cell) const;
  bool InRegion(int32_t cell) const { return whole_ || Local(cell) >= 0; }
  // The index of `cell` into up_ and down_, or -1 if it has no variables.
  int VariableOf(int32_t cell) const;
  // The cell of variable pair `k`.
  int32_t CellOf(int k) const;
  // Whether `cell` can move at all: suppressed, or published but allowed to be.
  bool Movable(int32_t cell) const;
  // How far a suppressed cell can go down before the attacker's floor.
  double DownLimit(int32_t cell) const;
  // Sets the bounds and costs of `cell`'s variables (if it has them).
  void SetVariables(int32_t cell, bool suppressed);
  // kPriced: gives each of `cells` that has none its variables and its
  // terms in the rows of its equations (new rows for equations that had none).
  void Activate(const std::vector<int32_t>& cells);
  // kPriced: activates every movable cell of the region, for good.
  void ActivateRegion();
  // kPriced: no cell active, an empty LP.
  void ResetWorkingSet();
  size_t RegionSize() const;
  // Solves; under kPriced, activates the region's cells that price out
  // negative (or, without a solution, the whole region) until none do.
  absl::StatusOr<LpSolution> SolvePriced(int32_t cell, double delta);
  // Fixes `cell`'s move at exactly `delta`; Unpin frees it again.
  void Pin(int32_t cell, double delta);
  void Unpin(int32_t cell);
  // kPriced: the cells of the region without variables whose reduced cost
  // under `row_duals` is negative.
  std::vector<int32_t> Entering(const std::vector<double>& row_duals);

  const TableStructure& structure_;
  const MeasureTable& table_;
  const SuppressionCosts& costs_;
  const CellEquations& equations_;
  std::vector<int32_t> region_;  // sorted; empty while the region is the whole table
  bool whole_ = false;
  const RegionSolve solve_;
  const bool warm_start_;
  std::unique_ptr<LinearProgram> lp_;
  std::vector<int> up_;    // per variable pair: its LP variable of upward change
  std::vector<int> down_;  // per variable pair: of downward change
  // kPriced: the pattern (Price keeps it); the active cells (those with
  // variables, which they keep), each cell's index among them or -1; each
  // equation's LP row or -1 and each row's equation; per cell the sum of
  // its rows' duals while pricing (0 otherwise).
  std::vector<bool> suppressed_;
  std::vector<int32_t> active_;
  std::vector<int32_t> active_index_;
  bool region_active_ = false;
  int32_t working_cell_ = -1;  // the cell the working set was started for
  std::vector<int32_t> equation_row_;
  std::vector<int32_t> row_equation_;
  std::vector<double> dual_sum_;
  int64_t solves_ = 0;
  size_t largest_working_set_ = 0;
};

// Returns the cells of the subtable around `cell` that HiTaS would protect it
// in: per axis, the entry's parent and the parent's children (or, for the
// top entry, the entry itself), plus the entry's own descendants, combined
// over all axes. Sorted.
std::vector<int32_t> SubtableOf(const TableStructure& structure, int32_t cell);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_PROTECTION_LP_H_
