// Reads an audit log directory (docs/audit-log-format.md) into memory:
// every intact record with its stored bytes, leaf hash and parsed form. It
// checks framing only; chain_verifier checks order and completeness.
// Needs no key and never writes. Thread-safe.
//
//   ASSIGN_OR_RETURN(ReadResult log, ReadLog("/var/lib/cellgate/audit"));
//   for (const StoredRecord& r : log.records) ...
#ifndef CELLGATE_AUDIT_VERIFY_LOG_READER_H_
#define CELLGATE_AUDIT_VERIFY_LOG_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellgate/v1/audit.pb.h"
#include "common/crypto/sha256.h"

namespace cellgate::audit {

struct StoredRecord {
  // Position in the log (0-based, over all segments).
  uint64_t seq = 0;
  // The record exactly as stored; hashes are over these bytes.
  std::string bytes;
  // SHA-256(0x00 ‖ bytes).
  crypto::Digest leaf_hash{};
  v1::AuditRecord record;
};

struct ReadResult {
  std::vector<StoredRecord> records;
  // The last segment (where appends go) and how much of it is intact.
  std::string segment_path;
  uint64_t valid_bytes = 0;
  // Bytes of a torn final append after `valid_bytes`; the writer cuts them
  // on start.
  uint64_t torn_tail_bytes = 0;
};

// Returns the name of segment `number` (1-based), e.g. "audit-000001.log".
std::string SegmentName(int number);

// Returns the segment file names of `dir` in order ("audit-000001.log",
// ...). NOT_FOUND if `dir` does not exist; DATA_LOSS for a gap or a
// foreign file among the segments.
absl::StatusOr<std::vector<std::string>> SegmentNames(const std::string& dir);

// Reads every segment of `dir` in order. An empty or missing segment list is
// an empty log whose segment_path is dir/audit-000001.log. NOT_FOUND if
// `dir` does not exist; DATA_LOSS for damage anywhere but the tail of the
// last segment, for a record that does not parse, or for a gap in segment
// numbers.
absl::StatusOr<ReadResult> ReadLog(const std::string& dir);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_LOG_READER_H_
