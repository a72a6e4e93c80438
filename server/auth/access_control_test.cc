#include "server/auth/access_control.h"

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::auth {
namespace {

using ::cellgate::testing::IsOk;
using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kPolicy[] = R"pb(
  version: 1
  purposes { code: "bildungsbericht" description: "Bildungsbericht" }
  purposes { code: "jugendhilfeplanung" description: "Jugendhilfeplanung" }
  legal_bases { code: "bdsg_3" description: "§ 3 BDSG" }
  departments {
    id: "schulamt"
    datasets: "schueler"
    purposes: "bildungsbericht"
    legal_bases: "bdsg_3"
  }
  departments { id: "datenschutz" }
  principals {
    id: "schulamt-analyst"
    certificate_uri: "urn:cellgate:principal:schulamt-analyst"
    department: "schulamt"
    roles: ANALYST
  }
  principals {
    id: "dpo"
    certificate_uri: "urn:cellgate:principal:dpo"
    department: "datenschutz"
    roles: DPO
  }
)pb";

std::unique_ptr<AccessControl> Load(const std::string& text) {
  v1::AccessPolicy policy;
  EXPECT_OK(ParseTextProto(text, "test", policy));
  auto acl = AccessControl::FromPolicy(policy, "");
  EXPECT_THAT(acl, IsOk());
  return acl.ok() ? std::move(*acl) : nullptr;
}

TEST(AccessControlTest, MapsCertificateUriExactlyToPrincipal) {
  auto acl = Load(kPolicy);
  ASSERT_OK_AND_ASSIGN(const v1::Principal* p,
                       acl->PrincipalForUri("urn:cellgate:principal:schulamt-analyst"));
  EXPECT_EQ(p->id(), "schulamt-analyst");
  EXPECT_THAT(acl->PrincipalForUri("urn:cellgate:principal:schulamt-analyst-x"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(acl->PrincipalForUri("urn:cellgate:principal:schulamt"),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST(AccessControlTest, GrantsQueryOnlyForGrantedDatasetPurposeAndLegalBasis) {
  auto acl = Load(kPolicy);
  const v1::Principal& analyst = **acl->PrincipalById("schulamt-analyst");
  EXPECT_OK(acl->CheckQuery(analyst, "schueler", "bildungsbericht", "bdsg_3"));
  EXPECT_THAT(acl->CheckQuery(analyst, "seu", "bildungsbericht", "bdsg_3"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "dataset \"seu\" is not granted to department \"schulamt\""));
  EXPECT_THAT(acl->CheckQuery(analyst, "schueler", "jugendhilfeplanung", "bdsg_3"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "purpose \"jugendhilfeplanung\" is not granted to department \"schulamt\""));
  EXPECT_THAT(acl->CheckQuery(analyst, "schueler", "", "bdsg_3"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("no purpose")));
  EXPECT_THAT(acl->CheckQuery(analyst, "schueler", "bildungsbericht", "x"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("legal basis \"x\"")));
}

TEST(AccessControlTest, ChannelsAreInternalUnlessThePolicyGrantsPublic) {
  auto internal_only = Load(kPolicy);
  const v1::Principal& analyst = **internal_only->PrincipalById("schulamt-analyst");
  EXPECT_OK(internal_only->CheckQuery(analyst, "schueler", "bildungsbericht", "bdsg_3",
                                      v1::CHANNEL_UNSPECIFIED));
  EXPECT_OK(internal_only->CheckQuery(analyst, "schueler", "bildungsbericht", "bdsg_3", v1::INTERNAL));
  EXPECT_THAT(internal_only->CheckQuery(analyst, "schueler", "bildungsbericht", "bdsg_3", v1::PUBLIC),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "channel \"public\" is not granted to department \"schulamt\""));
  // Granting only the public channel takes the internal one away.
  std::string policy = kPolicy;
  policy.replace(policy.find("legal_bases: \"bdsg_3\"\n  }"), 22,
                 "legal_bases: \"bdsg_3\" channels: PUBLIC");
  auto public_only = Load(policy);
  const v1::Principal& portal = **public_only->PrincipalById("schulamt-analyst");
  EXPECT_OK(public_only->CheckQuery(portal, "schueler", "bildungsbericht", "bdsg_3", v1::PUBLIC));
  EXPECT_THAT(public_only->CheckQuery(portal, "schueler", "bildungsbericht", "bdsg_3", v1::INTERNAL),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("channel \"internal\"")));
}

TEST(AccessControlTest, DpoMayNotQueryData) {
  auto acl = Load(kPolicy);
  const v1::Principal& dpo = **acl->PrincipalById("dpo");
  EXPECT_OK(acl->CheckRole(dpo, v1::DPO));
  EXPECT_THAT(acl->CheckQuery(dpo, "schueler", "bildungsbericht", "bdsg_3"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "principal \"dpo\" lacks role \"analyst\""));
}

TEST(AccessControlTest, RejectsInconsistentPolicies) {
  v1::AccessPolicy policy;
  ASSERT_OK(ParseTextProto(kPolicy, "test", policy));
  v1::AccessPolicy dup_uri = policy;
  dup_uri.mutable_principals(1)->set_certificate_uri("urn:cellgate:principal:schulamt-analyst");
  EXPECT_THAT(AccessControl::FromPolicy(dup_uri, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("used twice")));
  v1::AccessPolicy bad_purpose = policy;
  bad_purpose.mutable_departments(0)->add_purposes("werbung");
  EXPECT_THAT(AccessControl::FromPolicy(bad_purpose, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown purpose \"werbung\"")));
  v1::AccessPolicy no_role = policy;
  no_role.mutable_principals(0)->clear_roles();
  EXPECT_THAT(AccessControl::FromPolicy(no_role, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("role")));
}

TEST(AccessControlTest, LoadFileNamesTheFileOnError) {
  testing::TempDir dir;
  testing::WriteTestFile(dir.File("a.textproto"), "principals { bogus: 1 }");
  EXPECT_THAT(AccessControl::LoadFile(dir.File("a.textproto")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a.textproto:1:")));
  testing::WriteTestFile(dir.File("b.textproto"), kPolicy);
  ASSERT_OK_AND_ASSIGN(auto acl, AccessControl::LoadFile(dir.File("b.textproto")));
  EXPECT_EQ(acl->hash().size(), 64u);
}

}  // namespace
}  // namespace cellgate::auth
