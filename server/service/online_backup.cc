#include "server/service/online_backup.h"

#include <cstdio>
#include <fstream>
#include <optional>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/frame_format.h"
#include "audit/verify/log_reader.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"

namespace cellgate::service {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

uint32_t LittleEndian32(const char* p) {
  return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) |
         static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(p[3])) << 24;
}

// The next whole frame of `in` (its record bytes), or nullopt where the
// intact frames end (a commit still being written, or the end).
std::optional<std::string> NextFrame(std::istream& in) {
  char header[audit::kFrameHeaderBytes];
  if (!in.read(header, sizeof(header))) return std::nullopt;
  const uint32_t length = LittleEndian32(header);
  if (length == 0 || length > audit::kMaxRecordBytes) return std::nullopt;
  std::string bytes(length, '\0');
  if (!in.read(bytes.data(), length)) return std::nullopt;
  in.ignore(audit::kFrameCheckBytes);
  if (!in) return std::nullopt;
  return bytes;
}

// Each detail file up to the end of the last blob `records` name.
absl::StatusOr<std::vector<std::pair<std::string, uint64_t>>> DetailCut(
    const std::vector<audit::StoredRecord>& records) {
  audit::RedactionIndex redactions;
  for (const audit::StoredRecord& stored : records) redactions.Add(stored);
  ASSIGN_OR_RETURN(const auto files, audit::DetailFilesOf(records, redactions));
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& [file, stats] : files) {
    out.emplace_back(audit::DetailFileName(file.first, file.second), stats.bytes);
  }
  return out;
}

}  // namespace

absl::StatusOr<AuditCut> FindAuditCut(const std::string& dir, uint64_t last_seq, bool sealed) {
  ASSIGN_OR_RETURN(const std::vector<std::string> names, audit::SegmentNames(dir));
  AuditCut cut;
  // The headers up to the cut: what the detail files must hold.
  std::vector<audit::StoredRecord> records;
  bool reached = false;  // the cut is found; only a rotation's second checkpoint may follow
  for (const std::string& name : names) {
    std::ifstream in(absl::StrCat(dir, "/", name), std::ios::binary);
    if (!in) return absl::UnavailableError(absl::StrCat("cannot read audit segment ", name));
    uint64_t offset = 0;
    // Frames before the cut are durable and never change; the walk stops
    // at the cut, before anything a later commit may be writing.
    for (std::optional<std::string> bytes; (bytes = NextFrame(in)).has_value();) {
      audit::StoredRecord stored;
      stored.seq = records.size();
      if (!stored.record.ParseFromString(*bytes)) break;
      const bool checkpoint = stored.record.record_type() == v1::CHECKPOINT;
      // A commit never begins with a checkpoint: one right after the cut's
      // is the new key's confirmation of a rotation in the same commit.
      if (reached && !checkpoint) break;
      offset += audit::kFrameHeaderBytes + bytes->size() + audit::kFrameCheckBytes;
      cut.head_leaf_hash = crypto::HexEncode(audit::LeafHash(*bytes));
      records.push_back(std::move(stored));
      if (!sealed && records.size() > last_seq) {
        reached = true;
        break;
      }
      if (sealed && checkpoint && records.size() > last_seq + 1) reached = true;
    }
    cut.segments.emplace_back(name, offset);
    if (reached) {
      cut.records = records.size();
      ASSIGN_OR_RETURN(cut.details, DetailCut(records));
      return cut;
    }
  }
  return absl::DataLossError(absl::StrCat("the audit log ends before record ", last_seq,
                                          " and its checkpoint; the backup is abandoned"));
}

absl::StatusOr<v1::BackupFile> OnlineBackup::SendFile(
    std::istream& in, const std::string& name, uint64_t length,
    const std::function<absl::Status(const v1::BackupChunk&)>& send) {
  crypto::Sha256Hasher hash;
  uint64_t sent = 0;
  v1::BackupChunk chunk;
  chunk.set_path(name);
  do {
    const uint64_t n = std::min<uint64_t>(kChunkBytes, length - sent);
    std::string* data = chunk.mutable_data();
    data->resize(n);
    if (n > 0 && !in.read(data->data(), static_cast<std::streamsize>(n))) {
      return absl::UnavailableError(absl::StrCat("cannot read ", name, " for the backup"));
    }
    hash.Update(*data);
    RETURN_IF_ERROR(send(chunk));
    sent += n;
  } while (sent < length);
  v1::BackupFile file;
  file.set_path(name);
  file.set_size(length);
  file.set_sha256(crypto::HexEncode(hash.Finish()));
  return file;
}

absl::StatusOr<v1::BackupManifest> OnlineBackup::Run(
    const pipeline::RequestInfo& request,
    const std::function<absl::Status(const v1::BackupChunk&)>& send) {
  absl::MutexLock one_at_a_time(&mu_);
  ASSIGN_OR_RETURN(const std::string id_bytes, crypto::RandomBytes(16));
  v1::BackupManifest manifest;
  manifest.set_backup_id(crypto::HexEncode(id_bytes));
  manifest.set_audit_origin(sources_.audit_origin);
  const std::string scratch =
      absl::StrCat(sources_.scratch_dir, "/.backup-", manifest.backup_id(), ".db");
  absl::Cleanup remove_scratch = [&scratch] { std::remove(scratch.c_str()); };

  pipeline::ReleasePause pause(sources_.pipeline);
  uint64_t marker_seq = 0;
  RETURN_IF_ERROR(sources_.store.Backup(scratch, [&](const store::StoreSnapshot& snapshot) {
    manifest.set_ledger_entries(snapshot.ledger_entries);
    manifest.set_store_page_size(snapshot.page_size);
    manifest.set_store_key_fingerprint(snapshot.key_fingerprint);
    manifest.set_time_utc(FormatRfc3339Millis(sources_.clock.Now()));
    v1::AuditRecord record;
    record.set_record_type(v1::AUDIT_ACCESS);
    record.set_decision(v1::RELEASED);
    record.set_release_id(manifest.backup_id());
    *record.mutable_requester() = request.requester;
    record.set_access_policy_hash(request.access_policy_hash);
    record.set_method(request.method);
    record.add_reason_codes("backup");
    record.set_detail(absl::StrCat("online backup ", manifest.backup_id(),
                                   ": store snapshot with ", snapshot.ledger_entries,
                                   " ledger entries and the audit log up to this record's "
                                   "commit; store key ", snapshot.key_fingerprint));
    ASSIGN_OR_RETURN(const v1::Receipt receipt, sources_.log.Append(std::move(record)));
    marker_seq = receipt.seq();
    pause.Resume();  // the cut is fixed: releases go on
    return absl::OkStatus();
  }));
  manifest.set_backup_record_seq(marker_seq);

  // The audit files of the cut, opened now: a detail file that retention
  // deletes while the store is sent stays readable through its handle.
  ASSIGN_OR_RETURN(const AuditCut cut,
                   FindAuditCut(sources_.audit_dir, marker_seq, sources_.sealed));
  std::vector<std::pair<std::string, uint64_t>> audit_files = cut.segments;
  audit_files.insert(audit_files.end(), cut.details.begin(), cut.details.end());
  std::vector<std::ifstream> audit_in;
  for (const auto& [name, bytes] : audit_files) {
    audit_in.emplace_back(absl::StrCat(sources_.audit_dir, "/", name), std::ios::binary);
    if (!audit_in.back()) {
      return absl::UnavailableError(absl::StrCat("cannot read audit/", name, " for the backup"));
    }
  }

  std::ifstream store_in(scratch, std::ios::binary | std::ios::ate);
  if (!store_in) return absl::UnavailableError("cannot read store.db for the backup");
  const uint64_t store_bytes = static_cast<uint64_t>(store_in.tellg());
  store_in.seekg(0);
  ASSIGN_OR_RETURN(*manifest.add_files(), SendFile(store_in, "store.db", store_bytes, send));
  store_in.close();
  std::remove(scratch.c_str());

  for (size_t i = 0; i < audit_files.size(); ++i) {
    ASSIGN_OR_RETURN(*manifest.add_files(),
                     SendFile(audit_in[i], absl::StrCat("audit/", audit_files[i].first),
                              audit_files[i].second, send));
  }
  manifest.set_audit_records(cut.records);
  manifest.set_audit_head_leaf_hash(cut.head_leaf_hash);
  v1::BackupChunk last;
  *last.mutable_manifest() = manifest;
  RETURN_IF_ERROR(send(last));
  return manifest;
}

}  // namespace cellgate::service
