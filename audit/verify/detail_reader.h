// Reads the detail blobs a record names and merges them into it, for the
// DPO (AuditService, `cellgate audit show --log`): the record as it was
// appended, each blob checked against its hash in the header, decrypted with
// the audit content key, and bound to its record by its associated data.
// A detail that cannot be read is marked, never guessed. Thread-safe.
//
//   DetailReader reader(dir, key);
//   ASSIGN_OR_RETURN(DetailedRecord full, reader.Read(stored, redactions));
//   // full.record.requester().principal(), full.details[0].state() ...
#ifndef CELLGATE_AUDIT_VERIFY_DETAIL_READER_H_
#define CELLGATE_AUDIT_VERIFY_DETAIL_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/log_reader.h"
#include "cellgate/v1/audit.pb.h"
#include "common/crypto/aes_gcm.h"

namespace cellgate::audit {

struct DetailedRecord {
  // The header with every readable detail merged in.
  v1::AuditRecord record;
  // One status per DetailRef of the header, in its order.
  std::vector<v1::DetailStatus> details;
};

class DetailReader {
 public:
  // `log_dir` is the log directory; `key` the audit content key, or null
  // (encrypted details are then DETAIL_UNREADABLE, "no content key").
  DetailReader(std::string log_dir, std::shared_ptr<const crypto::AesGcmKey> key)
      : log_dir_(std::move(log_dir)), key_(std::move(key)) {}

  // Returns `stored` with its details. A detail of a file `redactions`
  // names is DETAIL_REDACTED with the rule; a missing file or changed bytes,
  // or a blob that does not authenticate as this record's (moved from
  // another record), is DETAIL_UNREADABLE saying which. FAILED_PRECONDITION
  // naming both key ids if a detail was encrypted with another content key:
  // a wrong key is an error, never garbage.
  // With `only` set, reads the details of that kind alone (e.g. IDENTITY
  // for a listing: the principal without the table).
  absl::StatusOr<DetailedRecord> Read(const StoredRecord& stored, const RedactionIndex& redactions,
                                      v1::DetailKind only = v1::DETAIL_KIND_UNSPECIFIED) const;

 private:
  absl::StatusOr<v1::DetailStatus> ReadOne(const StoredRecord& stored, const v1::DetailRef& ref,
                                           const RedactionIndex& redactions,
                                           v1::AuditRecord& record) const;

  const std::string log_dir_;
  const std::shared_ptr<const crypto::AesGcmKey> key_;
};

// Reads the log in `dir` (ReadLog) and every record's details (tools and
// tests). Errors as ReadLog's and DetailReader::Read's.
absl::StatusOr<std::vector<DetailedRecord>> ReadDetailedLog(
    const std::string& dir, std::shared_ptr<const crypto::AesGcmKey> key);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_DETAIL_READER_H_
