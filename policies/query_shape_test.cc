// The policy's query shape rules, as a DPO writes them in a policy file.
#include "policies/query_shape.h"

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/policy_loader.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

v1::QueryShape Shape() {
  v1::QueryShape shape;
  EXPECT_OK(ParseTextProto(R"pb(
    forbidden_combinations {
      dimensions: [ "schule", "staatsangehoerigkeit", "foerderschwerpunkt" ]
      reason: "identifies pupils with disabilities at one school"
    }
    filterable_dimensions: [ "schuljahr", "stadtteil", "schule" ]
  )pb", "shape", shape));
  return shape;
}

v1::Query Query(std::vector<std::string> by, std::vector<std::string> filtered) {
  v1::Query query;
  query.set_dataset("schueler");
  for (const std::string& d : by) query.add_group_by()->set_dimension(d);
  for (const std::string& d : filtered) {
    v1::Filter& f = *query.add_filters();
    f.set_dimension(d);
    f.add_codes("x");
  }
  return query;
}

TEST(QueryShapeTest, AForbiddenCombinationIsRefusedWhetherGroupedOrFiltered) {
  EXPECT_OK(CheckQueryShape(Shape(), Query({"schule", "staatsangehoerigkeit"}, {})));
  EXPECT_THAT(
      CheckQueryShape(Shape(), Query({"staatsangehoerigkeit", "foerderschwerpunkt"}, {"schule"})),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("does not allow combining schule, staatsangehoerigkeit, "
                         "foerderschwerpunkt in one query: identifies pupils")));
}

TEST(QueryShapeTest, OnlyListedDimensionsMayBeFiltered) {
  EXPECT_OK(CheckQueryShape(Shape(), Query({"sex"}, {"schuljahr", "schule"})));
  EXPECT_THAT(CheckQueryShape(Shape(), Query({"schule"}, {"sex"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("does not allow filtering by \"sex\"")));
  EXPECT_OK(CheckQueryShape(v1::QueryShape(), Query({"schule"}, {"sex"})));  // no list: all
}

TEST(QueryShapeTest, PolicyLoaderRejectsBadShapeRules) {
  v1::DisclosurePolicy policy;
  policy.set_id("p");
  policy.set_version(1);
  policy.set_dataset("schueler");
  *policy.mutable_shape() = Shape();
  EXPECT_OK(ValidatePolicy(policy));
  policy.mutable_shape()->add_forbidden_combinations()->add_dimensions("schule");
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("shape.forbidden_combinations[1] must name at least two")));
  *policy.mutable_shape() = Shape();
  policy.mutable_shape()->set_min_population(-1);
  EXPECT_THAT(ValidatePolicy(policy), StatusIs(absl::StatusCode::kInvalidArgument,
                                               HasSubstr("shape.min_population is -1")));
}

TEST(QueryShapeTest, PopulationRefusalNamesTheMinimumNotTheCount) {
  EXPECT_THAT(PopulationBelowMinimum(50),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("minimum of 50")));
}

}  // namespace
}  // namespace cellgate::policies
