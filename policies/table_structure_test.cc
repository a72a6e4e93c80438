#include "policies/table_structure.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using ::testing::ElementsAre;

// An axis whose entries add into the entry at `parents[i]` (-1: none).
v1::Axis MakeAxis(const std::vector<int>& parents) {
  v1::Axis axis;
  for (size_t i = 0; i < parents.size(); ++i) {
    v1::AxisEntry* e = axis.add_entries();
    e->set_code(parents[i] < 0 ? "_T" : std::to_string(i));
    e->set_parent(parents[i]);
  }
  return axis;
}

TEST(TableStructureTest, TwoByTwoWithTotalsHasRowColumnAndGrandTotalEquations) {
  google::protobuf::RepeatedPtrField<v1::Axis> axes;
  *axes.Add() = MakeAxis({2, 2, -1});  // rows a, b, total
  *axes.Add() = MakeAxis({2, 2, -1});  // columns a, b, total
  ASSERT_OK_AND_ASSIGN(TableStructure s, StructureOf(axes));
  EXPECT_EQ(s.cells, 9);
  // Along axis 0 (rows add into the total row), one equation per column.
  ASSERT_EQ(s.equations.size(), 6u);
  EXPECT_EQ(s.equations[0].total, 6);  // total row, column a
  EXPECT_THAT(s.equations[0].parts, ElementsAre(0, 3));
  // Along axis 1: row a's total is cell 2 = cells 0 + 1.
  EXPECT_EQ(s.equations[3].total, 2);
  EXPECT_THAT(s.equations[3].parts, ElementsAre(0, 1));
}

TEST(TableStructureTest, HierarchySubtotalsAddUpLevelByLevel) {
  // Stadtteil 0, 1 -> Bezirk 2; Stadtteil 3 -> Bezirk 4; Bezirke -> total 5.
  google::protobuf::RepeatedPtrField<v1::Axis> axes;
  *axes.Add() = MakeAxis({2, 2, 5, 4, 5, -1});
  ASSERT_OK_AND_ASSIGN(TableStructure s, StructureOf(axes));
  ASSERT_EQ(s.equations.size(), 3u);
  EXPECT_EQ(s.equations[0].total, 2);
  EXPECT_THAT(s.equations[0].parts, ElementsAre(0, 1));
  EXPECT_THAT(s.equations[1].parts, ElementsAre(3));
  EXPECT_EQ(s.equations[2].total, 5);
  EXPECT_THAT(s.equations[2].parts, ElementsAre(2, 4));
}

TEST(TableStructureTest, BadParentIsInternal) {
  google::protobuf::RepeatedPtrField<v1::Axis> axes;
  *axes.Add() = MakeAxis({7, -1});
  EXPECT_THAT(StructureOf(axes), testing::StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace cellgate::policies
