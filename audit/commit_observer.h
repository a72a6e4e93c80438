// CommitObserver: a hook through which the audit writer reports each group
// commit and a latch, so that the server can export metrics and log lines
// without the audit module knowing either (it links no metrics library).
// Implementations must be thread-safe and must not call back into the log.
#ifndef CELLGATE_AUDIT_COMMIT_OBSERVER_H_
#define CELLGATE_AUDIT_COMMIT_OBSERVER_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cellgate::audit {

class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  // Called on the writer thread after a durable commit of `records` frames;
  // `write_and_sync` is the time of the write plus fdatasync.
  virtual void OnCommit(size_t records, absl::Duration write_and_sync) = 0;
  // Called once when the log latches (a write or sync failed). `cause`
  // names the file operation, never record content.
  virtual void OnLatched(const absl::Status& cause) = 0;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_COMMIT_OBSERVER_H_
