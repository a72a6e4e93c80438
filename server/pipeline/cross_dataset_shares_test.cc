// The pure parts of shares across datasets: planning and its errors, the
// joint policy, the joint table and the answer built back from it.
#include "server/pipeline/cross_dataset_shares.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/policy_loader.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::pipeline {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// sgb2 by stadtteil with a share over the population under 15.
v1::Query Quote() {
  v1::Query q;
  q.set_dataset("sgb2");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Measure& share = *q.add_measures();
  share.set_kind(v1::Measure::SHARE);
  share.mutable_denominator()->set_dataset("population");
  v1::Filter& young = *share.mutable_denominator()->add_filters();
  young.set_dimension("alter");
  young.add_codes("0");
  q.add_group_by()->set_dimension("stichtag");
  q.add_group_by()->set_dimension("stadtteil");
  v1::Filter& year = *q.add_filters();
  year.set_dimension("stichtag");
  year.add_codes("2025");
  v1::Filter& u15 = *q.add_filters();
  u15.set_dimension("age_group");
  u15.add_codes("u15");
  q.set_totals(true);
  return q;
}

TEST(PlanCrossSharesTest, QueriesWithoutADenominatorHaveNoPlan) {
  v1::Query q = Quote();
  q.mutable_measures(1)->clear_denominator();
  q.mutable_measures(1)->mutable_share_of()->set_dimension("typ");
  q.mutable_measures(1)->mutable_share_of()->add_codes("NEF");
  ASSERT_OK_AND_ASSIGN(const auto plan, PlanCrossShares(q));
  EXPECT_FALSE(plan.has_value());
}

TEST(PlanCrossSharesTest, CountsTheSameTableOnBothDatasets) {
  ASSERT_OK_AND_ASSIGN(const auto plan, PlanCrossShares(Quote()));
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->numerator.dataset(), "sgb2");
  EXPECT_EQ(plan->numerator.filters_size(), 2);
  ASSERT_EQ(plan->numerator.measures_size(), 1);
  EXPECT_EQ(plan->numerator.measures(0).kind(), v1::Measure::COUNT);
  EXPECT_EQ(plan->denominator.dataset(), "population");
  // The denominator's own filter; the query's are carried by
  // BindDenominator, which knows which dimensions the dataset has.
  ASSERT_EQ(plan->denominator.filters_size(), 1);
  EXPECT_EQ(plan->denominator.filters(0).dimension(), "alter");
  EXPECT_EQ(plan->denominator.group_by_size(), 2);
  EXPECT_TRUE(plan->denominator.totals());
  EXPECT_THAT(DenominatorDatasets(Quote()), ElementsAre("population"));
}

TEST(PlanCrossSharesTest, RefusesBadDenominatorsNamingTheProblem) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  v1::Query own = Quote();
  own.mutable_measures(1)->mutable_denominator()->set_dataset("sgb2");
  EXPECT_THAT(PlanCrossShares(own), StatusIs(invalid, HasSubstr("use share_of")));
  v1::Query none = Quote();
  none.mutable_measures(1)->mutable_denominator()->clear_dataset();
  EXPECT_THAT(PlanCrossShares(none), StatusIs(invalid, HasSubstr("names no dataset")));
  v1::Query both = Quote();
  both.mutable_measures(1)->mutable_share_of()->set_dimension("typ");
  EXPECT_THAT(PlanCrossShares(both), StatusIs(invalid, HasSubstr("either share_of or")));
  v1::Query grouped = Quote();
  grouped.mutable_measures(1)->mutable_denominator()->mutable_filters(0)->set_dimension(
      "stadtteil");
  EXPECT_THAT(PlanCrossShares(grouped),
              StatusIs(invalid, HasSubstr("denominator filter on \"stadtteil\"")));
  v1::Query two = Quote();
  v1::Measure& other = *two.add_measures();
  other.set_kind(v1::Measure::SHARE);
  other.mutable_denominator()->set_dataset("households");
  EXPECT_THAT(PlanCrossShares(two), StatusIs(invalid, HasSubstr("must be the same")));
  v1::Query mean = Quote();
  mean.mutable_measures(0)->set_kind(v1::Measure::MEAN);
  mean.mutable_measures(0)->set_column("x");
  EXPECT_THAT(PlanCrossShares(mean), StatusIs(invalid, HasSubstr("COUNT and SHARE")));
  v1::Query count_only = Quote();
  count_only.mutable_measures(1)->set_kind(v1::Measure::COUNT);
  EXPECT_THAT(PlanCrossShares(count_only), StatusIs(invalid, HasSubstr("goes with a share")));
  v1::Query mixed = Quote();
  v1::Measure& within = *mixed.add_measures();
  within.set_kind(v1::Measure::SHARE);
  within.mutable_share_of()->set_dimension("typ");
  within.mutable_share_of()->add_codes("NEF");
  EXPECT_THAT(PlanCrossShares(mixed), StatusIs(invalid, HasSubstr("within its own dataset")));
}

TEST(JointSharePolicyTest, TakesTheStricterOfBothForEveryParameter) {
  v1::DisclosurePolicy a;
  a.set_id("sgb2");
  a.set_version(2);
  a.set_dataset("sgb2");
  a.mutable_threshold()->set_k(5);
  a.mutable_group_disclosure()->set_min_group(10);
  v1::DisclosurePolicy b;
  b.set_id("population");
  b.set_version(1);
  b.set_dataset("population");
  b.mutable_threshold()->set_k(3);
  v1::DimensionThreshold& d = *b.mutable_threshold()->add_per_dimension();
  d.set_dimension("bmi_kat");
  d.set_k(4);
  b.mutable_rounding()->set_base(5);
  b.mutable_shares()->set_unreliable_below(20);
  ASSERT_OK(policies::ValidatePolicy(a));
  ASSERT_OK(policies::ValidatePolicy(b));
  v1::DisclosurePolicy joint = JointSharePolicy(a, b);
  EXPECT_EQ(joint.threshold().k(), 5);
  ASSERT_EQ(joint.threshold().per_dimension_size(), 1);
  EXPECT_EQ(joint.threshold().per_dimension(0).k(), 5);  // raised to the joint k
  EXPECT_EQ(joint.group_disclosure().min_group(), 10);
  EXPECT_EQ(joint.rounding().base(), 5);
  EXPECT_EQ(joint.shares().unreliable_below(), 20);
  EXPECT_THAT(policies::ValidatePolicy(joint), ::cellgate::testing::IsOk());
}

TEST(JointSharePolicyTest, CarriesNoPerturbationSoThatAnyRoundingBaseStaysValid) {
  v1::DisclosurePolicy a;
  a.set_id("hilfe");
  a.set_version(1);
  a.set_dataset("hilfe");
  v1::PerturbationRow& zero = *a.mutable_perturbation()->mutable_ptable()->add_rows();
  zero.set_p(1);
  zero.set_p_int_ub(1);
  for (int j : {0, 3}) {  // 1 -> 0 or 3, 2 -> 0 or 3: no count below k = 3 kept
    for (int i : {1, 2}) {
      v1::PerturbationRow& row = *a.mutable_perturbation()->mutable_ptable()->add_rows();
      row.set_i(i);
      row.set_j(j);
      row.set_v(j - i);
      row.set_p(0.5);
      row.set_p_int_lb(j == 0 ? 0 : 0.5);
      row.set_p_int_ub(j == 0 ? 0.5 : 1);
    }
  }
  // Rows of one count together, in interval order.
  auto* rows = a.mutable_perturbation()->mutable_ptable()->mutable_rows();
  std::swap(*rows->Mutable(2), *rows->Mutable(3));
  ASSERT_OK(policies::ValidatePolicy(a));
  v1::DisclosurePolicy b = a;
  b.set_id("kinder");
  b.set_dataset("kinder");
  b.clear_perturbation();
  b.mutable_rounding()->set_base(5);
  ASSERT_OK(policies::ValidatePolicy(b));
  v1::DisclosurePolicy joint = JointSharePolicy(a, b);
  EXPECT_FALSE(joint.has_perturbation());
  EXPECT_EQ(joint.rounding().base(), 5);
  EXPECT_THAT(policies::ValidatePolicy(joint), ::cellgate::testing::IsOk());
}

// A one-axis count table: entries "1", "2" and the total.
v1::ComputedTable Counts(const std::string& dataset, int64_t one, int64_t two) {
  v1::ComputedTable t;
  t.set_dataset(dataset);
  v1::Axis& axis = *t.add_axes();
  axis.set_dimension("stadtteil");
  for (const char* code : {"1", "2"}) {
    v1::AxisEntry& e = *axis.add_entries();
    e.set_code(code);
    e.set_parent(2);
  }
  v1::AxisEntry& total = *axis.add_entries();
  total.set_code("_T");
  total.set_is_total(true);
  total.set_parent(-1);
  t.add_record_count(one);
  t.add_record_count(two);
  t.add_record_count(one + two);
  v1::MeasureFacts& count = *t.add_measures();
  count.mutable_measure()->set_kind(v1::Measure::COUNT);
  count.set_label("Anzahl");
  return t;
}

TEST(StackAcrossTest, NestedCountsGetTheRestAsAThirdEntry) {
  ASSERT_OK_AND_ASSIGN(const JointTable joint,
                       StackAcross(Counts("sgb2", 4, 10), Counts("population", 40, 10)));
  EXPECT_TRUE(joint.nested);
  ASSERT_EQ(joint.table.axes_size(), 2);
  EXPECT_EQ(joint.table.axes(1).entries_size(), 3);
  EXPECT_THAT(joint.table.record_count(), ElementsAre(4, 36, 40, 10, 0, 10, 14, 36, 50));
  EXPECT_THAT(joint.table.sensitive_dimensions(), ElementsAre("_numerator"));
  EXPECT_EQ(joint.Cell(1, ShareSide::kDenominator), 5);
}

TEST(StackAcrossTest, ANumeratorAboveItsDenominatorStacksSideBySide) {
  ASSERT_OK_AND_ASSIGN(const JointTable joint,
                       StackAcross(Counts("sgb2", 4, 12), Counts("population", 40, 10)));
  EXPECT_FALSE(joint.nested);
  EXPECT_EQ(joint.split, 2);
  EXPECT_THAT(joint.table.record_count(), ElementsAre(4, 40, 12, 10, 16, 50));
  EXPECT_EQ(joint.table.axes(1).entries(0).parent(), -1);
  EXPECT_EQ(joint.table.axes(1).entries(1).parent(), -1);
}

TEST(StackAcrossTest, TablesOfDifferentAxesAreAnInternalError) {
  v1::ComputedTable other = Counts("population", 40, 10);
  other.mutable_axes(0)->mutable_entries(1)->set_code("3");
  EXPECT_THAT(StackAcross(Counts("sgb2", 4, 10), other), StatusIs(absl::StatusCode::kInternal));
}

// A joint decision that publishes every cell of `joint` but `suppressed`.
v1::ReleaseDecision Published(const JointTable& joint, const std::vector<int>& suppressed) {
  v1::ReleaseDecision d;
  for (int c = 0; c < joint.table.record_count_size(); ++c) {
    v1::ReleasedCell& cell = *d.mutable_table()->add_cells();
    const int64_t n = joint.table.record_count(c);
    cell.add_codes(absl::StrCat("x", c));
    cell.add_codes(joint.table.axes(1).entries(c % joint.split).code());
    v1::CellValue& v = *cell.add_values();
    if (std::find(suppressed.begin(), suppressed.end(), c) != suppressed.end()) {
      v.set_status(v1::SUPPRESSED);
    } else {
      v.set_status(n == 0 ? v1::ZERO : v1::PUBLISHED);
      v.set_value(static_cast<double>(n));
    }
  }
  *d.mutable_table()->mutable_axes() = joint.table.axes();
  return d;
}

TEST(UnstackAcrossTest, ShareIsSuppressedWhereEitherCountIsAndXWhereTheyDoNotNest) {
  const v1::ComputedTable n = Counts("sgb2", 4, 12);
  const v1::ComputedTable d = Counts("population", 40, 10);
  ASSERT_OK_AND_ASSIGN(const JointTable joint, StackAcross(n, d));
  ASSERT_OK_AND_ASSIGN(auto plan, PlanCrossShares(Quote()));
  v1::Measure& count = *plan->query.add_measures();
  count.set_kind(v1::Measure::COUNT);
  *count.mutable_denominator() = plan->spec;
  CrossShareLabels labels;
  labels.share = "Anteil an Bevölkerung in %";
  labels.denominator_count = "Anzahl Bevölkerung";
  labels.denominator.set_dataset("population");
  labels.denominator.set_version_hash("abc");
  // Cell 0's numerator suppressed; cell 2 (the total) published.
  const v1::ReleaseDecision answer =
      UnstackAcross(*plan, joint, n, d, Published(joint, {0}), labels);
  const v1::ReleasedTable& t = answer.table();
  ASSERT_EQ(t.axes_size(), 1);
  ASSERT_EQ(t.measures_size(), 3);
  EXPECT_EQ(t.measures(1).label(), "Anteil an Bevölkerung in %");
  EXPECT_EQ(t.measures(2).label(), "Anzahl Bevölkerung");
  EXPECT_EQ(t.measures(1).measure().denominator().version_hash(), "abc");
  ASSERT_EQ(t.cells_size(), 3);
  EXPECT_EQ(t.cells(0).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(t.cells(0).values(1).status(), v1::SUPPRESSED);
  EXPECT_EQ(t.cells(0).values(2).value(), 40);
  // 12 in a denominator of 10: no share.
  EXPECT_EQ(t.cells(1).values(1).status(), v1::NOT_APPLICABLE);
  EXPECT_EQ(t.cells(2).values(1).status(), v1::PUBLISHED);
  EXPECT_DOUBLE_EQ(t.cells(2).values(1).value(), 100.0 * 16 / 50);
  EXPECT_THAT(t.cells(2).codes(), ElementsAre("x4"));
}

TEST(SideDecisionTest, GivesEachSideItsCellsAndItsPolicy) {
  ASSERT_OK_AND_ASSIGN(const JointTable joint,
                       StackAcross(Counts("sgb2", 4, 10), Counts("population", 40, 10)));
  v1::DisclosurePolicy policy;
  policy.set_id("population");
  policy.set_version(7);
  const v1::ReleaseDecision side =
      SideDecision(joint, Published(joint, {2}), ShareSide::kDenominator, policy);
  EXPECT_EQ(side.table().policy_version(), 7);
  ASSERT_EQ(side.table().cells_size(), 3);
  EXPECT_EQ(side.table().cells(0).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(side.table().cells(1).values(0).value(), 10);
  EXPECT_EQ(side.counts().cells(), 3);
}

// A side's own released table: cell c has `status` and figure `figures[c]`.
v1::ReleaseDecision Released(const std::vector<double>& figures, v1::CellStatus status) {
  v1::ReleaseDecision d;
  for (size_t c = 0; c < figures.size(); ++c) {
    v1::ReleasedCell& cell = *d.mutable_table()->add_cells();
    cell.add_codes(absl::StrCat("x", c));
    v1::CellValue& v = *cell.add_values();
    v.set_status(figures[c] == 0 ? v1::ZERO : status);
    v.set_value(figures[c]);
  }
  return d;
}

TEST(SetSideTest, GivesAPerturbedSideItsOwnFiguresAndDropsItsSuppressions) {
  ASSERT_OK_AND_ASSIGN(const JointTable joint,
                       StackAcross(Counts("sgb2", 4, 10), Counts("population", 40, 10)));
  // The joint protection suppressed the numerator of cell 0 and the
  // denominator of cell 1 (with its rest).
  v1::ReleaseDecision decision = Published(joint, {0, 4, 5});
  for (int cell : {0, 4, 5}) decision.add_audit()->set_cell(cell);
  ASSERT_OK(SetSide(joint, ShareSide::kDenominator, Released({43, 8, 52}, v1::PERTURBED),
                    decision));
  const v1::ReleasedTable& t = decision.table();
  EXPECT_EQ(t.cells(2).values(0).value(), 43);
  EXPECT_EQ(t.cells(5).values(0).status(), v1::PERTURBED);
  EXPECT_EQ(t.cells(5).values(0).value(), 8);
  EXPECT_EQ(t.cells(0).values(0).status(), v1::SUPPRESSED);  // the exact side as protected
  EXPECT_EQ(t.cells(4).values(0).status(), v1::SUPPRESSED);  // the rest, never shown
  ASSERT_EQ(decision.audit_size(), 2);
  EXPECT_EQ(decision.audit(0).cell(), 0);
  EXPECT_EQ(decision.audit(1).cell(), 4);
  EXPECT_THAT(decision.rule_ids(), ElementsAre("cell_key"));
  EXPECT_THAT(SetSide(joint, ShareSide::kNumerator, Released({1, 2}, v1::PERTURBED), decision),
              StatusIs(absl::StatusCode::kInternal));
}

TEST(JointOfReleasedSidesTest, LaysBothSidesOutAsTheJointTable) {
  ASSERT_OK_AND_ASSIGN(const JointTable joint,
                       StackAcross(Counts("sgb2", 4, 10), Counts("population", 40, 10)));
  ASSERT_OK_AND_ASSIGN(const v1::ReleaseDecision decision,
                       JointOfReleasedSides(joint, Released({3, 0, 12}, v1::PERTURBED),
                                            Released({41, 9, 48}, v1::PERTURBED)));
  const v1::ReleasedTable& t = decision.table();
  ASSERT_EQ(t.cells_size(), 9);
  ASSERT_EQ(t.axes_size(), 1);  // the side's axes (none here) and the split
  EXPECT_THAT(t.cells(3).codes(), ElementsAre("x1", "N"));
  EXPECT_EQ(t.cells(3).values(0).status(), v1::ZERO);
  EXPECT_EQ(t.cells(4).values(0).status(), v1::NOT_APPLICABLE);  // the rest
  EXPECT_EQ(t.cells(8).values(0).value(), 48);
  EXPECT_THAT(decision.rule_ids(), ElementsAre("cell_key"));
}

}  // namespace
}  // namespace cellgate::pipeline
