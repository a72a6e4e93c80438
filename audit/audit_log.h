// AuditLog: the append-only, hash-chained release log (docs/audit-log-format.md).
// Append returns only after the record and its detail blobs are durable on
// disk, so a caller may release a table once Append succeeded and never
// before. Concurrent appends share one write and one fdatasync per file
// (group commit) on a single writer thread. The first write or sync error
// latches the log: every later Append is UNAVAILABLE until a restart
// recovers the log. Each record is split into its header (the hashed leaf
// bytes) and its details, serialized on the caller's thread (Prepare); the
// writer seals the details into blobs encrypted with the content key. The
// signing key rotates and detail files are deleted only by records of
// their own. Thread-safe.
//
//   ASSIGN_OR_RETURN(auto log, AuditLog::Open(options, clock));
//   ASSIGN_OR_RETURN(v1::Receipt receipt, log->Append(std::move(record)));
//   // now the answer may leave; `receipt` names its record.
#ifndef CELLGATE_AUDIT_AUDIT_LOG_H_
#define CELLGATE_AUDIT_AUDIT_LOG_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/commit_observer.h"
#include "audit/detail_writer.h"
#include "audit/log_file.h"
#include "audit/verify/merkle.h"
#include "cellgate/v1/audit.pb.h"
#include "common/clock.h"
#include "common/crypto/aes_gcm.h"
#include "common/crypto/ed25519.h"

namespace cellgate::audit {

struct ChainSummary;  // audit/verify/chain_verifier.h

struct AuditLogOptions {
  // Directory of the segment files; created (0700) if missing.
  std::string dir;
  // Log identity written into every record, e.g.
  // "cellgate.musterstadt.example/audit/v1". Must match an existing log's.
  std::string origin;
  // Written into every record's header.
  std::string server_instance_id;
  std::string build_version;
  // If set, every commit ends with a CHECKPOINT record: a note over the
  // RFC 6962 root of all records before it, signed with this key. It must
  // be the key that signed the log's last checkpoint.
  std::shared_ptr<const crypto::Ed25519PrivateKey> signing_key;
  // The key of a signing-key rotation that a crash may have interrupted
  // (the key file's ".next", signing_key_file.h); null if there is none.
  std::shared_ptr<const crypto::Ed25519PrivateKey> next_signing_key;
  // Encrypts the detail blobs (AES-256-GCM); null writes them unencrypted.
  std::shared_ptr<const crypto::AesGcmKey> content_key;
  // Told of every commit and of a latch (metrics, logs); null for none.
  // Not owned; must outlive the log.
  CommitObserver* observer = nullptr;
};

class AuditLog final {
 public:
  // What Open did with options.next_signing_key.
  enum class NextKey {
    kNone,     // there was none
    kAdopted,  // the log rotated to it: it is the signing key now
    kUnused,   // the log names no rotation to it: the old key stays
  };

  // Opens or creates the log in options.dir. Recovers first: a torn tail of
  // the last segment and uncommitted detail blobs are cut, an interrupted
  // detail deletion or signing-key rotation is completed (RECOVERY records
  // after START name each); damage before the tail, a broken chain, a
  // different origin or a detail file shorter than its records is
  // DATA_LOSS and nothing is written. FAILED_PRECONDITION if the signing
  // key did not sign the log's last checkpoint, the content key is not the
  // one of the log's details, or a newer format wrote to the log. Then
  // appends a START record naming its format.
  // `clock` must outlive the log; `fs` defaults to the POSIX file system.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(
      const AuditLogOptions& options, const Clock& clock,
      std::unique_ptr<LogFileSystem> fs = nullptr);

  // Appends a STOP record if the log is healthy, then stops the writer.
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Fills in the header (seq, prev_leaf_hash, origin, time, instance,
  // build), writes the record's details and the record, and waits until
  // both are durable. UNAVAILABLE if the log is or becomes unwritable;
  // INVALID_ARGUMENT if the record or a detail exceeds the frame limit
  // (nothing written, the log stays healthy).
  absl::StatusOr<v1::Receipt> Append(v1::AuditRecord record);
  // The same for a record prepared beforehand (Prepare).
  absl::StatusOr<v1::Receipt> Append(PreparedRecord record);
  // Does the costly part of appending `record` on the calling thread:
  // splits off its details and serializes them (Append does it too, on the
  // caller's thread). With `released_table`, the record's released table is
  // moved there once serialized, for a caller that needs it again. Pure.
  static PreparedRecord Prepare(v1::AuditRecord record,
                                v1::ReleasedTable* released_table = nullptr) {
    return PrepareRecord(std::move(record), released_table);
  }

  // Rotates the signing key to `new_key`: appends `record` as a KEY_ROTATION
  // naming the current and the new public key, sealed by a checkpoint under
  // the current key and then one under `new_key`, in one commit; later
  // commits are signed by `new_key`. FAILED_PRECONDITION if the log has no
  // signing key or `new_key` is the current one; UNAVAILABLE as Append.
  absl::StatusOr<v1::Receipt> RotateSigningKey(
      std::shared_ptr<const crypto::Ed25519PrivateKey> new_key, v1::AuditRecord record);

  // Deletes the detail file of `kind` and `year` for retention: appends a
  // RETENTION_REDACTION record naming the file, the records whose details
  // it held and `rule`; once that is durable, removes the file and syncs
  // the directory. FAILED_PRECONDITION if `year` is not over by the log's
  // time; NOT_FOUND if there is no such file; UNAVAILABLE as Append, or if
  // the file cannot be removed (the record stands; the next start removes
  // it).
  absl::StatusOr<v1::Receipt> RedactDetails(v1::DetailKind kind, int year, std::string rule);

  // False once a write or sync failed; only a restart clears it.
  bool healthy() const { return healthy_.load(); }
  // Records durable in the log, i.e. the next seq.
  uint64_t size() const { return size_.load(); }
  // Records waiting for the writer (for metrics and tests).
  size_t pending() const;
  // Group commits (one write + one fdatasync per file each) since Open.
  uint64_t commits() const { return commits_.load(); }
  // What Open did with options.next_signing_key.
  NextKey next_signing_key_outcome() const { return next_key_outcome_; }
  // The raw public key the log's checkpoints began with, which the DPO
  // pins: the previous key of its first signing-key rotation, else the
  // signing key. "" for an unsigned log.
  const std::string& first_public_key() const { return first_public_key_; }
  // The raw public key that signs the next checkpoint ("" if unsigned).
  std::string public_key() const;

 private:
  struct Pending;
  class Commit;
  AuditLog(const AuditLogOptions& options, const Clock& clock, std::unique_ptr<LogFileSystem> fs);

  absl::Status Recover();
  absl::Status RecoverSigningKey(const ChainSummary& chain);
  absl::StatusOr<v1::Receipt> Enqueue(std::unique_ptr<Pending> pending);
  void WriterLoop();
  void CommitBatch(const std::vector<Pending*>& batch);
  // The record `p` stands for: its own, a KEY_ROTATION or a redaction.
  absl::StatusOr<PreparedRecord> RecordFor(Pending& p, const std::string& now,
                                           const crypto::Ed25519PrivateKey* key,
                                           bool rotating) const;
  absl::StatusOr<v1::AuditRecord> RedactionRecord(const Pending& p, const std::string& now) const;
  // Appends the commit's checkpoint(s) and names them in the receipts.
  absl::Status Seal(Commit& commit, const crypto::Ed25519PrivateKey* key,
                    const crypto::Ed25519PrivateKey* rotating_to, bool sealed,
                    std::vector<std::pair<Pending*, v1::Receipt>>& written);
  // Once the commit is durable: removes redacted files, answers the callers.
  void Answer(std::vector<std::pair<Pending*, v1::Receipt>>& written);
  void Latch(const absl::Status& cause);

  const AuditLogOptions options_;
  const Clock& clock_;
  std::unique_ptr<LogFileSystem> fs_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending*> queue_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  // The signing key; replaced by the writer after a rotation.
  std::shared_ptr<const crypto::Ed25519PrivateKey> signing_key_;  // guarded by mu_

  std::atomic<bool> healthy_{true};
  std::atomic<uint64_t> size_{0};
  std::atomic<uint64_t> commits_{0};
  NextKey next_key_outcome_ = NextKey::kNone;  // set by Open
  std::string first_public_key_;               // set by Open

  // Owned by the writer thread after Open.
  std::unique_ptr<LogFile> file_;
  std::unique_ptr<DetailWriter> details_;
  std::string prev_leaf_hash_;
  CompactRange tree_;
  std::string last_time_;
  // A rotation the next commit finishes: its new key, and whether the old
  // key's checkpoint sealed its record already.
  std::shared_ptr<const crypto::Ed25519PrivateKey> rotating_to_;
  bool rotation_sealed_ = false;
  // What Recover changed, recorded after START as RECOVERY records
  // (reason code, detail).
  std::vector<std::pair<std::string, std::string>> recovered_;
  std::thread writer_;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_AUDIT_LOG_H_
