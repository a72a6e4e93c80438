// Retention on a FakeClock: which detail files are due when, and the sweep
// that deletes them with their RETENTION_REDACTION records.
#include "audit/retention.h"

#include <filesystem>

#include "audit/verify/chain_verifier.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/detail_verifier.h"
#include "audit/verify/log_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::audit {
namespace {

using ::cellgate::testing::IsOkAndHolds;
using ::cellgate::testing::UtcDay;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "cellgate.test.example/audit/v1";

std::vector<int> Years(const std::vector<ExpiredFile>& files, v1::DetailKind kind) {
  std::vector<int> years;
  for (const ExpiredFile& f : files) {
    if (f.kind == kind) years.push_back(f.year);
  }
  return years;
}

TEST(RetentionTest, IdentityGoesAtTheEndOfTheFollowingYearContentStaysByDefault) {
  const std::vector<std::pair<v1::DetailKind, int>> files = {
      {v1::IDENTITY, 2025}, {v1::IDENTITY, 2026}, {v1::CONTENT, 2025}, {v1::CONTENT, 2026}};
  const RetentionRules defaults;
  const auto late_2027 = ExpiredDetailFiles(files, defaults, UtcDay(2027, 12, 31));
  EXPECT_THAT(Years(late_2027, v1::IDENTITY), ElementsAre(2025));
  EXPECT_THAT(Years(late_2027, v1::CONTENT), ElementsAre());
  const auto new_year = ExpiredDetailFiles(files, defaults, UtcDay(2028, 1, 1));
  EXPECT_THAT(Years(new_year, v1::IDENTITY), ElementsAre(2025, 2026));
  EXPECT_THAT(new_year[1].rule, HasSubstr("identity details of 2026 are kept until the end of 2027 "
                                          "(audit_identity_retention_years: 1)"));
  RetentionRules keep_identity;
  keep_identity.identity_years = -1;
  keep_identity.content_years = 2;
  const auto kept = ExpiredDetailFiles(files, keep_identity, UtcDay(2028, 1, 1));
  EXPECT_THAT(Years(kept, v1::IDENTITY), ElementsAre());
  EXPECT_THAT(Years(kept, v1::CONTENT), ElementsAre(2025));
}

TEST(RetentionTest, TheSweepDeletesWhatIsDueWithARecordAndTheLogStillVerifies) {
  testing::TempDir dir;
  testing::FakeClock clock(UtcDay(2026, 6, 1));
  ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey key, crypto::Ed25519PrivateKey::Generate());
  AuditLogOptions options;
  options.dir = dir.File("audit");
  options.origin = kOrigin;
  const std::string public_key = key.public_key();
  options.signing_key = std::make_shared<const crypto::Ed25519PrivateKey>(std::move(key));
  ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey content, crypto::AesGcmKey::Generate());
  options.content_key = std::make_shared<const crypto::AesGcmKey>(std::move(content));
  const std::string identity_2026 = options.dir + "/" + DetailFileName(v1::IDENTITY, 2026);
  const std::string content_2026 = options.dir + "/" + DetailFileName(v1::CONTENT, 2026);
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(options, clock));
    v1::AuditRecord release;
    release.set_record_type(v1::RELEASE);
    release.mutable_requester()->set_principal("anna.mueller");
    release.mutable_released_table()->add_cells()->add_codes("a");
    ASSERT_OK(log->Append(release).status());
    const RetentionRules rules;
    clock.Set(UtcDay(2027, 12, 31));
    EXPECT_THAT(ApplyRetention(*log, options.dir, rules, clock.Now()), IsOkAndHolds(0));
    EXPECT_TRUE(std::filesystem::exists(identity_2026));
    clock.Set(UtcDay(2028, 1, 1));
    EXPECT_THAT(ApplyRetention(*log, options.dir, rules, clock.Now()), IsOkAndHolds(1));
    EXPECT_FALSE(std::filesystem::exists(identity_2026));
    EXPECT_TRUE(std::filesystem::exists(content_2026));
    EXPECT_THAT(ApplyRetention(*log, options.dir, rules, clock.Now()), IsOkAndHolds(0));
  }
  ASSERT_OK_AND_ASSIGN(ReadResult read, ReadLog(options.dir));
  ASSERT_OK(VerifyChain(read.records, kOrigin, public_key).status());
  ASSERT_OK_AND_ASSIGN(DetailSummary details, VerifyDetails(options.dir, read.records));
  EXPECT_EQ(details.redacted, 1u);
  EXPECT_EQ(details.checked, 1u);
  ASSERT_EQ(details.redaction_rules.size(), 1u);
  EXPECT_THAT(details.redaction_rules[0], HasSubstr("audit_identity_retention_years: 1"));
}

}  // namespace
}  // namespace cellgate::audit
