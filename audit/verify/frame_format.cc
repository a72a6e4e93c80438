#include "audit/verify/frame_format.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "audit/verify/finding.h"

namespace cellgate::audit {
namespace {

uint32_t ReadLength(absl::string_view bytes) {
  uint32_t n = 0;
  for (int i = 3; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  return n;
}

std::string Check(absl::string_view record_bytes) {
  const crypto::Digest digest = crypto::Sha256(record_bytes);
  return std::string(reinterpret_cast<const char*>(digest.data()), kFrameCheckBytes);
}

bool OnlyZeros(absl::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

// Returns the size of the intact frame at the start of `rest`, or 0.
uint64_t IntactFrameBytes(absl::string_view rest) {
  if (rest.size() < kFrameHeaderBytes + kFrameCheckBytes) return 0;
  const uint32_t n = ReadLength(rest);
  if (n == 0 || n > kMaxRecordBytes) return 0;
  const uint64_t frame_bytes = kFrameHeaderBytes + uint64_t{n} + kFrameCheckBytes;
  if (frame_bytes > rest.size()) return 0;
  if (rest.substr(kFrameHeaderBytes + n, kFrameCheckBytes) !=
      Check(rest.substr(kFrameHeaderBytes, n))) {
    return 0;
  }
  return frame_bytes;
}

// What the bytes at the start of `rest` are.
struct FrameKind {
  bool intact = false;
  // Not intact, but what a torn final append looks like.
  bool torn = false;
  uint64_t frame_bytes = 0;
  const char* problem = "";
};

FrameKind Classify(absl::string_view rest) {
  FrameKind kind;
  kind.frame_bytes = IntactFrameBytes(rest);
  if (kind.frame_bytes > 0) {
    kind.intact = true;
    return kind;
  }
  if (rest.size() < kFrameHeaderBytes) {
    kind.torn = true;
    kind.problem = "incomplete length field";
    return kind;
  }
  const uint32_t n = ReadLength(rest);
  if (n == 0) {
    kind.torn = OnlyZeros(rest);
    kind.problem = "zero record length";
    return kind;
  }
  if (n > kMaxRecordBytes) {
    kind.problem = "impossible record length";
    return kind;
  }
  const uint64_t frame_bytes = kFrameHeaderBytes + uint64_t{n} + kFrameCheckBytes;
  if (frame_bytes > rest.size()) {
    kind.torn = true;
    kind.problem = "frame runs past the end of the segment";
    return kind;
  }
  kind.torn = frame_bytes == rest.size();
  kind.problem = "frame check does not match its bytes";
  return kind;
}

// True if an intact frame starts anywhere after the first byte of `rest`.
bool ContainsIntactFrame(absl::string_view rest) {
  for (size_t start = 1; start < rest.size(); ++start) {
    if (IntactFrameBytes(rest.substr(start)) > 0) return true;
  }
  return false;
}

}  // namespace

std::string EncodeFrame(absl::string_view record_bytes) {
  const uint32_t n = static_cast<uint32_t>(record_bytes.size());
  std::string frame;
  frame.reserve(kFrameHeaderBytes + n + kFrameCheckBytes);
  for (int i = 0; i < 4; ++i) frame.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  frame.append(record_bytes.data(), record_bytes.size());
  frame += Check(record_bytes);
  return frame;
}

crypto::Digest LeafHash(absl::string_view record_bytes) {
  crypto::Sha256Hasher hasher;
  const char leaf_prefix = '\0';
  hasher.Update(absl::string_view(&leaf_prefix, 1));
  hasher.Update(record_bytes);
  return hasher.Finish();
}

absl::StatusOr<FrameScan> ScanFrames(absl::string_view segment, absl::string_view name) {
  FrameScan scan;
  uint64_t offset = 0;
  while (offset < segment.size()) {
    const absl::string_view rest = segment.substr(offset);
    const FrameKind kind = Classify(rest);
    if (kind.intact) {
      scan.records.push_back(
          rest.substr(kFrameHeaderBytes, kind.frame_bytes - kFrameHeaderBytes - kFrameCheckBytes));
      scan.offsets.push_back(offset);
      offset += kind.frame_bytes;
      continue;
    }
    // A torn append leaves a prefix of the last write: an unfinished frame
    // with nothing intact behind it, or zeros. Anything else is damage, and
    // cutting it would silently drop records.
    if (!kind.torn || ContainsIntactFrame(rest)) {
      return Finding(
          kFindingDamaged,
          absl::StrCat(name, ": damaged frame at byte ", offset, " (", kind.problem, ") with ",
                       rest.size(), " bytes from there to the end; not a torn tail"));
    }
    scan.torn_tail_bytes = rest.size();
    break;
  }
  scan.valid_bytes = offset;
  return scan;
}

}  // namespace cellgate::audit
