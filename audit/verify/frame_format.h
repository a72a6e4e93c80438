// The on-disk framing of audit log segments (docs/audit-log-format.md):
//
//   frame = u32 little-endian length ‖ record bytes ‖ first 8 bytes of
//           SHA-256(record bytes)
//
// The 8-byte check only tells a torn tail from damage; integrity against
// tampering comes from the hash chain. Shared by the writer (audit/) and
// every reader; pure functions, thread-safe.
#ifndef CELLGATE_AUDIT_VERIFY_FRAME_FORMAT_H_
#define CELLGATE_AUDIT_VERIFY_FRAME_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/crypto/sha256.h"

namespace cellgate::audit {

inline constexpr size_t kFrameHeaderBytes = 4;
inline constexpr size_t kFrameCheckBytes = 8;
// Largest record a frame may carry; a longer length field is damage.
inline constexpr uint32_t kMaxRecordBytes = 64u << 20;
// Segment file names: audit-000001.log, audit-000002.log, ...
inline constexpr char kSegmentPrefix[] = "audit-";
inline constexpr char kSegmentSuffix[] = ".log";

// Returns the frame for `record_bytes`. REQUIRES: 0 < size <= kMaxRecordBytes.
std::string EncodeFrame(absl::string_view record_bytes);

// leaf_hash = SHA-256(0x00 ‖ record bytes), as RFC 6962 leaves.
crypto::Digest LeafHash(absl::string_view record_bytes);

// Where the frames of one segment are.
struct FrameScan {
  // Record bytes of each intact frame, in file order (views into the input).
  std::vector<absl::string_view> records;
  // Offset of each frame in the segment.
  std::vector<uint64_t> offsets;
  // Bytes covered by intact frames; the segment is valid up to here.
  uint64_t valid_bytes = 0;
  // Bytes after the last intact frame that form a torn tail: an incomplete
  // or unchecked final frame, or trailing zero bytes. 0 for a clean segment.
  uint64_t torn_tail_bytes = 0;
};

// Splits `segment` into frames. A bad frame at the very end (it runs past
// the end, ends exactly at it, or only zero bytes follow it) is a torn tail;
// a bad frame with other bytes behind it is DATA_LOSS naming `name` and the
// offset.
absl::StatusOr<FrameScan> ScanFrames(absl::string_view segment, absl::string_view name);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_FRAME_FORMAT_H_
