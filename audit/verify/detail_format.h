// Detail blobs, format 2 of the audit log (docs/audit-log-format.md,
// "Details"): how an appended record is split into its header (the stored,
// hashed leaf bytes) and one fragment per retention class; how a fragment is
// sealed into a stored blob with AES-256-GCM, its associated data binding it
// to its log, record and class; where the blob's file is; and the
// RETENTION_REDACTION records that delete whole files. Pure functions and
// value types; thread-safe.
//
//   SplitRecord split = SplitDetails(std::move(full));   // the writer
//   ASSIGN_OR_RETURN(std::string blob, SealDetail(fragment_bytes, aad, key));
//   ASSIGN_OR_RETURN(std::string bytes, OpenDetail(blob, aad, key));   // readers
//   RETURN_IF_ERROR(MergeDetail(kind, fragment, header));
#ifndef CELLGATE_AUDIT_VERIFY_DETAIL_FORMAT_H_
#define CELLGATE_AUDIT_VERIFY_DETAIL_FORMAT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "audit/verify/log_reader.h"
#include "cellgate/v1/audit.pb.h"
#include "common/crypto/aes_gcm.h"

namespace cellgate::audit {

// The format the writer writes; on every START record.
inline constexpr uint32_t kFormatVersion = 2;
// The subdirectory of the log directory that holds the detail files.
inline constexpr char kDetailDirectory[] = "details";
// First byte of a stored blob.
inline constexpr char kBlobPlain = '\x00';   // written without a content key
inline constexpr char kBlobAesGcm = '\x01';  // key id(8) ‖ nonce(12) ‖ ciphertext ‖ tag(16)

// A record split for storage: the header and its non-empty fragments, at
// most one per kind, IDENTITY before CONTENT. A fragment is an AuditRecord
// holding only the fields of its kind.
struct SplitRecord {
  v1::AuditRecord header;
  std::vector<std::pair<v1::DetailKind, v1::AuditRecord>> fragments;
};

// Moves the identity fields (requester principal, certificate identity and
// hash, peer; justification; client request id) of `full` into the
// IDENTITY fragment, and every field the header does not name into the
// CONTENT fragment (query, reason, released table, suppression and ledger
// audits, and any field added to AuditRecord later: new fields are
// encrypted unless the header list in detail_format.cc names them). The
// header keeps seq, chain, type, time, dataset, versions, policy hashes,
// decision, reason codes, counts, table digest, query hash, method, source,
// detail, and the requester's department and role.
SplitRecord SplitDetails(v1::AuditRecord full);

// Merges `fragment` (a decrypted blob of `kind`) into `record`. DATA_LOSS if
// it holds a field that is not of its kind.
absl::Status MergeDetail(v1::DetailKind kind, const v1::AuditRecord& fragment,
                         v1::AuditRecord& record);

// The associated data of a blob: "cellgate.audit.detail/2" ‖ 0x00 ‖ u64
// big-endian seq ‖ u8 kind ‖ origin. A blob opened as another record's,
// class's or log's fails authentication.
std::string DetailAad(absl::string_view origin, uint64_t seq, v1::DetailKind kind);

// Returns the stored blob of `fragment_bytes`: sealed with `key` and a fresh
// random nonce, or plain (kBlobPlain ‖ bytes) if `key` is null.
absl::StatusOr<std::string> SealDetail(absl::string_view fragment_bytes, absl::string_view aad,
                                       const crypto::AesGcmKey* key);

// True if `stored` is an encrypted blob; its key id (8 bytes) or "".
bool DetailEncrypted(absl::string_view stored);
std::string DetailKeyId(absl::string_view stored);

// Returns the fragment bytes of a stored blob. FAILED_PRECONDITION naming
// both key ids if it was encrypted with another key than `key`, or if `key`
// is null for an encrypted blob; DATA_LOSS if it does not authenticate with
// `aad` (changed, or moved from another record) or is malformed.
absl::StatusOr<std::string> OpenDetail(absl::string_view stored, absl::string_view aad,
                                       const crypto::AesGcmKey* key);

// "identity", "content"; "unknown" otherwise.
std::string DetailKindName(v1::DetailKind kind);

// The year of an RFC 3339 time as the log writes it ("2026-..." → 2026).
// INVALID_ARGUMENT if it does not start with four digits and '-'.
absl::StatusOr<int> RecordYear(absl::string_view time_utc);

// The detail file of `kind` and `year`, relative to the log directory:
// "details/identity-2026.blobs".
std::string DetailFileName(v1::DetailKind kind, int year);

// Parses a name inside details/ ("identity-2026.blobs"); INVALID_ARGUMENT
// if it is not one.
absl::StatusOr<std::pair<v1::DetailKind, int>> ParseDetailFileName(absl::string_view name);

// The detail files present in `log_dir`/details, as (kind, year), sorted.
// An absent directory is no files; DATA_LOSS for a foreign file in it.
absl::StatusOr<std::vector<std::pair<v1::DetailKind, int>>> ListDetailFiles(
    const std::string& log_dir);

// What a detail file holds, or must hold.
struct DetailFileStats {
  uint64_t bytes = 0;  // up to the end of its last blob's frame
  uint64_t blobs = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
};

class RedactionIndex;

// What the details of `records` say each detail file (kind, year) holds,
// files `redactions` names left out. For the writer's recovery, and for a
// copy of the log up to the last of `records` (e.g. a backup's cut: each
// file up to `bytes`). INVALID_ARGUMENT for a record time without a year.
absl::StatusOr<std::map<std::pair<v1::DetailKind, int>, DetailFileStats>> DetailFilesOf(
    const std::vector<StoredRecord>& records, const RedactionIndex& redactions);

// The RETENTION_REDACTION records of a log by (kind, year). Not
// thread-safe for Add; const methods are.
class RedactionIndex {
 public:
  struct Entry {
    uint64_t seq = 0;  // of the RETENTION_REDACTION record
    v1::Redaction redaction;
  };
  // Takes note of `stored` if it is a RETENTION_REDACTION record with a
  // period that is a year; ignores every other record.
  void Add(const StoredRecord& stored);
  // The redaction of the file of `kind` and `year`, or null.
  const Entry* Find(v1::DetailKind kind, int year) const;
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::pair<int, int>, Entry> entries_;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_DETAIL_FORMAT_H_
