// Retention of the audit log's details (docs/adr/0005): the detail files of
// a year are deleted, each by a RETENTION_REDACTION record, once the
// retention period of their class is over. Identity details (who asked,
// the justification) go by default at the end of the year after their
// year; release content stays by default, because the release ledger needs
// it as long as it exists. The headers stay, so the log still verifies.
// ApplyRetention is a pure step driven by a given time (tests use a
// FakeClock); RetentionSweeper runs it on start and then daily.
//
//   RetentionRules rules;   // identity: 1 year after, content: kept
//   ASSIGN_OR_RETURN(int deleted, ApplyRetention(log, rules, clock.Now()));
#ifndef CELLGATE_AUDIT_RETENTION_H_
#define CELLGATE_AUDIT_RETENTION_H_

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "audit/audit_log.h"
#include "common/clock.h"

namespace cellgate::audit {

struct RetentionRules {
  // Details of year Y are deleted once year Y + years has ended; a
  // negative value keeps them.
  int identity_years = 1;
  int content_years = -1;
};

// A detail file that is due, with the rule that deletes it (in words).
struct ExpiredFile {
  v1::DetailKind kind = v1::DETAIL_KIND_UNSPECIFIED;
  int year = 0;
  std::string rule;
};

// The files among `files` (kind, year) that `rules` delete at `now` (UTC).
std::vector<ExpiredFile> ExpiredDetailFiles(
    const std::vector<std::pair<v1::DetailKind, int>>& files, const RetentionRules& rules,
    absl::Time now);

// Deletes every detail file of the log in `dir` that is due at `now`, each
// with its RETENTION_REDACTION record (AuditLog::RedactDetails). Returns how
// many it deleted; the first error otherwise (UNAVAILABLE if the log cannot
// record; a file already gone is skipped).
absl::StatusOr<int> ApplyRetention(AuditLog& log, const std::string& dir,
                                   const RetentionRules& rules, absl::Time now);

// Runs ApplyRetention once a day on its own thread until destroyed; errors
// go to stderr (a deletion that fails is tried again the next day and at
// the next start). `log` and `clock` must outlive it. Thread-safe.
class RetentionSweeper {
 public:
  RetentionSweeper(AuditLog& log, std::string dir, RetentionRules rules, const Clock& clock,
                   absl::Duration period = absl::Hours(24));
  ~RetentionSweeper();
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

 private:
  void Loop();

  AuditLog& log_;
  const std::string dir_;
  const RetentionRules rules_;
  const Clock& clock_;
  const absl::Duration period_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_RETENTION_H_
