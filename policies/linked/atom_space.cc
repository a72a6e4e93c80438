#include "policies/linked/atom_space.h"

#include <map>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"

namespace cellgate::policies {
namespace {

// Appends `set_id` to the signature of every code in `codes`.
absl::Status Sign(const v1::CodeSet& codes, const std::string& dimension, int32_t set_id,
                  std::vector<std::vector<int32_t>>& signature) {
  for (uint32_t code : codes.codes()) {
    if (code >= signature.size()) {
      return absl::InvalidArgumentError(absl::StrCat("ledger code index ", code,
                                                     " is out of range for dimension \"",
                                                     dimension, "\""));
    }
    signature[code].push_back(set_id);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AtomSpace> AtomSpace::Build(
    absl::Span<const v1::LedgerRelease* const> releases,
    const absl::flat_hash_map<std::string, int>& dimension_sizes, int64_t max_atoms) {
  absl::btree_set<std::string> names;
  for (const v1::LedgerRelease* release : releases) {
    for (const v1::LedgerFilter& filter : release->filters()) names.insert(filter.dimension());
    for (const v1::LedgerAxis& axis : release->axes()) names.insert(axis.dimension());
  }
  AtomSpace space;
  for (const std::string& name : names) {
    const auto size = dimension_sizes.find(name);
    if (size == dimension_sizes.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the ledger names dimension \"", name, "\", which the dataset lacks"));
    }
    // A code's signature: the ids of the code sets that contain it. Codes
    // with the same signature are never told apart by any release.
    std::vector<std::vector<int32_t>> signature(size->second);
    int32_t set_id = 0;
    for (const v1::LedgerRelease* release : releases) {
      for (const v1::LedgerFilter& filter : release->filters()) {
        if (filter.dimension() != name || filter.codes().all()) continue;
        auto status = Sign(filter.codes(), name, set_id++, signature);
        if (!status.ok()) return status;
      }
      for (const v1::LedgerAxis& axis : release->axes()) {
        if (axis.dimension() != name) continue;
        for (const v1::CodeSet& entry : axis.entries()) {
          if (entry.all()) continue;
          auto status = Sign(entry, name, set_id++, signature);
          if (!status.ok()) return status;
        }
      }
    }
    DimensionBlocks blocks;
    blocks.dimension = name;
    std::map<std::vector<int32_t>, int32_t> block_of_signature;
    for (const std::vector<int32_t>& s : signature) {
      const auto [it, added] = block_of_signature.emplace(s, blocks.blocks);
      if (added) ++blocks.blocks;
      blocks.block_of.push_back(it->second);
    }
    if (blocks.blocks == 0) blocks.blocks = 1;  // a dimension without codes
    if (space.atoms_ > max_atoms / blocks.blocks) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the table is linked to earlier releases whose joint audit would exceed ", max_atoms,
          " atoms; ask for fewer dimensions or a narrower population"));
    }
    space.atoms_ *= blocks.blocks;
    space.index_of_[name] = space.dimensions_.size();
    space.dimensions_.push_back(std::move(blocks));
  }
  int64_t stride = 1;
  for (auto it = space.dimensions_.rbegin(); it != space.dimensions_.rend(); ++it) {
    it->stride = stride;
    stride *= it->blocks;
  }
  return space;
}

std::vector<bool> AtomSpace::BlocksIn(size_t d, const v1::CodeSet& codes) const {
  const DimensionBlocks& dimension = dimensions_[d];
  if (codes.all()) return std::vector<bool>(dimension.blocks, true);
  std::vector<bool> inside(dimension.blocks, false);
  for (uint32_t code : codes.codes()) {
    if (code < dimension.block_of.size()) inside[dimension.block_of[code]] = true;
  }
  return inside;
}

Restriction AtomSpace::RestrictionOf(const v1::LedgerRelease& release, int64_t cell) const {
  Restriction restriction;
  for (const DimensionBlocks& dimension : dimensions_) {
    restriction.emplace_back(dimension.blocks, true);
  }
  auto narrow = [&](const std::string& name, const v1::CodeSet& codes) {
    const auto d = index_of_.find(name);
    if (d == index_of_.end() || codes.all()) return;
    const std::vector<bool> inside = BlocksIn(d->second, codes);
    std::vector<bool>& allowed = restriction[d->second];
    for (size_t b = 0; b < allowed.size(); ++b) allowed[b] = allowed[b] && inside[b];
  };
  for (const v1::LedgerFilter& filter : release.filters()) {
    narrow(filter.dimension(), filter.codes());
  }
  for (int a = release.axes_size() - 1; a >= 0; --a) {
    const v1::LedgerAxis& axis = release.axes(a);
    const int size = axis.entries_size();
    if (size == 0) continue;
    narrow(axis.dimension(), axis.entries(static_cast<int>(cell % size)));
    cell /= size;
  }
  return restriction;
}

std::vector<int64_t> AtomSpace::AtomsOf(const Restriction& restriction) const {
  std::vector<int64_t> atoms = {0};
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    std::vector<int64_t> next;
    for (int64_t base : atoms) {
      for (size_t b = 0; b < restriction[d].size(); ++b) {
        if (restriction[d][b]) next.push_back(base + static_cast<int64_t>(b) * dimensions_[d].stride);
      }
    }
    atoms = std::move(next);
  }
  return atoms;  // ascending: dimensions slowest first, blocks ascending
}

}  // namespace cellgate::policies
