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

class ProtectionLp {
 public:
  // Builds the LP over the cells in `region` (sorted, distinct, in range;
  // empty means the whole table) with the pattern `suppressed`.
  // `structure`, `table`, `costs` and `equations` must outlive the LP.
  ProtectionLp(const TableStructure& structure, const MeasureTable& table,
               const SuppressionCosts& costs, const CellEquations& equations,
               const std::vector<bool>& suppressed, std::vector<int32_t> region = {});

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

 private:
  // The index of `cell` in region_, or -1.
  int Local(int32_t cell) const;
  // How far a suppressed cell can go down before the attacker's floor.
  double DownLimit(int32_t cell) const;

  const MeasureTable& table_;
  const SuppressionCosts& costs_;
  std::vector<int32_t> region_;  // sorted; empty while the region is the whole table
  bool whole_ = false;
  LinearProgram lp_;
  std::vector<int> up_;    // per local cell: its LP variable of upward change
  std::vector<int> down_;  // per local cell: of downward change
};

// Returns the cells of the subtable around `cell` that HiTaS would protect it
// in: per axis, the entry's parent and the parent's children (or, for the
// top entry, the entry itself), plus the entry's own descendants, combined
// over all axes. Sorted.
std::vector<int32_t> SubtableOf(const TableStructure& structure, int32_t cell);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_PROTECTION_LP_H_
