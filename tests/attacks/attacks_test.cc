// The attack suite: each attack combines several released tables. It is
// first shown to succeed against the baseline (the same pipeline, data and
// per-table rules, without the release ledger), then to fail against
// cellgate. The attacker solves her own LP over every combination of codes
// (attack_world.h); k = 3, so a set of 1 or 2 pupils must stay able to
// hold 3.
#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/attacks/attack_world.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::attacks {
namespace {

using Set = std::map<std::string, std::vector<std::string>>;

// Stadtteil 1 (Sozialraum A): 40 pupils; one girl at school s4 (kSecret days
// absent). Stadtteil 2 (A): one boy and one girl. Stadtteil 3 (B): one boy
// and 29 girls. Stadtteil 4 (B): 12 boys and 13 girls, 5 of them non-German.
// The lone pupil's days absent: a value no figure or message of cellgate
// may ever carry.
constexpr int kSecret = 4711;

std::vector<Pupil> Musterschulen() {
  std::vector<Pupil> pupils;
  auto add = [&](int n, const std::string& st, const std::string& school, const std::string& sex,
                 const std::string& nat = "de", int fehltage = 3) {
    for (int i = 0; i < n; ++i) pupils.push_back({st, school, sex, nat, fehltage + i % 5});
  };
  add(10, "1", "s1", "m");
  add(10, "1", "s1", "w");
  add(10, "1", "s2", "m");
  add(9, "1", "s2", "w");
  add(1, "1", "s4", "w", "de", kSecret);
  add(1, "2", "s3", "m");
  add(1, "2", "s3", "w");
  add(1, "3", "s3", "m");
  add(29, "3", "s3", "w");
  add(6, "4", "s2", "m", "nd");
  add(6, "4", "s2", "w");
  add(6, "4", "s3", "m");
  add(7, "4", "s3", "w");
  return pupils;
}

constexpr double kK = 3;

class AttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(world_, AttackWorld::Create(Musterschulen()));
    baseline_ = std::make_unique<Attacker>(world_->schema());
    cellgate_ = std::make_unique<Attacker>(world_->schema());
  }

  // Asks `ask` of both pipelines; each attacker learns what her pipeline
  // released. cellgate may refuse (then nothing is learned), never fail
  // otherwise.
  void Both(const Ask& ask, const std::string& department = "schulamt", int64_t version = 0) {
    absl::StatusOr<v1::QueryResponse> base = world_->Baseline(ask, department, version);
    ASSERT_OK(base.status());
    baseline_->Learn(ToQuery(ask), base->table());
    absl::StatusOr<v1::QueryResponse> safe = world_->Cellgate(ask, department, version);
    EXPECT_THAT(std::string(safe.status().message()),
                ::testing::Not(::testing::HasSubstr(std::to_string(kSecret))));
    if (safe.ok()) {
      cellgate_->Learn(ToQuery(ask), safe->table());
      last_cellgate_ = safe->table();
    } else {
      ASSERT_EQ(safe.status().code(), absl::StatusCode::kFailedPrecondition) << safe.status();
      last_cellgate_.Clear();
    }
  }

  void TearDown() override {
    // Nothing the DPO reads about refusals (reasons, notes) carries the
    // seeded secret either.
    absl::StatusOr<v1::AuditRecord> last = world_->LastAuditRecord();
    ASSERT_OK(last.status());
    EXPECT_THAT(last->reason(), ::testing::Not(::testing::HasSubstr(std::to_string(kSecret))));
    EXPECT_THAT(last->ledger_audit().note(),
                ::testing::Not(::testing::HasSubstr(std::to_string(kSecret))));
  }

  std::unique_ptr<AttackWorld> world_;
  std::unique_ptr<Attacker> baseline_;
  std::unique_ptr<Attacker> cellgate_;
  v1::ReleasedTable last_cellgate_;
};

// 1. A Stadtteil total, then the same without one school.
TEST_F(AttackTest, DifferencingNestedFilters) {
  Both({.filters = {{"stadtteil", {"1"}}}});
  Both({.filters = {{"stadtteil", {"1"}}, {"schule", {"s1", "s2", "s3"}}}});
  const Set girl_at_s4 = {{"stadtteil", {"1"}}, {"schule", {"s4"}}};
  EXPECT_EQ(baseline_->CountOf(girl_at_s4).upper, 1);  // 40 - 39: she is alone
  EXPECT_GE(cellgate_->CountOf(girl_at_s4).upper, kK);
  // The first table is still answered in full.
  EXPECT_EQ(cellgate_->CountOf({{"stadtteil", {"1"}}}).upper, 40);
  // The DPO sees why the second was suppressed; the requester does not.
  ASSERT_OK_AND_ASSIGN(v1::AuditRecord record, world_->LastAuditRecord());
  EXPECT_THAT(record.reason_codes(), ::testing::Contains("ledger"));
  EXPECT_EQ(record.ledger_audit().linked_releases(), 1);
  EXPECT_EQ(record.ledger_audit().ledger_suppressed(), 1);
  EXPECT_THAT(record.ledger_audit().note(), ::testing::HasSubstr("small groups"));
  EXPECT_EQ(last_cellgate_.cells(0).values(0).status(), v1::SUPPRESSED);
}

// 2. Tables sharing a margin: Stadtteil 3 by sex (its total 30 published,
// the lone boy and the girls suppressed), then the girls by Stadtteil.
TEST_F(AttackTest, LinkedTablesSharingAMargin) {
  Both({.group_by = {"sex"}, .filters = {{"stadtteil", {"3"}}}, .totals = true});
  Both({.group_by = {"stadtteil"}, .filters = {{"sex", {"w"}}}, .totals = true});
  const Set boy_in_3 = {{"stadtteil", {"3"}}, {"sex", {"m"}}};
  EXPECT_EQ(baseline_->CountOf(boy_in_3).upper, 1);  // 30 - 29
  EXPECT_GE(cellgate_->CountOf(boy_in_3).upper, kK);
}

// 3. A hierarchy split across releases: Sozialraum totals, then the
// Stadtteile of Sozialraum A without a total.
TEST_F(AttackTest, HierarchySplitAcrossReleases) {
  Both({.group_by = {"stadtteil@sozialraum"}});
  Both({.group_by = {"stadtteil"}, .filters = {{"stadtteil@sozialraum", {"A"}}}});
  const Set hafen = {{"stadtteil", {"2"}}};
  EXPECT_EQ(baseline_->CountOf(hafen).upper, 2);  // A (42) - Altstadt (40)
  EXPECT_GE(cellgate_->CountOf(hafen).upper, kK);
}

// 4. The same cell at another hierarchy level and with a complementary
// code set: boys by Sozialraum, then boys of every Stadtteil but Hafen.
TEST_F(AttackTest, SameCellAtAnotherLevelAndComplementaryCodes) {
  Both({.group_by = {"stadtteil@sozialraum"}, .filters = {{"sex", {"m"}}}});
  Both({.group_by = {"stadtteil"}, .filters = {{"sex", {"m"}}, {"stadtteil", {"1", "3", "4"}}}});
  const Set boy_in_hafen = {{"stadtteil", {"2"}}, {"sex", {"m"}}};
  EXPECT_EQ(baseline_->CountOf(boy_in_hafen).upper, 1);  // A's 21 boys - Altstadt's 20
  EXPECT_GE(cellgate_->CountOf(boy_in_hafen).upper, kK);
}

// 5. Mean differencing: the mean of Stadtteil 1 with and without school s4
// gives the lone pupil's days absent.
TEST_F(AttackTest, MeanDifferencing) {
  const Ask with = {.filters = {{"stadtteil", {"1"}}}, .mean = true};
  const Ask without = {.filters = {{"stadtteil", {"1"}}, {"schule", {"s1", "s2", "s3"}}},
                       .mean = true};
  auto days_of_the_lone_pupil = [&](bool safe) -> double {
    absl::StatusOr<v1::QueryResponse> a = safe ? world_->Cellgate(with) : world_->Baseline(with);
    absl::StatusOr<v1::QueryResponse> b =
        safe ? world_->Cellgate(without) : world_->Baseline(without);
    if (!a.ok() || !b.ok()) return NAN;
    if (safe) {
      for (const auto* answer : {&*a, &*b}) {
        for (const v1::ReleasedCell& cell : answer->table().cells()) {
          for (const v1::CellValue& v : cell.values()) EXPECT_NE(v.value(), kSecret);
        }
      }
    }
    const v1::ReleasedCell& x = a->table().cells(0);
    const v1::ReleasedCell& y = b->table().cells(0);
    for (const v1::ReleasedCell* cell : {&x, &y}) {
      for (const v1::CellValue& v : cell->values()) {
        if (v.status() != v1::PUBLISHED) return NAN;
      }
    }
    return x.values(0).value() * x.values(1).value() - y.values(0).value() * y.values(1).value();
  };
  EXPECT_NEAR(days_of_the_lone_pupil(/*safe=*/false), kSecret, 1e-9);
  EXPECT_TRUE(std::isnan(days_of_the_lone_pupil(/*safe=*/true)));
}

// 6. Two departments each ask half of the information.
TEST_F(AttackTest, TwoDepartmentsEachAskHalf) {
  Both({.filters = {{"stadtteil", {"1"}}}}, "jugendamt");
  Both({.filters = {{"stadtteil", {"1"}}, {"schule", {"s1", "s2", "s3"}}}}, "schulamt");
  const Set girl_at_s4 = {{"stadtteil", {"1"}}, {"schule", {"s4"}}};
  EXPECT_EQ(baseline_->CountOf(girl_at_s4).upper, 1);
  EXPECT_GE(cellgate_->CountOf(girl_at_s4).upper, kK);
}

// 7. A corrected re-ingest: one non-German pupil of Stadtteil 4 was
// missing. The same table on both versions shows where the correction
// went: a group of one.
TEST_F(AttackTest, CorrectedReingest) {
  const Ask ask = {.group_by = {"stadtteil", "nat"}, .totals = true};
  Both(ask, "schulamt", /*version=*/1);
  std::vector<Pupil> corrected = Musterschulen();
  corrected.push_back({"4", "s3", "w", "nd", 2});
  ASSERT_OK(world_->Reingest(corrected));
  Attacker baseline_v2(world_->schema());
  Attacker cellgate_v2(world_->schema());
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse base, world_->Baseline(ask, "schulamt", 2));
  baseline_v2.Learn(ToQuery(ask), base.table());
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse safe, world_->Cellgate(ask, "schulamt", 2));
  cellgate_v2.Learn(ToQuery(ask), safe.table());
  const Set non_german_in_4 = {{"stadtteil", {"4"}}, {"nat", {"nd"}}};
  // Version 1 published 6; the baseline's version 2 says 7: the one
  // corrected record is a non-German pupil of Stadtteil 4.
  ASSERT_EQ(baseline_->CountOf(non_german_in_4).upper, 6);
  EXPECT_EQ(baseline_v2.CountOf(non_german_in_4).lower, 7);
  // cellgate: version 2 leaves open that nothing changed there.
  EXPECT_LE(cellgate_v2.CountOf(non_german_in_4).lower, 6);
  ASSERT_OK_AND_ASSIGN(v1::AuditRecord record, world_->LastAuditRecord());
  EXPECT_THAT(record.ledger_audit().note(), ::testing::HasSubstr("version(s) 1"));
  EXPECT_GT(record.ledger_audit().ledger_suppressed(), 0);
}

// 7b. Differencing across versions: the Stadtteil total on version 1,
// then, after a correction elsewhere (Stadtteil 4), the same without
// school s4 on version 2. Nothing of Stadtteil 1 changed, so the two
// tables together give the girl at s4 away, as attack 1 does in one
// version.
TEST_F(AttackTest, DifferencingAcrossVersions) {
  Both({.filters = {{"stadtteil", {"1"}}}}, "schulamt", /*version=*/1);
  std::vector<Pupil> corrected = Musterschulen();
  corrected.push_back({"4", "s3", "w", "nd", 2});
  ASSERT_OK(world_->Reingest(corrected));
  Both({.filters = {{"stadtteil", {"1"}}, {"schule", {"s1", "s2", "s3"}}}}, "schulamt",
       /*version=*/2);
  const Set girl_at_s4 = {{"stadtteil", {"1"}}, {"schule", {"s4"}}};
  EXPECT_EQ(baseline_->CountOf(girl_at_s4).upper, 1);  // 40 - 39
  EXPECT_GE(cellgate_->CountOf(girl_at_s4).upper, kK);
  // The DPO sees that version 1's releases made the difference.
  ASSERT_OK_AND_ASSIGN(v1::AuditRecord record, world_->LastAuditRecord());
  EXPECT_THAT(record.ledger_audit().note(),
              ::testing::HasSubstr("audited with the releases of version 1"));
}

// The same query asked again gets the same table, cell for cell.
TEST_F(AttackTest, RepeatedQueryGetsTheSameTable) {
  const Ask ask = {.group_by = {"stadtteil", "sex"}, .totals = true};
  absl::StatusOr<v1::QueryResponse> first_or = world_->Cellgate(ask);
  ASSERT_OK(first_or.status()) << first_or.status();
  const v1::QueryResponse& first = *first_or;
  Both({.group_by = {"stadtteil"}, .filters = {{"sex", {"w"}}}, .totals = true});
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse again, world_->Cellgate(ask, "jugendamt"));
  ASSERT_EQ(first.table().cells_size(), again.table().cells_size());
  for (int c = 0; c < first.table().cells_size(); ++c) {
    EXPECT_EQ(first.table().cells(c).DebugString(), again.table().cells(c).DebugString())
        << "cell " << c;
  }
}

}  // namespace
}  // namespace cellgate::attacks
