// The split of a record into header and details, and the sealing of a
// detail: what stays in clear, what is encrypted, and what a sealed detail
// is bound to.
#include "audit/verify/detail_format.h"

#include "common/canonical.h"
#include "common/crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::audit {
namespace {

using ::cellgate::testing::IsOkAndHolds;
using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

v1::AuditRecord FullRelease() {
  v1::AuditRecord r;
  r.set_record_type(v1::RELEASE);
  r.set_release_id("r1");
  r.set_client_request_id("mine-7");
  v1::Requester* who = r.mutable_requester();
  who->set_principal("anna.mueller");
  who->set_certificate_identity("urn:cellgate:principal:anna.mueller");
  who->set_cert_sha256("ab12");
  who->set_department("jugendamt");
  who->set_role("analyst");
  who->set_peer("ipv4:10.0.0.7:4711");
  r.set_purpose("jugendhilfeplanung");
  r.set_justification("Kita-Bedarf Nord");
  r.set_dataset("kita");
  r.set_dataset_version(3);
  r.mutable_query()->set_dataset("kita");
  r.set_query_hash("qh");
  r.set_reason("ok");
  r.set_decision(v1::RELEASED);
  r.mutable_counts()->set_cells(4);
  r.set_released_table_sha256("th");
  r.mutable_released_table()->add_cells()->add_values()->set_value(987654.5);
  r.add_suppression_audit()->set_lower(1);
  r.mutable_ledger_audit()->set_note("linked");
  return r;
}

TEST(DetailFormatTest, HeaderKeepsWhatVerificationAndFiltersNeedAndNoPerson) {
  const v1::AuditRecord full = FullRelease();
  SplitRecord split = SplitDetails(full);
  const v1::AuditRecord& h = split.header;
  EXPECT_EQ(h.release_id(), "r1");
  EXPECT_EQ(h.requester().department(), "jugendamt");
  EXPECT_EQ(h.requester().role(), "analyst");
  EXPECT_EQ(h.purpose(), "jugendhilfeplanung");
  EXPECT_EQ(h.dataset_version(), 3);
  EXPECT_EQ(h.query_hash(), "qh");
  EXPECT_EQ(h.released_table_sha256(), "th");
  EXPECT_EQ(h.counts().cells(), 4);
  EXPECT_EQ(h.requester().principal(), "");
  EXPECT_EQ(h.requester().peer(), "");
  EXPECT_EQ(h.justification(), "");
  EXPECT_EQ(h.client_request_id(), "");
  EXPECT_FALSE(h.has_released_table());
  EXPECT_FALSE(h.has_query());
  EXPECT_EQ(h.reason(), "");
  EXPECT_EQ(h.suppression_audit_size(), 0);
  EXPECT_FALSE(h.has_ledger_audit());
  const std::string header_bytes = CanonicalBytes(h);
  for (const char* secret : {"anna", "Kita-Bedarf", "mine-7", "10.0.0.7"}) {
    EXPECT_THAT(header_bytes, ::testing::Not(HasSubstr(secret))) << secret;
  }
  ASSERT_EQ(split.fragments.size(), 2u);
  EXPECT_EQ(split.fragments[0].first, v1::IDENTITY);
  EXPECT_EQ(split.fragments[1].first, v1::CONTENT);
  // The header and its details are the whole record again.
  v1::AuditRecord back = h;
  for (const auto& [kind, fragment] : split.fragments) ASSERT_OK(MergeDetail(kind, fragment, back));
  EXPECT_EQ(CanonicalBytes(back), CanonicalBytes(full));
}

// A share across datasets (main's AuditRecord.denominator, field 100) names
// the denominator's query, counts and ledger audit: release content. The
// header is an allow-list, so it is encrypted without being named.
TEST(DetailFormatTest, TheDenominatorOfAShareAcrossDatasetsIsReleaseContent) {
  v1::AuditRecord full = FullRelease();
  v1::DenominatorRelease& den = *full.mutable_denominator();
  den.set_dataset("einwohner-GEHEIM");
  den.mutable_query()->set_dataset("einwohner-GEHEIM");
  den.mutable_counts()->set_cells(4);
  den.mutable_ledger_audit()->set_note("linked");
  SplitRecord split = SplitDetails(full);
  EXPECT_FALSE(split.header.has_denominator());
  EXPECT_THAT(CanonicalBytes(split.header), ::testing::Not(HasSubstr("einwohner-GEHEIM")));
  ASSERT_EQ(split.fragments.size(), 2u);
  ASSERT_EQ(split.fragments[1].first, v1::CONTENT);
  EXPECT_EQ(split.fragments[1].second.denominator().dataset(), "einwohner-GEHEIM");
  EXPECT_FALSE(split.fragments[0].second.has_denominator());
}

TEST(DetailFormatTest, RecordWithoutDetailsHasNoFragments) {
  v1::AuditRecord start;
  start.set_record_type(v1::START);
  start.set_detail("log opened");
  SplitRecord split = SplitDetails(start);
  EXPECT_TRUE(split.fragments.empty());
  EXPECT_EQ(CanonicalBytes(split.header), CanonicalBytes(start));
}

TEST(DetailFormatTest, ADetailCannotCarryFieldsOfAnotherKind) {
  v1::AuditRecord fragment;
  fragment.set_justification("why");
  fragment.set_dataset("kita");  // a header field
  v1::AuditRecord record;
  EXPECT_THAT(MergeDetail(v1::IDENTITY, fragment, record),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("another kind")));
  v1::AuditRecord table;
  table.mutable_released_table();
  EXPECT_FALSE(MergeDetail(v1::IDENTITY, table, record).ok());
  EXPECT_OK(MergeDetail(v1::CONTENT, table, record));
}

TEST(DetailFormatTest, SealedDetailOpensOnlyForItsLogRecordAndKind) {
  ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey key, crypto::AesGcmKey::Generate());
  const std::string aad = DetailAad("cellgate.test/audit/v1", 5, v1::IDENTITY);
  ASSERT_OK_AND_ASSIGN(std::string blob, SealDetail("principal anna", aad, &key));
  EXPECT_TRUE(DetailEncrypted(blob));
  EXPECT_EQ(DetailKeyId(blob), key.id());
  EXPECT_THAT(blob, ::testing::Not(HasSubstr("anna")));
  EXPECT_THAT(OpenDetail(blob, aad, &key), IsOkAndHolds(std::string("principal anna")));
  // Another record, kind or log: the blob was moved, and it does not open.
  for (const std::string& other : {DetailAad("cellgate.test/audit/v1", 6, v1::IDENTITY),
                                   DetailAad("cellgate.test/audit/v1", 5, v1::CONTENT),
                                   DetailAad("cellgate.other/audit/v1", 5, v1::IDENTITY)}) {
    EXPECT_THAT(OpenDetail(blob, other, &key),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("moved from another record")));
  }
  // A wrong key, or none, is a clear error naming both key ids.
  ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey wrong, crypto::AesGcmKey::Generate());
  EXPECT_THAT(OpenDetail(blob, aad, &wrong),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("wrong audit content key"),
                                        HasSubstr(crypto::HexEncode(key.id())),
                                        HasSubstr(crypto::HexEncode(wrong.id())))));
  EXPECT_THAT(OpenDetail(blob, aad, nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no content key")));
  // Without a content key a detail is stored plain, and still opens.
  ASSERT_OK_AND_ASSIGN(std::string plain, SealDetail("x", aad, nullptr));
  EXPECT_FALSE(DetailEncrypted(plain));
  EXPECT_THAT(OpenDetail(plain, aad, nullptr), IsOkAndHolds(std::string("x")));
}

TEST(DetailFormatTest, FileNamesAndYears) {
  EXPECT_EQ(DetailFileName(v1::IDENTITY, 2026), "details/identity-2026.blobs");
  EXPECT_EQ(DetailFileName(v1::CONTENT, 2027), "details/content-2027.blobs");
  EXPECT_THAT(ParseDetailFileName("identity-2026.blobs"),
              IsOkAndHolds(std::make_pair(v1::IDENTITY, 2026)));
  EXPECT_FALSE(ParseDetailFileName("identity-26.blobs").ok());
  EXPECT_FALSE(ParseDetailFileName("secret-2026.blobs").ok());
  EXPECT_THAT(RecordYear("2026-11-23T10:00:00.000Z"), IsOkAndHolds(2026));
  EXPECT_FALSE(RecordYear("23.11.2026").ok());
}

}  // namespace
}  // namespace cellgate::audit
