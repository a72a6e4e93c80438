// Checks a log read by ReadLog: seq contiguous from 0, each prev_leaf_hash
// equal to the leaf hash of the record before (32 zero bytes for record 0),
// one log origin throughout, times never going back, record 0 a START; and
// every CHECKPOINT record: a note for exactly the records before it whose
// RFC 6962 root matches them and, given the pinned public key, whose
// signature verifies under the key in force. The key in force starts as the
// pinned key and follows the signing-key rotations (KEY_ROTATION records
// with signing_key_rotation): the first checkpoint after a rotation is
// signed by the old key, the next by the new key, every later one by the
// new key. Finds removed, inserted, reordered and changed records and
// forged checkpoints and rotations, each a Finding (finding.h); a cut-off
// tail is found against a checkpoint the DPO kept (CheckTrustedCheckpoint).
// Pure; thread-safe.
#ifndef CELLGATE_AUDIT_VERIFY_CHAIN_VERIFIER_H_
#define CELLGATE_AUDIT_VERIFY_CHAIN_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/verify/log_reader.h"

namespace cellgate::audit {

// A signing key and the first checkpoint it signed (seq of that record).
struct KeyEpoch {
  uint64_t from_seq = 0;
  std::string public_key;  // raw, 32 bytes
};

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
  // Signing-key rotations confirmed by a checkpoint of their new key.
  uint64_t signing_key_rotations = 0;
  // With a pinned key: the keys in force, the pinned one first (from 0).
  std::vector<KeyEpoch> signing_keys;
  // The previous key of the first signing-key rotation, i.e. the key the
  // log began with; "" if the key was never rotated.
  std::string first_rotation_previous_key;
  // The note of the last CHECKPOINT record; "" if none.
  std::string last_checkpoint;
  // A rotation at the end of the log that no checkpoint of its new key
  // confirmed yet (a commit torn by a crash): its new key, and whether the
  // old key's checkpoint sealed it already. "" if none.
  std::string pending_rotation_key;
  bool pending_rotation_sealed = false;
};

// Returns the summary, or a Finding (DATA_LOSS) naming the first record
// that breaks the chain and how. A non-empty `expected_origin` must match
// the log's; a non-empty raw Ed25519 `public_key` (the pinned key) must
// have signed every checkpoint, or the keys it rotated to.
absl::StatusOr<ChainSummary> VerifyChain(const std::vector<StoredRecord>& records,
                                         const std::string& expected_origin = "",
                                         const std::string& public_key = "");

// Checks the log against a checkpoint kept outside it (by the DPO): the log
// has at least its size and the same root there, and, given the keys in
// force (ChainSummary::signing_keys), its signature verifies under the key
// in force at its size. A Finding: truncated for a cut-off log, rolled_back
// for a rolled-back or forked one, bad_signature.
absl::Status CheckTrustedCheckpoint(const std::vector<StoredRecord>& records,
                                    const std::string& note,
                                    const std::vector<KeyEpoch>& signing_keys);
// The same for a log whose key was never rotated: `public_key` (may be "").
absl::Status CheckTrustedCheckpoint(const std::vector<StoredRecord>& records,
                                    const std::string& note, const std::string& public_key);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_CHAIN_VERIFIER_H_
