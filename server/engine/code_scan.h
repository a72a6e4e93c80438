// The inner loop the engine's scans share: per row of a block, look up the
// offset of the row's code in one dimension column and store it (the first
// dimension of a scan) or add it (every further one) to the row's cell
// offset. Branch-free; one loop per code width (1 or 2 bytes). Internal.
#ifndef CELLGATE_SERVER_ENGINE_CODE_SCAN_H_
#define CELLGATE_SERVER_ENGINE_CODE_SCAN_H_

#include <cstdint>
#include <cstring>

#include "server/engine/loaded_version.h"

namespace cellgate::engine {

// Rows per block of a scan: the offsets of a block stay in L1.
inline constexpr int64_t kScanBlockRows = 4096;

template <typename Code, bool kFirst, typename Offset>
void ApplyOffsetsOfWidth(const char* codes, int64_t n, const Offset* offset_of, Offset* offsets) {
  for (int64_t i = 0; i < n; ++i) {
    Code c;
    std::memcpy(&c, codes + i * sizeof(Code), sizeof(Code));
    if constexpr (kFirst) {
      offsets[i] = offset_of[c];
    } else {
      offsets[i] += offset_of[c];
    }
  }
}

// offsets[i] = offset_of[code of row start + i] (if `first`) or
// offsets[i] += offset_of[...] (else), for i < n.
template <typename Offset>
inline void ApplyCodeOffsets(const DimensionLevels& d, int64_t start, int64_t n,
                             const Offset* offset_of, Offset* offsets, bool first) {
  if (d.width == 1) {
    if (first) {
      ApplyOffsetsOfWidth<uint8_t, true>(d.codes + start, n, offset_of, offsets);
    } else {
      ApplyOffsetsOfWidth<uint8_t, false>(d.codes + start, n, offset_of, offsets);
    }
  } else if (first) {
    ApplyOffsetsOfWidth<uint16_t, true>(d.codes + start * 2, n, offset_of, offsets);
  } else {
    ApplyOffsetsOfWidth<uint16_t, false>(d.codes + start * 2, n, offset_of, offsets);
  }
}

// offsets[i] += offset_of[code of row start + i] for i < n.
template <typename Offset>
inline void AddCodeOffsets(const DimensionLevels& d, int64_t start, int64_t n,
                           const Offset* offset_of, Offset* offsets) {
  ApplyCodeOffsets(d, start, n, offset_of, offsets, /*first=*/false);
}

}  // namespace cellgate::engine

#endif  // CELLGATE_SERVER_ENGINE_CODE_SCAN_H_
