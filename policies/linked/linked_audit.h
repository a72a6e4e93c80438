// The attacker LP across releases. The attacker knows every cell ever
// released from a dataset version (exact counts of unsuppressed cells,
// "not empty" for suppressed ones) and that counts are non-negative. Over
// the atoms of the linked releases (atom_space.h), a release set is safe if
// every atom holding 1 .. k-1 records can still hold max(n + upper, k)
// records in some table consistent with all of it. That covers every set
// the query language can describe, not just released cells: a describable
// set is a union of atoms (or lies inside one), and a union with fewer than
// k records whose atoms can each reach k can itself reach k.
// docs/adr/0003-release-ledger.md. Thread-compatible.
//
//   ASSIGN_OR_RETURN(LinkedAuditResult result,
//                    AuditLinkedReleases(releases, sizes, counter, {.k = 3}));
//   if (!result.exposed.empty()) { /* suppress result.exposed[0].moves */ }
#ifndef CELLGATE_POLICIES_LINKED_LINKED_AUDIT_H_
#define CELLGATE_POLICIES_LINKED_LINKED_AUDIT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "cellgate/v1/ledger.pb.h"
#include "policies/linked/atom_space.h"

namespace cellgate::policies {

// Returns the exact record count of every atom of clique `clique` of
// `space` (by local atom index) from the dataset version the releases were
// made from.
using AtomCounter =
    std::function<absl::StatusOr<std::vector<int64_t>>(const AtomSpace& space, int clique)>;

struct LinkedAuditOptions {
  // The threshold: atoms with 1 .. k-1 records are sensitive; an atom of a
  // clique with a dimension listed here has the larger k of the two (the
  // policy's per-dimension k of sensitive dimensions).
  int64_t k = 3;
  absl::flat_hash_map<std::string, int64_t> k_of_dimension = {};
  // An atom with n records must be able to reach max(n + count_upper, k).
  int64_t count_upper = 1;
  int64_t max_atoms = 200000;
  // At most this many exposed atoms are reported (each costs an LP).
  int max_exposed = 8;
  absl::Time deadline = absl::InfiniteFuture();
};

// A cell of the candidate that must be able to move for an atom to open.
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

struct LinkedAuditResult {
  int64_t atoms = 0;            // of all cliques of the atom space
  int64_t cliques = 0;
  int64_t variables = 0;        // atoms not known to be empty
  int64_t equations = 0;        // distinct released cells
  int64_t sensitive_atoms = 0;  // with 1 .. k-1 records
  int64_t lp_solves = 0;
  // Cells the candidate publishes that an earlier release suppressed and
  // none published: they must stay suppressed (the audit below assumes
  // they are published).
  std::vector<int32_t> previously_suppressed;
  std::vector<ExposedAtom> exposed;  // empty: the releases are safe together
};

// Audits `releases` together; the last one is the candidate about to be
// released. All must be of the same dataset version. INTERNAL if the
// releases contradict the counts (e.g. a release of another version);
// FAILED_PRECONDITION from AtomSpace::Build; DEADLINE_EXCEEDED past
// options.deadline.
absl::StatusOr<LinkedAuditResult> AuditLinkedReleases(
    absl::Span<const v1::LedgerRelease* const> releases,
    const absl::flat_hash_map<std::string, int>& dimension_sizes, const AtomCounter& counter,
    const LinkedAuditOptions& options);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_LINKED_LINKED_AUDIT_H_
