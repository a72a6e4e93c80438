// Checks the detail blobs of a log (format 2, docs/audit-log-format.md)
// against the hashes in its headers, with no key: every detail a header
// names is in its file at its offset with its length and SHA-256, the blobs
// of a file follow one another from byte 0 in seq order, and a file is
// absent only if a RETENTION_REDACTION record deleted it (its details then
// count as redacted). A redaction must name a period that was over when it
// was written and cover every detail of its file. Reads the detail files;
// thread-safe.
//
//   ASSIGN_OR_RETURN(ReadResult log, ReadLog(dir));
//   ASSIGN_OR_RETURN(ChainSummary chain, VerifyChain(log.records, origin, key));
//   ASSIGN_OR_RETURN(DetailSummary details, VerifyDetails(dir, log.records));
#ifndef CELLGATE_AUDIT_VERIFY_DETAIL_VERIFIER_H_
#define CELLGATE_AUDIT_VERIFY_DETAIL_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/verify/log_reader.h"

namespace cellgate::audit {

struct DetailSummary {
  // Details whose bytes matched their hash.
  uint64_t checked = 0;
  // Details of files a RETENTION_REDACTION record deleted.
  uint64_t redacted = 0;
  // Checked details stored without encryption (no content key configured).
  uint64_t unencrypted = 0;
  // Bytes after the last detail a record names, per file summed: blobs of a
  // commit whose records are not (yet) in the log, e.g. in a copy taken
  // while the server runs. Not a finding; the server cuts them on start.
  uint64_t tail_bytes = 0;
  // RETENTION_REDACTION records, with their rules in seq order.
  std::vector<std::string> redaction_rules;
};

// Returns the summary, or the Finding of the lowest record whose details
// are wrong: changed_detail (bytes differ from the hash), missing_detail
// (file or bytes gone without a redaction), forged (a detail written after
// its file's redaction, a redaction out of rule, offsets out of order),
// damaged (a foreign file among the detail files). REQUIRES: `records`
// passed VerifyChain.
absl::StatusOr<DetailSummary> VerifyDetails(const std::string& log_dir,
                                            const std::vector<StoredRecord>& records);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_DETAIL_VERIFIER_H_
