// The atoms of a set of linked releases of one dataset version. Per
// dimension, the finest codes are grouped into blocks that no code set of
// any release (filter or axis entry) splits; an atom is one block per
// dimension, and every released cell is a union of atoms. This is the
// coarsest partition in which the releases are linear equations, so the
// attacker LP over it is as small as it can be. Pure; thread-compatible.
//
//   ASSIGN_OR_RETURN(AtomSpace space, AtomSpace::Build(releases, sizes, 200000));
//   std::vector<int64_t> atoms = space.AtomsOf(space.RestrictionOf(*releases[0], cell));
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
  // Row-major stride of the dimension in the atom index (last fastest).
  int64_t stride = 1;
};

// Per dimension of the space, which of its blocks a cell covers.
using Restriction = std::vector<std::vector<bool>>;

class AtomSpace {
 public:
  // Builds the space of `releases`. `dimension_sizes` gives the number of
  // finest codes of every dimension the releases name (INVALID_ARGUMENT
  // naming the dimension if one is missing or a code is out of range).
  // FAILED_PRECONDITION if the space would exceed `max_atoms` atoms.
  static absl::StatusOr<AtomSpace> Build(absl::Span<const v1::LedgerRelease* const> releases,
                                         const absl::flat_hash_map<std::string, int>& dimension_sizes,
                                         int64_t max_atoms);

  int64_t atoms() const { return atoms_; }
  const std::vector<DimensionBlocks>& dimensions() const { return dimensions_; }

  // The blocks covered by cell `cell` (row-major) of `release`, which must
  // be one of the releases the space was built from.
  Restriction RestrictionOf(const v1::LedgerRelease& release, int64_t cell) const;
  // The atoms of a restriction, ascending.
  std::vector<int64_t> AtomsOf(const Restriction& restriction) const;
  // The block of atom `atom` on dimension `d`.
  int32_t BlockOf(int64_t atom, size_t d) const {
    return static_cast<int32_t>((atom / dimensions_[d].stride) % dimensions_[d].blocks);
  }

 private:
  AtomSpace() = default;
  // The blocks of dimension `d` inside `codes`.
  std::vector<bool> BlocksIn(size_t d, const v1::CodeSet& codes) const;

  std::vector<DimensionBlocks> dimensions_;
  absl::flat_hash_map<std::string, size_t> index_of_;
  int64_t atoms_ = 1;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_LINKED_ATOM_SPACE_H_
