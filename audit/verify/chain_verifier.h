// Checks the hash chain of a log read by ReadLog: seq contiguous from 0,
// each prev_leaf_hash equal to the leaf hash of the record before (32 zero
// bytes for record 0), one log origin throughout, times never going back,
// and record 0 a START. Finds removed, inserted, reordered and changed
// records; a cut-off tail needs a checkpoint kept elsewhere (issue #5).
// Pure; thread-safe.
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
};

// Returns the summary, or DATA_LOSS naming the first record that breaks the
// chain and how. A non-empty `expected_origin` must match the log's.
absl::StatusOr<ChainSummary> VerifyChain(const std::vector<StoredRecord>& records,
                                         const std::string& expected_origin = "");

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_CHAIN_VERIFIER_H_
