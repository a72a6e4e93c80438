#include "audit/audit_log.h"

#include <cstdio>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/frame_format.h"
#include "audit/verify/log_reader.h"
#include "common/canonical.h"
#include "common/status_macros.h"
#include "common/status_util.h"

namespace cellgate::audit {

struct AuditLog::Pending {
  v1::AuditRecord record;
  std::promise<absl::StatusOr<v1::Receipt>> done;
};

AuditLog::AuditLog(const AuditLogOptions& options, const Clock& clock,
                   std::unique_ptr<LogFileSystem> fs)
    : options_(options), clock_(clock), fs_(std::move(fs)), prev_leaf_hash_(32, '\0') {}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const AuditLogOptions& options,
                                                         const Clock& clock,
                                                         std::unique_ptr<LogFileSystem> fs) {
  if (options.dir.empty()) return absl::InvalidArgumentError("audit log directory is empty");
  if (options.origin.empty()) return absl::InvalidArgumentError("audit log origin is empty");
  if (fs == nullptr) fs = NewPosixLogFileSystem();
  std::unique_ptr<AuditLog> log(new AuditLog(options, clock, std::move(fs)));
  RETURN_IF_ERROR(log->Recover());
  log->writer_ = std::thread([raw = log.get()] { raw->WriterLoop(); });
  v1::AuditRecord start;
  start.set_record_type(v1::START);
  start.set_detail(absl::StrCat("log opened with ", log->size(), " records"));
  RETURN_IF_ERROR(log->Append(std::move(start)).status());
  if (!log->recovery_detail_.empty()) {
    v1::AuditRecord recovery;
    recovery.set_record_type(v1::RECOVERY);
    recovery.add_reason_codes("torn_tail");
    recovery.set_detail(log->recovery_detail_);
    RETURN_IF_ERROR(log->Append(std::move(recovery)).status());
  }
  return log;
}

absl::Status AuditLog::Recover() {
  RETURN_IF_ERROR(fs_->CreateDirectory(options_.dir));
  ASSIGN_OR_RETURN(const ReadResult log, ReadLog(options_.dir));
  absl::Status chain = VerifyChain(log.records, options_.origin).status();
  if (!chain.ok()) {
    return Annotate(chain, "the audit log cannot be continued; check it with "
                           "cellgate-audit-verify");
  }
  if (log.torn_tail_bytes > 0) {
    RETURN_IF_ERROR(fs_->Truncate(log.segment_path, log.valid_bytes));
  }
  bool created = false;
  ASSIGN_OR_RETURN(file_, fs_->OpenForAppend(log.segment_path, &created));
  if (created) RETURN_IF_ERROR(fs_->SyncDirectory(options_.dir));
  for (const StoredRecord& r : log.records) tree_.Append(r.leaf_hash);
  if (!log.records.empty()) {
    prev_leaf_hash_ = crypto::DigestBytes(log.records.back().leaf_hash);
    last_time_ = log.records.back().record.time_utc();
  }
  size_.store(log.records.size());
  if (log.torn_tail_bytes > 0) {
    recovery_detail_ = absl::StrCat("cut ", log.torn_tail_bytes, " bytes of a torn tail at byte ",
                                    log.valid_bytes, " of ", log.segment_path);
  }
  return absl::OkStatus();
}

AuditLog::~AuditLog() {
  if (writer_.joinable()) {
    if (healthy()) {
      v1::AuditRecord stop;
      stop.set_record_type(v1::STOP);
      stop.set_detail("log closed");
      (void)Append(std::move(stop));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
  }
}

size_t AuditLog::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

absl::StatusOr<v1::Receipt> AuditLog::Append(v1::AuditRecord record) {
  if (!healthy()) {
    return absl::UnavailableError("audit log has failed; releases are withheld until restart");
  }
  Pending pending;
  pending.record = std::move(record);
  std::future<absl::StatusOr<v1::Receipt>> done = pending.done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(&pending);
  }
  wake_.notify_one();
  return done.get();
}

void AuditLog::WriterLoop() {
  while (true) {
    std::deque<Pending*> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      batch.swap(queue_);
    }
    CommitBatch(batch);
  }
}

void AuditLog::CommitBatch(std::deque<Pending*>& batch) {
  const absl::Status failed =
      absl::UnavailableError("audit log has failed; releases are withheld until restart");
  if (!healthy()) {
    for (Pending* p : batch) p->done.set_value(failed);
    return;
  }
  // Times never go back within the log, even if the clock does.
  std::string now = FormatRfc3339Millis(clock_.Now());
  if (now < last_time_) now = last_time_;
  uint64_t seq = size();
  std::string prev = prev_leaf_hash_;
  CompactRange tree = tree_;
  std::string frames;
  std::vector<std::pair<Pending*, v1::Receipt>> written;
  // Frames `record` with the next seq and chain; returns its receipt.
  auto frame = [&](v1::AuditRecord& record) -> absl::StatusOr<v1::Receipt> {
    record.set_seq(seq);
    record.set_prev_leaf_hash(prev);
    record.set_log_origin(options_.origin);
    record.set_time_utc(now);
    record.set_server_instance_id(options_.server_instance_id);
    record.set_build_version(options_.build_version);
    const std::string bytes = CanonicalBytes(record);
    if (bytes.size() > kMaxRecordBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("audit record of ", bytes.size(), " bytes exceeds the limit of ",
                       kMaxRecordBytes, "; ask for a smaller table"));
    }
    frames += EncodeFrame(bytes);
    const crypto::Digest leaf = LeafHash(bytes);
    tree.Append(leaf);
    prev = crypto::DigestBytes(leaf);
    v1::Receipt receipt;
    receipt.set_release_id(record.release_id());
    receipt.set_seq(seq);
    receipt.set_leaf_hash(prev);
    ++seq;
    return receipt;
  };
  for (Pending* p : batch) {
    absl::StatusOr<v1::Receipt> receipt = frame(p->record);
    if (!receipt.ok()) {
      p->done.set_value(receipt.status());
      continue;
    }
    written.emplace_back(p, *std::move(receipt));
  }
  if (written.empty()) return;
  if (options_.signing_key != nullptr) {
    // Seal the commit: a checkpoint over every record before it.
    absl::StatusOr<std::string> note =
        SignCheckpoint(options_.origin, seq, tree.Root(), *options_.signing_key);
    absl::Status sealed = note.status();
    if (note.ok()) {
      v1::AuditRecord checkpoint;
      checkpoint.set_record_type(v1::CHECKPOINT);
      checkpoint.set_detail(*note);
      sealed = frame(checkpoint).status();
      for (auto& [p, receipt] : written) receipt.set_checkpoint(*note);
    }
    if (!sealed.ok()) {
      Latch(sealed);
      for (auto& [p, receipt] : written) p->done.set_value(failed);
      return;
    }
  }
  const absl::Time write_start = absl::Now();
  absl::Status status = file_->Append(frames);
  if (status.ok()) status = file_->Sync();
  if (status.ok() && options_.observer != nullptr) {
    options_.observer->OnCommit(written.size() + (options_.signing_key != nullptr),
                                absl::Now() - write_start);
  }
  if (!status.ok()) {
    Latch(status);
    for (auto& [p, receipt] : written) p->done.set_value(failed);
    return;
  }
  prev_leaf_hash_ = prev;
  tree_ = tree;
  last_time_ = now;
  size_.store(seq);
  commits_.fetch_add(1);
  for (auto& [p, receipt] : written) p->done.set_value(std::move(receipt));
}

void AuditLog::Latch(const absl::Status& cause) {
  healthy_.store(false);
  if (options_.observer != nullptr) {
    options_.observer->OnLatched(cause);
    return;
  }
  std::fprintf(stderr,
               "cellgate: AUDIT LOG FAILED (%s); every release is withheld until the server "
               "restarts and recovers the log\n",
               std::string(cause.message()).c_str());
}

}  // namespace cellgate::audit
