#include "policies/policy_set.h"

#include <sys/stat.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/table_protector.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::policies {
namespace {

using ::cellgate::testing::IsOk;
using ::cellgate::testing::StatusIs;
using ::cellgate::testing::TempDir;
using ::cellgate::testing::WriteTestFile;
using ::testing::AllOf;
using ::testing::HasSubstr;

v1::DisclosurePolicy Policy(const std::string& id, const std::string& dataset, int k) {
  v1::DisclosurePolicy policy;
  policy.set_id(id);
  policy.set_version(1);
  policy.set_dataset(dataset);
  policy.mutable_threshold()->set_k(k);
  return policy;
}

TEST(PolicySetTest, ForDatasetPrefersTheDatasetsOwnPolicy) {
  ASSERT_OK_AND_ASSIGN(const PolicySet set, PolicySet::FromPolicies({Policy("default", "*", 3),
                                                                     Policy("seu", "seu", 5)}));
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* policy, set.ForDataset("seu"));
  EXPECT_EQ(policy->id(), "seu");
}

TEST(PolicySetTest, ForDatasetFallsBackToDefaultPolicy) {
  ASSERT_OK_AND_ASSIGN(const PolicySet set, PolicySet::FromPolicies({Policy("default", "*", 3),
                                                                     Policy("seu", "seu", 5)}));
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* policy, set.ForDataset("schueler"));
  EXPECT_EQ(policy->id(), "default");
}

TEST(PolicySetTest, ForDatasetWithoutDefaultIsNotFound) {
  ASSERT_OK_AND_ASSIGN(const PolicySet set, PolicySet::FromPolicies({Policy("seu", "seu", 5)}));
  EXPECT_THAT(set.ForDataset("schueler"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("no disclosure policy governs dataset \"schueler\"")));
}

TEST(PolicySetTest, FromPoliciesAppliesDefaults) {
  v1::DisclosurePolicy policy = Policy("default", "*", 0);
  ASSERT_OK_AND_ASSIGN(const PolicySet set, PolicySet::FromPolicies({policy}));
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* loaded, set.ForDataset("any"));
  EXPECT_EQ(loaded->threshold().k(), 3);
  EXPECT_EQ(loaded->shape().max_cells(), 50000);
}

TEST(PolicySetTest, FromPoliciesRejectsInvalidPolicy) {
  EXPECT_THAT(PolicySet::FromPolicies({Policy("default", "*", 2)}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("threshold.k")));
}

TEST(PolicySetTest, FromPoliciesRejectsDuplicateDataset) {
  EXPECT_THAT(PolicySet::FromPolicies({Policy("seu", "seu", 3), Policy("seu-strict", "seu", 5)}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("\"seu\""), HasSubstr("\"seu-strict\""),
                             HasSubstr("both govern dataset \"seu\""))));
}

TEST(PolicySetTest, FromPoliciesRejectsDuplicateId) {
  EXPECT_THAT(PolicySet::FromPolicies({Policy("p", "seu", 3), Policy("p", "schueler", 3)}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("policy id \"p\"")));
}

TEST(PolicySetTest, FromPoliciesRejectsEmptyList) {
  EXPECT_THAT(PolicySet::FromPolicies({}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PolicySetTest, PolicyPointerSurvivesMoveOfSet) {
  ASSERT_OK_AND_ASSIGN(PolicySet set, PolicySet::FromPolicies({Policy("seu", "seu", 5)}));
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* before, set.ForDataset("seu"));
  const PolicySet moved = std::move(set);
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* after, moved.ForDataset("seu"));
  EXPECT_EQ(before, after);
}

TEST(PolicySetTest, LoadDirectoryReadsOnlyTextprotoFiles) {
  TempDir dir;
  WriteTestFile(dir.File("default.textproto"), R"pb(id: "default" version: 1 dataset: "*")pb");
  WriteTestFile(dir.File("seu.textproto"), R"pb(id: "seu"
                                                version: 2
                                                dataset: "seu"
                                                threshold { k: 5 })pb");
  WriteTestFile(dir.File("README"), "not a policy");
  WriteTestFile(dir.File("old.textproto.bak"), "not a policy either");
  ASSERT_OK_AND_ASSIGN(const PolicySet set, PolicySet::LoadDirectory(dir.path()));
  EXPECT_EQ(set.size(), 2);
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* seu, set.ForDataset("seu"));
  EXPECT_EQ(seu->version(), 2);
  EXPECT_EQ(seu->threshold().k(), 5);
}

TEST(PolicySetTest, LoadDirectoryErrorNamesTheFile) {
  TempDir dir;
  WriteTestFile(dir.File("a.textproto"), R"pb(id: "a" version: 1 dataset: "*")pb");
  WriteTestFile(dir.File("b.textproto"), R"pb(id: "b" version: 0 dataset: "seu")pb");
  EXPECT_THAT(PolicySet::LoadDirectory(dir.path()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("b.textproto"), HasSubstr("version"))));
}

TEST(PolicySetTest, LoadDirectoryRejectsTwoFilesForOneDataset) {
  TempDir dir;
  WriteTestFile(dir.File("seu.textproto"), R"pb(id: "seu" version: 1 dataset: "seu")pb");
  WriteTestFile(dir.File("seu2.textproto"), R"pb(id: "seu2" version: 1 dataset: "seu")pb");
  EXPECT_THAT(PolicySet::LoadDirectory(dir.path()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("seu.textproto"), HasSubstr("seu2.textproto"),
                             HasSubstr("dataset \"seu\""))));
}

TEST(PolicySetTest, LoadDirectoryRejectsDirectoryWithoutPolicy) {
  TempDir dir;
  WriteTestFile(dir.File("README"), "no policy here");
  EXPECT_THAT(PolicySet::LoadDirectory(dir.path()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no policy")));
}

TEST(PolicySetTest, LoadDirectoryRejectsMissingDirectory) {
  TempDir dir;
  EXPECT_THAT(PolicySet::LoadDirectory(dir.File("missing")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
}

// Every shipped policy file must load; this is the test STYLE.md asks for.
TEST(PolicySetTest, ShippedPoliciesLoad) {
  ASSERT_OK_AND_ASSIGN(const PolicySet set,
                       PolicySet::LoadDirectory(CELLGATE_SOURCE_DIR "/policies/config"));
  EXPECT_EQ(set.size(), 7);

  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* seu, set.ForDataset("seu"));
  EXPECT_EQ(seu->id(), "seu");
  EXPECT_EQ(seu->threshold().k(), 3);
  ASSERT_EQ(seu->threshold().per_dimension_size(), 1);
  EXPECT_EQ(seu->threshold().per_dimension(0).dimension(), "bmi_kat");
  EXPECT_EQ(seu->threshold().per_dimension(0).k(), 5);
  EXPECT_THAT(seu->rationale(), HasSubstr("health data"));

  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* schueler, set.ForDataset("schueler"));
  EXPECT_EQ(schueler->id(), "schueler");
  ASSERT_EQ(schueler->threshold().per_dimension_size(), 1);
  EXPECT_EQ(schueler->threshold().per_dimension(0).dimension(), "foerderschwerpunkt");

  // Population: perturbed on the public channel only (the cell key method).
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* population, set.ForDataset("population"));
  EXPECT_EQ(population->id(), "population");
  ASSERT_OK_AND_ASSIGN(const TableProtector protector, TableProtector::Create(*population));
  EXPECT_NE(protector.PerturbationFor(v1::PUBLIC), nullptr);
  EXPECT_EQ(protector.PerturbationFor(v1::INTERNAL), nullptr);
  EXPECT_EQ(protector.PerturbationFor(v1::PUBLIC)->Perturb(1, 0), 0);
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* kita, set.ForDataset("kita_kind"));
  ASSERT_EQ(kita->threshold().per_dimension_size(), 1);
  EXPECT_EQ(kita->threshold().per_dimension(0).dimension(), "eingliederungshilfe");
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* sgb2, set.ForDataset("sgb2_person"));
  EXPECT_EQ(sgb2->threshold().k(), 5);
  // The VHS courses: the magnitude rules over the Kursleitungen's hours.
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* vhs, set.ForDataset("vhs_kurs"));
  EXPECT_EQ(vhs->magnitude().min_contributors(), 3);
  EXPECT_NE(vhs->magnitude().dominance().n(), 0);
  EXPECT_NE(vhs->magnitude().p_percent().p(), 0);

  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy* unknown, set.ForDataset("unknown"));
  EXPECT_EQ(unknown->id(), "default");
  EXPECT_EQ(unknown->threshold().k(), 3);
}

}  // namespace
}  // namespace cellgate::policies
