// The inner loop the engine's scans share: add each row's per-code offset
// of one dimension column to the row's running cell offset. Internal.
#ifndef CELLGATE_SERVER_ENGINE_CODE_SCAN_H_
#define CELLGATE_SERVER_ENGINE_CODE_SCAN_H_

#include <cstdint>
#include <cstring>

#include "server/engine/loaded_version.h"

namespace cellgate::engine {

// Rows per block of a scan: the offsets of a block stay in L1.
inline constexpr int64_t kScanBlockRows = 4096;

template <typename Code>
void AddOffsetsOfWidth(const char* codes, int64_t n, const int64_t* offset_of, int64_t* offsets) {
  for (int64_t i = 0; i < n; ++i) {
    Code c;
    std::memcpy(&c, codes + i * sizeof(Code), sizeof(Code));
    offsets[i] += offset_of[c];
  }
}

// offsets[i] += offset_of[code of row start + i] for i < n.
inline void AddCodeOffsets(const DimensionLevels& d, int64_t start, int64_t n,
                           const int64_t* offset_of, int64_t* offsets) {
  if (d.width == 1) {
    AddOffsetsOfWidth<uint8_t>(d.codes + start, n, offset_of, offsets);
  } else {
    AddOffsetsOfWidth<uint16_t>(d.codes + start * 2, n, offset_of, offsets);
  }
}

}  // namespace cellgate::engine

#endif  // CELLGATE_SERVER_ENGINE_CODE_SCAN_H_
