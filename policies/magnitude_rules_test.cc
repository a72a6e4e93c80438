// The magnitude rules against the published oracles O5-O9
// (../shared/SDC-ORACLES.md), pinning the conventions: dominance "> k %",
// p% in percent with "rest < p/100 · x1", min contributors "0 < c < min";
// with records as the contributors and with contributors of many records.
#include "policies/magnitude_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::policies {
namespace {

v1::DominanceRule Dominance(int n, double k) {
  v1::DominanceRule rule;
  rule.set_n(n);
  rule.set_k(k);
  return rule;
}

v1::PPercentRule PPercent(double p) {
  v1::PPercentRule rule;
  rule.set_p(p);
  return rule;
}

// O5: sdcTable test-primarySuppression.r on microdata1 `val`.
const Contributions kAFemale{20, 11, 9};      // cell 6: n = 2, rest 0
const Contributions kDMale{366, 280, 11};     // cell 14: n = 11, rest 75
const Contributions kDTotal{518, 280, 18};    // cell 13: rest 220

TEST(MagnitudeRulesTest, O5DominanceTwoSeventyFive) {
  const DominanceRule rule(Dominance(2, 75));
  EXPECT_TRUE(rule.Unsafe(kAFemale));
  EXPECT_TRUE(rule.Unsafe(kDMale));
  EXPECT_FALSE(rule.Unsafe(kDTotal));
}

TEST(MagnitudeRulesTest, O5DominanceOneSeventyFiveFlagsOnlyCell14) {
  const DominanceRule rule(Dominance(1, 75));
  EXPECT_FALSE(rule.Unsafe(kAFemale));  // 11 <= 15
  EXPECT_TRUE(rule.Unsafe(kDMale));     // 280 > 274.5
}

TEST(MagnitudeRulesTest, O5PPercentAtTenThirtySeventy) {
  EXPECT_TRUE(PPercentRule(PPercent(10)).Unsafe(kAFemale));
  EXPECT_FALSE(PPercentRule(PPercent(10)).Unsafe(kDMale));  // 75 >= 28
  EXPECT_TRUE(PPercentRule(PPercent(30)).Unsafe(kDMale));   // 75 < 84
  EXPECT_TRUE(PPercentRule(PPercent(70)).Unsafe(kAFemale));
  EXPECT_TRUE(PPercentRule(PPercent(70)).Unsafe(kDMale));
  // Borderline: D/total is safe at p = 70 because 220 >= 0.7 · 280 = 196.
  EXPECT_FALSE(PPercentRule(PPercent(70)).Unsafe(kDTotal));
}

TEST(MagnitudeRulesTest, O6HandbookExample1) {
  const Contributions c{100000, 50000, 49000};
  EXPECT_FALSE(DominanceRule(Dominance(1, 90)).Unsafe(c));  // 50,000 < 90,000
  EXPECT_TRUE(PPercentRule(PPercent(10)).Unsafe(c));        // 1,000 < 5,000
}

TEST(MagnitudeRulesTest, O7HandbookExample2) {
  const Contributions c{110000, 52000, 50000};
  EXPECT_FALSE(PPercentRule(PPercent(10)).Unsafe(c));        // 8,000 >= 5,200
  EXPECT_TRUE(DominanceRule(Dominance(2, 90.9)).Unsafe(c));  // 102,000 > 99,990
}

TEST(MagnitudeRulesTest, O8UpperProtectionOfTheOneEightyFiveRule) {
  // Cell 330 = 300 + 20 + 10: the attacker's upper bound must reach
  // 100/85 · 300 = 352.94, i.e. 22.94 above the cell.
  const Contributions c{330, 300, 20};
  EXPECT_NEAR(DominanceRule(Dominance(1, 85)).UpperProtection(c), 22.94, 0.005);
}

TEST(MagnitudeRulesTest, O9CoxPPercentSafeUpperValue) {
  // Contributions 10M, 6M, 1M; p = 20 %: UPL = 2 - 1 = 1M, so 18M is safe.
  const Contributions c{17, 10, 6};
  EXPECT_TRUE(PPercentRule(PPercent(20)).Unsafe(c));
  EXPECT_DOUBLE_EQ(PPercentRule(PPercent(20)).UpperProtection(c), 1);
}

TEST(MagnitudeRulesTest, BoundaryIsStrict) {
  // Exactly k %: not "> k %", so safe. Exactly p/100 · x1 left: safe.
  EXPECT_FALSE(DominanceRule(Dominance(1, 50)).Unsafe({100, 50, 10}));
  EXPECT_FALSE(PPercentRule(PPercent(10)).Unsafe({115, 100, 5}));  // rest 10 = 10
  EXPECT_TRUE(PPercentRule(PPercent(10)).Unsafe({114, 100, 5}));
  EXPECT_DOUBLE_EQ(DominanceRule(Dominance(1, 50)).UpperProtection({100, 50, 10}), 0);
}

// One cell of a SUM measure with `n` records; `records` are its largest
// two record values; `contributors` (if any) its number of contributors and
// their largest two totals, as the engine's contributor pass gives them.
v1::ComputedTable OneCell(int64_t n, int64_t sum, std::pair<int64_t, int64_t> records,
                          std::vector<int64_t> contributors = {}) {
  v1::ComputedTable table;
  table.add_record_count(n);
  v1::MeasureFacts& facts = *table.add_measures();
  facts.mutable_measure()->set_kind(v1::Measure::SUM);
  facts.mutable_measure()->set_column("ustd");
  facts.add_sum(sum);
  facts.add_largest(records.first);
  facts.add_second_largest(records.second);
  if (!contributors.empty()) {
    facts.add_contributors(contributors[0]);
    facts.add_largest_contributor(contributors[1]);
    facts.add_second_largest_contributor(contributors[2]);
  }
  return table;
}

TEST(MagnitudeRulesTest, RecordsAreTheContributorsWithoutAContributorColumn) {
  // O5 cell 14 (D/male) through a table: 11 records, x1 = 280, x2 = 11.
  const Contributions c = ContributionsOf(OneCell(11, 366, {280, 11}), 0, 0);
  EXPECT_EQ(c.contributors, 11);
  EXPECT_DOUBLE_EQ(c.largest, 280);
  EXPECT_TRUE(DominanceRule(Dominance(2, 75)).Unsafe(c));
  EXPECT_TRUE(PPercentRule(PPercent(30)).Unsafe(c));
  EXPECT_FALSE(PPercentRule(PPercent(10)).Unsafe(c));
}

TEST(MagnitudeRulesTest, O6SplitOverManyRecordsOfTwoContributors) {
  // X = 100,000: 50 records of 1,000 of one school, 49 of another, and ten
  // schools of 100. No record exceeds 1,000, so records look safe; the
  // second school knows its 49,000 and estimates the first within 2 %.
  const v1::ComputedTable table = OneCell(109, 100000, {1000, 1000}, {12, 50000, 49000});
  const PPercentRule p10(PPercent(10));
  v1::ComputedTable as_records = table;
  as_records.mutable_measures(0)->clear_contributors();
  as_records.mutable_measures(0)->clear_largest_contributor();
  as_records.mutable_measures(0)->clear_second_largest_contributor();
  EXPECT_FALSE(p10.Unsafe(ContributionsOf(as_records, 0, 0)));
  const Contributions c = ContributionsOf(table, 0, 0);
  EXPECT_EQ(c.contributors, 12);
  EXPECT_TRUE(p10.Unsafe(c));  // rest 1,000 < 5,000
  EXPECT_DOUBLE_EQ(p10.UpperProtection(c), 4000);
  EXPECT_FALSE(DominanceRule(Dominance(1, 90)).Unsafe(c));  // 50,000 <= 90,000
}

TEST(MagnitudeRulesTest, O8UpperProtectionFromContributorTotals) {
  // Cell 330 = 300 + 20 + 10, the 300 of one contributor as three records
  // of 100: (1,85) flags it only by contributors, and the level is 22.94.
  const v1::ComputedTable table = OneCell(5, 330, {100, 100}, {3, 300, 20});
  EXPECT_EQ(DominanceRule(Dominance(1, 85)).UpperProtection(
                ContributionsOf(OneCell(5, 330, {100, 100}), 0, 0)),
            0);
  EXPECT_NEAR(DominanceRule(Dominance(1, 85)).UpperProtection(ContributionsOf(table, 0, 0)), 22.94,
              0.005);
}

TEST(MagnitudeRulesTest, O9CoxWithFirmsOfManyRecords) {
  // Firms of 10, 6 and 1 (millions), each as records of at most 1: p = 20
  // flags the cell by firms, with UPL 1, so 18 is the safe upper value.
  const Contributions c = ContributionsOf(OneCell(17, 17, {1, 1}, {3, 10, 6}), 0, 0);
  EXPECT_TRUE(PPercentRule(PPercent(20)).Unsafe(c));
  EXPECT_DOUBLE_EQ(PPercentRule(PPercent(20)).UpperProtection(c), 1);
  EXPECT_FALSE(PPercentRule(PPercent(20)).Unsafe(ContributionsOf(OneCell(17, 17, {1, 1}), 0, 0)));
}

TEST(MagnitudeRulesTest, MinContributorsBoundary) {
  // Unsafe iff 0 < c < min: c = min is published, an empty cell too.
  const MinContributorsRule rule(3);
  EXPECT_TRUE(rule.Unsafe(ContributionsOf(OneCell(40, 900, {30, 30}, {2, 500, 400}), 0, 0)));
  EXPECT_FALSE(rule.Unsafe(ContributionsOf(OneCell(40, 900, {30, 30}, {3, 500, 300}), 0, 0)));
  EXPECT_FALSE(rule.Unsafe(ContributionsOf(OneCell(0, 0, {0, 0}, {0, 0, 0}), 0, 0)));
  // Without a contributor column, records count.
  EXPECT_TRUE(rule.Unsafe(ContributionsOf(OneCell(2, 900, {500, 400}), 0, 0)));
  EXPECT_FALSE(rule.Unsafe(ContributionsOf(OneCell(40, 900, {30, 30}), 0, 0)));
}

TEST(MagnitudeRulesTest, MarkUsesContributorsOfEachSumMeasure) {
  v1::ComputedTable table = OneCell(40, 900, {30, 30}, {2, 500, 400});
  table.add_record_count(40);
  v1::MeasureFacts& facts = *table.mutable_measures(0);
  facts.add_sum(900);
  facts.add_largest(30);
  facts.add_second_largest(30);
  facts.add_contributors(5);
  facts.add_largest_contributor(300);
  facts.add_second_largest_contributor(200);
  CellMarks marks(2);
  MinContributorsRule(3).Mark(table, marks);
  EXPECT_TRUE(marks.suppressed(0));
  EXPECT_FALSE(marks.suppressed(1));
  EXPECT_EQ(marks.rule_id(0), MinContributorsRule::kId);
}

}  // namespace
}  // namespace cellgate::policies
