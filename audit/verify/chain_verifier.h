// Checks a log read by ReadLog: seq contiguous from 0, each prev_leaf_hash
// equal to the leaf hash of the record before (32 zero bytes for record 0),
// one log origin throughout, times never going back, record 0 a START; and
// every CHECKPOINT record: a note for exactly the records before it whose
// RFC 6962 root matches them and, given the public key, whose signature
// verifies. Finds removed, inserted, reordered and changed records; a
// cut-off tail is found against a checkpoint the DPO kept
// (CheckTrustedCheckpoint). Pure; thread-safe.
#ifndef CELLGATE_AUDIT_VERIFY_CHAIN_VERIFIER_H_
#define CELLGATE_AUDIT_VERIFY_CHAIN_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/verify/log_reader.h"

namespace cellgate::audit {

struct ChainSummary {
  uint64_t records = 0;
  std::string origin;
  // Hex leaf hash of the last record (the chain head); empty for no records.
  std::string head_leaf_hash;
  // Records per type name, e.g. {"RELEASE", 12}.
  std::vector<std::pair<std::string, uint64_t>> by_type;
  uint64_t checkpoints = 0;
  // Size of the last checkpoint, and records after it (not yet sealed).
  uint64_t sealed_size = 0;
  uint64_t unsealed_records = 0;
  bool signatures_checked = false;
};

// Returns the summary, or DATA_LOSS naming the first record that breaks the
// chain and how. A non-empty `expected_origin` must match the log's; a
// non-empty raw Ed25519 `public_key` must have signed every checkpoint.
absl::StatusOr<ChainSummary> VerifyChain(const std::vector<StoredRecord>& records,
                                         const std::string& expected_origin = "",
                                         const std::string& public_key = "");

// Checks the log against a checkpoint kept outside it (by the DPO): the log
// has at least its size and the same root there, and, given the key, the
// checkpoint's signature verifies. DATA_LOSS for a cut-off, rolled-back or
// forked log.
absl::Status CheckTrustedCheckpoint(const std::vector<StoredRecord>& records,
                                    const std::string& note, const std::string& public_key);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_CHAIN_VERIFIER_H_
