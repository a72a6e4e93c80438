#include "audit/detail_writer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/frame_format.h"
#include "common/beside.h"
#include "common/canonical.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"

namespace cellgate::audit {
namespace {

namespace fs = std::filesystem;

void Merge(DetailFileStats& into, const DetailFileStats& more) {
  if (more.blobs == 0) return;
  if (into.blobs == 0) into.first_seq = more.first_seq;
  into.last_seq = more.last_seq;
  into.blobs += more.blobs;
  into.bytes += more.bytes;
}

}  // namespace

void DetailBatch::AddFrame(const DetailFileKey& file, uint64_t seq, std::string frame) {
  Pending& pending = files_[file];
  DetailFileStats one;
  one.first_seq = one.last_seq = seq;
  one.blobs = 1;
  one.bytes = frame.size();
  Merge(pending.stats, one);
  pending.frames += frame;
}

void DetailBatch::Add(DetailBatch other) {
  for (auto& [file, pending] : other.files_) {
    Pending& into = files_[file];
    Merge(into.stats, pending.stats);
    into.frames += pending.frames;
  }
}

DetailWriter::DetailWriter(LogFileSystem& fs, std::string log_dir, std::string origin,
                           std::shared_ptr<const crypto::AesGcmKey> key)
    : fs_(fs),
      log_dir_(std::move(log_dir)),
      dir_((fs::path(log_dir_) / kDetailDirectory).string()),
      origin_(std::move(origin)),
      key_(std::move(key)) {}

std::string DetailWriter::Path(const DetailFileKey& file) const {
  return (fs::path(log_dir_) / DetailFileName(file.first, file.second)).string();
}

absl::StatusOr<std::vector<std::string>> DetailWriter::Recover(
    const std::vector<StoredRecord>& records) {
  RETURN_IF_ERROR(fs_.CreateDirectory(dir_));
  RETURN_IF_ERROR(fs_.SyncDirectory(log_dir_));
  RedactionIndex redactions;
  for (const StoredRecord& stored : records) redactions.Add(stored);
  ASSIGN_OR_RETURN(files_, DetailFilesOf(records, redactions));
  ASSIGN_OR_RETURN(const auto present, ListDetailFiles(log_dir_));
  std::vector<std::string> notes;
  for (const DetailFileKey& file : present) {
    ASSIGN_OR_RETURN(std::string note, Settle(file, redactions));
    if (!note.empty()) notes.push_back(std::move(note));
  }
  const std::set<DetailFileKey> found(present.begin(), present.end());
  for (const auto& [file, stats] : files_) {
    if (found.count(file) == 0) {
      return absl::DataLossError(absl::StrCat(
          DetailFileName(file.first, file.second), " is missing, with the details of records ",
          stats.first_seq, "..", stats.last_seq,
          ", and no RETENTION_REDACTION record deleted it; restore it from a backup"));
    }
  }
  RETURN_IF_ERROR(CheckContentKey(records));
  return notes;
}

absl::StatusOr<std::string> DetailWriter::Settle(const DetailFileKey& file,
                                                 const RedactionIndex& redactions) {
  const std::string name = DetailFileName(file.first, file.second);
  if (const RedactionIndex::Entry* deleted = redactions.Find(file.first, file.second)) {
    // The record was durable before the file went: finish the deletion.
    RETURN_IF_ERROR(Remove(file));
    return absl::StrCat("completed the deletion of ", name,
                        " that the RETENTION_REDACTION record at seq ", deleted->seq,
                        " recorded");
  }
  std::error_code error;
  const uint64_t size = fs::file_size(Path(file), error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot stat ", Path(file)));
  const auto it = files_.find(file);
  const uint64_t end = it == files_.end() ? 0 : it->second.bytes;
  if (size < end) {
    return absl::DataLossError(
        absl::StrCat(name, " has ", size, " bytes but the log's details reach byte ", end,
                     ": details were cut or lost; check the log with cellgate-audit-verify"));
  }
  if (size == end) return std::string();
  // Blobs of a commit whose records never reached the segment: no answer
  // was sent for them.
  if (end == 0) {
    RETURN_IF_ERROR(Remove(file));
  } else {
    RETURN_IF_ERROR(fs_.Truncate(Path(file), end));
  }
  return absl::StrCat("cut ", size - end, " bytes of uncommitted details at the end of ", name);
}

absl::Status DetailWriter::CheckContentKey(const std::vector<StoredRecord>& records) const {
  // The newest detail still present tells which key the log is written with.
  for (auto r = records.rbegin(); r != records.rend(); ++r) {
    if (r->record.details().empty()) continue;
    ASSIGN_OR_RETURN(const int year, RecordYear(r->record.time_utc()));
    for (const v1::DetailRef& ref : r->record.details()) {
      if (files_.count({ref.kind(), year}) == 0) continue;
      std::ifstream in(Path({ref.kind(), year}), std::ios::binary);
      std::string head(
          1 + crypto::kAesGcmKeyIdBytes + crypto::kAesGcmNonceBytes + crypto::kAesGcmTagBytes,
          '\0');
      in.seekg(static_cast<std::streamoff>(ref.offset() + kFrameHeaderBytes));
      in.read(head.data(),
              static_cast<std::streamsize>(std::min<uint64_t>(head.size(), ref.length())));
      if (!in || !DetailEncrypted(head)) return absl::OkStatus();
      const std::string id = crypto::HexEncode(DetailKeyId(head));
      if (key_ == nullptr) {
        return absl::FailedPreconditionError(
            absl::StrCat("the audit log's details are encrypted with audit content key ", id,
                         ", but no audit content key is configured"));
      }
      if (DetailKeyId(head) != key_->id()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "wrong audit content key: the configured key has id ", crypto::HexEncode(key_->id()),
            ", the log's details are encrypted with key ", id));
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

PreparedRecord::~PreparedRecord() {
  for (auto& [kind, bytes] : fragments) crypto::Cleanse(bytes.data(), bytes.size());
}

PreparedRecord PrepareRecord(v1::AuditRecord full, v1::ReleasedTable* released_table) {
  SplitRecord split = SplitDetails(std::move(full));
  PreparedRecord prepared;
  prepared.header = std::move(split.header);
  for (auto& [kind, fragment] : split.fragments) {
    prepared.fragments.emplace_back(kind, CanonicalBytes(fragment));
    if (released_table != nullptr && fragment.has_released_table()) {
      released_table->Swap(fragment.mutable_released_table());
    }
  }
  return prepared;
}

absl::StatusOr<StagedRecord> DetailWriter::Stage(PreparedRecord prepared, int year,
                                                 const DetailBatch& batch) const {
  const uint64_t seq = prepared.header.seq();
  StagedRecord staged;
  staged.header = std::move(prepared.header);
  for (auto& [kind, bytes] : prepared.fragments) {
    absl::StatusOr<std::string> blob = SealDetail(bytes, DetailAad(origin_, seq, kind), key_.get());
    if (!blob.ok()) return blob.status();
    if (blob->size() > kMaxRecordBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the ", DetailKindName(kind), " detail of the audit record has ", blob->size(),
          " bytes, more than the limit of ", kMaxRecordBytes, "; ask for a smaller table"));
    }
    const DetailFileKey file{kind, year};
    uint64_t offset = Stats(file).bytes;
    if (const auto it = batch.files_.find(file); it != batch.files_.end()) {
      offset += it->second.stats.bytes;
    }
    v1::DetailRef* ref = staged.header.add_details();
    ref->set_kind(kind);
    ref->set_sha256(crypto::DigestBytes(crypto::Sha256(*blob)));
    ref->set_length(blob->size());
    ref->set_offset(offset);
    staged.blobs.AddFrame(file, seq, EncodeFrame(*blob));
  }
  return staged;
}

absl::Status DetailWriter::Write(const DetailBatch& batch) {
  std::vector<LogFile*> appended;
  bool created_any = false;
  for (const auto& [file, pending] : batch.files_) {
    std::unique_ptr<LogFile>& handle = open_[file];
    if (handle == nullptr) {
      bool created = false;
      absl::StatusOr<std::unique_ptr<LogFile>> opened = fs_.OpenForAppend(Path(file), &created);
      if (!opened.ok()) {
        open_.erase(file);
        return opened.status();
      }
      handle = *std::move(opened);
      created_any = created_any || created;
    }
    RETURN_IF_ERROR(handle->Append(pending.frames));
    appended.push_back(handle.get());
  }
  if (appended.empty()) return absl::OkStatus();
  // The files are synced at once, and with them the directory if a file is
  // new (its entry must be durable before a record names it): the file
  // system can serve several syncs with one journal commit, so a commit
  // with an identity and a content blob waits for about one sync, not two.
  std::vector<std::future<absl::Status>> others;
  for (size_t i = 1; i < appended.size(); ++i) {
    others.push_back(std::async(kBesideOrAtGet, [file = appended[i]] { return file->Sync(); }));
  }
  if (created_any) {
    others.push_back(std::async(kBesideOrAtGet, [this] { return fs_.SyncDirectory(dir_); }));
  }
  absl::Status status = appended[0]->Sync();
  for (std::future<absl::Status>& other : others) {
    absl::Status synced = other.get();
    if (status.ok()) status = std::move(synced);
  }
  return status;
}

void DetailWriter::Commit(const DetailBatch& batch) {
  int newest = 0;
  for (const auto& [file, pending] : batch.files_) {
    Merge(files_[file], pending.stats);
    newest = std::max(newest, file.second);
  }
  // Files of past years are never appended to again.
  for (auto it = open_.begin(); it != open_.end();) {
    it = it->first.second < newest ? open_.erase(it) : std::next(it);
  }
}

DetailFileStats DetailWriter::Stats(const DetailFileKey& file) const {
  const auto it = files_.find(file);
  return it == files_.end() ? DetailFileStats{} : it->second;
}

absl::Status DetailWriter::Remove(const DetailFileKey& file) {
  // Forgotten first: a file whose deletion is recorded is never written or
  // deleted again, even if the unlink fails (the next start removes it).
  open_.erase(file);
  files_.erase(file);
  RETURN_IF_ERROR(fs_.Remove(Path(file)));
  return fs_.SyncDirectory(dir_);
}

}  // namespace cellgate::audit
