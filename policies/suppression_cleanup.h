// The cleanup pass after secondary suppression (docs/adr/0010): publishes
// secondary cells again, largest first, wherever every protection
// certificate that runs through the cell can be replaced by one that uses
// only the cells that stay suppressed. Certificates are replaced first by a
// hypercube over suppressed cells (hypercube.h), then by the protection LP
// (protection_lp.h) over the suppressed cells of the primary cell's
// subtable, then over all suppressed cells if there are few. So the pattern
// only shrinks, and the certificates still prove every protection (the
// caller verifies them before release). Deterministic. Thread-compatible.
#ifndef CELLGATE_POLICIES_SUPPRESSION_CLEANUP_H_
#define CELLGATE_POLICIES_SUPPRESSION_CLEANUP_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "policies/protection.h"
#include "policies/protection_lp.h"
#include "policies/secondary_suppression.h"
#include "policies/table_structure.h"

namespace cellgate::policies {

struct CleanupStats {
  int64_t candidates = 0;  // secondary cells tried
  int64_t released = 0;    // of them, published again
  int64_t hypercubes = 0;  // certificates replaced by a hypercube
  int64_t lps = 0;         // protection LPs solved
  // Candidates kept without a search: publishing them would pin a cell
  // that must move (it would follow from the published cells, directly or
  // through other pinned ones).
  int64_t kept_by_an_equation = 0;
};

// Tries to publish each cell that is suppressed but not in `keep`, in
// decreasing order of costs.per_unit (ties: lower index first), and keeps
// it published if every certificate in `certificates` (one list per table
// of `tables`) that changes it can be replaced within the cells still
// suppressed; the replaced certificates are updated in place. REQUIRES:
// the certificates prove every protection of `tables` under `suppressed`.
// DEADLINE_EXCEEDED once `deadline` passes; INTERNAL if the solver fails.
absl::Status ReleaseRedundant(const TableStructure& structure,
                              const std::vector<MeasureTable>& tables,
                              const SuppressionCosts& costs, const std::vector<bool>& keep,
                              std::vector<bool>& suppressed,
                              std::vector<std::vector<Certificate>>& certificates,
                              absl::Time deadline = absl::InfiniteFuture(),
                              CleanupStats* stats = nullptr);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_SUPPRESSION_CLEANUP_H_
