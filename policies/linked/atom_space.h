// The atoms of a set of linked releases of one dataset version, organized
// as a junction tree so that the attacker LP stays small.
//
// Per dimension, the finest codes are grouped into blocks that no code set
// of any release (filter or axis entry) splits. Dimensions that appear in
// one release interact; the interaction graph is triangulated and its
// maximal cliques joined into a junction tree. An atom is one block per
// dimension of one clique; every released cell is a sum of atoms of a
// clique that holds all its dimensions, and neighbouring cliques must
// agree on the margins of their separator. For nonnegative real tables
// this is exact: clique tables that agree on separators always extend to
// one table over all dimensions (docs/adr/0003-release-ledger.md). A
// single clique over all dimensions would grow with the product of every
// dimension any release used. Pure; thread-compatible.
//
//   ASSIGN_OR_RETURN(AtomSpace space, AtomSpace::Build(releases, sizes, 200000));
//   const int clique = space.CliqueOf(0);
//   std::vector<int64_t> atoms = space.AtomsOf(clique, space.RestrictionOf(*releases[0], cell));
#ifndef CELLGATE_POLICIES_LINKED_ATOM_SPACE_H_
#define CELLGATE_POLICIES_LINKED_ATOM_SPACE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "cellgate/v1/ledger.pb.h"

namespace cellgate::policies {

// The blocks of one dimension.
struct DimensionBlocks {
  std::string dimension;
  // block_of[finest code index] -> block, 0 .. blocks - 1.
  std::vector<int32_t> block_of;
  int32_t blocks = 0;
};

// A set of dimensions whose atoms are variables of the LP.
struct Clique {
  std::vector<int> dimensions;   // indices into AtomSpace::dimensions(), ascending
  std::vector<int64_t> strides;  // per entry of `dimensions`, row-major (last fastest)
  int64_t atoms = 1;
  int64_t first_atom = 0;  // global id of the clique's atom 0
};

// Two neighbouring cliques of the junction tree and the dimensions they
// share (possibly none: then they share the population total).
struct Separator {
  int a = 0;
  int b = 0;
  std::vector<int> dimensions;
};

// Per dimension of the space, which of its blocks a cell covers.
using Restriction = std::vector<std::vector<bool>>;

class AtomSpace {
 public:
  // Builds the space of `releases`. `dimension_sizes` gives the number of
  // finest codes of every dimension the releases name (INVALID_ARGUMENT
  // naming the dimension if one is missing or a code is out of range).
  // FAILED_PRECONDITION if the cliques would hold more than `max_atoms`
  // atoms together.
  static absl::StatusOr<AtomSpace> Build(absl::Span<const v1::LedgerRelease* const> releases,
                                         const absl::flat_hash_map<std::string, int>& dimension_sizes,
                                         int64_t max_atoms);

  // All atoms of all cliques.
  int64_t atoms() const { return atoms_; }
  const std::vector<DimensionBlocks>& dimensions() const { return dimensions_; }
  const std::vector<Clique>& cliques() const { return cliques_; }
  const std::vector<Separator>& separators() const { return separators_; }
  // The clique holding every dimension of release `r` (index into the
  // releases the space was built from).
  int CliqueOf(size_t r) const { return clique_of_release_[r]; }

  // The blocks covered by cell `cell` (row-major) of `release`.
  Restriction RestrictionOf(const v1::LedgerRelease& release, int64_t cell) const;
  // The global ids of the atoms of `clique` inside `restriction`, which
  // must be unrestricted on every dimension outside the clique; ascending.
  std::vector<int64_t> AtomsOf(int clique, const Restriction& restriction) const;
  // The block on clique dimension `j` (index into clique.dimensions) of
  // the clique's local atom `local`.
  int32_t BlockOf(const Clique& clique, int64_t local, size_t j) const {
    return static_cast<int32_t>((local / clique.strides[j]) %
                                dimensions_[clique.dimensions[j]].blocks);
  }

 private:
  AtomSpace() = default;
  // The blocks of dimension `d` inside `codes`.
  std::vector<bool> BlocksIn(size_t d, const v1::CodeSet& codes) const;

  std::vector<DimensionBlocks> dimensions_;
  absl::flat_hash_map<std::string, size_t> index_of_;
  std::vector<Clique> cliques_;
  std::vector<Separator> separators_;
  std::vector<int> clique_of_release_;
  int64_t atoms_ = 0;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_LINKED_ATOM_SPACE_H_
