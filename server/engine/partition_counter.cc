#include "server/engine/partition_counter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/engine/code_scan.h"

namespace cellgate::engine {
absl::StatusOr<std::vector<int64_t>> CountByPartition(const LoadedVersion& version,
                                                      absl::Span<const CodePartition> partition,
                                                      int64_t cells) {
  struct Scan {
    const DimensionLevels* dimension;
    std::vector<int64_t> offset_of;
  };
  std::vector<Scan> scans;
  int64_t largest = 0;
  for (const CodePartition& p : partition) {
    const DimensionLevels* d = version.FindDimension(p.dimension);
    if (d == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown dimension \"", p.dimension, "\""));
    }
    if (p.block_of.size() != d->entries[0].size()) {
      return absl::InvalidArgumentError(absl::StrCat("partition of \"", p.dimension, "\" maps ",
                                                     p.block_of.size(), " codes of ",
                                                     d->entries[0].size()));
    }
    Scan& scan = scans.emplace_back(Scan{d, {}});
    int64_t top = 0;
    for (int32_t block : p.block_of) {
      if (block < 0) return absl::InvalidArgumentError("negative block in a partition");
      scan.offset_of.push_back(block * p.stride);
      top = std::max(top, block * p.stride);
    }
    largest += top;
  }
  if (largest >= cells) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition reaches cell ", largest, " of ", cells));
  }
  std::vector<int64_t> counts(cells, 0);
  const int64_t rows = version.row_count();
  std::vector<int64_t> offsets(kScanBlockRows);
  for (int64_t start = 0; start < rows; start += kScanBlockRows) {
    const int64_t n = std::min(kScanBlockRows, rows - start);
    std::fill(offsets.begin(), offsets.begin() + n, 0);
    for (const Scan& s : scans) {
      AddCodeOffsets(*s.dimension, start, n, s.offset_of.data(), offsets.data());
    }
    for (int64_t i = 0; i < n; ++i) ++counts[offsets[i]];
  }
  return counts;
}

}  // namespace cellgate::engine
