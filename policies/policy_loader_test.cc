#include "policies/policy_loader.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using ::cellgate::testing::IsOk;
using ::cellgate::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// A valid policy with every field set explicitly.
v1::DisclosurePolicy ValidPolicy() {
  v1::DisclosurePolicy policy;
  policy.set_id("seu");
  policy.set_version(1);
  policy.set_dataset("seu");
  policy.mutable_threshold()->set_k(3);
  v1::DimensionThreshold& bmi = *policy.mutable_threshold()->add_per_dimension();
  bmi.set_dimension("bmi_kat");
  bmi.set_k(5);
  policy.mutable_shape()->set_max_dimensions(4);
  policy.mutable_shape()->set_max_cells(50000);
  return policy;
}

TEST(PolicyLoaderTest, AppliesDefaultsToUnsetFields) {
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy policy,
                       ParsePolicy(R"pb(id: "default" version: 1 dataset: "*")pb", "default"));
  EXPECT_EQ(policy.threshold().k(), 3);
  EXPECT_EQ(policy.shape().max_dimensions(), 4);
  EXPECT_EQ(policy.shape().max_cells(), 50000);
}

TEST(PolicyLoaderTest, KeepsExplicitValues) {
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy policy,
                       ParsePolicy(R"pb(id: "strict"
                                        version: 7
                                        dataset: "seu"
                                        threshold { k: 10 }
                                        shape { max_dimensions: 2 max_cells: 100 })pb",
                                   "strict"));
  EXPECT_EQ(policy.version(), 7);
  EXPECT_EQ(policy.threshold().k(), 10);
  EXPECT_EQ(policy.shape().max_dimensions(), 2);
  EXPECT_EQ(policy.shape().max_cells(), 100);
}

TEST(PolicyLoaderTest, AcceptsValidPolicy) {
  v1::DisclosurePolicy policy = ValidPolicy();
  EXPECT_THAT(ValidatePolicy(policy), IsOk());
}

TEST(PolicyLoaderTest, RejectsThresholdBelowThree) {
  v1::DisclosurePolicy policy = ValidPolicy();
  policy.mutable_threshold()->set_k(2);
  EXPECT_THAT(ValidatePolicy(policy), StatusIs(absl::StatusCode::kInvalidArgument,
                                               AllOf(HasSubstr("threshold.k"), HasSubstr("2"))));
}

TEST(PolicyLoaderTest, RejectsPerDimensionThresholdBelowDatasetThreshold) {
  v1::DisclosurePolicy policy = ValidPolicy();
  policy.mutable_threshold()->set_k(5);
  policy.mutable_threshold()->mutable_per_dimension(0)->set_k(4);
  EXPECT_THAT(ValidatePolicy(policy), StatusIs(absl::StatusCode::kInvalidArgument,
                                               AllOf(HasSubstr("per_dimension[0].k"),
                                                     HasSubstr("bmi_kat"), HasSubstr("is 4"))));
}

TEST(PolicyLoaderTest, RejectsPerDimensionWithoutDimension) {
  v1::DisclosurePolicy policy = ValidPolicy();
  policy.mutable_threshold()->mutable_per_dimension(0)->clear_dimension();
  EXPECT_THAT(ValidatePolicy(policy), StatusIs(absl::StatusCode::kInvalidArgument,
                                               HasSubstr("per_dimension[0].dimension")));
}

TEST(PolicyLoaderTest, RejectsRepeatedPerDimension) {
  v1::DisclosurePolicy policy = ValidPolicy();
  *policy.mutable_threshold()->add_per_dimension() = policy.threshold().per_dimension(0);
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("per_dimension[1]"), HasSubstr("\"bmi_kat\""))));
}

TEST(PolicyLoaderTest, RejectsBadId) {
  for (const std::string& id :
       std::vector<std::string>{"", "Seu", "1seu", "seu kinder", std::string(65, 'a')}) {
    v1::DisclosurePolicy policy = ValidPolicy();
    policy.set_id(id);
    EXPECT_THAT(ValidatePolicy(policy),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("policy id"), HasSubstr("\"" + id + "\""))))
        << id;
  }
}

TEST(PolicyLoaderTest, AcceptsIdWithDigitsHyphenAndUnderscore) {
  v1::DisclosurePolicy policy = ValidPolicy();
  policy.set_id("seu-2024_v2");
  EXPECT_THAT(ValidatePolicy(policy), IsOk());
}

TEST(PolicyLoaderTest, RejectsVersionZero) {
  v1::DisclosurePolicy policy = ValidPolicy();
  policy.set_version(0);
  EXPECT_THAT(ValidatePolicy(policy), StatusIs(absl::StatusCode::kInvalidArgument,
                                               AllOf(HasSubstr("version"), HasSubstr("0"))));
}

TEST(PolicyLoaderTest, RejectsEmptyOrMalformedDataset) {
  for (const std::string dataset : {"", "SEU", "**"}) {
    v1::DisclosurePolicy policy = ValidPolicy();
    policy.set_dataset(dataset);
    EXPECT_THAT(ValidatePolicy(policy),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dataset")))
        << dataset;
  }
}

TEST(PolicyLoaderTest, RejectsMaxDimensionsAboveFour) {
  v1::DisclosurePolicy policy = ValidPolicy();
  policy.mutable_shape()->set_max_dimensions(5);
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("shape.max_dimensions"), HasSubstr("5"))));
}

TEST(PolicyLoaderTest, RejectsNegativeMaxCells) {
  v1::DisclosurePolicy policy = ValidPolicy();
  policy.mutable_shape()->set_max_cells(-1);
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("shape.max_cells")));
}

TEST(PolicyLoaderTest, ParseErrorNamesSource) {
  EXPECT_THAT(ParsePolicy(R"pb(id: "x" colour: "red")pb", "policies/x.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("policies/x.textproto:1:"), HasSubstr("colour"))));
}

TEST(PolicyLoaderTest, ValidationErrorNamesSource) {
  EXPECT_THAT(ParsePolicy(R"pb(id: "x"
                               version: 1
                               dataset: "*"
                               threshold { k: 2 })pb",
                          "policies/x.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("policies/x.textproto"), HasSubstr("threshold.k"))));
}

TEST(PolicyLoaderTest, MinContributorsIsOffOrTwoToAThousandAndStaysSecret) {
  for (const int32_t ok : {0, 2, 3, 1000}) {
    v1::DisclosurePolicy policy = ValidPolicy();
    policy.mutable_magnitude()->set_min_contributors(ok);
    EXPECT_THAT(ValidatePolicy(policy), IsOk()) << ok;
  }
  for (const int32_t bad : {1, -7, 1001, 4711}) {
    v1::DisclosurePolicy policy = ValidPolicy();
    policy.mutable_magnitude()->set_min_contributors(bad);
    const absl::Status status = ValidatePolicy(policy);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("magnitude.min_contributors")));
    // The field is named, the value never (1 is in "2..1000" anyway).
    if (bad == 1) continue;
    EXPECT_THAT(std::string(status.message()), ::testing::Not(HasSubstr(std::to_string(bad))));
  }
}

TEST(PolicyLoaderTest, HashIsStableAndIgnoresExplicitDefaults) {
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy implicit,
                       ParsePolicy(R"pb(id: "d" version: 1 dataset: "*")pb", "a"));
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy explicit_defaults,
                       ParsePolicy(R"pb(id: "d"
                                        version: 1
                                        dataset: "*"
                                        threshold { k: 3 }
                                        shape { max_dimensions: 4 max_cells: 50000 })pb",
                                   "b"));
  EXPECT_EQ(PolicyHash(implicit), PolicyHash(implicit));
  EXPECT_EQ(PolicyHash(implicit), PolicyHash(explicit_defaults));
  EXPECT_THAT(PolicyHash(implicit), ::testing::MatchesRegex("[0-9a-f]{64}"));
}

TEST(PolicyLoaderTest, HashChangesWithThreshold) {
  v1::DisclosurePolicy policy = ValidPolicy();
  const std::string before = PolicyHash(policy);
  policy.mutable_threshold()->set_k(4);
  EXPECT_NE(PolicyHash(policy), before);
}

}  // namespace
}  // namespace cellgate::policies
