#include "audit/verify/chain_verifier.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/finding.h"
#include "audit/verify/merkle.h"
#include "common/status_macros.h"

namespace cellgate::audit {
namespace {

absl::Status Broken(uint64_t seq, absl::string_view kind, absl::string_view what) {
  return Finding(kind, absl::StrCat("audit chain broken at record ", seq, ": ", what));
}

// What a seq out of place means: a record removed, moved or repeated.
absl::Status SeqFinding(const std::vector<StoredRecord>& records, size_t i) {
  const uint64_t seq = records[i].record.seq();
  const char* kind = seq < i ? kFindingInserted : kFindingMissing;
  for (size_t j = i + 1; j < records.size(); ++j) {
    if (records[j].record.seq() == i) {
      kind = kFindingReordered;
      break;
    }
  }
  return Broken(i, kind,
                absl::StrCat("it carries seq ", seq, " (records removed, inserted or reordered)"));
}

// Follows the signing key through the log's rotations and checks every
// checkpoint's signature against the key in force.
class KeyFollower {
 public:
  KeyFollower(const std::string& pinned, ChainSummary& summary)
      : check_(!pinned.empty()), current_(pinned), summary_(summary) {
    if (check_) summary_.signing_keys.push_back({0, pinned});
  }

  absl::Status OnRotation(size_t i, const v1::SigningKeyRotation& rotation) {
    if (rotation.previous_public_key().size() != 32 || rotation.new_public_key().size() != 32) {
      return Broken(i, kFindingForged, "the key rotation does not carry two 32-byte keys");
    }
    if (!next_.empty()) {
      return Broken(i, kFindingForged,
                    absl::StrCat("a key rotation begins before the one at record ", rotation_seq_,
                                 " was confirmed"));
    }
    if (!current_.empty() && rotation.previous_public_key() != current_) {
      return Broken(i, kFindingForged,
                    "the key rotation names a previous key that is not the key in force");
    }
    if (summary_.first_rotation_previous_key.empty()) {
      summary_.first_rotation_previous_key = rotation.previous_public_key();
    }
    next_ = rotation.new_public_key();
    rotation_seq_ = i;
    sealed_by_old_ = false;
    return absl::OkStatus();
  }

  absl::Status OnCheckpoint(size_t i, const Checkpoint& checkpoint) {
    if (next_.empty()) return Verify(i, checkpoint, current_, kFindingBadSignature, "");
    if (!sealed_by_old_) {
      sealed_by_old_ = true;
      return Verify(i, checkpoint, current_, kFindingBadSignature,
                    absl::StrCat(" (the key rotation at record ", rotation_seq_,
                                 " must be sealed by the old key)"));
    }
    RETURN_IF_ERROR(Verify(i, checkpoint, next_, kFindingForged,
                           absl::StrCat(" (the key rotation at record ", rotation_seq_,
                                        " is not confirmed by its new key)")));
    current_ = next_;
    next_.clear();
    ++summary_.signing_key_rotations;
    if (check_) summary_.signing_keys.push_back({i, current_});
    return absl::OkStatus();
  }

  void Finish() {
    summary_.pending_rotation_key = next_;
    summary_.pending_rotation_sealed = !next_.empty() && sealed_by_old_;
  }

 private:
  absl::Status Verify(size_t i, const Checkpoint& checkpoint, const std::string& key,
                      absl::string_view kind, absl::string_view why) const {
    if (!check_) return absl::OkStatus();
    const absl::Status signature = VerifyCheckpointSignature(checkpoint, key);
    if (signature.ok()) return signature;
    return Broken(i, kind, absl::StrCat(signature.message(), why));
  }

  const bool check_;
  std::string current_;  // "" if no key was pinned and none rotated to yet
  std::string next_;     // the new key of a rotation not yet confirmed
  uint64_t rotation_seq_ = 0;
  bool sealed_by_old_ = false;
  ChainSummary& summary_;
};

}  // namespace

absl::StatusOr<ChainSummary> VerifyChain(const std::vector<StoredRecord>& records,
                                         const std::string& expected_origin,
                                         const std::string& public_key) {
  ChainSummary summary;
  summary.signatures_checked = !public_key.empty();
  KeyFollower keys(public_key, summary);
  CompactRange tree;
  std::string expected_prev(32, '\0');
  std::string last_time;
  std::map<std::string, uint64_t> by_type;
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::AuditRecord& record = records[i].record;
    if (record.seq() != i) return SeqFinding(records, i);
    if (record.prev_leaf_hash() != expected_prev) {
      return Broken(i, kFindingChanged,
                    "prev_leaf_hash does not match the record before (changed or "
                    "reordered records)");
    }
    if (i == 0) {
      if (record.record_type() != v1::START) {
        return Broken(0, kFindingForged, "the log does not begin with START");
      }
      if (record.log_origin().empty()) {
        return Broken(0, kFindingForged, "the first record names no log origin");
      }
      summary.origin = record.log_origin();
      if (!expected_origin.empty() && summary.origin != expected_origin) {
        return Broken(0, kFindingForged,
                      absl::StrCat("log origin \"", summary.origin, "\", expected \"",
                                   expected_origin, "\""));
      }
    } else if (record.log_origin() != summary.origin) {
      return Broken(i, kFindingForged,
                    absl::StrCat("log origin \"", record.log_origin(), "\" differs from \"",
                                 summary.origin, "\""));
    }
    // RFC 3339 UTC with fixed-width milliseconds sorts as text.
    if (record.time_utc() < last_time) {
      return Broken(i, kFindingChanged,
                    absl::StrCat("time ", record.time_utc(), " is before ", last_time));
    }
    last_time = record.time_utc();
    if (record.record_type() == v1::KEY_ROTATION && record.has_signing_key_rotation()) {
      RETURN_IF_ERROR(keys.OnRotation(i, record.signing_key_rotation()));
    }
    if (record.record_type() == v1::CHECKPOINT) {
      absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(record.detail());
      if (!checkpoint.ok()) return Broken(i, kFindingChanged, checkpoint.status().message());
      if (checkpoint->origin != summary.origin) {
        return Broken(i, kFindingForged, "checkpoint of another origin");
      }
      if (checkpoint->size != i) {
        return Broken(i, kFindingChanged,
                      absl::StrCat("checkpoint covers ", checkpoint->size, " records, not the ", i,
                                   " before it"));
      }
      if (checkpoint->root != tree.Root()) {
        return Broken(i, kFindingChanged, "checkpoint root does not match the records before it");
      }
      RETURN_IF_ERROR(keys.OnCheckpoint(i, *checkpoint));
      ++summary.checkpoints;
      summary.sealed_size = i;
      summary.last_checkpoint = record.detail();
    }
    tree.Append(records[i].leaf_hash);
    expected_prev = crypto::DigestBytes(records[i].leaf_hash);
    ++by_type[v1::RecordType_Name(record.record_type())];
  }
  keys.Finish();
  summary.records = records.size();
  // The last checkpoint seals everything before it; it is itself sealed by
  // the next one, so a log that ends in a checkpoint has one unsealed record.
  summary.unsealed_records = records.size() - summary.sealed_size;
  if (!records.empty()) summary.head_leaf_hash = crypto::HexEncode(records.back().leaf_hash);
  summary.by_type.assign(by_type.begin(), by_type.end());
  return summary;
}

absl::Status CheckTrustedCheckpoint(const std::vector<StoredRecord>& records,
                                    const std::string& note,
                                    const std::vector<KeyEpoch>& signing_keys) {
  absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(note);
  if (!checkpoint.ok()) return checkpoint.status();
  // The key in force for a checkpoint at seq `size`.
  const KeyEpoch* key = nullptr;
  for (const KeyEpoch& epoch : signing_keys) {
    if (epoch.from_seq <= checkpoint->size) key = &epoch;
  }
  if (records.size() < checkpoint->size) {
    const bool signed_ok =
        key != nullptr && VerifyCheckpointSignature(*checkpoint, key->public_key).ok();
    return Finding(
        kFindingTruncated,
        absl::StrCat("the log has ", records.size(), " records but the trusted checkpoint covers ",
                     checkpoint->size, ": records were cut off",
                     key == nullptr || signed_ok
                         ? ""
                         : " (or the checkpoint is signed by a key the log does not "
                           "hold any more)"));
  }
  if (key != nullptr) {
    const absl::Status signature = VerifyCheckpointSignature(*checkpoint, key->public_key);
    if (!signature.ok()) {
      return Finding(kFindingBadSignature,
                     absl::StrCat("the trusted checkpoint: ", signature.message()));
    }
  }
  CompactRange tree;
  for (uint64_t i = 0; i < checkpoint->size; ++i) tree.Append(records[i].leaf_hash);
  if (tree.Root() != checkpoint->root) {
    return Finding(kFindingRolledBack, absl::StrCat("the first ", checkpoint->size,
                                                    " records do not match the trusted checkpoint: "
                                                    "the log was changed, rolled back or forked"));
  }
  return absl::OkStatus();
}

absl::Status CheckTrustedCheckpoint(const std::vector<StoredRecord>& records,
                                    const std::string& note, const std::string& public_key) {
  std::vector<KeyEpoch> keys;
  if (!public_key.empty()) keys.push_back({0, public_key});
  return CheckTrustedCheckpoint(records, note, keys);
}

}  // namespace cellgate::audit
