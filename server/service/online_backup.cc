#include "server/service/online_backup.h"

#include <cstdio>
#include <fstream>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
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

}  // namespace

absl::StatusOr<AuditCut> FindAuditCut(const std::string& dir, uint64_t last_seq, bool sealed) {
  ASSIGN_OR_RETURN(const std::vector<std::string> names, audit::SegmentNames(dir));
  AuditCut cut;
  uint64_t seq = 0;
  for (const std::string& name : names) {
    std::ifstream in(absl::StrCat(dir, "/", name), std::ios::binary);
    if (!in) return absl::UnavailableError(absl::StrCat("cannot read audit segment ", name));
    uint64_t offset = 0;
    char header[audit::kFrameHeaderBytes];
    // Frames before the cut are durable and never change; the walk stops
    // at the cut, before anything a later commit may be writing.
    while (in.read(header, sizeof(header))) {
      const uint32_t length = LittleEndian32(header);
      if (length == 0 || length > audit::kMaxRecordBytes) break;
      std::string bytes(length, '\0');
      if (!in.read(bytes.data(), length)) break;
      in.ignore(audit::kFrameCheckBytes);
      if (!in) break;
      offset += audit::kFrameHeaderBytes + length + audit::kFrameCheckBytes;
      bool done = false;
      if (seq == last_seq && !sealed) done = true;
      if (seq > last_seq && sealed) {
        v1::AuditRecord record;
        done = record.ParseFromString(bytes) && record.record_type() == v1::CHECKPOINT;
      }
      ++seq;
      if (done || (seq > last_seq && !sealed)) {
        cut.segments.emplace_back(name, offset);
        cut.records = seq;
        cut.head_leaf_hash = crypto::HexEncode(audit::LeafHash(bytes));
        return cut;
      }
    }
    cut.segments.emplace_back(name, offset);
  }
  return absl::DataLossError(absl::StrCat("the audit log ends before record ", last_seq,
                                          " and its checkpoint; the backup is abandoned"));
}

absl::StatusOr<v1::BackupFile> OnlineBackup::SendFile(
    const std::string& local_path, const std::string& name, uint64_t length,
    const std::function<absl::Status(const v1::BackupChunk&)>& send) {
  std::ifstream in(local_path, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", name, " for the backup"));
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

  std::ifstream probe(scratch, std::ios::binary | std::ios::ate);
  const uint64_t store_bytes = probe ? static_cast<uint64_t>(probe.tellg()) : 0;
  ASSIGN_OR_RETURN(*manifest.add_files(), SendFile(scratch, "store.db", store_bytes, send));
  std::remove(scratch.c_str());

  ASSIGN_OR_RETURN(const AuditCut cut,
                   FindAuditCut(sources_.audit_dir, marker_seq, sources_.sealed));
  for (const auto& [segment, bytes] : cut.segments) {
    ASSIGN_OR_RETURN(*manifest.add_files(),
                     SendFile(absl::StrCat(sources_.audit_dir, "/", segment),
                              absl::StrCat("audit/", segment), bytes, send));
  }
  manifest.set_audit_records(cut.records);
  manifest.set_audit_head_leaf_hash(cut.head_leaf_hash);
  v1::BackupChunk last;
  *last.mutable_manifest() = manifest;
  RETURN_IF_ERROR(send(last));
  return manifest;
}

}  // namespace cellgate::service
