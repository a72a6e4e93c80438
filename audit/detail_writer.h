// The audit writer's detail files, details/<kind>-<year>.blobs
// (docs/audit-log-format.md, "Details"). During a commit the blobs of its
// records are staged per file (Stage), then appended and synced (Write)
// before the records' segment frames are written: no record is ever durable
// without its details, and a figure leaves only after both are. On start
// (Recover) it cuts blobs of commits that never reached the segment,
// completes deletions a crash interrupted, and refuses a file shorter than
// its records say. Owned by the audit writer thread; not thread-safe.
//
//   DetailBatch batch;
//   ASSIGN_OR_RETURN(StagedRecord staged,
//                    writer.Stage(PrepareRecord(std::move(record)), year, batch));
//   batch.Add(std::move(staged.blobs));   // once the header is accepted
//   RETURN_IF_ERROR(writer.Write(batch)); // then write + sync the segment
//   writer.Commit(batch);
#ifndef CELLGATE_AUDIT_DETAIL_WRITER_H_
#define CELLGATE_AUDIT_DETAIL_WRITER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/log_file.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/log_reader.h"
#include "cellgate/v1/audit.pb.h"
#include "common/crypto/aes_gcm.h"

namespace cellgate::audit {

// A detail file: (kind, year).
using DetailFileKey = std::pair<v1::DetailKind, int>;

// The frames one commit (or one record) adds to the detail files.
class DetailBatch {
 public:
  bool empty() const { return files_.empty(); }
  // Adds `other`'s frames after this batch's, file by file.
  void Add(DetailBatch other);

 private:
  friend class DetailWriter;
  struct Pending {
    std::string frames;
    DetailFileStats stats;
  };
  void AddFrame(const DetailFileKey& file, uint64_t seq, std::string frame);
  std::map<DetailFileKey, Pending> files_;
};

// A record split into its header and its details, the details serialized
// (canonical bytes) but not sealed: the costly part of a large record,
// which PrepareRecord does on any thread before a commit gives the record
// its seq. The plaintext bytes are wiped when the record is dropped.
struct PreparedRecord {
  PreparedRecord() = default;
  PreparedRecord(PreparedRecord&&) = default;
  PreparedRecord& operator=(PreparedRecord&&) = default;
  ~PreparedRecord();

  v1::AuditRecord header;
  std::vector<std::pair<v1::DetailKind, std::string>> fragments;
};

// Splits `full` into its header and details (SplitDetails) and serializes
// the details. With `released_table`, the record's released table is moved
// there once serialized (the caller needs it again, the record does not).
// Pure; thread-safe.
PreparedRecord PrepareRecord(v1::AuditRecord full, v1::ReleasedTable* released_table = nullptr);

// A record's header and the blobs it names.
struct StagedRecord {
  v1::AuditRecord header;
  DetailBatch blobs;
};

class DetailWriter {
 public:
  // `fs` must outlive the writer; `key` may be null (blobs unencrypted).
  DetailWriter(LogFileSystem& fs, std::string log_dir, std::string origin,
               std::shared_ptr<const crypto::AesGcmKey> key);

  // Settles the detail files with the log's intact `records` (see the file
  // comment). Returns one sentence per change made, for RECOVERY records.
  // DATA_LOSS for a file shorter than its records' details, a missing one
  // no RETENTION_REDACTION deleted, or a foreign file; FAILED_PRECONDITION
  // if the log's latest detail was encrypted with another content key than
  // the configured one (or none is configured).
  absl::StatusOr<std::vector<std::string>> Recover(const std::vector<StoredRecord>& records);

  // Seals each fragment of `prepared` (its header's seq, origin and time
  // already set) for its record, places it after what the files and
  // `batch` hold, and names it in the header. INVALID_ARGUMENT if a blob
  // exceeds the frame limit.
  absl::StatusOr<StagedRecord> Stage(PreparedRecord prepared, int year,
                                     const DetailBatch& batch) const;

  // Appends the batch's frames file by file (a new file is followed by a
  // sync of the directory), then syncs the files at once, each on its own
  // thread. Any error is final (the caller latches the log and never
  // retries).
  absl::Status Write(const DetailBatch& batch);
  // Takes the batch into the files' sizes once its records are durable.
  void Commit(const DetailBatch& batch);

  // What `file` holds (zeros if it does not exist).
  DetailFileStats Stats(const DetailFileKey& file) const;
  // Removes `file` and syncs the directory.
  absl::Status Remove(const DetailFileKey& file);

 private:
  std::string Path(const DetailFileKey& file) const;
  // Brings one file found on start in line with the log; returns what it
  // changed ("" if nothing).
  absl::StatusOr<std::string> Settle(const DetailFileKey& file, const RedactionIndex& redactions);
  absl::Status CheckContentKey(const std::vector<StoredRecord>& records) const;

  LogFileSystem& fs_;
  const std::string log_dir_;
  const std::string dir_;  // log_dir_/details
  const std::string origin_;
  const std::shared_ptr<const crypto::AesGcmKey> key_;
  std::map<DetailFileKey, DetailFileStats> files_;
  std::map<DetailFileKey, std::unique_ptr<LogFile>> open_;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_DETAIL_WRITER_H_
