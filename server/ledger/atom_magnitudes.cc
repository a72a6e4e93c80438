#include "server/ledger/atom_magnitudes.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/engine/code_scan.h"

namespace cellgate::ledger {

namespace {

// Contributor `row`'s dense index (1, 2 or 4 little-endian bytes).
uint32_t ContributorAt(const engine::ContributorIds& ids, int64_t row) {
  uint32_t id = 0;
  std::memcpy(&id, ids.ids + row * ids.width, ids.width);
  return id;
}

}  // namespace

absl::StatusOr<policies::AtomSums> AtomSumsOf(const engine::LoadedVersion& version,
                                              const policies::AtomSpace& space, int clique_index,
                                              const std::string& column) {
  const engine::MeasureColumn* measure = version.FindMeasure(column);
  if (measure == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ledger names measure column \"", column, "\", which the dataset lacks"));
  }
  const policies::Clique& clique = space.cliques()[clique_index];
  struct Scan {
    const engine::DimensionLevels* dimension;
    std::vector<int64_t> offset_of;  // per finest code: its atom's offset
  };
  std::vector<Scan> scans;
  for (size_t j = 0; j < clique.dimensions.size(); ++j) {
    const policies::DimensionBlocks& blocks = space.dimensions()[clique.dimensions[j]];
    const engine::DimensionLevels* d = version.FindDimension(blocks.dimension);
    if (d == nullptr || blocks.block_of.size() != d->entries[0].size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the atoms of dimension \"", blocks.dimension, "\" do not fit the dataset"));
    }
    Scan& scan = scans.emplace_back(Scan{d, {}});
    for (int32_t block : blocks.block_of) scan.offset_of.push_back(block * clique.strides[j]);
  }
  policies::AtomSums out;
  out.facts.assign(clique.atoms, {});
  // Top two per atom, as the engine keeps them for a cell (kNone: fewer
  // records so far).
  constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  std::vector<int64_t> sum(clique.atoms, 0), first(clique.atoms, kNone), second(clique.atoms, kNone);
  const int64_t rows = version.row_count();
  // With a contributor column: each contributor's total per atom, by
  // (atom << 32 | contributor).
  const engine::ContributorIds* contributor = measure->contributor;
  absl::flat_hash_map<uint64_t, int64_t> by_contributor;
  std::vector<int64_t> offsets(engine::kScanBlockRows);
  for (int64_t start = 0; start < rows; start += engine::kScanBlockRows) {
    const int64_t n = std::min(engine::kScanBlockRows, rows - start);
    std::fill(offsets.begin(), offsets.begin() + n, 0);
    for (const Scan& s : scans) {
      engine::AddCodeOffsets(*s.dimension, start, n, s.offset_of.data(), offsets.data());
    }
    for (int64_t i = 0; i < n; ++i) {
      int64_t v;
      std::memcpy(&v, measure->values + (start + i) * 8, 8);
      const int64_t atom = offsets[i];
      if (__builtin_add_overflow(sum[atom], v, &sum[atom])) {
        return absl::InvalidArgumentError(
            absl::StrCat("a sum of column \"", column, "\" overflows 64 bits"));
      }
      out.negative |= v < 0;
      if (contributor != nullptr) {
        const uint64_t key =
            (static_cast<uint64_t>(atom) << 32) | ContributorAt(*contributor, start + i);
        int64_t& total = by_contributor[key];
        if (__builtin_add_overflow(total, v, &total)) {
          return absl::InvalidArgumentError(
              absl::StrCat("a sum of column \"", column, "\" overflows 64 bits"));
        }
      }
      if (v > first[atom]) {
        second[atom] = first[atom];
        first[atom] = v;
      } else if (v > second[atom]) {
        second[atom] = v;
      }
    }
  }
  for (int64_t a = 0; a < clique.atoms; ++a) {
    out.facts[a].sum = static_cast<double>(sum[a]);
    out.facts[a].largest = first[a] == kNone ? 0 : static_cast<double>(first[a]);
    out.facts[a].second = second[a] == kNone ? 0 : static_cast<double>(second[a]);
  }
  if (contributor != nullptr) {
    // The tops are those of the contributors' totals per atom.
    out.contributors_span_atoms = true;
    std::vector<int64_t> top(clique.atoms, kNone), next(clique.atoms, kNone);
    for (const auto& [key, total] : by_contributor) {
      const int64_t atom = static_cast<int64_t>(key >> 32);
      ++out.facts[atom].contributors;
      if (total > top[atom]) {
        next[atom] = top[atom];
        top[atom] = total;
      } else if (total > next[atom]) {
        next[atom] = total;
      }
    }
    for (int64_t a = 0; a < clique.atoms; ++a) {
      out.facts[a].largest = top[a] == kNone ? 0 : static_cast<double>(top[a]);
      out.facts[a].second = next[a] == kNone ? 0 : static_cast<double>(next[a]);
    }
  }
  return out;
}

policies::AtomMagnitudes AtomMagnitudesFor(const engine::LoadedVersion& version) {
  return [&version](const policies::AtomSpace& space, int clique, const std::string& column) {
    return AtomSumsOf(version, space, clique, column);
  };
}

}  // namespace cellgate::ledger
