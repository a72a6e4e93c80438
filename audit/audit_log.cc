#include "audit/audit_log.h"

#include <cstdio>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/frame_format.h"
#include "audit/verify/log_reader.h"
#include "common/canonical.h"
#include "common/status_macros.h"
#include "common/status_util.h"

namespace cellgate::audit {
namespace {

absl::Status Failed() {
  return absl::UnavailableError("audit log has failed; releases are withheld until restart");
}

std::string KeyIdHex(const std::string& origin, const std::string& public_key) {
  return crypto::HexEncode(CheckpointKeyId(origin, public_key));
}

}  // namespace

struct AuditLog::Pending {
  enum class Kind { kRecord, kRotation, kRedaction };
  Kind kind = Kind::kRecord;
  PreparedRecord prepared;                                   // kRecord
  v1::AuditRecord record;                                    // kRotation
  std::shared_ptr<const crypto::Ed25519PrivateKey> new_key;  // kRotation
  DetailFileKey file{};                                      // kRedaction
  std::string rule;                                          // kRedaction
  std::promise<absl::StatusOr<v1::Receipt>> done;
};

// One group commit in preparation: the frames of its records and
// checkpoints, the detail blobs they name, and the chain and tree after
// them. Nothing of it reaches the log's state until the commit is durable.
class AuditLog::Commit {
 public:
  Commit(const AuditLog& log, std::string now, int year)
      : log_(log),
        now_(std::move(now)),
        year_(year),
        seq_(log.size()),
        prev_(log.prev_leaf_hash_),
        tree_(log.tree_) {}

  // Frames `prepared` with the next seq and chain, its details sealed
  // into blobs; returns its receipt. The commit is unchanged on error.
  absl::StatusOr<v1::Receipt> Add(PreparedRecord prepared) {
    v1::AuditRecord& record = prepared.header;
    record.set_seq(seq_);
    record.set_prev_leaf_hash(prev_);
    record.set_log_origin(log_.options_.origin);
    record.set_time_utc(now_);
    record.set_server_instance_id(log_.options_.server_instance_id);
    record.set_build_version(log_.options_.build_version);
    ASSIGN_OR_RETURN(StagedRecord staged,
                     log_.details_->Stage(std::move(prepared), year_, details_));
    const std::string bytes = CanonicalBytes(staged.header);
    if (bytes.size() > kMaxRecordBytes) {
      return absl::InvalidArgumentError(absl::StrCat("audit record of ", bytes.size(),
                                                     " bytes exceeds the limit of ",
                                                     kMaxRecordBytes, "; ask for a smaller table"));
    }
    details_.Add(std::move(staged.blobs));
    frames_ += EncodeFrame(bytes);
    const crypto::Digest leaf = LeafHash(bytes);
    tree_.Append(leaf);
    prev_ = crypto::DigestBytes(leaf);
    v1::Receipt receipt;
    receipt.set_release_id(staged.header.release_id());
    receipt.set_seq(seq_);
    receipt.set_leaf_hash(prev_);
    ++seq_;
    return receipt;
  }

  // Appends a CHECKPOINT over every record before it, signed with `key`;
  // returns its note.
  absl::StatusOr<std::string> Seal(const crypto::Ed25519PrivateKey& key) {
    ASSIGN_OR_RETURN(std::string note,
                     SignCheckpoint(log_.options_.origin, seq_, tree_.Root(), key));
    v1::AuditRecord checkpoint;
    checkpoint.set_record_type(v1::CHECKPOINT);
    checkpoint.set_detail(note);
    RETURN_IF_ERROR(Add(PrepareRecord(std::move(checkpoint))).status());
    return note;
  }

  const std::string& frames() const { return frames_; }
  const DetailBatch& details() const { return details_; }
  uint64_t seq() const { return seq_; }
  const std::string& prev() const { return prev_; }
  const CompactRange& tree() const { return tree_; }

 private:
  const AuditLog& log_;
  const std::string now_;
  const int year_;
  uint64_t seq_;
  std::string prev_;
  CompactRange tree_;
  std::string frames_;
  DetailBatch details_;
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
  start.set_format_version(kFormatVersion);
  start.set_detail(absl::StrCat("log opened with ", log->size(), " records"));
  RETURN_IF_ERROR(log->Append(std::move(start)).status());
  for (auto& [reason, detail] : log->recovered_) {
    v1::AuditRecord recovery;
    recovery.set_record_type(v1::RECOVERY);
    recovery.add_reason_codes(reason);
    recovery.set_detail(detail);
    RETURN_IF_ERROR(log->Append(std::move(recovery)).status());
  }
  return log;
}

absl::Status AuditLog::Recover() {
  RETURN_IF_ERROR(fs_->CreateDirectory(options_.dir));
  ASSIGN_OR_RETURN(const ReadResult log, ReadLog(options_.dir));
  absl::StatusOr<ChainSummary> chain = VerifyChain(log.records, options_.origin);
  if (!chain.ok()) {
    return Annotate(chain.status(),
                    "the audit log cannot be continued; check it with "
                    "cellgate-audit-verify");
  }
  for (const StoredRecord& r : log.records) {
    if (r.record.record_type() == v1::START && r.record.format_version() > kFormatVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("the audit log was continued by a newer cellgate (format ",
                       r.record.format_version(), " at record ", r.seq,
                       "); this binary writes format ", kFormatVersion, " and changes nothing"));
    }
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
    recovered_.emplace_back(
        "torn_tail", absl::StrCat("cut ", log.torn_tail_bytes, " bytes of a torn tail at byte ",
                                  log.valid_bytes, " of ", log.segment_path));
  }
  details_ =
      std::make_unique<DetailWriter>(*fs_, options_.dir, options_.origin, options_.content_key);
  absl::StatusOr<std::vector<std::string>> notes = details_->Recover(log.records);
  if (!notes.ok()) return Annotate(notes.status(), "audit log details");
  for (std::string& note : *notes) recovered_.emplace_back("details", std::move(note));
  return RecoverSigningKey(*chain);
}

absl::Status AuditLog::RecoverSigningKey(const ChainSummary& chain) {
  std::shared_ptr<const crypto::Ed25519PrivateKey> key = options_.signing_key;
  const auto& next = options_.next_signing_key;
  const std::string& origin = options_.origin;
  if (!chain.pending_rotation_key.empty()) {
    // A rotation commit torn by a crash: finish it with the key it names.
    if (key == nullptr || next == nullptr || next->public_key() != chain.pending_rotation_key) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the audit log ends in an unfinished rotation of its signing key to key id ",
          KeyIdHex(origin, chain.pending_rotation_key),
          "; start with the old key in the key file and the new one in its .next file"));
    }
    rotating_to_ = next;
    rotation_sealed_ = chain.pending_rotation_sealed;
    next_key_outcome_ = NextKey::kAdopted;
    recovered_.emplace_back("signing_key_rotation",
                            "finished the signing key rotation that a crash interrupted");
  } else if (next != nullptr) {
    absl::StatusOr<Checkpoint> last = ParseCheckpoint(chain.last_checkpoint);
    const bool rotated = last.ok() && VerifyCheckpointSignature(*last, next->public_key()).ok();
    if (rotated) key = next;
    next_key_outcome_ = rotated ? NextKey::kAdopted : NextKey::kUnused;
  }
  if (key != nullptr && !chain.last_checkpoint.empty()) {
    ASSIGN_OR_RETURN(const Checkpoint last, ParseCheckpoint(chain.last_checkpoint));
    if (!VerifyCheckpointSignature(last, key->public_key()).ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the audit signing key (key id ", KeyIdHex(origin, key->public_key()),
          ") did not sign the log's last checkpoint (key id ", crypto::HexEncode(last.key_id),
          "); rotate the key with `cellgate admin rotate-signing-key` instead of replacing "
          "its file, or configure the key the log was signed with"));
    }
  }
  first_public_key_ = !chain.first_rotation_previous_key.empty() ? chain.first_rotation_previous_key
                      : key != nullptr                           ? key->public_key()
                                                                 : "";
  std::lock_guard<std::mutex> lock(mu_);
  signing_key_ = std::move(key);
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

std::string AuditLog::public_key() const {
  std::lock_guard<std::mutex> lock(mu_);
  return signing_key_ == nullptr ? "" : signing_key_->public_key();
}

absl::StatusOr<v1::Receipt> AuditLog::Enqueue(std::unique_ptr<Pending> pending) {
  if (!healthy()) return Failed();
  std::future<absl::StatusOr<v1::Receipt>> done = pending->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(pending.get());
  }
  wake_.notify_one();
  // `pending` lives until the writer has answered.
  return done.get();
}

absl::StatusOr<v1::Receipt> AuditLog::Append(v1::AuditRecord record) {
  // Split and serialized here, so that concurrent callers share the work
  // and the writer thread only seals and writes.
  return Append(PrepareRecord(std::move(record)));
}

absl::StatusOr<v1::Receipt> AuditLog::Append(PreparedRecord record) {
  auto pending = std::make_unique<Pending>();
  pending->prepared = std::move(record);
  return Enqueue(std::move(pending));
}

absl::StatusOr<v1::Receipt> AuditLog::RotateSigningKey(
    std::shared_ptr<const crypto::Ed25519PrivateKey> new_key, v1::AuditRecord record) {
  if (new_key == nullptr) return absl::InvalidArgumentError("no new signing key");
  auto pending = std::make_unique<Pending>();
  pending->kind = Pending::Kind::kRotation;
  pending->record = std::move(record);
  pending->new_key = std::move(new_key);
  return Enqueue(std::move(pending));
}

absl::StatusOr<v1::Receipt> AuditLog::RedactDetails(v1::DetailKind kind, int year,
                                                    std::string rule) {
  auto pending = std::make_unique<Pending>();
  pending->kind = Pending::Kind::kRedaction;
  pending->file = {kind, year};
  pending->rule = std::move(rule);
  return Enqueue(std::move(pending));
}

void AuditLog::WriterLoop() {
  while (true) {
    std::deque<Pending*> taken;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      taken.swap(queue_);
    }
    // Plain records share a commit; a rotation or a redaction has its own.
    while (!taken.empty()) {
      std::vector<Pending*> batch{taken.front()};
      taken.pop_front();
      while (batch.front()->kind == Pending::Kind::kRecord && !taken.empty() &&
             taken.front()->kind == Pending::Kind::kRecord) {
        batch.push_back(taken.front());
        taken.pop_front();
      }
      CommitBatch(batch);
    }
  }
}

absl::StatusOr<v1::AuditRecord> AuditLog::RedactionRecord(const Pending& p,
                                                          const std::string& now) const {
  const auto& [kind, year] = p.file;
  ASSIGN_OR_RETURN(const int this_year, RecordYear(now));
  const std::string name = DetailFileName(kind, year);
  if (year >= this_year) {
    return absl::FailedPreconditionError(
        absl::StrCat("the details of ", year, " cannot be deleted before ", year, " is over"));
  }
  const DetailFileStats stats = details_->Stats(p.file);
  if (stats.blobs == 0) return absl::NotFoundError(absl::StrCat("there is no detail file ", name));
  v1::AuditRecord record;
  record.set_record_type(v1::RETENTION_REDACTION);
  v1::Redaction* redaction = record.mutable_redaction();
  redaction->set_kind(kind);
  redaction->set_period(absl::StrFormat("%04d", year));
  redaction->set_file(name);
  redaction->set_first_seq(stats.first_seq);
  redaction->set_last_seq(stats.last_seq);
  redaction->set_blobs(stats.blobs);
  redaction->set_bytes(stats.bytes);
  redaction->set_rule(p.rule);
  record.set_detail(absl::StrCat("deleted ", name, ": ", stats.blobs, " ", DetailKindName(kind),
                                 " details of records ", stats.first_seq, "..", stats.last_seq));
  return record;
}

absl::StatusOr<PreparedRecord> AuditLog::RecordFor(Pending& p, const std::string& now,
                                                   const crypto::Ed25519PrivateKey* key,
                                                   bool rotating) const {
  v1::AuditRecord record = std::move(p.record);
  switch (p.kind) {
    case Pending::Kind::kRecord:
      return std::move(p.prepared);
    case Pending::Kind::kRedaction: {
      ASSIGN_OR_RETURN(v1::AuditRecord redaction, RedactionRecord(p, now));
      return PrepareRecord(std::move(redaction));
    }
    case Pending::Kind::kRotation:
      if (key == nullptr) {
        return absl::FailedPreconditionError("the audit log has no signing key to rotate");
      }
      if (rotating || p.new_key->public_key() == key->public_key()) {
        return absl::FailedPreconditionError(
            "the new signing key must differ from the current one, and one rotation runs at a "
            "time");
      }
      record.set_record_type(v1::KEY_ROTATION);
      record.mutable_signing_key_rotation()->set_previous_public_key(key->public_key());
      record.mutable_signing_key_rotation()->set_new_public_key(p.new_key->public_key());
      return PrepareRecord(std::move(record));
  }
  return PrepareRecord(std::move(record));
}

void AuditLog::CommitBatch(const std::vector<Pending*>& batch) {
  if (!healthy()) {
    for (Pending* p : batch) p->done.set_value(Failed());
    return;
  }
  // Times never go back within the log, even if the clock does.
  std::string now = FormatRfc3339Millis(clock_.Now());
  if (now < last_time_) now = last_time_;
  const absl::StatusOr<int> year = RecordYear(now);
  if (!year.ok()) {
    for (Pending* p : batch) p->done.set_value(year.status());
    return;
  }
  std::shared_ptr<const crypto::Ed25519PrivateKey> key;
  {
    std::lock_guard<std::mutex> lock(mu_);
    key = signing_key_;
  }
  // A rotation the commit finishes: one a crash tore, or one in the batch.
  std::shared_ptr<const crypto::Ed25519PrivateKey> rotating_to = rotating_to_;
  bool sealed = rotation_sealed_;
  Commit commit(*this, now, *year);
  std::vector<std::pair<Pending*, v1::Receipt>> written;
  for (Pending* p : batch) {
    absl::StatusOr<PreparedRecord> record = RecordFor(*p, now, key.get(), rotating_to != nullptr);
    absl::StatusOr<v1::Receipt> receipt =
        record.ok() ? commit.Add(*std::move(record)) : record.status();
    if (!receipt.ok()) {
      p->done.set_value(receipt.status());
      continue;
    }
    if (p->kind == Pending::Kind::kRotation) {
      rotating_to = p->new_key;
      sealed = false;
    }
    written.emplace_back(p, *std::move(receipt));
  }
  if (written.empty()) return;
  absl::Status status = Seal(commit, key.get(), rotating_to.get(), sealed, written);
  const absl::Time write_start = absl::Now();
  // Details first: a record is never durable without its blobs.
  if (status.ok()) status = details_->Write(commit.details());
  if (status.ok()) status = file_->Append(commit.frames());
  if (status.ok()) status = file_->Sync();
  if (status.ok() && options_.observer != nullptr) {
    // Every frame of the commit (records and checkpoints); the time covers
    // the detail files' and the segment's write and sync.
    options_.observer->OnCommit(commit.seq() - size_.load(), absl::Now() - write_start);
  }
  if (!status.ok()) {
    Latch(status);
    for (auto& [p, receipt] : written) p->done.set_value(Failed());
    return;
  }
  details_->Commit(commit.details());
  prev_leaf_hash_ = commit.prev();
  tree_ = commit.tree();
  last_time_ = now;
  size_.store(commit.seq());
  commits_.fetch_add(1);
  if (rotating_to != nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    signing_key_ = rotating_to;
  }
  rotating_to_ = nullptr;
  rotation_sealed_ = false;
  Answer(written);
}

absl::Status AuditLog::Seal(Commit& commit, const crypto::Ed25519PrivateKey* key,
                            const crypto::Ed25519PrivateKey* rotating_to, bool sealed,
                            std::vector<std::pair<Pending*, v1::Receipt>>& written) {
  if (key == nullptr) return absl::OkStatus();
  // A checkpoint over every record before it. A rotation is sealed by the
  // old key first, then confirmed by the new one.
  absl::StatusOr<std::string> note = std::string();
  if (rotating_to != nullptr && !sealed) note = commit.Seal(*key);
  if (note.ok()) note = commit.Seal(rotating_to != nullptr ? *rotating_to : *key);
  if (!note.ok()) return note.status();
  for (auto& [p, receipt] : written) receipt.set_checkpoint(*note);
  return absl::OkStatus();
}

void AuditLog::Answer(std::vector<std::pair<Pending*, v1::Receipt>>& written) {
  for (auto& [p, receipt] : written) {
    if (p->kind == Pending::Kind::kRedaction) {
      // The record is durable: only now does the file go.
      const absl::Status removed = details_->Remove(p->file);
      if (!removed.ok()) {
        p->done.set_value(absl::UnavailableError(absl::StrCat(
            "the deletion is recorded at seq ", receipt.seq(), " but the file stays for now (",
            removed.message(), "); the next start removes it")));
        continue;
      }
    }
    p->done.set_value(std::move(receipt));
  }
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
