#include "server/ledger/atom_magnitudes.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "server/engine/code_scan.h"

namespace cellgate::ledger {

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
  return out;
}

policies::AtomMagnitudes AtomMagnitudesFor(const engine::LoadedVersion& version) {
  return [&version](const policies::AtomSpace& space, int clique, const std::string& column) {
    return AtomSumsOf(version, space, clique, column);
  };
}

}  // namespace cellgate::ledger
