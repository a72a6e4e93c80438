// Rotation of the audit signing key as a record: sealed by the old key,
// confirmed by the new one, followed by the verifier from the pinned first
// key; forged rotations; a replaced key file; crashes at every step.
#include <filesystem>

#include "audit/signing_key_file.h"
#include "audit/testing/failing_log_file_system.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/finding.h"
#include "audit/verify/frame_format.h"
#include "audit/verify/log_reader.h"
#include "common/canonical.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::audit {
namespace {

namespace fs = std::filesystem;
using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kOrigin[] = "cellgate.test.example/audit/v1";
using Key = std::shared_ptr<const crypto::Ed25519PrivateKey>;

Key NewKey() {
  absl::StatusOr<crypto::Ed25519PrivateKey> key = crypto::Ed25519PrivateKey::Generate();
  return std::make_shared<const crypto::Ed25519PrivateKey>(*std::move(key));
}

v1::AuditRecord Release(const std::string& id) {
  v1::AuditRecord r;
  r.set_record_type(v1::RELEASE);
  r.set_release_id(id);
  return r;
}

class SigningKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    first_ = NewKey();
    WriteKey(KeyFile(), *first_);
  }

  std::string KeyFile() const { return dir_.File("signing.key"); }
  std::string Dir() const { return dir_.File("audit"); }

  static void WriteKey(const std::string& path, const crypto::Ed25519PrivateKey& key) {
    absl::StatusOr<std::string> pem = key.ToPem();
    ASSERT_TRUE(pem.ok());
    testing::WriteTestFile(path, *pem, 0600);
  }

  // Opens the log with the keys in the key files, and settles them.
  absl::StatusOr<std::unique_ptr<AuditLog>> OpenWithKeyFiles(
      std::unique_ptr<LogFileSystem> fs = nullptr) const {
    absl::StatusOr<SigningKeyFiles> keys = LoadSigningKeyFiles(KeyFile(), /*with_next=*/true);
    if (!keys.ok()) return keys.status();
    AuditLogOptions options;
    options.dir = Dir();
    options.origin = kOrigin;
    options.signing_key = keys->current;
    options.next_signing_key = keys->next;
    absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(options, clock_, std::move(fs));
    if (!log.ok()) return log.status();
    absl::Status settled = SettleSigningKeyFile(KeyFile(), (*log)->next_signing_key_outcome());
    if (!settled.ok()) return settled;
    return log;
  }

  std::vector<StoredRecord> Records() const {
    absl::StatusOr<ReadResult> log = ReadLog(Dir());
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? log->records : std::vector<StoredRecord>{};
  }

  // "" if the chain verifies from the pinned key, else "kind: message".
  static std::string Verify(const std::vector<StoredRecord>& records, const std::string& pinned) {
    absl::StatusOr<ChainSummary> chain = VerifyChain(records, kOrigin, pinned);
    if (chain.ok()) return "";
    return absl::StrCat(FindingKind(chain.status()), ": ", chain.status().message());
  }

  std::string KeyInFile() const {
    absl::StatusOr<crypto::Ed25519PrivateKey> key = crypto::Ed25519PrivateKey::LoadFile(KeyFile());
    return key.ok() ? key->public_key() : "";
  }

  // Rewrites `records` (headers) as the log: new chain, and every
  // checkpoint re-signed with the key `signer` picks for its seq. This is
  // an attacker holding those keys.
  void Rewrite(std::vector<v1::AuditRecord> records,
               const std::function<const crypto::Ed25519PrivateKey&(size_t)>& signer) const {
    std::string segment;
    std::string prev(32, '\0');
    CompactRange tree;
    for (size_t i = 0; i < records.size(); ++i) {
      v1::AuditRecord& r = records[i];
      r.set_seq(i);
      r.set_prev_leaf_hash(prev);
      r.set_log_origin(kOrigin);
      if (r.time_utc().empty()) r.set_time_utc(records[i - 1].time_utc());
      if (r.record_type() == v1::CHECKPOINT) {
        absl::StatusOr<std::string> note = SignCheckpoint(kOrigin, i, tree.Root(), signer(i));
        ASSERT_TRUE(note.ok());
        r.set_detail(*note);
      }
      const std::string bytes = CanonicalBytes(r);
      segment += EncodeFrame(bytes);
      tree.Append(LeafHash(bytes));
      prev = crypto::DigestBytes(LeafHash(bytes));
    }
    testing::WriteTestFile(Dir() + "/" + SegmentName(1), segment);
  }

  // START CHECKPOINT STOP CHECKPOINT, honest, under the first key.
  std::vector<v1::AuditRecord> HonestHeaders() const {
    { auto log = OpenWithKeyFiles(); }
    std::vector<v1::AuditRecord> headers;
    for (const StoredRecord& r : Records()) headers.push_back(r.record);
    return headers;
  }

  static v1::AuditRecord Rotation(const std::string& previous, const std::string& next) {
    v1::AuditRecord r;
    r.set_record_type(v1::KEY_ROTATION);
    r.mutable_signing_key_rotation()->set_previous_public_key(previous);
    r.mutable_signing_key_rotation()->set_new_public_key(next);
    return r;
  }

  static v1::AuditRecord CheckpointPlaceholder() {
    v1::AuditRecord r;
    r.set_record_type(v1::CHECKPOINT);
    return r;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  Key first_;
};

TEST_F(SigningKeyTest, RotationIsSealedByTheOldKeyThenTheNewAndVerifiesFromThePinnedKey) {
  std::string kept;
  RotatedSigningKey rotated;
  {
    ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles());
    ASSERT_OK(log->Append(Release("before")).status());
    v1::AuditRecord who;
    who.mutable_requester()->set_principal("steward");
    ASSERT_OK_AND_ASSIGN(rotated, RotateSigningKeyFile(*log, KeyFile(), who));
    EXPECT_NE(rotated.public_key, first_->public_key());
    EXPECT_EQ(log->public_key(), rotated.public_key);
    EXPECT_EQ(log->first_public_key(), first_->public_key());
    ASSERT_OK_AND_ASSIGN(v1::Receipt after, log->Append(Release("after")));
    kept = after.checkpoint();
  }
  EXPECT_EQ(KeyInFile(), rotated.public_key);
  EXPECT_FALSE(fs::exists(KeyFile() + ".next"));
  const std::vector<StoredRecord> records = Records();
  const uint64_t r = rotated.seq;
  ASSERT_EQ(records[r].record.record_type(), v1::KEY_ROTATION);
  EXPECT_EQ(records[r].record.signing_key_rotation().previous_public_key(), first_->public_key());
  // The old key seals the rotation, the new key confirms it.
  ASSERT_OK_AND_ASSIGN(Checkpoint sealed, ParseCheckpoint(records[r + 1].record.detail()));
  ASSERT_OK_AND_ASSIGN(Checkpoint confirmed, ParseCheckpoint(records[r + 2].record.detail()));
  EXPECT_OK(VerifyCheckpointSignature(sealed, first_->public_key()));
  EXPECT_OK(VerifyCheckpointSignature(confirmed, rotated.public_key));
  // The DPO pins only the first key; the verifier follows the rotation.
  ASSERT_OK_AND_ASSIGN(ChainSummary summary, VerifyChain(records, kOrigin, first_->public_key()));
  EXPECT_EQ(summary.signing_key_rotations, 1u);
  ASSERT_EQ(summary.signing_keys.size(), 2u);
  EXPECT_EQ(summary.signing_keys[1].public_key, rotated.public_key);
  EXPECT_THAT(Verify(records, rotated.public_key), StartsWith("bad_signature: "));
  // A receipt's checkpoint from after the rotation verifies with the chain.
  EXPECT_OK(CheckTrustedCheckpoint(records, kept, summary.signing_keys));
  EXPECT_THAT(CheckTrustedCheckpoint(records, kept, first_->public_key()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("another key")));
  // The restarted server signs with the new key and still knows the first.
  ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles());
  EXPECT_EQ(log->first_public_key(), first_->public_key());
  log.reset();
  EXPECT_EQ(Verify(Records(), first_->public_key()), "");
}

TEST_F(SigningKeyTest, ARotationSignedOnlyByTheNewKeyIsABadSignature) {
  std::vector<v1::AuditRecord> headers = HonestHeaders();
  const Key attacker = NewKey();
  headers.push_back(Rotation(first_->public_key(), attacker->public_key()));
  headers.push_back(CheckpointPlaceholder());
  headers.push_back(CheckpointPlaceholder());
  const size_t honest = 4;
  Rewrite(headers, [&](size_t i) -> const crypto::Ed25519PrivateKey& {
    return i < honest ? *first_ : *attacker;
  });
  EXPECT_THAT(Verify(Records(), first_->public_key()),
              ::testing::AllOf(StartsWith("bad_signature: "), HasSubstr("record 5"),
                               HasSubstr("sealed by the old key")));
}

TEST_F(SigningKeyTest, ARotationTheNewKeyNeverConfirmsIsForged) {
  std::vector<v1::AuditRecord> headers = HonestHeaders();
  headers.push_back(Rotation(first_->public_key(), NewKey()->public_key()));
  headers.push_back(CheckpointPlaceholder());
  headers.push_back(CheckpointPlaceholder());
  Rewrite(headers, [&](size_t) -> const crypto::Ed25519PrivateKey& { return *first_; });
  EXPECT_THAT(Verify(Records(), first_->public_key()),
              ::testing::AllOf(StartsWith("forged: "), HasSubstr("record 6"),
                               HasSubstr("not confirmed by its new key")));
}

TEST_F(SigningKeyTest, TheOldKeyAfterAConfirmedRotationIsABadSignature) {
  std::vector<v1::AuditRecord> headers = HonestHeaders();
  const Key second = NewKey();
  headers.push_back(Rotation(first_->public_key(), second->public_key()));
  headers.push_back(CheckpointPlaceholder());  // 5: old key
  headers.push_back(CheckpointPlaceholder());  // 6: new key
  headers.push_back(Release("later"));
  headers.push_back(CheckpointPlaceholder());  // 8: the old key again
  Rewrite(headers,
          [&](size_t i) -> const crypto::Ed25519PrivateKey& { return i == 6 ? *second : *first_; });
  EXPECT_THAT(Verify(Records(), first_->public_key()),
              ::testing::AllOf(StartsWith("bad_signature: "), HasSubstr("record 8")));
}

TEST_F(SigningKeyTest, ARotationFromAKeyNotInForceIsForged) {
  std::vector<v1::AuditRecord> headers = HonestHeaders();
  const Key other = NewKey();
  headers.push_back(Rotation(other->public_key(), NewKey()->public_key()));
  Rewrite(headers, [&](size_t) -> const crypto::Ed25519PrivateKey& { return *first_; });
  EXPECT_THAT(Verify(Records(), first_->public_key()),
              ::testing::AllOf(StartsWith("forged: "), HasSubstr("not the key in force")));
}

TEST_F(SigningKeyTest, AReplacedKeyFileIsRefusedAtStart) {
  { ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles()); }
  WriteKey(KeyFile(), *NewKey());
  EXPECT_THAT(OpenWithKeyFiles(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("did not sign the log's last checkpoint"),
                                        HasSubstr("rotate-signing-key"))));
}

TEST_F(SigningKeyTest, ACrashAfterTheCommitBeforeTheRenameIsCompletedOnStart) {
  const Key second = NewKey();
  {
    ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles());
    WriteKey(KeyFile() + ".next", *second);                                // step 1
    ASSERT_OK(log->RotateSigningKey(second, v1::AuditRecord()).status());  // step 2
  }
  EXPECT_NE(KeyInFile(), second->public_key());  // step 3 never ran
  ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles());
  EXPECT_EQ(log->next_signing_key_outcome(), AuditLog::NextKey::kAdopted);
  EXPECT_EQ(log->public_key(), second->public_key());
  log.reset();
  EXPECT_EQ(KeyInFile(), second->public_key());
  EXPECT_FALSE(fs::exists(KeyFile() + ".next"));
  EXPECT_EQ(Verify(Records(), first_->public_key()), "");
}

TEST_F(SigningKeyTest, ACrashBeforeTheRecordDropsTheNewKey) {
  { ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles()); }
  WriteKey(KeyFile() + ".next", *NewKey());  // step 1, then the crash
  ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles());
  EXPECT_EQ(log->next_signing_key_outcome(), AuditLog::NextKey::kUnused);
  log.reset();
  EXPECT_EQ(KeyInFile(), first_->public_key());
  EXPECT_FALSE(fs::exists(KeyFile() + ".next"));
  EXPECT_EQ(Verify(Records(), first_->public_key()), "");
}

TEST_F(SigningKeyTest, ARotationCommitTornByACrashIsFinishedOnTheNextStart) {
  {
    auto failing = std::make_unique<FailingLogFileSystem>();
    FailingLogFileSystem* control = failing.get();
    ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles(std::move(failing)));
    control->FailNextAppend();  // half of the rotation's commit reaches the file
    EXPECT_THAT(RotateSigningKeyFile(*log, KeyFile(), v1::AuditRecord()),
                StatusIs(absl::StatusCode::kUnavailable));
  }
  ASSERT_TRUE(fs::exists(KeyFile() + ".next"));  // kept: the record may be on disk
  absl::StatusOr<ReadResult> torn = ReadLog(Dir());
  ASSERT_OK(torn.status());
  ASSERT_GT(torn->torn_tail_bytes, 0u);
  ASSERT_EQ(torn->records.back().record.record_type(), v1::KEY_ROTATION);
  const std::string next = torn->records.back().record.signing_key_rotation().new_public_key();
  ASSERT_OK_AND_ASSIGN(auto log, OpenWithKeyFiles());
  EXPECT_EQ(log->public_key(), next);
  log.reset();
  EXPECT_EQ(KeyInFile(), next);
  ASSERT_OK_AND_ASSIGN(ChainSummary summary, VerifyChain(Records(), kOrigin, first_->public_key()));
  EXPECT_EQ(summary.signing_key_rotations, 1u);
}

}  // namespace
}  // namespace cellgate::audit
