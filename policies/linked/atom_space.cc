#include "policies/linked/atom_space.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

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

// Triangulates the interaction graph of `releases` (one clique per
// release's dimension set) by greedy min-fill elimination and returns its
// maximal cliques. `weight` is the number of blocks of each dimension.
std::vector<std::set<int>> ChordalCliques(const std::vector<std::set<int>>& release_dims,
                                          const std::vector<int32_t>& weight) {
  const int n = static_cast<int>(weight.size());
  std::vector<std::set<int>> adjacent(n);
  for (const std::set<int>& dims : release_dims) {
    for (int a : dims) {
      for (int b : dims) {
        if (a != b) adjacent[a].insert(b);
      }
    }
  }
  std::vector<bool> eliminated(n, false);
  std::vector<std::set<int>> cliques;
  for (int step = 0; step < n; ++step) {
    int best = -1;
    int64_t best_fill = 0;
    double best_size = 0;
    for (int v = 0; v < n; ++v) {
      if (eliminated[v]) continue;
      int64_t fill = 0;
      double size = weight[v];
      for (int a : adjacent[v]) {
        size *= weight[a];
        for (int b : adjacent[v]) {
          if (a < b && !adjacent[a].contains(b)) ++fill;
        }
      }
      if (best < 0 || fill < best_fill || (fill == best_fill && size < best_size)) {
        best = v;
        best_fill = fill;
        best_size = size;
      }
    }
    std::set<int> clique = adjacent[best];
    clique.insert(best);
    for (int a : adjacent[best]) {
      for (int b : adjacent[best]) {
        if (a != b) adjacent[a].insert(b);
      }
    }
    for (int a : adjacent[best]) adjacent[a].erase(best);
    eliminated[best] = true;
    cliques.push_back(std::move(clique));
  }
  // Keep the maximal ones, in a deterministic order.
  std::vector<std::set<int>> maximal;
  for (size_t i = 0; i < cliques.size(); ++i) {
    bool contained = false;
    for (size_t j = 0; j < cliques.size() && !contained; ++j) {
      if (i == j) continue;
      const bool subset = std::includes(cliques[j].begin(), cliques[j].end(),
                                        cliques[i].begin(), cliques[i].end());
      contained = subset && (cliques[j].size() > cliques[i].size() || j < i);
    }
    if (!contained) maximal.push_back(cliques[i]);
  }
  std::sort(maximal.begin(), maximal.end());
  if (maximal.empty()) maximal.emplace_back();  // no dimensions at all: the total
  return maximal;
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
        if (absl::Status s = Sign(filter.codes(), name, set_id++, signature); !s.ok()) return s;
      }
      for (const v1::LedgerAxis& axis : release->axes()) {
        if (axis.dimension() != name) continue;
        for (const v1::CodeSet& entry : axis.entries()) {
          if (entry.all()) continue;
          if (absl::Status s = Sign(entry, name, set_id++, signature); !s.ok()) return s;
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
    space.index_of_[name] = space.dimensions_.size();
    space.dimensions_.push_back(std::move(blocks));
  }

  std::vector<std::set<int>> release_dims;
  for (const v1::LedgerRelease* release : releases) {
    std::set<int> dims;
    for (const v1::LedgerFilter& f : release->filters()) {
      dims.insert(static_cast<int>(space.index_of_.at(f.dimension())));
    }
    for (const v1::LedgerAxis& a : release->axes()) {
      dims.insert(static_cast<int>(space.index_of_.at(a.dimension())));
    }
    release_dims.push_back(std::move(dims));
  }
  std::vector<int32_t> weight;
  for (const DimensionBlocks& d : space.dimensions_) weight.push_back(d.blocks);
  const std::vector<std::set<int>> cliques = ChordalCliques(release_dims, weight);

  for (const std::set<int>& dims : cliques) {
    Clique clique;
    clique.dimensions.assign(dims.begin(), dims.end());
    clique.strides.resize(clique.dimensions.size());
    for (size_t j = clique.dimensions.size(); j-- > 0;) {
      clique.strides[j] = clique.atoms;
      const int32_t blocks = space.dimensions_[clique.dimensions[j]].blocks;
      if (clique.atoms > max_atoms / blocks) clique.atoms = max_atoms + 1;  // saturate
      else clique.atoms *= blocks;
    }
    clique.first_atom = space.atoms_;
    space.atoms_ += clique.atoms;
    if (space.atoms_ > max_atoms) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the table is linked to earlier releases whose joint audit would exceed ", max_atoms,
          " atoms; ask for fewer dimensions or a narrower population"));
    }
    space.cliques_.push_back(std::move(clique));
  }
  // Each release in the smallest clique that holds its dimensions.
  for (const std::set<int>& dims : release_dims) {
    int best = -1;
    for (size_t c = 0; c < cliques.size(); ++c) {
      if (!std::includes(cliques[c].begin(), cliques[c].end(), dims.begin(), dims.end())) continue;
      if (best < 0 || space.cliques_[c].atoms < space.cliques_[best].atoms) best = static_cast<int>(c);
    }
    if (best < 0) return absl::InternalError("no clique holds a release's dimensions");
    space.clique_of_release_.push_back(best);
  }
  // The junction tree: a maximum spanning tree by separator size.
  std::vector<std::tuple<int, int, int>> pairs;  // (-|separator|, a, b)
  for (size_t a = 0; a < cliques.size(); ++a) {
    for (size_t b = a + 1; b < cliques.size(); ++b) {
      std::vector<int> common;
      std::set_intersection(cliques[a].begin(), cliques[a].end(), cliques[b].begin(),
                            cliques[b].end(), std::back_inserter(common));
      pairs.emplace_back(-static_cast<int>(common.size()), static_cast<int>(a),
                         static_cast<int>(b));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<int> root(cliques.size());
  std::iota(root.begin(), root.end(), 0);
  auto find = [&](int x) {
    while (root[x] != x) x = root[x] = root[root[x]];
    return x;
  };
  for (const auto& [negative_size, a, b] : pairs) {
    if (find(a) == find(b)) continue;
    root[find(a)] = find(b);
    Separator separator{a, b, {}};
    std::set_intersection(cliques[a].begin(), cliques[a].end(), cliques[b].begin(),
                          cliques[b].end(), std::back_inserter(separator.dimensions));
    space.separators_.push_back(std::move(separator));
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

std::vector<int64_t> AtomSpace::AtomsOf(int clique_index, const Restriction& restriction) const {
  const Clique& clique = cliques_[clique_index];
  std::vector<int64_t> atoms = {clique.first_atom};
  for (size_t j = 0; j < clique.dimensions.size(); ++j) {
    const std::vector<bool>& allowed = restriction[clique.dimensions[j]];
    std::vector<int64_t> next;
    for (int64_t base : atoms) {
      for (size_t b = 0; b < allowed.size(); ++b) {
        if (allowed[b]) next.push_back(base + static_cast<int64_t>(b) * clique.strides[j]);
      }
    }
    atoms = std::move(next);
  }
  return atoms;
}

}  // namespace cellgate::policies
