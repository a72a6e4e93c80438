// Attacks across versions of one population (a corrected re-ingest), beyond
// attack 7 (attacks_test.cc): a correction into or out of an empty group,
// and a corrected value read off two versions' sums. Each succeeds against
// the baseline (the same pipeline without the release ledger) and fails
// against cellgate (docs/adr/0011-ledger-sums-and-scale.md, "Versions").
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/attacks/attack_world.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::attacks {
namespace {

using Set = std::map<std::string, std::vector<std::string>>;

// Stadtteil 1: 40 German pupils; Stadtteil 2: 2 German pupils; Stadtteil
// 3: 20 pupils, 8 of them non-German. The correction (version 2): one of
// Stadtteil 2's pupils is non-German after all.
std::vector<Pupil> Before() {
  std::vector<Pupil> pupils;
  for (int i = 0; i < 40; ++i) pupils.push_back({"1", "s1", i % 2 ? "m" : "w", "de", 2 + i % 4});
  pupils.push_back({"2", "s3", "m", "de", 5});
  pupils.push_back({"2", "s3", "w", "de", 6});
  for (int i = 0; i < 20; ++i) pupils.push_back({"3", "s3", i % 2 ? "m" : "w", i < 8 ? "nd" : "de", 4});
  return pupils;
}

std::vector<Pupil> Corrected() {
  std::vector<Pupil> pupils = Before();
  pupils[40].nat = "nd";
  return pupils;
}

TEST(VersionAttackTest, ACorrectionIntoAnEmptyGroupIsNotShown) {
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Before()));
  const Ask ask = {.group_by = {"stadtteil", "nat"}, .totals = true};
  Attacker v1(world->schema());
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse first, world->Cellgate(ask, "schulamt", 1));
  v1.Learn(ToQuery(ask), first.table());
  const Set non_german_in_2 = {{"stadtteil", {"2"}}, {"nat", {"nd"}}};
  ASSERT_EQ(v1.CountOf(non_german_in_2).upper, 0);  // published as "–"
  ASSERT_OK(world->Reingest(Corrected()));
  // The baseline's version 2 hides the new group of one, but a suppressed
  // cell is not empty: the corrected pupil is non-German, in Stadtteil 2.
  Attacker baseline_v2(world->schema());
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse base, world->Baseline(ask, "schulamt", 2));
  baseline_v2.Learn(ToQuery(ask), base.table());
  EXPECT_GE(baseline_v2.CountOf(non_german_in_2).lower, 1);
  // cellgate cannot hide that by suppression and refuses, naming no cell.
  absl::StatusOr<v1::QueryResponse> safe = world->Cellgate(ask, "schulamt", 2);
  EXPECT_THAT(safe.status(), cellgate::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                                          ::testing::HasSubstr("correction")));
  ASSERT_OK_AND_ASSIGN(v1::AuditRecord record, world->LastAuditRecord());
  EXPECT_THAT(record.ledger_audit().note(), ::testing::HasSubstr("empty in one version"));
  // A table that does not split the group is still answered.
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse coarse,
                       world->Cellgate({.group_by = {"stadtteil"}, .totals = true}, "schulamt", 2));
  EXPECT_EQ(coarse.table().cells_size(), 5);
}

TEST(VersionAttackTest, ACorrectedValueIsNotReadOffTwoVersionsSums) {
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Before()));
  const Ask ask = {.group_by = {"stadtteil"}, .totals = true, .sum = true};
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse first, world->Cellgate(ask, "schulamt", 1));
  Attacker v1(world->schema());
  v1.Learn(ToQuery(ask), first.table());
  const Set stadtteil_1 = {{"stadtteil", {"1"}}};
  const Attacker::Bounds old_sum = v1.SumOf(stadtteil_1);
  ASSERT_EQ(old_sum.lower, old_sum.upper);  // 40 pupils: published
  // Version 2: one pupil of Stadtteil 1 had 30 more days absent.
  std::vector<Pupil> corrected = Before();
  corrected[7].fehltage += 30;
  ASSERT_OK(world->Reingest(corrected));
  Attacker baseline_v2(world->schema());
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse base, world->Baseline(ask, "schulamt", 2));
  baseline_v2.Learn(ToQuery(ask), base.table());
  // The baseline shows the correction: 30 days more, in Stadtteil 1.
  EXPECT_EQ(baseline_v2.SumOf(stadtteil_1).lower - old_sum.upper, 30);
  // cellgate's version 2 leaves "nothing changed" possible.
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse safe, world->Cellgate(ask, "schulamt", 2));
  Attacker cellgate_v2(world->schema());
  cellgate_v2.Learn(ToQuery(ask), safe.table());
  EXPECT_LE(cellgate_v2.SumOf(stadtteil_1).lower, old_sum.upper);
  EXPECT_GE(cellgate_v2.SumOf(stadtteil_1).upper, old_sum.upper);
  ASSERT_OK_AND_ASSIGN(v1::AuditRecord record, world->LastAuditRecord());
  EXPECT_THAT(record.ledger_audit().note(), ::testing::HasSubstr("version(s) 1"));
}

}  // namespace
}  // namespace cellgate::attacks
