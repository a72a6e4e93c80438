// Follows a live audit log: each call reads only what was appended since
// the last one (new frames of the last segment, new segments), so that the
// DPO's service does not re-read and re-parse the whole log per request. It
// keeps the log's RETENTION_REDACTION records at hand (Redactions).
// Verification must not use it: a check of integrity re-reads the files
// (ReadLog). Thread-safe.
//
//   LogFollower follower("/var/lib/cellgate/audit");
//   ASSIGN_OR_RETURN(uint64_t size, follower.Visit(0, [&](const StoredRecord& r) { ...; return true; }));
#ifndef CELLGATE_AUDIT_VERIFY_LOG_FOLLOWER_H_
#define CELLGATE_AUDIT_VERIFY_LOG_FOLLOWER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/log_reader.h"

namespace cellgate::audit {

class LogFollower {
 public:
  explicit LogFollower(std::string dir) : dir_(std::move(dir)) {}

  // Catches up with the log, then calls `visit` for the records from `from`
  // on, in order, until it returns false; returns the number of records.
  // Errors as ReadLog's (DATA_LOSS for damage before the tail, a record
  // that does not parse).
  absl::StatusOr<uint64_t> Visit(uint64_t from,
                                 const std::function<bool(const StoredRecord&)>& visit);
  // Catches up, then returns a copy of record `seq`; NOT_FOUND past the end.
  absl::StatusOr<StoredRecord> Get(uint64_t seq);
  // Catches up and returns the number of records.
  absl::StatusOr<uint64_t> Size();
  // Catches up and returns the log's RETENTION_REDACTION records.
  absl::StatusOr<RedactionIndex> Redactions();

 private:
  absl::Status CatchUp() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dir_;
  absl::Mutex mu_;
  std::vector<StoredRecord> records_ ABSL_GUARDED_BY(mu_);
  RedactionIndex redactions_ ABSL_GUARDED_BY(mu_);
  // The segment read last (index into the segment list) and how far its
  // intact frames reach.
  size_t segment_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t offset_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_LOG_FOLLOWER_H_
