// The attacker LP across releases. The attacker knows every cell ever
// released from a dataset version (exact counts of unsuppressed cells,
// "not empty" for suppressed ones, and the exact sum of every cell
// published with a SUM or MEAN of a column) and that counts are
// non-negative. Over the atoms of the linked releases (atom_space.h):
//  - counts: every atom holding 1 .. k-1 records must still be able to
//    hold max(n + upper, k) records in some table consistent with all of
//    it. That covers every set the query language can describe, not just
//    released cells: a describable set is a union of atoms (or lies inside
//    one), and a union with fewer than k records whose atoms can each
//    reach k can itself reach k (docs/adr/0003-release-ledger.md);
//  - sums of a column the candidate publishes: every atom and every
//    released cell whose sum is sensitive (1 .. k-1 records, or failing
//    the dominance or p% rule by its records) must be able to move up and
//    down by its protection level (docs/adr/0011-ledger-sums-and-scale.md).
// Thread-compatible.
//
//   ASSIGN_OR_RETURN(LinkedAuditResult result,
//                    AuditLinkedReleases(releases, sizes, counter, {.k = 3}));
//   if (!result.exposed.empty()) { /* suppress result.exposed[0].moves */ }
#ifndef CELLGATE_POLICIES_LINKED_LINKED_AUDIT_H_
#define CELLGATE_POLICIES_LINKED_LINKED_AUDIT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "cellgate/v1/ledger.pb.h"
#include "policies/linked/atom_space.h"
#include "policies/linked/attacker_lp.h"
#include "policies/magnitude_rules.h"

namespace cellgate::policies {

// Returns the exact record count of every atom of clique `clique` of
// `space` (by local atom index) from the dataset version the releases were
// made from.
using AtomCounter =
    std::function<absl::StatusOr<std::vector<int64_t>>(const AtomSpace& space, int clique)>;

// The magnitude facts of every atom of one clique for one measure column,
// in the column's scaled units: the two largest contributions, of records,
// or of contributors where the column has a contributor column (then also
// `contributors`, the number of distinct contributors of the atom).
struct AtomSums {
  std::vector<Contributions> facts;  // by local atom index
  bool negative = false;             // some record's value is below zero
  // The contributors are not the records (a contributor column): one
  // contributor may have records in several atoms, so the top two of a
  // union of atoms are bounded from above (by the atoms' tops added up),
  // not merged.
  bool contributors_span_atoms = false;
};
// Returns the facts of column `column` for clique `clique` of `space`.
using AtomMagnitudes = std::function<absl::StatusOr<AtomSums>(
    const AtomSpace& space, int clique, const std::string& column)>;

struct LinkedAuditOptions {
  // The threshold: atoms with 1 .. k-1 records are sensitive; an atom of a
  // clique with a dimension listed here has the larger k of the two (the
  // policy's per-dimension k of sensitive dimensions).
  int64_t k = 3;
  absl::flat_hash_map<std::string, int64_t> k_of_dimension = {};
  // An atom with n records must be able to reach max(n + count_upper, k).
  int64_t count_upper = 1;
  int64_t max_atoms = 200000;
  // At most this many exposed atoms (and as many sums) are reported (each
  // costs an LP).
  int max_exposed = 8;
  absl::Time deadline = absl::InfiniteFuture();
  // Sums: audited only with `magnitudes`. A sensitive sum X must be able
  // to reach X ± its level: at least one unit, `sum_percent` % of X, and
  // what the magnitude rules in force require (their upper protection;
  // not owned, may be null), as the table protector requires of a
  // suppressed sum.
  AtomMagnitudes magnitudes = nullptr;
  int32_t sum_percent = 10;
  const DominanceRule* dominance = nullptr;
  const PPercentRule* p_percent = nullptr;
  // The policy's minimum number of contributors (not owned, may be null):
  // a sum of fewer contributors is sensitive (records count as
  // contributors where the column has no contributor column).
  const MinContributorsRule* min_contributors = nullptr;
};

// A cell of the candidate that must be able to move for a set to open.
struct CellMove {
  int32_t cell = 0;
  double delta = 0;  // > 0: the cell must be able to be this much larger
};

// A sensitive atom the releases pin below its protection level.
struct ExposedAtom {
  int64_t atom = 0;
  // How far the atom must be able to rise above its count.
  int64_t required_rise = 0;
  // The cheapest way to open it: published cells of the candidate (the last
  // release) and how far each must be able to move, found by the
  // protection LP across releases (weighted by cell size). Empty if no
  // change of the candidate can open it.
  std::vector<CellMove> moves;
  // The dimensions of its clique, e.g. "schuljahr x sex" (for the DPO).
  std::string dimensions;
};

// A set (an atom or a released cell) whose sensitive sum of `column` the
// releases pin closer than its protection level, in one direction.
struct ExposedSum {
  std::string column;
  bool up = true;  // the sum cannot be large enough (else: small enough)
  // The candidate's cells whose sums of `column` must be able to move
  // (deltas in the column's scaled units). Empty if no change of the
  // candidate's sums opens it: then the earlier releases pin it already
  // and the candidate adds nothing to that (`before`).
  std::vector<CellMove> moves;
  bool before = false;
  std::string dimensions;
};

struct LinkedAuditResult {
  int64_t atoms = 0;            // of all cliques of the atom space
  int64_t cliques = 0;
  int64_t variables = 0;        // atoms not known to be empty
  int64_t equations = 0;        // distinct released cells
  int64_t implied = 0;          // of them, dropped as implied by others
  int64_t sensitive_atoms = 0;  // with 1 .. k-1 records
  int64_t lp_solves = 0;
  // Cells the candidate publishes that an earlier release suppressed and
  // none published: they must stay suppressed (the audit below assumes
  // they are published).
  std::vector<int32_t> previously_suppressed;
  std::vector<ExposedAtom> exposed;  // empty: the counts are safe together
  // Sums: the columns audited, the sensitive sets over all of them, and
  // what is exposed (empty: the sums are safe together, up to sets that
  // were pinned before the candidate, which are listed with `before`).
  std::vector<std::string> sum_columns;
  int64_t sensitive_sums = 0;
  std::vector<ExposedSum> exposed_sums;
};

// Audits the releases of one dataset version round after round as the
// candidate (the last release) changes its suppression: the atom space and
// the atom facts are computed once. Thread-compatible.
class LinkedAuditor {
 public:
  // Builds the atom space of `releases` (the last is the candidate; all of
  // the same version; they must outlive the auditor except the last) and
  // counts its atoms. INTERNAL if the releases contradict the counts;
  // FAILED_PRECONDITION from AtomSpace::Build.
  static absl::StatusOr<std::unique_ptr<LinkedAuditor>> Create(
      absl::Span<const v1::LedgerRelease* const> releases,
      const absl::flat_hash_map<std::string, int>& dimension_sizes, const AtomCounter& counter,
      const LinkedAuditOptions& options);

  // Audits the earlier releases together with `candidate`, which must
  // describe the same cells as the last release given to Create (INTERNAL
  // otherwise); DEADLINE_EXCEEDED past options.deadline.
  absl::StatusOr<LinkedAuditResult> Audit(const v1::LedgerRelease& candidate);

 private:
  // A distinct set of atoms that released cells describe, and where.
  struct CellSet {
    int clique = 0;
    std::vector<int64_t> atoms;  // ascending
    std::vector<uint64_t> box;
    std::vector<std::pair<int, int>> occurrences;  // (release, cell)
  };

  // What the releases tell of one cell set for one measure.
  struct Told {
    bool exact = false;  // some release published it
    double value = 0;
    bool published_before = false;    // by an earlier release
    bool unpublished = false;         // some release did not publish it
    bool unpublished_before = false;  // an earlier one
    std::vector<int32_t> candidate_cells;  // the candidate's cells publishing it
  };
  // The known sets of one measure and, per set, the candidate's cells.
  struct Rows {
    std::vector<KnownSet> known;
    std::vector<std::vector<int32_t>> cells_of;
  };
  // A sensitive sum's goals and where they come from.
  struct SumGoals {
    std::vector<Goal> goals;
    std::vector<int> clique_of;  // per goal
  };

  LinkedAuditor(std::vector<const v1::LedgerRelease*> releases, AtomSpace space,
                LinkedAuditOptions options);
  // `value_of` gives a release's published value of a cell, if any.
  absl::StatusOr<Told> TellOf(
      const CellSet& set,
      const std::function<std::optional<double>(const v1::LedgerRelease&, int)>& value_of) const;
  absl::StatusOr<Rows> CountRows(std::vector<bool>& variable, LinkedAuditResult& result) const;
  absl::StatusOr<Rows> SumRows(const std::string& column, const AtomSums& sums) const;
  SumGoals GoalsOfSums(const AtomSums& sums, double floor, AttackerLp& lp,
                       LinkedAuditResult& result) const;
  absl::Status AuditCounts(LinkedAuditResult& result);
  absl::Status AuditSums(const std::string& column, LinkedAuditResult& result);
  absl::StatusOr<const AtomSums*> SumsOf(const std::string& column);

  std::vector<const v1::LedgerRelease*> releases_;  // the last is replaced per Audit
  std::string candidate_cells_;  // the last release's filters and axes, serialized
  AtomSpace space_;
  LinkedAuditOptions options_;
  std::vector<CellSet> cell_sets_;
  std::vector<int64_t> counts_;  // per global atom
  absl::flat_hash_map<std::string, AtomSums> sums_;  // per column, global atoms
};

// Audits `releases` together once; the last one is the candidate about to
// be released. Errors as LinkedAuditor's.
absl::StatusOr<LinkedAuditResult> AuditLinkedReleases(
    absl::Span<const v1::LedgerRelease* const> releases,
    const absl::flat_hash_map<std::string, int>& dimension_sizes, const AtomCounter& counter,
    const LinkedAuditOptions& options);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_LINKED_LINKED_AUDIT_H_
