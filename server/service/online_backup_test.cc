// FindAuditCut on a real audit log of format 2: the backup's cut of the
// segments and of the detail files (ADR 0005, ADR 0007).
#include "server/service/online_backup.h"

#include <filesystem>
#include <fstream>
#include <memory>

#include "audit/audit_log.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/detail_verifier.h"
#include "audit/verify/log_reader.h"
#include "common/crypto/aes_gcm.h"
#include "common/crypto/ed25519.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::service {
namespace {

constexpr char kOrigin[] = "cellgate.test/audit/v1";

// A release with an identity and a content detail.
v1::AuditRecord Release(int i) {
  v1::AuditRecord r;
  r.set_record_type(v1::RELEASE);
  r.set_decision(v1::RELEASED);
  r.mutable_requester()->set_principal("schulamt-analyst");
  r.mutable_requester()->set_department("schulamt");
  r.set_justification("Schulentwicklungsplan");
  r.mutable_query()->set_dataset("schule");
  r.mutable_query()->set_client_request_id(std::to_string(i));
  return r;
}

class OnlineBackupCutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey key, crypto::Ed25519PrivateKey::Generate());
    first_public_key_ = key.public_key();
    ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey content, crypto::AesGcmKey::Generate());
    audit::AuditLogOptions options;
    options.dir = dir_.File("audit");
    options.origin = kOrigin;
    options.signing_key = std::make_shared<const crypto::Ed25519PrivateKey>(std::move(key));
    options.content_key = std::make_shared<const crypto::AesGcmKey>(std::move(content));
    ASSERT_OK_AND_ASSIGN(log_, audit::AuditLog::Open(options, clock_));
  }

  // Copies the files of `cut` (each up to its length) into `to`, as a
  // backup lays them out.
  void CopyCut(const AuditCut& cut, const std::string& to) {
    std::filesystem::create_directories(std::filesystem::path(to) / audit::kDetailDirectory);
    std::vector<std::pair<std::string, uint64_t>> files = cut.segments;
    files.insert(files.end(), cut.details.begin(), cut.details.end());
    for (const auto& [name, bytes] : files) {
      const std::string all = testing::ReadTestFile(dir_.File("audit/" + name));
      ASSERT_LE(bytes, all.size()) << name;
      testing::WriteTestFile(to + "/" + name, all.substr(0, bytes));
    }
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{testing::UtcDay(2026, 6, 1)};
  std::string first_public_key_;
  std::unique_ptr<audit::AuditLog> log_;
};

TEST_F(OnlineBackupCutTest, DetailFilesAreCutWhereTheSegmentCopyEnds) {
  for (int i = 0; i < 3; ++i) ASSERT_OK(log_->Append(Release(i)).status());
  ASSERT_OK_AND_ASSIGN(const v1::Receipt marker, log_->Append(Release(3)));
  // Requests after the backup's record: their blobs follow in the files.
  for (int i = 4; i < 7; ++i) ASSERT_OK(log_->Append(Release(i)).status());

  ASSERT_OK_AND_ASSIGN(const AuditCut cut,
                       FindAuditCut(dir_.File("audit"), marker.seq(), /*sealed=*/true));
  ASSERT_EQ(cut.details.size(), 2u);  // identity and content of 2026
  for (const auto& [name, bytes] : cut.details) {
    const uint64_t whole = std::filesystem::file_size(dir_.File("audit/" + name));
    EXPECT_LT(bytes, whole) << name << ": the blobs of later requests are left out";
  }
  const std::string copy = dir_.File("copy");
  CopyCut(cut, copy);
  ASSERT_OK_AND_ASSIGN(const audit::ReadResult read, audit::ReadLog(copy));
  EXPECT_EQ(read.records.size(), cut.records);
  ASSERT_OK_AND_ASSIGN(const audit::ChainSummary chain,
                       audit::VerifyChain(read.records, kOrigin, first_public_key_));
  EXPECT_EQ(chain.head_leaf_hash, cut.head_leaf_hash);
  // Every blob of the copied records is there, and nothing else.
  ASSERT_OK_AND_ASSIGN(const audit::DetailSummary details, audit::VerifyDetails(copy, read.records));
  EXPECT_EQ(details.checked, 2u * 4u);
  EXPECT_EQ(details.tail_bytes, 0u);
}

TEST_F(OnlineBackupCutTest, ADetailFileDeletedBeforeTheCutIsLeftOut) {
  ASSERT_OK(log_->Append(Release(0)).status());
  clock_.Set(testing::UtcDay(2028, 1, 2));
  ASSERT_OK(log_->RedactDetails(v1::IDENTITY, 2026, "test rule").status());
  ASSERT_OK_AND_ASSIGN(const v1::Receipt marker, log_->Append(Release(1)));
  ASSERT_OK_AND_ASSIGN(const AuditCut cut, FindAuditCut(dir_.File("audit"), marker.seq(), true));
  std::vector<std::string> names;
  for (const auto& [name, bytes] : cut.details) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"details/identity-2028.blobs",
                                             "details/content-2026.blobs",
                                             "details/content-2028.blobs"}));
}

// A signing-key rotation in the backup record's commit is sealed by the old
// key and confirmed by the new one: the cut takes both checkpoints, or the
// restored log would end in a rotation that its new key never confirmed.
TEST_F(OnlineBackupCutTest, ARotationInTheCutsCommitKeepsBothCheckpoints) {
  ASSERT_OK(log_->Append(Release(0)).status());
  ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey next, crypto::Ed25519PrivateKey::Generate());
  ASSERT_OK_AND_ASSIGN(
      const v1::Receipt rotation,
      log_->RotateSigningKey(std::make_shared<const crypto::Ed25519PrivateKey>(std::move(next)),
                             v1::AuditRecord()));
  ASSERT_OK(log_->Append(Release(1)).status());
  ASSERT_OK_AND_ASSIGN(const AuditCut cut, FindAuditCut(dir_.File("audit"), rotation.seq(), true));
  EXPECT_EQ(cut.records, rotation.seq() + 3);  // the rotation and its two checkpoints
  const std::string copy = dir_.File("copy");
  CopyCut(cut, copy);
  ASSERT_OK_AND_ASSIGN(const audit::ReadResult read, audit::ReadLog(copy));
  ASSERT_OK_AND_ASSIGN(const audit::ChainSummary chain,
                       audit::VerifyChain(read.records, kOrigin, first_public_key_));
  EXPECT_EQ(chain.signing_key_rotations, 1u);
  EXPECT_EQ(chain.sealed_size + 1, cut.records);  // the new key's checkpoint ends the copy
  EXPECT_EQ(read.records.at(cut.records - 2).record.record_type(), v1::CHECKPOINT);
  EXPECT_EQ(read.records.at(cut.records - 1).record.record_type(), v1::CHECKPOINT);
}

TEST_F(OnlineBackupCutTest, AnUnsealedLogIsCutRightAfterTheRecord) {
  // The writer seals every commit here; asking for no seal cuts at the record.
  ASSERT_OK_AND_ASSIGN(const v1::Receipt marker, log_->Append(Release(0)));
  ASSERT_OK_AND_ASSIGN(const AuditCut cut, FindAuditCut(dir_.File("audit"), marker.seq(), false));
  EXPECT_EQ(cut.records, marker.seq() + 1);
  EXPECT_THAT(FindAuditCut(dir_.File("audit"), marker.seq() + 100, true),
              testing::StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace cellgate::service
