#include "audit/verify/detail_reader.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "audit/verify/frame_format.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"

namespace cellgate::audit {
namespace {

v1::DetailStatus Status(v1::DetailKind kind, v1::DetailStatus::State state, std::string note) {
  v1::DetailStatus status;
  status.set_kind(kind);
  status.set_state(state);
  status.set_note(std::move(note));
  return status;
}

// Reads the blob `ref` names from `path`: its frame intact and its bytes
// hashing to the header's hash. Else a note for the DPO.
absl::StatusOr<std::string> ReadBlob(const std::string& path, const std::string& name,
                                     const v1::DetailRef& ref) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("missing: ", name, " does not exist"));
  if (ref.length() == 0 || ref.length() > kMaxRecordBytes) {
    return absl::DataLossError("malformed: impossible length");
  }
  std::string frame(kFrameHeaderBytes + ref.length() + kFrameCheckBytes, '\0');
  in.seekg(static_cast<std::streamoff>(ref.offset()));
  in.read(frame.data(), static_cast<std::streamsize>(frame.size()));
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("missing: ", name, " ends before byte ", ref.offset() + frame.size()));
  }
  std::string blob = frame.substr(kFrameHeaderBytes, ref.length());
  if (EncodeFrame(blob) != frame || crypto::DigestBytes(crypto::Sha256(blob)) != ref.sha256()) {
    return absl::DataLossError(absl::StrCat("changed: ", name, " at byte ", ref.offset(),
                                            " does not match its hash in the record"));
  }
  return blob;
}

}  // namespace

absl::StatusOr<v1::DetailStatus> DetailReader::ReadOne(const StoredRecord& stored,
                                                       const v1::DetailRef& ref,
                                                       const RedactionIndex& redactions,
                                                       v1::AuditRecord& record) const {
  ASSIGN_OR_RETURN(const int year, RecordYear(stored.record.time_utc()));
  if (const RedactionIndex::Entry* deleted = redactions.Find(ref.kind(), year)) {
    return Status(ref.kind(), v1::DetailStatus::DETAIL_REDACTED,
                  absl::StrCat("redacted by record ", deleted->seq,
                               " (rule: ", deleted->redaction.rule(), ")"));
  }
  const std::string name = DetailFileName(ref.kind(), year);
  absl::StatusOr<std::string> blob =
      ReadBlob((std::filesystem::path(log_dir_) / name).string(), name, ref);
  if (!blob.ok()) {
    return Status(ref.kind(), v1::DetailStatus::DETAIL_UNREADABLE,
                  std::string(blob.status().message()));
  }
  const bool encrypted = DetailEncrypted(*blob);
  if (encrypted && key_ == nullptr) {
    v1::DetailStatus status =
        Status(ref.kind(), v1::DetailStatus::DETAIL_UNREADABLE,
               absl::StrCat("encrypted with audit content key ",
                            crypto::HexEncode(DetailKeyId(*blob)), "; no content key given"));
    status.set_encrypted(true);
    return status;
  }
  absl::StatusOr<std::string> bytes =
      OpenDetail(*blob, DetailAad(stored.record.log_origin(), stored.seq, ref.kind()), key_.get());
  if (!bytes.ok()) {
    if (bytes.status().code() == absl::StatusCode::kFailedPrecondition) return bytes.status();
    return Status(ref.kind(), v1::DetailStatus::DETAIL_UNREADABLE,
                  std::string(bytes.status().message()));
  }
  v1::AuditRecord fragment;
  absl::Status merged = fragment.ParseFromString(*bytes)
                            ? MergeDetail(ref.kind(), fragment, record)
                            : absl::DataLossError("the detail is not an AuditRecord fragment");
  crypto::Cleanse(bytes->data(), bytes->size());
  v1::DetailStatus status = merged.ok() ? Status(ref.kind(), v1::DetailStatus::DETAIL_PRESENT, "")
                                        : Status(ref.kind(), v1::DetailStatus::DETAIL_UNREADABLE,
                                                 std::string(merged.message()));
  status.set_encrypted(encrypted);
  return status;
}

absl::StatusOr<DetailedRecord> DetailReader::Read(const StoredRecord& stored,
                                                  const RedactionIndex& redactions,
                                                  v1::DetailKind only) const {
  DetailedRecord full;
  full.record = stored.record;
  for (const v1::DetailRef& ref : stored.record.details()) {
    if (only != v1::DETAIL_KIND_UNSPECIFIED && ref.kind() != only) continue;
    absl::StatusOr<v1::DetailStatus> status = ReadOne(stored, ref, redactions, full.record);
    if (!status.ok()) {
      return absl::Status(status.status().code(),
                          absl::StrCat("record ", stored.seq, ": ", status.status().message()));
    }
    full.details.push_back(*std::move(status));
  }
  return full;
}

absl::StatusOr<std::vector<DetailedRecord>> ReadDetailedLog(
    const std::string& dir, std::shared_ptr<const crypto::AesGcmKey> key) {
  ASSIGN_OR_RETURN(const ReadResult log, ReadLog(dir));
  RedactionIndex redactions;
  for (const StoredRecord& stored : log.records) redactions.Add(stored);
  const DetailReader reader(dir, std::move(key));
  std::vector<DetailedRecord> out;
  out.reserve(log.records.size());
  for (const StoredRecord& stored : log.records) {
    ASSIGN_OR_RETURN(DetailedRecord full, reader.Read(stored, redactions));
    out.push_back(std::move(full));
  }
  return out;
}

}  // namespace cellgate::audit
