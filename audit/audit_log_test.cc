// The audit log as the release pipeline uses it: durable appends with
// receipts, a verifiable chain across restarts, group commit, fail-closed
// latching, and recovery of a torn tail.
#include "audit/audit_log.h"

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "audit/testing/failing_log_file_system.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/merkle.h"
#include "audit/verify/frame_format.h"
#include "audit/verify/log_follower.h"
#include "audit/verify/log_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::audit {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "cellgate.test.example/audit/v1";

v1::AuditRecord Release(const std::string& id) {
  v1::AuditRecord record;
  record.set_record_type(v1::RELEASE);
  record.set_release_id(id);
  record.set_dataset("schueler");
  return record;
}

class AuditLogTest : public ::testing::Test {
 protected:
  AuditLogOptions Options() const {
    AuditLogOptions options;
    options.dir = dir_.File("audit");
    options.origin = kOrigin;
    options.server_instance_id = "test-instance";
    options.build_version = "test";
    return options;
  }

  ReadResult Read() const {
    absl::StatusOr<ReadResult> log = ReadLog(dir_.File("audit"));
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : ReadResult{};
  }

  std::string Segment() const { return dir_.File("audit") + "/" + SegmentName(1); }

  void AppendRaw(absl::string_view bytes) const {
    std::ofstream out(Segment(), std::ios::binary | std::ios::app);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  testing::TempDir dir_;
  SystemClock clock_;
};

TEST_F(AuditLogTest, ReceiptNamesTheDurableRecord) {
  ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
  ASSERT_OK_AND_ASSIGN(v1::Receipt receipt, log->Append(Release("r1")));
  EXPECT_EQ(receipt.release_id(), "r1");
  EXPECT_EQ(receipt.seq(), 1u);  // record 0 is START
  EXPECT_EQ(log->size(), 2u);
  // Readable while the log is open: the record is on disk already.
  const ReadResult read = Read();
  ASSERT_EQ(read.records.size(), 2u);
  EXPECT_EQ(read.records[0].record.record_type(), v1::START);
  const StoredRecord& stored = read.records[1];
  EXPECT_EQ(stored.record.release_id(), "r1");
  EXPECT_EQ(stored.record.log_origin(), kOrigin);
  EXPECT_EQ(stored.record.server_instance_id(), "test-instance");
  EXPECT_EQ(crypto::DigestBytes(stored.leaf_hash), receipt.leaf_hash());
  EXPECT_EQ(crypto::DigestBytes(LeafHash(stored.bytes)), receipt.leaf_hash());
}

TEST_F(AuditLogTest, ChainContinuesAcrossRestartsWithStartAndStop) {
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    ASSERT_OK(log->Append(Release("a")).status());
  }
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    EXPECT_EQ(log->size(), 4u);  // START a STOP START
    ASSERT_OK(log->Append(Release("b")).status());
  }
  const ReadResult read = Read();
  std::vector<v1::RecordType> types;
  for (const StoredRecord& r : read.records) types.push_back(r.record.record_type());
  EXPECT_THAT(types, ::testing::ElementsAre(v1::START, v1::RELEASE, v1::STOP, v1::START,
                                            v1::RELEASE, v1::STOP));
  ASSERT_OK_AND_ASSIGN(ChainSummary summary, VerifyChain(read.records, kOrigin));
  EXPECT_EQ(summary.records, 6u);
  EXPECT_EQ(summary.head_leaf_hash, crypto::HexEncode(read.records.back().leaf_hash));
}

TEST_F(AuditLogTest, ConcurrentAppendsGetDistinctSeqsAndAValidChain) {
  ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
  constexpr int kThreads = 16;
  constexpr int kPerThread = 40;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<v1::Receipt> receipt = log->Append(Release(absl::StrCat(t, "-", i)));
        if (receipt.ok()) seqs[t].push_back(receipt->seq());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  absl::flat_hash_set<uint64_t> all;
  for (const auto& s : seqs) {
    EXPECT_EQ(s.size(), static_cast<size_t>(kPerThread));
    all.insert(s.begin(), s.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  const ReadResult read = Read();
  EXPECT_EQ(read.records.size(), 1u + kThreads * kPerThread);
  EXPECT_OK(VerifyChain(read.records, kOrigin).status());
}

TEST_F(AuditLogTest, WaitingAppendsShareOneCommit) {
  auto fs = std::make_unique<FailingLogFileSystem>();
  FailingLogFileSystem* control = fs.get();
  ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_, std::move(fs)));
  const uint64_t commits_before = log->commits();
  // The first append's fdatasync is held; ten more queue up behind it.
  control->CloseSyncGate();
  const int syncs_before = control->syncs();  // START's
  std::vector<std::thread> threads;
  threads.emplace_back([&] { EXPECT_OK(log->Append(Release("first")).status()); });
  while (control->syncs() == syncs_before) std::this_thread::yield();
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] { EXPECT_OK(log->Append(Release(absl::StrCat(i))).status()); });
  }
  while (log->pending() < 10) std::this_thread::yield();
  control->OpenSyncGate();
  for (std::thread& t : threads) t.join();
  // 11 records, 2 commits: the held one and one for the ten that waited.
  EXPECT_EQ(log->commits() - commits_before, 2u);
  EXPECT_EQ(log->size(), 12u);
}

TEST_F(AuditLogTest, FailedSyncLatchesTheLogAndNothingTouchesTheDiskAgain) {
  auto fs = std::make_unique<FailingLogFileSystem>();
  FailingLogFileSystem* control = fs.get();
  ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_, std::move(fs)));
  control->FailNextSync();
  EXPECT_THAT(log->Append(Release("lost")), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(log->healthy());
  const int appends = control->appends();
  const int syncs = control->syncs();
  // Never fsync again and carry on: later appends fail without any I/O.
  EXPECT_THAT(log->Append(Release("later")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("until restart")));
  EXPECT_EQ(control->appends(), appends);
  EXPECT_EQ(control->syncs(), syncs);
}

TEST_F(AuditLogTest, FailedWriteLatchesAndRestartRecoversTheTornTail) {
  {
    auto fs = std::make_unique<FailingLogFileSystem>();
    FailingLogFileSystem* control = fs.get();
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_, std::move(fs)));
    ASSERT_OK(log->Append(Release("kept")).status());
    control->FailNextAppend();  // half of the frame reaches the file
    EXPECT_THAT(log->Append(Release("torn")), StatusIs(absl::StatusCode::kUnavailable));
  }
  ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
  EXPECT_TRUE(log->healthy());
  const ReadResult read = Read();
  EXPECT_EQ(read.torn_tail_bytes, 0u);
  ASSERT_EQ(read.records.size(), 4u);  // START kept START RECOVERY
  EXPECT_EQ(read.records[1].record.release_id(), "kept");
  EXPECT_EQ(read.records[3].record.record_type(), v1::RECOVERY);
  EXPECT_THAT(read.records[3].record.detail(), HasSubstr("bytes of a torn tail"));
  EXPECT_OK(VerifyChain(read.records, kOrigin).status());
}

TEST_F(AuditLogTest, DamageBeforeTheTailStopsTheStartAndChangesNothing) {
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    ASSERT_OK(log->Append(Release("r1")).status());
  }
  std::string bytes;
  {
    std::ifstream in(Segment(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[20] ^= 0x01;  // inside the START record
  {
    std::ofstream out(Segment(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  EXPECT_THAT(AuditLog::Open(Options(), clock_), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_EQ(std::filesystem::file_size(Segment()), bytes.size());
}

TEST_F(AuditLogTest, ReframedChangedRecordBreaksTheChain) {
  // An attacker who rewrites a record and fixes its frame check is caught
  // by the next record's prev_leaf_hash.
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    ASSERT_OK(log->Append(Release("honest")).status());
    ASSERT_OK(log->Append(Release("next")).status());
  }
  ReadResult read = Read();
  v1::AuditRecord forged = read.records[1].record;
  forged.set_dataset("other");
  std::string segment;
  for (size_t i = 0; i < read.records.size(); ++i) {
    segment += EncodeFrame(i == 1 ? forged.SerializeAsString() : read.records[i].bytes);
  }
  {
    std::ofstream out(Segment(), std::ios::binary | std::ios::trunc);
    out.write(segment.data(), static_cast<std::streamsize>(segment.size()));
  }
  read = Read();
  EXPECT_THAT(VerifyChain(read.records, kOrigin),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("record 2: prev_leaf_hash")));
  EXPECT_THAT(AuditLog::Open(Options(), clock_), StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(AuditLogTest, RemovedOrSwappedRecordsBreakTheChain) {
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    for (int i = 0; i < 4; ++i) ASSERT_OK(log->Append(Release(absl::StrCat(i))).status());
  }
  const std::vector<StoredRecord> records = Read().records;
  std::vector<StoredRecord> removed = records;
  removed.erase(removed.begin() + 2);
  EXPECT_THAT(VerifyChain(removed), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("seq")));
  std::vector<StoredRecord> swapped = records;
  std::swap(swapped[2], swapped[3]);
  EXPECT_THAT(VerifyChain(swapped), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_OK(VerifyChain(records).status());
}

TEST_F(AuditLogTest, OtherOriginIsRefused) {
  { ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_)); }
  AuditLogOptions other = Options();
  other.origin = "cellgate.elsewhere.example/audit/v1";
  EXPECT_THAT(AuditLog::Open(other, clock_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("log origin")));
}

TEST_F(AuditLogTest, TrailingGarbageAfterACleanCloseIsCutAndRecorded) {
  { ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_)); }
  AppendRaw(std::string("\x40\x00\x00\x00partial", 11));
  ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
  const ReadResult read = Read();
  EXPECT_EQ(read.records.back().record.record_type(), v1::RECOVERY);
  EXPECT_THAT(read.records.back().record.detail(), HasSubstr("cut 11 bytes"));
}

}  // namespace
}  // namespace cellgate::audit

namespace cellgate::audit {
namespace {

class SignedAuditLogTest : public AuditLogTest {
 protected:
  void SetUp() override {
    auto key = crypto::Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    key_ = std::make_shared<const crypto::Ed25519PrivateKey>(*std::move(key));
  }
  AuditLogOptions Signed() const {
    AuditLogOptions options = Options();
    options.signing_key = key_;
    return options;
  }
  std::shared_ptr<const crypto::Ed25519PrivateKey> key_;
};

TEST_F(SignedAuditLogTest, EveryCommitIsSealedAndTheReceiptProvesInclusion) {
  v1::Receipt receipt;
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Signed(), clock_));
    ASSERT_OK_AND_ASSIGN(receipt, log->Append(Release("r1")));
  }
  const ReadResult read = Read();
  // START CHECKPOINT RELEASE CHECKPOINT STOP CHECKPOINT
  std::vector<v1::RecordType> types;
  for (const StoredRecord& r : read.records) types.push_back(r.record.record_type());
  EXPECT_THAT(types, ::testing::ElementsAre(v1::START, v1::CHECKPOINT, v1::RELEASE,
                                            v1::CHECKPOINT, v1::STOP, v1::CHECKPOINT));
  ASSERT_OK_AND_ASSIGN(ChainSummary summary,
                       VerifyChain(read.records, kOrigin, key_->public_key()));
  EXPECT_EQ(summary.checkpoints, 3u);
  EXPECT_EQ(summary.unsealed_records, 1u);  // the last checkpoint itself
  // The department's receipt: its checkpoint is signed and the record is in
  // that tree.
  ASSERT_OK_AND_ASSIGN(Checkpoint checkpoint, ParseCheckpoint(receipt.checkpoint()));
  EXPECT_OK(VerifyCheckpointSignature(checkpoint, key_->public_key()));
  EXPECT_EQ(checkpoint.size, 3u);
  std::vector<crypto::Digest> leaves;
  for (const StoredRecord& r : read.records) leaves.push_back(r.leaf_hash);
  crypto::Digest leaf;
  std::copy(receipt.leaf_hash().begin(), receipt.leaf_hash().end(), leaf.begin());
  EXPECT_OK(VerifyInclusion(leaf, receipt.seq(), checkpoint.size,
                            InclusionProof(leaves, receipt.seq(), checkpoint.size),
                            checkpoint.root));
}

TEST_F(SignedAuditLogTest, AnotherKeyOrARewrittenLogFailsVerification) {
  { ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Signed(), clock_)); }
  ASSERT_OK_AND_ASSIGN(auto other, crypto::Ed25519PrivateKey::Generate());
  EXPECT_THAT(VerifyChain(Read().records, kOrigin, other.public_key()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("another key")));
}

TEST_F(SignedAuditLogTest, TrustedCheckpointCatchesACutOffTail) {
  std::string kept;  // the checkpoint the DPO stored after the release
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Signed(), clock_));
    ASSERT_OK_AND_ASSIGN(v1::Receipt receipt, log->Append(Release("r1")));
    kept = receipt.checkpoint();
  }
  std::vector<StoredRecord> records = Read().records;
  EXPECT_OK(CheckTrustedCheckpoint(records, kept, key_->public_key()));
  // Someone cuts the release and everything after it: the chain alone is
  // still intact, the trusted checkpoint is not.
  records.resize(2);
  EXPECT_OK(VerifyChain(records, kOrigin, key_->public_key()).status());
  EXPECT_THAT(CheckTrustedCheckpoint(records, kept, key_->public_key()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("cut off")));
}

TEST_F(SignedAuditLogTest, RecoveryRebuildsTheTreeSoLaterCheckpointsStillVerify) {
  { ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Signed(), clock_)); }
  AppendRaw(std::string("\x40\x00\x00", 3));
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Signed(), clock_));
    ASSERT_OK(log->Append(Release("after")).status());
  }
  EXPECT_OK(VerifyChain(Read().records, kOrigin, key_->public_key()).status());
}

}  // namespace
}  // namespace cellgate::audit

namespace cellgate::audit {
namespace {

// Tamper tests in the style of LevelDB's db/log_test.cc over a generated,
// signed log: every kind of change is found by reading and verifying the
// log against the public key and the checkpoint a department kept.
class TamperTest : public SignedAuditLogTest {
 protected:
  void SetUp() override {
    SignedAuditLogTest::SetUp();
    {
      ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Signed(), clock_));
      for (int i = 0; i < 4; ++i) {
        ASSERT_OK_AND_ASSIGN(v1::Receipt receipt, log->Append(Release(absl::StrCat("r", i))));
        kept_ = receipt.checkpoint();
      }
    }
    original_ = testing::ReadTestFile(Segment());
    const ReadResult read = Read();
    for (const StoredRecord& r : read.records) frames_.push_back(EncodeFrame(r.bytes));
    ASSERT_OK_AND_ASSIGN(Checkpoint kept, ParseCheckpoint(kept_));
    kept_size_ = kept.size;
  }

  // Returns "" if `segment` verifies cleanly, else what was found.
  std::string Finding(const std::string& segment) const {
    const std::string dir = dir_.File("tampered");
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    testing::WriteTestFile(dir + "/" + SegmentName(1), segment);
    absl::StatusOr<ReadResult> read = ReadLog(dir);
    if (!read.ok()) return std::string(read.status().message());
    if (read->torn_tail_bytes > 0) return "torn tail";
    absl::StatusOr<ChainSummary> chain = VerifyChain(read->records, kOrigin, key_->public_key());
    if (!chain.ok()) return std::string(chain.status().message());
    const absl::Status trusted = CheckTrustedCheckpoint(read->records, kept_, key_->public_key());
    if (!trusted.ok()) return std::string(trusted.message());
    return "";
  }

  std::string Join(const std::vector<std::string>& frames) const {
    std::string out;
    for (const std::string& f : frames) out += f;
    return out;
  }

  std::string kept_;
  uint64_t kept_size_ = 0;
  std::string original_;
  std::vector<std::string> frames_;
};

TEST_F(TamperTest, UntouchedLogIsClean) {
  EXPECT_EQ(Finding(original_), "");
  EXPECT_EQ(Join(frames_), original_);
}

TEST_F(TamperTest, EveryFlippedByteIsFound) {
  for (size_t i = 0; i < original_.size(); ++i) {
    std::string bytes = original_;
    bytes[i] ^= 0x01;
    EXPECT_NE(Finding(bytes), "") << "flip at byte " << i;
  }
}

TEST_F(TamperTest, EveryDeletedRecordIsFound) {
  // Deleting the very last record is a truncation (see below); it is
  // found only if the kept checkpoint covers it.
  for (size_t i = 0; i < frames_.size(); ++i) {
    if (i + 1 == frames_.size() && i >= kept_size_) continue;
    std::vector<std::string> frames = frames_;
    frames.erase(frames.begin() + i);
    EXPECT_NE(Finding(Join(frames)), "") << "record " << i << " deleted";
  }
}

TEST_F(TamperTest, EverySwappedPairIsFound) {
  for (size_t i = 0; i + 1 < frames_.size(); ++i) {
    std::vector<std::string> frames = frames_;
    std::swap(frames[i], frames[i + 1]);
    EXPECT_NE(Finding(Join(frames)), "") << "records " << i << " and " << i + 1 << " swapped";
  }
}

TEST_F(TamperTest, EveryTruncationIntoTheKeptCheckpointIsFound) {
  // Records after the kept checkpoint were never sealed for this witness;
  // cutting them is found by a later checkpoint, not by this one.
  size_t covered = 0;
  for (uint64_t r = 0; r < kept_size_; ++r) covered += frames_[r].size();
  for (size_t length = 0; length < original_.size(); ++length) {
    const std::string finding = Finding(original_.substr(0, length));
    if (length < covered) {
      EXPECT_NE(finding, "") << "truncated to " << length;
    }
    if (finding.empty()) {
      // A clean shorter log must still hold everything the witness saw.
      EXPECT_GE(length, covered);
    }
  }
}

TEST_F(TamperTest, DuplicatedTailIsFound) {
  EXPECT_NE(Finding(original_ + frames_.back()), "");
}

TEST_F(TamperTest, ForgedCheckpointIsFound) {
  ReadResult read = Read();
  ASSERT_OK_AND_ASSIGN(auto forger, crypto::Ed25519PrivateKey::Generate());
  for (size_t i = 0; i < read.records.size(); ++i) {
    if (read.records[i].record.record_type() != v1::CHECKPOINT) continue;
    ASSERT_OK_AND_ASSIGN(Checkpoint real, ParseCheckpoint(read.records[i].record.detail()));
    // Signed by another key, and signed correctly over a wrong root.
    ASSERT_OK_AND_ASSIGN(std::string other_key,
                         SignCheckpoint(kOrigin, real.size, real.root, forger));
    crypto::Digest wrong_root = real.root;
    wrong_root[0] ^= 1;
    ASSERT_OK_AND_ASSIGN(std::string wrong_root_note,
                         SignCheckpoint(kOrigin, real.size, wrong_root, *key_));
    for (const std::string& note : {other_key, wrong_root_note}) {
      std::vector<std::string> frames = frames_;
      v1::AuditRecord forged = read.records[i].record;
      forged.set_detail(note);
      frames[i] = EncodeFrame(forged.SerializeAsString());
      EXPECT_NE(Finding(Join(frames)), "") << "checkpoint " << i;
    }
  }
}

// The DPO's service follows the live log: it reads only new frames, and a
// frame still being written is picked up once it is complete.
TEST_F(AuditLogTest, FollowerCatchesUpWithAppendsAndAFrameWrittenInTwoParts) {
  ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
  ASSERT_OK(log->Append(Release("r1")).status());
  LogFollower follower(dir_.File("audit"));
  EXPECT_THAT(follower.Size(), ::cellgate::testing::IsOkAndHolds(2u));  // START, r1
  ASSERT_OK(log->Append(Release("r2")).status());
  ASSERT_OK(log->Append(Release("r3")).status());
  std::vector<std::string> ids;
  ASSERT_OK_AND_ASSIGN(const uint64_t size, follower.Visit(1, [&](const StoredRecord& r) {
    ids.push_back(r.record.release_id());
    return true;
  }));
  EXPECT_EQ(size, 4u);
  EXPECT_THAT(ids, ::testing::ElementsAre("r1", "r2", "r3"));
  log.reset();  // STOP
  // Half a frame: the follower sees the records before it ...
  v1::AuditRecord extra = Release("r4");
  const std::string frame = EncodeFrame(extra.SerializeAsString());
  AppendRaw(frame.substr(0, frame.size() / 2));
  EXPECT_THAT(follower.Size(), ::cellgate::testing::IsOkAndHolds(5u));
  // ... and the record once its frame is complete, the same as ReadLog.
  AppendRaw(frame.substr(frame.size() / 2));
  ASSERT_OK_AND_ASSIGN(StoredRecord last, follower.Get(5));
  EXPECT_EQ(last.record.release_id(), "r4");
  const ReadResult read = Read();
  ASSERT_EQ(read.records.size(), 6u);
  EXPECT_EQ(read.records[5].leaf_hash, last.leaf_hash);
  EXPECT_THAT(follower.Get(6), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace cellgate::audit
