#include "audit/verify/log_reader.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "audit/verify/finding.h"
#include "audit/verify/frame_format.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace cellgate::audit {
namespace {

namespace fs = std::filesystem;

// Segments are bounded by the record limit times a generous factor; the
// reader refuses anything larger instead of exhausting memory.
constexpr int64_t kMaxSegmentBytes = int64_t{1} << 34;

// Returns the segment numbers found in `dir`, sorted.
absl::StatusOr<std::vector<int>> SegmentNumbers(const std::string& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat("no audit log directory at ", dir));
  }
  std::vector<int> numbers;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!absl::StartsWith(name, kSegmentPrefix) || !absl::EndsWith(name, kSegmentSuffix)) continue;
    absl::string_view digits(name);
    digits.remove_prefix(sizeof(kSegmentPrefix) - 1);
    digits.remove_suffix(sizeof(kSegmentSuffix) - 1);
    int number = 0;
    if (digits.size() != 6 || !absl::SimpleAtoi(digits, &number) || number < 1) {
      return Finding(kFindingDamaged,
                     absl::StrCat(dir, ": unexpected file ", name, " among the audit segments"));
    }
    numbers.push_back(number);
  }
  if (error) {
    return absl::UnavailableError(absl::StrCat("cannot list ", dir, ": ", error.message()));
  }
  std::sort(numbers.begin(), numbers.end());
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (numbers[i] != static_cast<int>(i) + 1) {
      return Finding(kFindingMissing,
                     absl::StrCat(dir, ": segment ", SegmentName(i + 1), " is missing"));
    }
  }
  return numbers;
}

}  // namespace

std::string SegmentName(int number) {
  return absl::StrFormat("%s%06d%s", kSegmentPrefix, number, kSegmentSuffix);
}

absl::StatusOr<std::vector<std::string>> SegmentNames(const std::string& dir) {
  ASSIGN_OR_RETURN(const std::vector<int> numbers, SegmentNumbers(dir));
  std::vector<std::string> names;
  for (int n : numbers) names.push_back(SegmentName(n));
  return names;
}

absl::StatusOr<ReadResult> ReadLog(const std::string& dir) {
  ASSIGN_OR_RETURN(const std::vector<int> numbers, SegmentNumbers(dir));
  ReadResult result;
  result.segment_path = (fs::path(dir) / SegmentName(1)).string();
  for (size_t i = 0; i < numbers.size(); ++i) {
    const std::string path = (fs::path(dir) / SegmentName(numbers[i])).string();
    const bool last = i + 1 == numbers.size();
    ASSIGN_OR_RETURN(const std::string content, ReadFileBounded(path, kMaxSegmentBytes));
    ASSIGN_OR_RETURN(const FrameScan scan, ScanFrames(content, path));
    if (scan.torn_tail_bytes > 0 && !last) {
      return Finding(kFindingDamaged,
                     absl::StrCat(path, ": ", scan.torn_tail_bytes,
                                  " unreadable bytes at the end of a closed segment"));
    }
    for (size_t f = 0; f < scan.records.size(); ++f) {
      StoredRecord stored;
      stored.seq = result.records.size();
      stored.bytes = std::string(scan.records[f]);
      stored.leaf_hash = LeafHash(stored.bytes);
      if (!stored.record.ParseFromString(stored.bytes)) {
        return Finding(kFindingDamaged, absl::StrCat(path, ": record at byte ", scan.offsets[f],
                                                     " is not an AuditRecord"));
      }
      result.records.push_back(std::move(stored));
    }
    result.segment_path = path;
    result.valid_bytes = scan.valid_bytes;
    result.torn_tail_bytes = scan.torn_tail_bytes;
  }
  return result;
}

}  // namespace cellgate::audit
