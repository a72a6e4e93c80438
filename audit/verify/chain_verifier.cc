#include "audit/verify/chain_verifier.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace cellgate::audit {
namespace {

absl::Status Broken(uint64_t seq, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("audit chain broken at record ", seq, ": ", what));
}

}  // namespace

absl::StatusOr<ChainSummary> VerifyChain(const std::vector<StoredRecord>& records,
                                         const std::string& expected_origin) {
  ChainSummary summary;
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
    expected_prev = crypto::DigestBytes(records[i].leaf_hash);
    ++by_type[v1::RecordType_Name(record.record_type())];
  }
  summary.records = records.size();
  if (!records.empty()) summary.head_leaf_hash = crypto::HexEncode(records.back().leaf_hash);
  summary.by_type.assign(by_type.begin(), by_type.end());
  return summary;
}

}  // namespace cellgate::audit
