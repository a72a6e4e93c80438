#include "audit/verify/log_follower.h"

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "audit/verify/finding.h"
#include "audit/verify/frame_format.h"
#include "common/status_macros.h"

namespace cellgate::audit {

absl::Status LogFollower::CatchUp() {
  ASSIGN_OR_RETURN(const std::vector<std::string> segments, SegmentNames(dir_));
  for (; segment_ < segments.size(); ++segment_, offset_ = 0) {
    const std::string path = absl::StrCat(dir_, "/", segments[segment_]);
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path));
    in.seekg(static_cast<std::streamoff>(offset_));
    const std::string fresh((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Frames are self-delimiting, and offset_ is where the last intact one
    // ended, so the new bytes scan on their own.
    ASSIGN_OR_RETURN(const FrameScan scan, ScanFrames(fresh, path));
    const bool last = segment_ + 1 == segments.size();
    if (scan.torn_tail_bytes > 0 && !last) {
      return Finding(kFindingDamaged,
                     absl::StrCat(path, ": ", scan.torn_tail_bytes,
                                  " unreadable bytes at the end of a closed segment"));
    }
    for (size_t f = 0; f < scan.records.size(); ++f) {
      StoredRecord stored;
      stored.seq = records_.size();
      stored.bytes = std::string(scan.records[f]);
      stored.leaf_hash = LeafHash(stored.bytes);
      if (!stored.record.ParseFromString(stored.bytes)) {
        return Finding(kFindingDamaged,
                       absl::StrCat(path, ": record at byte ", offset_ + scan.offsets[f],
                                    " is not an AuditRecord"));
      }
      redactions_.Add(stored);
      records_.push_back(std::move(stored));
    }
    offset_ += scan.valid_bytes;
    // The last segment stays open: later appends continue at offset_.
    if (last) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> LogFollower::Visit(
    uint64_t from, const std::function<bool(const StoredRecord&)>& visit) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(CatchUp());
  for (uint64_t seq = from; seq < records_.size(); ++seq) {
    if (!visit(records_[seq])) break;
  }
  return records_.size();
}

absl::StatusOr<StoredRecord> LogFollower::Get(uint64_t seq) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(CatchUp());
  if (seq >= records_.size()) {
    return absl::NotFoundError(
        absl::StrCat("the log has no record ", seq, " (size ", records_.size(), ")"));
  }
  return records_[seq];
}

absl::StatusOr<uint64_t> LogFollower::Size() {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(CatchUp());
  return records_.size();
}

absl::StatusOr<RedactionIndex> LogFollower::Redactions() {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(CatchUp());
  return redactions_;
}

}  // namespace cellgate::audit
