#include "audit/verify/detail_verifier.h"

#include <filesystem>
#include <map>
#include <optional>
#include <system_error>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/finding.h"
#include "audit/verify/frame_format.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace cellgate::audit {
namespace {

namespace fs = std::filesystem;

// Detail files grow with the log; this bounds what a verifier reads at once.
constexpr int64_t kMaxDetailFileBytes = int64_t{1} << 36;

using FileKey = std::pair<int, int>;  // kind, year

struct Reference {
  uint64_t seq = 0;
  v1::DetailRef ref;
};

// A finding about record `seq`, kept until the lowest one is known.
struct Found {
  uint64_t seq = 0;
  absl::Status status;
};

std::string What(v1::DetailKind kind, uint64_t seq) {
  return absl::StrCat("the ", DetailKindName(kind), " detail of record ", seq);
}

// Checks every RETENTION_REDACTION record; returns the index of them.
absl::StatusOr<RedactionIndex> CheckRedactions(const std::vector<StoredRecord>& records,
                                               DetailSummary& summary) {
  RedactionIndex index;
  for (const StoredRecord& stored : records) {
    const v1::AuditRecord& r = stored.record;
    if (r.record_type() != v1::RETENTION_REDACTION) continue;
    const v1::Redaction& redaction = r.redaction();
    int year = 0;
    const absl::StatusOr<int> written = RecordYear(r.time_utc());
    const std::string prefix = absl::StrCat("the redaction at record ", stored.seq, " ");
    if (redaction.period().size() != 4 || !absl::SimpleAtoi(redaction.period(), &year) ||
        (redaction.kind() != v1::IDENTITY && redaction.kind() != v1::CONTENT) ||
        redaction.file() != DetailFileName(redaction.kind(), year)) {
      return Finding(kFindingForged, prefix + "names no detail file of a year");
    }
    if (!written.ok() || year >= *written) {
      return Finding(kFindingForged, absl::StrCat(prefix, "deletes ", redaction.file(),
                                                  " before its year was over"));
    }
    if (index.Find(redaction.kind(), year) != nullptr) {
      return Finding(kFindingForged,
                     absl::StrCat(prefix, "deletes ", redaction.file(), " a second time"));
    }
    index.Add(stored);
    summary.redaction_rules.push_back(redaction.rule());
  }
  return index;
}

// Checks the blobs of one file against their references (in seq order).
// Returns the first finding, or nothing; adds to `summary`.
std::optional<Found> CheckFile(const std::string& log_dir, const std::string& name,
                               const std::vector<Reference>& refs, DetailSummary& summary) {
  const std::string path = (fs::path(log_dir) / name).string();
  std::error_code error;
  if (!fs::exists(path, error)) {
    return Found{
        refs.front().seq,
        Finding(kFindingMissingDetail,
                absl::StrCat(What(refs.front().ref.kind(), refs.front().seq), " is missing: ", name,
                             " does not exist and no RETENTION_REDACTION record "
                             "deleted it"))};
  }
  absl::StatusOr<std::string> content = ReadFileBounded(path, kMaxDetailFileBytes);
  if (!content.ok()) return Found{refs.front().seq, content.status()};
  uint64_t expected = 0;
  for (const Reference& r : refs) {
    const v1::DetailRef& ref = r.ref;
    const std::string where = absl::StrCat(name, " at byte ", ref.offset());
    if (ref.offset() != expected) {
      return Found{r.seq, Finding(kFindingForged,
                                  absl::StrCat(What(ref.kind(), r.seq), " is placed at ", where,
                                               ", not right after the detail before it (byte ",
                                               expected, ")"))};
    }
    const uint64_t frame = kFrameHeaderBytes + ref.length() + kFrameCheckBytes;
    if (ref.offset() + frame > content->size()) {
      return Found{r.seq,
                   Finding(kFindingMissingDetail,
                           absl::StrCat(What(ref.kind(), r.seq), " is missing: ", name,
                                        " ends at byte ", content->size(), ", before it (cut)"))};
    }
    const std::string expected_frame = EncodeFrame(
        absl::string_view(*content).substr(ref.offset() + kFrameHeaderBytes, ref.length()));
    const absl::string_view stored = absl::string_view(*content).substr(ref.offset(), frame);
    const absl::string_view blob = stored.substr(kFrameHeaderBytes, ref.length());
    if (stored != expected_frame || crypto::DigestBytes(crypto::Sha256(blob)) != ref.sha256()) {
      return Found{r.seq, Finding(kFindingChangedDetail,
                                  absl::StrCat(What(ref.kind(), r.seq), " was changed: ", where,
                                               " does not match its hash in the record"))};
    }
    ++summary.checked;
    if (!DetailEncrypted(blob)) ++summary.unencrypted;
    expected += frame;
  }
  summary.tail_bytes += content->size() - expected;
  return std::nullopt;
}

}  // namespace

absl::StatusOr<DetailSummary> VerifyDetails(const std::string& log_dir,
                                            const std::vector<StoredRecord>& records) {
  DetailSummary summary;
  ASSIGN_OR_RETURN(const RedactionIndex redactions, CheckRedactions(records, summary));
  std::map<FileKey, std::vector<Reference>> files;
  for (const StoredRecord& stored : records) {
    const v1::AuditRecord& r = stored.record;
    if (r.details().empty()) continue;
    ASSIGN_OR_RETURN(const int year, RecordYear(r.time_utc()));
    for (const v1::DetailRef& ref : r.details()) {
      if ((ref.kind() != v1::IDENTITY && ref.kind() != v1::CONTENT) || ref.length() == 0 ||
          ref.length() > kMaxRecordBytes || ref.sha256().size() != 32) {
        return Finding(kFindingForged,
                       absl::StrCat("record ", stored.seq, " names a malformed detail"));
      }
      if (const RedactionIndex::Entry* deleted = redactions.Find(ref.kind(), year)) {
        if (stored.seq > deleted->seq || stored.seq < deleted->redaction.first_seq() ||
            stored.seq > deleted->redaction.last_seq()) {
          return Finding(kFindingForged, absl::StrCat(What(ref.kind(), stored.seq),
                                                      " lies outside the records "
                                                      "whose details the redaction at record ",
                                                      deleted->seq, " deleted"));
        }
        ++summary.redacted;
        continue;
      }
      files[{ref.kind(), year}].push_back({stored.seq, ref});
    }
  }
  std::optional<Found> first;
  for (const auto& [key, refs] : files) {
    const std::string name = DetailFileName(static_cast<v1::DetailKind>(key.first), key.second);
    std::optional<Found> found = CheckFile(log_dir, name, refs, summary);
    if (found.has_value() && (!first.has_value() || found->seq < first->seq)) first = found;
  }
  if (first.has_value()) return first->status;
  // Files no record names (and not deleted): all their bytes are tail.
  absl::StatusOr<std::vector<std::pair<v1::DetailKind, int>>> present = ListDetailFiles(log_dir);
  if (!present.ok()) return Finding(kFindingDamaged, present.status().message());
  for (const auto& [kind, year] : *present) {
    if (files.count({kind, year}) > 0 || redactions.Find(kind, year) != nullptr) continue;
    std::error_code error;
    const uintmax_t size = fs::file_size(fs::path(log_dir) / DetailFileName(kind, year), error);
    if (!error) summary.tail_bytes += size;
  }
  return summary;
}

}  // namespace cellgate::audit
