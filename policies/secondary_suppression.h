// Secondary suppression: adds cells to a suppression pattern until every
// primary cell of a measure table is protected, with low information loss.
//
// Method (docs/adr/0002-secondary-suppression.md, 0010, 0013): for each
// primary cell in turn and each direction, find a perturbation y of the
// table that keeps it additive and above the floor, moves the cell by its
// protection level, and is cheap: among hypercube candidates (hypercube.h)
// or by the protection LP (protection_lp.h). The cells y touches become
// suppressed; x + y is then a table the attacker cannot exclude, so the
// cell's protection is open by construction, and y is kept as its
// certificate. Already suppressed cells cost nothing, so patterns are
// shared. SuppressTables then publishes again the secondary cells that
// turned out redundant (suppression_cleanup.h). Deterministic: cells are
// handled in index order. Thread-compatible.
#ifndef CELLGATE_POLICIES_SECONDARY_SUPPRESSION_H_
#define CELLGATE_POLICIES_SECONDARY_SUPPRESSION_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "policies/protection.h"
#include "policies/protection_lp.h"
#include "policies/table_structure.h"

namespace cellgate::policies {

// The proof that a primary cell's protection is open in one direction: a
// perturbation touching only suppressed cells that moves the cell by
// exactly its protection level and keeps every cell at or above the floor.
// table + changes is then a table consistent with everything published.
struct Certificate {
  int32_t cell = 0;
  double delta = 0;  // +upper or -lower
  Perturbation perturbation;
};

// Extends `suppressed` (one flag per cell; the primary cells of `table` are
// already set) until every cell in table.required is protected. Returns
// FAILED_PRECONDITION "the table cannot be protected by suppression" if
// some primary cell cannot be protected (then `suppressed` is unspecified).
enum class SuppressionMethod {
  // Hypercube candidates first, the protection LP where none fits (default).
  kHypercubeThenLp,
  // The protection LP for every cell (after a hypercube through suppressed
  // cells only, which costs nothing): less information lost, at the price
  // of an LP per cell (priced, protection_lp.h).
  kLpOnly,
};

struct SuppressionOptions {
  SuppressionMethod method = SuppressionMethod::kHypercubeThenLp;
  // DEADLINE_EXCEEDED once this passes (checked per primary cell and direction).
  absl::Time deadline = absl::InfiniteFuture();
  // SuppressTables only: publish redundant secondary cells again.
  bool cleanup = true;
  // kHypercubeThenLp: a hypercube whose new cells cost more than this per
  // unit of the protection level is set aside for the protection LP.
  double hypercube_max_cost = kInfinity;
  // How the protection LP solves over the table (protection_lp.h). Both
  // find a cheapest perturbation per cell; kWhole is the baseline the
  // benchmark compares with.
  RegionSolve lp_solve = RegionSolve::kPriced;
  // kPriced only: while the LP solves one cell, the next cell still open
  // (another cell's, later in the order) is solved beside it on the solver
  // thread (lp/solver_thread.h), on the pattern as it is then. That answer
  // is used when its cell comes and neither a certificate nor a free
  // hypercube covers it by then: still a perturbation through cells that
  // become suppressed, perhaps not the cheapest on the grown pattern (the
  // cleanup pass gives back what it made redundant). The pattern is the
  // same whether the solver thread was free or the caller solved both.
  bool solve_ahead = false;
};

// Returns the method for `tables` (docs/adr/0010), deadline unset: the
// protection LP while cells times required cells stays within what solves
// in well under a second, solving ahead from a size on where that pays
// (docs/adr/0014); above, hypercubes, with the LP for those that would
// suppress much while the table is small enough for the LP.
SuppressionOptions OptionsFor(const TableStructure& structure,
                              const std::vector<MeasureTable>& tables);

// If `certificates` is not null, appends one certificate per required cell
// and direction with a non-zero protection level. `hints` (may be null):
// certificates found for another measure table of the same pattern (the
// counts, when this is a sum); one that moves a required cell the right way
// certifies it here too, scaled to its level, if the scaled change keeps
// every cell at or above this table's floor. Tried before any search; a
// cell they certify needs no new suppression, as the LP would find.
absl::Status SuppressSecondary(const TableStructure& structure, const MeasureTable& table,
                               const SuppressionCosts& costs, std::vector<bool>& suppressed,
                               std::vector<Certificate>* certificates = nullptr,
                               SuppressionOptions options = {},
                               const std::vector<Certificate>* hints = nullptr);

// Runs SuppressSecondary for each of `tables` in turn (they share the
// pattern; each gets the certificates of the tables before it as hints), then, if options.cleanup, ReleaseRedundant over all of them
// (secondary cells only: the cells suppressed on entry stay). Fills
// `certificates` with one list per table. Errors as SuppressSecondary.
absl::Status SuppressTables(const TableStructure& structure,
                            const std::vector<MeasureTable>& tables,
                            const SuppressionCosts& costs, std::vector<bool>& suppressed,
                            std::vector<std::vector<Certificate>>& certificates,
                            SuppressionOptions options = {});

// Checks each certificate against the table, the final pattern and the
// structure: it touches only suppressed cells, stays at or above the floor,
// moves its cell by exactly its level, and keeps every equation. INTERNAL
// naming the cell for the first one that does not prove protection.
absl::Status VerifyCertificates(const TableStructure& structure, const MeasureTable& table,
                                const std::vector<bool>& suppressed,
                                const std::vector<Certificate>& certificates);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_SECONDARY_SUPPRESSION_H_
