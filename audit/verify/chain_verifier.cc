#include "audit/verify/chain_verifier.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/merkle.h"

namespace cellgate::audit {
namespace {

absl::Status Broken(uint64_t seq, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("audit chain broken at record ", seq, ": ", what));
}

}  // namespace

absl::StatusOr<ChainSummary> VerifyChain(const std::vector<StoredRecord>& records,
                                         const std::string& expected_origin,
                                         const std::string& public_key) {
  ChainSummary summary;
  summary.signatures_checked = !public_key.empty();
  CompactRange tree;
  std::string expected_prev(32, '\0');
  std::string last_time;
  std::map<std::string, uint64_t> by_type;
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::AuditRecord& record = records[i].record;
    if (record.seq() != i) {
      return Broken(i, absl::StrCat("it carries seq ", record.seq(),
                                    " (records removed, inserted or reordered)"));
    }
    if (record.prev_leaf_hash() != expected_prev) {
      return Broken(i, "prev_leaf_hash does not match the record before (changed or "
                       "reordered records)");
    }
    if (i == 0) {
      if (record.record_type() != v1::START) return Broken(0, "the log does not begin with START");
      if (record.log_origin().empty()) return Broken(0, "the first record names no log origin");
      summary.origin = record.log_origin();
      if (!expected_origin.empty() && summary.origin != expected_origin) {
        return Broken(0, absl::StrCat("log origin \"", summary.origin, "\", expected \"",
                                      expected_origin, "\""));
      }
    } else if (record.log_origin() != summary.origin) {
      return Broken(i, absl::StrCat("log origin \"", record.log_origin(), "\" differs from \"",
                                    summary.origin, "\""));
    }
    // RFC 3339 UTC with fixed-width milliseconds sorts as text.
    if (record.time_utc() < last_time) {
      return Broken(i, absl::StrCat("time ", record.time_utc(), " is before ", last_time));
    }
    last_time = record.time_utc();
    if (record.record_type() == v1::CHECKPOINT) {
      absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(record.detail());
      if (!checkpoint.ok()) return Broken(i, checkpoint.status().message());
      if (checkpoint->origin != summary.origin) return Broken(i, "checkpoint of another origin");
      if (checkpoint->size != i) {
        return Broken(i, absl::StrCat("checkpoint covers ", checkpoint->size,
                                      " records, not the ", i, " before it"));
      }
      if (checkpoint->root != tree.Root()) {
        return Broken(i, "checkpoint root does not match the records before it");
      }
      if (!public_key.empty()) {
        const absl::Status signature = VerifyCheckpointSignature(*checkpoint, public_key);
        if (!signature.ok()) return Broken(i, signature.message());
      }
      ++summary.checkpoints;
      summary.sealed_size = i;
    }
    tree.Append(records[i].leaf_hash);
    expected_prev = crypto::DigestBytes(records[i].leaf_hash);
    ++by_type[v1::RecordType_Name(record.record_type())];
  }
  summary.records = records.size();
  // The last checkpoint seals everything before it; it is itself sealed by
  // the next one, so a log that ends in a checkpoint has one unsealed record.
  summary.unsealed_records = records.size() - summary.sealed_size;
  if (!records.empty()) summary.head_leaf_hash = crypto::HexEncode(records.back().leaf_hash);
  summary.by_type.assign(by_type.begin(), by_type.end());
  return summary;
}

absl::Status CheckTrustedCheckpoint(const std::vector<StoredRecord>& records,
                                    const std::string& note, const std::string& public_key) {
  absl::StatusOr<Checkpoint> checkpoint = ParseCheckpoint(note);
  if (!checkpoint.ok()) return checkpoint.status();
  if (!public_key.empty()) {
    const absl::Status signature = VerifyCheckpointSignature(*checkpoint, public_key);
    if (!signature.ok()) return signature;
  }
  if (records.size() < checkpoint->size) {
    return absl::DataLossError(absl::StrCat("the log has ", records.size(),
                                            " records but the trusted checkpoint covers ",
                                            checkpoint->size, ": records were cut off"));
  }
  CompactRange tree;
  for (uint64_t i = 0; i < checkpoint->size; ++i) tree.Append(records[i].leaf_hash);
  if (tree.Root() != checkpoint->root) {
    return absl::DataLossError(absl::StrCat("the first ", checkpoint->size,
                                            " records do not match the trusted checkpoint: "
                                            "the log was changed, rolled back or forked"));
  }
  return absl::OkStatus();
}

}  // namespace cellgate::audit
