#include "policies/table_protector.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/lp/solver_thread.h"
#include "policies/policy_loader.h"
#include "policies/testing/hierarchical_tables.h"
#include "policies/testing/solver_thread_hold.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::DisclosurePolicy Policy(int k) {
  v1::DisclosurePolicy policy;
  policy.set_id("test");
  policy.set_version(2);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(k);
  return policy;
}

v1::DisclosurePolicy PolicyWithSensitive(const std::string& dimension, int k) {
  v1::DisclosurePolicy policy = Policy(3);
  v1::DimensionThreshold& d = *policy.mutable_threshold()->add_per_dimension();
  d.set_dimension(dimension);
  d.set_k(k);
  return policy;
}

// An axis with the given codes; "_T" becomes the total.
v1::Axis MakeAxis(const std::string& dimension, const std::vector<std::string>& codes) {
  v1::Axis axis;
  axis.set_dimension(dimension);
  for (const std::string& code : codes) {
    v1::AxisEntry& entry = *axis.add_entries();
    entry.set_code(code);
    entry.set_is_total(code == "_T");
    entry.set_parent(-1);
  }
  return axis;
}

// A one-axis table with cells "c0", "c1", ... holding `counts`, and a COUNT
// measure.
v1::ComputedTable CountTable(const std::vector<int64_t>& counts) {
  v1::ComputedTable table;
  table.set_dataset("schueler");
  table.set_dataset_version(4);
  table.set_dataset_version_hash("ab12");
  std::vector<std::string> codes;
  for (size_t i = 0; i < counts.size(); ++i) codes.push_back("c" + std::to_string(i));
  *table.add_axes() = MakeAxis("schule", codes);
  for (int64_t n : counts) table.add_record_count(n);
  v1::MeasureFacts& count = *table.add_measures();
  count.mutable_measure()->set_kind(v1::Measure::COUNT);
  count.set_label("Anzahl");
  return table;
}

// Adds a SUM or MEAN measure over column "stunden" with per-cell `sums`
// (scaled by 10^decimals) and made-up largest contributions.
void AddMeasure(v1::ComputedTable& table, v1::Measure::Kind kind, int decimals,
                const std::vector<int64_t>& sums) {
  v1::MeasureFacts& facts = *table.add_measures();
  facts.mutable_measure()->set_kind(kind);
  facts.mutable_measure()->set_column("stunden");
  facts.set_label(kind == v1::Measure::SUM ? "Summe Stunden" : "Mittel Stunden");
  facts.set_decimals(decimals);
  for (int64_t sum : sums) {
    facts.add_sum(sum);
    facts.add_largest(sum / 2);
    facts.add_second_largest(sum / 4);
  }
}

v1::ReleaseDecision ProtectOrDie(const v1::DisclosurePolicy& policy,
                                 const v1::ComputedTable& table) {
  absl::StatusOr<TableProtector> protector = TableProtector::Create(policy);
  EXPECT_TRUE(protector.ok()) << protector.status();
  absl::StatusOr<v1::ReleaseDecision> decision = protector->Protect(table);
  EXPECT_TRUE(decision.ok()) << decision.status();
  return decision.ok() ? *decision : v1::ReleaseDecision();
}

const v1::CellValue& Value(const v1::ReleaseDecision& d, int cell, int measure = 0) {
  return d.table().cells(cell).values(measure);
}

TEST(TableProtectorTest, CopiesTableIdentityAndPolicyIdentity) {
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), CountTable({5}));
  EXPECT_EQ(d.table().dataset(), "schueler");
  EXPECT_EQ(d.table().dataset_version(), 4);
  EXPECT_EQ(d.table().dataset_version_hash(), "ab12");
  EXPECT_EQ(d.table().policy_id(), "test");
  EXPECT_EQ(d.table().policy_version(), 2);
  v1::DisclosurePolicy validated = Policy(3);
  ASSERT_OK(ValidatePolicy(validated));
  EXPECT_EQ(d.table().policy_hash(), PolicyHash(validated));
  ASSERT_EQ(d.table().axes_size(), 1);
  EXPECT_EQ(d.table().axes(0).dimension(), "schule");
}

TEST(TableProtectorTest, AppliesThresholdBoundariesWithKThree) {
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), CountTable({0, 1, 2, 3}));
  ASSERT_EQ(d.table().cells_size(), 4);
  EXPECT_EQ(Value(d, 0).status(), v1::ZERO);
  EXPECT_EQ(Value(d, 0).value(), 0);
  EXPECT_EQ(Value(d, 1).status(), v1::SUPPRESSED);
  EXPECT_EQ(Value(d, 1).value(), 0) << "a suppressed cell carries no value";
  EXPECT_EQ(Value(d, 2).status(), v1::SUPPRESSED);
  EXPECT_EQ(Value(d, 2).value(), 0);
  EXPECT_EQ(Value(d, 3).status(), v1::PUBLISHED);
  EXPECT_EQ(Value(d, 3).value(), 3);
}

TEST(TableProtectorTest, SensitiveDimensionOfTheTableRaisesK) {
  const v1::DisclosurePolicy policy = PolicyWithSensitive("bmi_kat", 5);
  v1::ComputedTable plain = CountTable({4});
  v1::ComputedTable sensitive = CountTable({4});
  sensitive.add_sensitive_dimensions("bmi_kat");

  EXPECT_EQ(Value(ProtectOrDie(policy, plain), 0).status(), v1::PUBLISHED);
  EXPECT_EQ(Value(ProtectOrDie(policy, sensitive), 0).status(), v1::SUPPRESSED);
}

TEST(TableProtectorTest, PublishesSumAndMeanScaledByDecimals) {
  // 4 records, sum 45.5 stored as 455 with one decimal. (n = 2, as in
  // 45.5 / 2, would be suppressed: k is at least 3.)
  v1::ComputedTable table = CountTable({4});
  AddMeasure(table, v1::Measure::SUM, 1, {455});
  AddMeasure(table, v1::Measure::MEAN, 1, {455});
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), table);
  EXPECT_EQ(Value(d, 0, 0).value(), 4);
  EXPECT_EQ(Value(d, 0, 1).status(), v1::PUBLISHED);
  EXPECT_DOUBLE_EQ(Value(d, 0, 1).value(), 45.5);
  EXPECT_EQ(Value(d, 0, 2).status(), v1::PUBLISHED);
  EXPECT_DOUBLE_EQ(Value(d, 0, 2).value(), 11.375);
}

TEST(TableProtectorTest, PublishesEmptyCellAsZeroAndItsMeanAsNotApplicable) {
  v1::ComputedTable table = CountTable({0});
  AddMeasure(table, v1::Measure::SUM, 1, {0});
  AddMeasure(table, v1::Measure::MEAN, 1, {0});
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), table);
  EXPECT_EQ(Value(d, 0, 0).status(), v1::ZERO);
  EXPECT_EQ(Value(d, 0, 1).status(), v1::ZERO);
  EXPECT_EQ(Value(d, 0, 2).status(), v1::NOT_APPLICABLE);
  EXPECT_EQ(Value(d, 0, 2).value(), 0);
}

TEST(TableProtectorTest, SuppressedCellSuppressesEveryMeasure) {
  v1::ComputedTable table = CountTable({1});
  AddMeasure(table, v1::Measure::SUM, 0, {37});
  AddMeasure(table, v1::Measure::MEAN, 0, {37});
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), table);
  ASSERT_EQ(d.table().cells(0).values_size(), 3);
  for (const v1::CellValue& value : d.table().cells(0).values()) {
    EXPECT_EQ(value.status(), v1::SUPPRESSED);
    EXPECT_EQ(value.value(), 0);
  }
}

TEST(TableProtectorTest, ReleasedMeasuresCarryNoFacts) {
  v1::ComputedTable table = CountTable({4, 6});
  AddMeasure(table, v1::Measure::SUM, 2, {1000, 2000});
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), table);
  ASSERT_EQ(d.table().measures_size(), 2);
  for (int i = 0; i < d.table().measures_size(); ++i) {
    const v1::MeasureFacts& m = d.table().measures(i);
    EXPECT_EQ(m.sum_size(), 0) << i;
    EXPECT_EQ(m.largest_size(), 0) << i;
    EXPECT_EQ(m.second_largest_size(), 0) << i;
  }
  const v1::MeasureFacts& sum = d.table().measures(1);
  EXPECT_EQ(sum.measure().kind(), v1::Measure::SUM);
  EXPECT_EQ(sum.measure().column(), "stunden");
  EXPECT_EQ(sum.label(), "Summe Stunden");
  EXPECT_EQ(sum.decimals(), 2);
}

TEST(TableProtectorTest, GivesEachCellOneCodePerAxisInRowMajorOrder) {
  v1::ComputedTable table;
  *table.add_axes() = MakeAxis("stadtteil", {"01", "02", "_T"});
  *table.add_axes() = MakeAxis("geschlecht", {"m", "w", "_T"});
  for (int64_t n : {5, 4, 9, 3, 6, 9, 8, 10, 18}) table.add_record_count(n);
  table.add_measures()->mutable_measure()->set_kind(v1::Measure::COUNT);
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), table);
  ASSERT_EQ(d.table().cells_size(), 9);
  std::vector<std::vector<std::string>> codes;
  for (const v1::ReleasedCell& cell : d.table().cells()) {
    codes.emplace_back(cell.codes().begin(), cell.codes().end());
  }
  EXPECT_THAT(codes,
              ElementsAre(ElementsAre("01", "m"), ElementsAre("01", "w"), ElementsAre("01", "_T"),
                          ElementsAre("02", "m"), ElementsAre("02", "w"), ElementsAre("02", "_T"),
                          ElementsAre("_T", "m"), ElementsAre("_T", "w"), ElementsAre("_T", "_T")));
  EXPECT_EQ(Value(d, 5).value(), 9);  // cell ("02", "_T")
}

TEST(TableProtectorTest, TableWithoutAxesHasOneCellWithoutCodes) {
  v1::ComputedTable table;
  table.add_record_count(12);
  table.add_measures()->mutable_measure()->set_kind(v1::Measure::COUNT);
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), table);
  ASSERT_EQ(d.table().cells_size(), 1);
  EXPECT_THAT(d.table().cells(0).codes(), IsEmpty());
  EXPECT_EQ(Value(d, 0).value(), 12);
}

TEST(TableProtectorTest, CountsCellsByStatusAndListsFiringRules) {
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), CountTable({0, 1, 2, 3, 7, 0}));
  EXPECT_EQ(d.counts().cells(), 6);
  EXPECT_EQ(d.counts().published(), 2);
  EXPECT_EQ(d.counts().zero(), 2);
  EXPECT_EQ(d.counts().suppressed_primary(), 2);
  EXPECT_EQ(d.counts().suppressed_secondary(), 0);
  EXPECT_EQ(d.counts().not_applicable(), 0);
  EXPECT_THAT(d.rule_ids(), ElementsAre("threshold"));
}

// Three schools and their total, nothing small: 10 + 20 + 30 = 60.
v1::ComputedTable SchoolsWithTotal() {
  v1::ComputedTable table = CountTable({10, 20, 30, 60});
  v1::Axis& axis = *table.mutable_axes(0);
  axis.mutable_entries(3)->set_code("_T");
  axis.mutable_entries(3)->set_is_total(true);
  for (int e = 0; e < 3; ++e) axis.mutable_entries(e)->set_parent(3);
  return table;
}

// Regression: Stadtteil x sex with margins, where a whole row (2 pupils)
// is primary. Already suppressed cells cost nothing, so the protection LP
// could move a cell by more than its level, and the certificate check
// refused the table with INTERNAL.
TEST(TableProtectorTest, CertificatesMoveACellByExactlyItsLevelWhenMoreWouldCostNothing) {
  v1::ComputedTable table;
  table.set_dataset("schueler");
  v1::Axis stadtteil = MakeAxis("stadtteil", {"1", "2", "3", "4", "_T"});
  v1::Axis sex = MakeAxis("sex", {"m", "w", "_T"});
  for (int e = 0; e < 4; ++e) stadtteil.mutable_entries(e)->set_parent(4);
  for (int e = 0; e < 2; ++e) sex.mutable_entries(e)->set_parent(2);
  *table.add_axes() = stadtteil;
  *table.add_axes() = sex;
  for (int64_t n : {20, 20, 40, 1, 1, 2, 1, 29, 30, 12, 13, 25, 34, 63, 97}) {
    table.add_record_count(n);
  }
  table.add_measures()->mutable_measure()->set_kind(v1::Measure::COUNT);
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), table);
  ASSERT_EQ(d.table().cells_size(), 15);
  EXPECT_EQ(Value(d, 5).status(), v1::SUPPRESSED);  // Stadtteil 2's total of 2
  EXPECT_EQ(Value(d, 14).status(), v1::PUBLISHED);
}

TEST(TableProtectorTest, SumsAuditedBesideTheCountsGiveTheSameDecisionAsInline) {
  // 11 x 11 cells with margins, a third of the leaves below k: enough
  // suppressed cells for the sums to be audited on the solver thread.
  const testing::TestTable counts =
      testing::RandomCounts({testing::FlatAxis(10), testing::FlatAxis(10)}, 7);
  v1::ComputedTable table;
  table.set_dataset("schueler");
  *table.mutable_axes() = counts.Axes();
  std::vector<int64_t> sums;
  for (double n : counts.values) {
    table.add_record_count(static_cast<int64_t>(n));
    sums.push_back(static_cast<int64_t>(n) * 70);
  }
  table.add_measures()->mutable_measure()->set_kind(v1::Measure::COUNT);
  AddMeasure(table, v1::Measure::SUM, 1, sums);
  const int64_t tasks_before = SolverThread::Shared().tasks_run();
  const v1::ReleaseDecision beside = ProtectOrDie(Policy(3), table);
  EXPECT_EQ(SolverThread::Shared().tasks_run(), tasks_before + 1);
  EXPECT_GE(beside.counts().suppressed_primary() + beside.counts().suppressed_secondary(), 32);
  // Both measures audited, counts first.
  ASSERT_GT(beside.audit_size(), 0);
  EXPECT_EQ(beside.audit(0).measure(), "count");
  EXPECT_EQ(beside.audit(beside.audit_size() - 1).measure(), "sum:stunden");
  // The same again while another caller holds the solver thread: audited
  // inline, the same decision.
  v1::ReleaseDecision inline_decision;
  {
    testing::SolverThreadHold hold;
    inline_decision = ProtectOrDie(Policy(3), table);
  }
  EXPECT_EQ(SolverThread::Shared().tasks_run(), tasks_before + 2);  // only the hold's
  EXPECT_EQ(inline_decision.SerializeAsString(), beside.SerializeAsString());
}

TEST(TableProtectorLedgerTest, LedgerCellIsSuppressedWithAPartnerAndLooksSecondary) {
  ASSERT_OK_AND_ASSIGN(TableProtector protector, TableProtector::Create(Policy(3)));
  ASSERT_OK_AND_ASSIGN(v1::ReleaseDecision plain, protector.Protect(SchoolsWithTotal()));
  EXPECT_EQ(Value(plain, 0).status(), v1::PUBLISHED);
  // Earlier releases need school 0 to be able to hold 2 more pupils.
  LedgerConstraints ledger;
  ledger.protect.push_back({0, 0, 2});
  ASSERT_OK_AND_ASSIGN(v1::ReleaseDecision d,
                       protector.Protect(SchoolsWithTotal(), absl::InfiniteFuture(), ledger));
  EXPECT_EQ(Value(d, 0).status(), v1::SUPPRESSED);
  // Alone it would be 60 - 20 - 30: a partner school is suppressed too.
  EXPECT_EQ(d.counts().suppressed_secondary(), 2);
  EXPECT_EQ(d.counts().suppressed_primary(), 0);
  EXPECT_THAT(d.rule_ids(), ElementsAre("secondary", "ledger"));
  ASSERT_EQ(d.audit_size(), 1);
  EXPECT_GE(d.audit(0).upper(), 12);
  EXPECT_FALSE(d.audit(0).primary());
}

TEST(TableProtectorLedgerTest, KeptSuppressionNeedsNoPartnerAndEmptyCellsAreRejected) {
  ASSERT_OK_AND_ASSIGN(TableProtector protector, TableProtector::Create(Policy(3)));
  LedgerConstraints keep;
  keep.keep_suppressed = {3};  // the total, suppressed before
  ASSERT_OK_AND_ASSIGN(v1::ReleaseDecision d,
                       protector.Protect(SchoolsWithTotal(), absl::InfiniteFuture(), keep));
  EXPECT_EQ(Value(d, 3).status(), v1::SUPPRESSED);
  EXPECT_EQ(d.counts().suppressed_secondary(), 1);
  LedgerConstraints empty_cell;
  empty_cell.keep_suppressed = {0};
  EXPECT_THAT(protector.Protect(CountTable({0, 5}), absl::InfiniteFuture(), empty_cell),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cell 0")));
}

TEST(TableProtectorTest, ListsNoRuleWhenNothingIsSuppressed) {
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), CountTable({0, 3, 9}));
  EXPECT_EQ(d.counts().suppressed_primary(), 0);
  EXPECT_THAT(d.rule_ids(), IsEmpty());
}

TEST(TableProtectorTest, CountsByTheFirstMeasure) {
  v1::ComputedTable table;
  *table.add_axes() = MakeAxis("schule", {"a", "b", "c"});
  for (int64_t n : {0, 1, 5}) table.add_record_count(n);
  AddMeasure(table, v1::Measure::MEAN, 0, {0, 3, 50});
  const v1::ReleaseDecision d = ProtectOrDie(Policy(3), table);
  EXPECT_EQ(d.counts().cells(), 3);
  EXPECT_EQ(d.counts().not_applicable(), 1);
  EXPECT_EQ(d.counts().zero(), 0);
  EXPECT_EQ(d.counts().suppressed_primary(), 1);
  EXPECT_EQ(d.counts().published(), 1);
}

TEST(TableProtectorTest, SameTableGivesSameDecision) {
  v1::ComputedTable table = CountTable({0, 1, 4});
  AddMeasure(table, v1::Measure::MEAN, 1, {0, 5, 100});
  const v1::ReleaseDecision first = ProtectOrDie(Policy(3), table);
  const v1::ReleaseDecision second = ProtectOrDie(Policy(3), table);
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
}

TEST(TableProtectorTest, RejectsCellCountThatDoesNotMatchAxes) {
  v1::ComputedTable table = CountTable({5, 5});
  table.add_record_count(5);
  ASSERT_OK_AND_ASSIGN(const TableProtector protector, TableProtector::Create(Policy(3)));
  EXPECT_THAT(protector.Protect(table),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("3 record counts for 2 cells")));
}

TEST(TableProtectorTest, RejectsSumMeasureWithoutSums) {
  v1::ComputedTable table = CountTable({5, 5});
  AddMeasure(table, v1::Measure::SUM, 0, {10});
  ASSERT_OK_AND_ASSIGN(const TableProtector protector, TableProtector::Create(Policy(3)));
  EXPECT_THAT(protector.Protect(table),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("1 sums for 2 cells")));
}

TEST(TableProtectorTest, CreateRejectsInvalidPolicy) {
  EXPECT_THAT(TableProtector::Create(Policy(2)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("threshold.k")));
}

}  // namespace
}  // namespace cellgate::policies

namespace cellgate::policies {
namespace {

// Three schools and their total; the sum of teaching hours of school c1 is
// dominated by one contribution (90 of 100).
v1::ComputedTable DominatedSumTable() {
  v1::ComputedTable table;
  table.set_dataset("schulen");
  v1::Axis& axis = *table.add_axes();
  axis.set_dimension("schule");
  for (const char* code : {"c0", "c1", "c2"}) {
    v1::AxisEntry& e = *axis.add_entries();
    e.set_code(code);
    e.set_parent(3);
  }
  v1::AxisEntry& total = *axis.add_entries();
  total.set_code("_T");
  total.set_is_total(true);
  total.set_parent(-1);
  for (int64_t n : {10, 10, 12, 32}) table.add_record_count(n);
  v1::MeasureFacts& sum = *table.add_measures();
  sum.mutable_measure()->set_kind(v1::Measure::SUM);
  sum.mutable_measure()->set_column("stunden");
  const int64_t sums[] = {200, 100, 240, 540};
  const int64_t largest[] = {30, 90, 25, 90};
  const int64_t second[] = {25, 2, 24, 30};
  for (int c = 0; c < 4; ++c) {
    sum.add_sum(sums[c]);
    sum.add_largest(largest[c]);
    sum.add_second_largest(second[c]);
  }
  return table;
}

TEST(TableProtectorMagnitudeTest, DominatedSumIsSuppressedAndProtectedToItsUpperLevel) {
  v1::DisclosurePolicy policy;
  policy.set_id("schulen");
  policy.set_version(1);
  policy.set_dataset("schulen");
  policy.mutable_magnitude()->mutable_dominance()->set_n(1);
  policy.mutable_magnitude()->mutable_dominance()->set_k(85);
  ASSERT_OK_AND_ASSIGN(TableProtector protector, TableProtector::Create(policy));
  ASSERT_OK_AND_ASSIGN(v1::ReleaseDecision decision, protector.Protect(DominatedSumTable()));
  const v1::ReleasedTable& t = decision.table();
  EXPECT_EQ(t.cells(1).values(0).status(), v1::SUPPRESSED);
  // c1 alone would be 540 - 200 - 240; one more school is suppressed.
  int suppressed = 0;
  for (const v1::ReleasedCell& cell : t.cells()) suppressed += cell.values(0).status() == v1::SUPPRESSED;
  EXPECT_EQ(suppressed, 2);
  EXPECT_EQ(t.cells(3).values(0).status(), v1::PUBLISHED);
  EXPECT_THAT(decision.rule_ids(), ElementsAre("dominance", "secondary"));
  // The attacker's upper bound for c1 must reach 100/85 · 90 = 105.9.
  ASSERT_EQ(decision.audit_size(), 1);
  EXPECT_EQ(decision.audit(0).measure(), "sum:stunden");
  EXPECT_TRUE(decision.audit(0).exact());
  EXPECT_GE(decision.audit(0).upper(), 106);
  // The counts were never sensitive here: no count audit.
  EXPECT_EQ(decision.counts().suppressed_primary(), 1);
}

TEST(TableProtectorMagnitudeTest, SecretParametersAreNotEchoedInErrors) {
  v1::DisclosurePolicy policy = Policy(3);
  policy.mutable_magnitude()->mutable_dominance()->set_n(1);
  policy.mutable_magnitude()->mutable_dominance()->set_k(123.456);
  const absl::StatusOr<TableProtector> protector = TableProtector::Create(policy);
  EXPECT_THAT(protector, StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("magnitude.dominance.k")));
  EXPECT_THAT(std::string(protector.status().message()), ::testing::Not(HasSubstr("123")));
}

}  // namespace
}  // namespace cellgate::policies

namespace cellgate::policies {
namespace {

// Staatsangehörigkeit × Abschluss (sensitive), with totals. All 4
// non-German pupils left without a qualification: 4 >= k, but 100 % of a
// small group.
v1::ComputedTable AllOfASmallGroup() {
  v1::ComputedTable table;
  table.set_dataset("abgang");
  auto axis = [&](const std::string& name, const std::vector<std::string>& codes) {
    v1::Axis& a = *table.add_axes();
    a.set_dimension(name);
    for (const std::string& code : codes) {
      v1::AxisEntry& e = *a.add_entries();
      e.set_code(code);
      e.set_is_total(code == "_T");
      e.set_parent(code == "_T" ? -1 : static_cast<int>(codes.size()) - 1);
    }
  };
  axis("staatsangehoerigkeit", {"d", "nd", "_T"});
  axis("abschluss", {"ohne", "mit", "_T"});
  table.add_sensitive_dimensions("abschluss");
  //                 ohne mit  T
  for (int64_t n : {5, 20, 25,    // d
                    4, 0, 4,      // nd
                    9, 20, 29}) { // T
    table.add_record_count(n);
  }
  table.add_measures()->mutable_measure()->set_kind(v1::Measure::COUNT);
  return table;
}

TEST(TableProtectorGroupDisclosureTest, HundredPercentOfASmallGroupIsSuppressedAndProtected) {
  v1::DisclosurePolicy policy = Policy(3);
  // Baseline without the rule: the table says all 4 left without one.
  ASSERT_OK_AND_ASSIGN(TableProtector plain, TableProtector::Create(policy));
  ASSERT_OK_AND_ASSIGN(v1::ReleaseDecision open, plain.Protect(AllOfASmallGroup()));
  EXPECT_EQ(open.table().cells(3).values(0).status(), v1::PUBLISHED);
  EXPECT_EQ(open.table().cells(5).values(0).value(), 4);

  policy.mutable_group_disclosure()->set_min_group(10);
  ASSERT_OK_AND_ASSIGN(TableProtector protector, TableProtector::Create(policy));
  ASSERT_OK_AND_ASSIGN(v1::ReleaseDecision decision, protector.Protect(AllOfASmallGroup()));
  EXPECT_EQ(decision.table().cells(3).values(0).status(), v1::SUPPRESSED);
  EXPECT_THAT(decision.rule_ids(), ::testing::Contains("group_disclosure"));
  // The group total cannot stay next to a published zero, or nd/ohne would
  // follow; the audit shows that "3 of 4" stays possible.
  EXPECT_EQ(decision.table().cells(5).values(0).status(), v1::SUPPRESSED);
  ASSERT_GE(decision.audit_size(), 1);
  EXPECT_EQ(decision.audit(0).cell(), 3);
  EXPECT_LE(decision.audit(0).lower(), 3);
}

}  // namespace
}  // namespace cellgate::policies

namespace cellgate::policies {
namespace {

TEST(TableProtectorRoundingTest, FiveRoundingDeviatesAtMostTwoAndKeepsZerosAndSuppressions) {
  // O13: Destatis 5er-Rundung, maximum deviation 2.
  std::vector<int64_t> counts;
  for (int64_t n = 0; n <= 60; ++n) counts.push_back(n);
  v1::DisclosurePolicy policy = Policy(3);
  policy.mutable_rounding()->set_base(5);
  ASSERT_OK_AND_ASSIGN(TableProtector protector, TableProtector::Create(policy));
  ASSERT_OK_AND_ASSIGN(v1::ReleaseDecision decision, protector.Protect(CountTable(counts)));
  for (int64_t n = 0; n <= 60; ++n) {
    const v1::CellValue& v = decision.table().cells(n).values(0);
    if (n == 0) {
      EXPECT_EQ(v.status(), v1::ZERO);
    } else if (n < 3) {
      EXPECT_EQ(v.status(), v1::SUPPRESSED);
    } else {
      EXPECT_EQ(v.status(), v1::ROUNDED) << n;
      EXPECT_EQ(static_cast<int64_t>(v.value()) % 5, 0) << n;
      EXPECT_LE(std::abs(v.value() - static_cast<double>(n)), 2) << n;
    }
  }
  EXPECT_EQ(decision.table().cells(12).values(0).value(), 10);
  EXPECT_EQ(decision.table().cells(13).values(0).value(), 15);
}

TEST(TableProtectorRoundingTest, BadBaseIsRejected) {
  v1::DisclosurePolicy policy = Policy(3);
  policy.mutable_rounding()->set_base(1);
  EXPECT_THAT(TableProtector::Create(policy),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rounding.base is 1")));
}

}  // namespace
}  // namespace cellgate::policies

namespace cellgate::policies {
namespace {

// DominatedSumTable with contributor facts: no record of school c1 is
// larger than 10 hours, but one contributor (a Kursleiter) has 90 of its
// 100, in many records; everywhere else contributors are small.
v1::ComputedTable ContributorSumTable() {
  v1::ComputedTable table = DominatedSumTable();
  v1::MeasureFacts& sum = *table.mutable_measures(0);
  sum.set_largest(1, 10);
  sum.set_second_largest(1, 10);
  sum.set_largest(3, 30);
  const int64_t contributors[] = {6, 2, 7, 14};
  const int64_t largest[] = {60, 90, 70, 90};
  const int64_t second[] = {50, 10, 60, 70};
  for (int c = 0; c < 4; ++c) {
    sum.add_contributors(contributors[c]);
    sum.add_largest_contributor(largest[c]);
    sum.add_second_largest_contributor(second[c]);
  }
  return table;
}

v1::DisclosurePolicy DominanceOneEightyFive() {
  v1::DisclosurePolicy policy = Policy(3);
  policy.mutable_magnitude()->mutable_dominance()->set_n(1);
  policy.mutable_magnitude()->mutable_dominance()->set_k(85);
  policy.mutable_protection()->set_sum_percent(1);  // so the rule's level shows
  return policy;
}

TEST(TableProtectorContributorTest, ContributorTotalsDecideWhereRecordsLookSafe) {
  ASSERT_OK_AND_ASSIGN(TableProtector protector, TableProtector::Create(DominanceOneEightyFive()));
  v1::ComputedTable records_only = ContributorSumTable();
  records_only.mutable_measures(0)->clear_contributors();
  records_only.mutable_measures(0)->clear_largest_contributor();
  records_only.mutable_measures(0)->clear_second_largest_contributor();
  ASSERT_OK_AND_ASSIGN(const v1::ReleaseDecision as_records, protector.Protect(records_only));
  EXPECT_EQ(as_records.counts().suppressed_primary(), 0);
  ASSERT_OK_AND_ASSIGN(const v1::ReleaseDecision decision,
                       protector.Protect(ContributorSumTable()));
  EXPECT_EQ(decision.table().cells(1).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(decision.counts().suppressed_primary(), 1);
  EXPECT_THAT(decision.rule_ids(), ElementsAre("dominance", "secondary"));
  // The upper protection level from the contributor's 90 hours:
  // 100/85 · 90 − 100 = 5.88, so the attacker must not exclude 106.
  ASSERT_EQ(decision.audit_size(), 1);
  EXPECT_EQ(decision.audit(0).cell(), 1);
  EXPECT_GE(decision.audit(0).upper(), 106);
  EXPECT_LE(decision.audit(0).lower(), 94);
}

TEST(TableProtectorContributorTest, TooFewContributorsAreSuppressed) {
  v1::DisclosurePolicy policy = Policy(3);
  policy.mutable_magnitude()->set_min_contributors(3);
  ASSERT_OK_AND_ASSIGN(TableProtector protector, TableProtector::Create(policy));
  ASSERT_OK_AND_ASSIGN(const v1::ReleaseDecision decision,
                       protector.Protect(ContributorSumTable()));
  // c1 has 10 records but only 2 contributors; exactly 3 would be safe.
  EXPECT_EQ(decision.table().cells(1).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(decision.counts().suppressed_primary(), 1);
  EXPECT_THAT(decision.rule_ids(), ElementsAre("min_contributors", "secondary"));
  ASSERT_EQ(decision.audit_size(), 1);
  EXPECT_GE(decision.audit(0).upper(), 110);  // the sum_percent level, 10 %
}

}  // namespace
}  // namespace cellgate::policies
