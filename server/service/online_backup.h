// OnlineBackup: a consistent backup of a serving cellgate (ADR 0007).
//
//   1. New releases are held back and running ones finish (ReleasePause).
//   2. The store's snapshot is fixed (Store::Backup), then an AUDIT_ACCESS
//      record names the backup; once it is durable, releases go on.
//   3. The audit cut is fixed: the segments up to the end of the commit
//      that holds the AUDIT_ACCESS record, and each detail file up to the
//      last blob a record before the cut names (format 2), all opened at
//      once. The store snapshot is written to a scratch file, encrypted
//      under the store key, and streamed; then the audit files; then the
//      manifest.
// Every ledger entry in the store copy has its audit record in the log
// copy, every release in the log copy has its ledger entry, and every
// detail blob of the copy belongs to one of its records. Not a transport;
// thread-safe (one backup at a time, others wait).
#ifndef CELLGATE_SERVER_SERVICE_ONLINE_BACKUP_H_
#define CELLGATE_SERVER_SERVICE_ONLINE_BACKUP_H_

#include <functional>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "audit/audit_log.h"
#include "cellgate/v1/admin_service.pb.h"
#include "common/clock.h"
#include "server/pipeline/release_pipeline.h"
#include "server/pipeline/request_info.h"
#include "server/store/store.h"

namespace cellgate::service {

struct BackupSources {
  store::Store& store;
  pipeline::ReleasePipeline& pipeline;
  audit::AuditLog& log;
  const Clock& clock;
  std::string audit_dir;
  std::string audit_origin;
  // True if commits end with a signed CHECKPOINT (a signing key is set).
  bool sealed = false;
  // Where the store snapshot is written while it is sent.
  std::string scratch_dir;
};

class OnlineBackup {
 public:
  // All references in `sources` must outlive this object.
  explicit OnlineBackup(BackupSources sources) : sources_(std::move(sources)) {}

  // Runs one backup for `request`, handing each chunk to `send` (file data
  // in order, the manifest last) and returns the manifest. UNAVAILABLE if
  // the audit log cannot record the backup or a file cannot be read or
  // written; an error from `send` (the client went away) aborts it. The
  // scratch file is removed in every case.
  absl::StatusOr<v1::BackupManifest> Run(
      const pipeline::RequestInfo& request,
      const std::function<absl::Status(const v1::BackupChunk&)>& send);

 private:
  absl::StatusOr<v1::BackupFile> SendFile(
      std::istream& in, const std::string& name, uint64_t length,
      const std::function<absl::Status(const v1::BackupChunk&)>& send);

  const BackupSources sources_;
  absl::Mutex mu_;  // one backup at a time
};

// Returns the byte length of each audit segment of `dir` up to and
// including the frame of record `last_seq` (and, if `sealed`, up to the
// CHECKPOINT that follows it, and the second one of a signing-key rotation
// in the same commit), with the record count and the hex leaf hash of the
// last record copied. Segments after the cut are left out. Each detail
// file is cut after the last blob that a record up to the cut names; files
// a RETENTION_REDACTION record before the cut deleted are left out.
// DATA_LOSS if the log ends before the cut.
struct AuditCut {
  std::vector<std::pair<std::string, uint64_t>> segments;  // name, bytes
  // "details/identity-2026.blobs", bytes.
  std::vector<std::pair<std::string, uint64_t>> details;
  uint64_t records = 0;
  std::string head_leaf_hash;
};
absl::StatusOr<AuditCut> FindAuditCut(const std::string& dir, uint64_t last_seq, bool sealed);

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_ONLINE_BACKUP_H_
