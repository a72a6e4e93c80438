// Revocation lists as a city's CA issues them, and what the server makes
// of a bad one.
#include "common/crypto/revocation_list.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_certs.h"

namespace cellgate::crypto {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

TEST(RevocationListTest, ARevokedCertificateIsOnTheListAndOthersAreNot) {
  testing::TestCa ca;
  const testing::KeyAndCert lost = ca.IssueClient("lost", "URI:urn:cellgate:principal:a");
  const testing::KeyAndCert kept = ca.IssueClient("kept", "URI:urn:cellgate:principal:b");
  ASSERT_OK_AND_ASSIGN(auto list,
                       RevocationList::FromPem(ca.IssueCrl({lost.cert_pem}), ca.cert_pem(), absl::Now()));
  EXPECT_EQ(list->revoked_count(), 1);
  EXPECT_THAT(list->IsRevoked(lost.cert_pem), ::cellgate::testing::IsOkAndHolds(true));
  EXPECT_THAT(list->IsRevoked(kept.cert_pem), ::cellgate::testing::IsOkAndHolds(false));
  EXPECT_THAT(list->IsRevoked("not a certificate"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RevocationListTest, AListFromAnotherCaIsRefused) {
  testing::TestCa ca;
  testing::TestCa other("someone else's CA");
  EXPECT_THAT(RevocationList::FromPem(other.IssueCrl({}), ca.cert_pem(), absl::Now()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not issued by the client CA")));
  // Same name, different key: the signature gives it away.
  testing::TestCa impostor("cellgate test CA");
  EXPECT_THAT(RevocationList::FromPem(impostor.IssueCrl({}), ca.cert_pem(), absl::Now()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("signature")));
}

TEST(RevocationListTest, AnExpiredOrGarbledListIsRefused) {
  testing::TestCa ca;
  EXPECT_THAT(RevocationList::FromPem(ca.IssueCrl({}, -60), ca.cert_pem(), absl::Now()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("expired")));
  EXPECT_THAT(RevocationList::FromPem("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
                                      ca.cert_pem(), absl::Now()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a PEM X.509 CRL")));
  EXPECT_THAT(RevocationList::LoadFile("/nonexistent/clients.crl", "/nonexistent/ca.pem", absl::Now()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("/nonexistent/clients.crl")));
}

}  // namespace
}  // namespace cellgate::crypto
