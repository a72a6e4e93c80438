// The cell key method through the real pipeline (docs/adr/0004): on the
// public channel counts carry consistent noise, the same for a cell in
// every table, for every requester, after a restart and across a
// corrected re-ingest; averaging repeats recovers a small count from fresh
// noise but gains nothing against cellgate; and the secret ptable never
// appears in a response, a status message or an audit record.
#include <cmath>
#include <map>
#include <random>

#include "absl/strings/str_join.h"
#include "common/canonical.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/cell_key_perturbation.h"
#include "tests/attacks/attack_world.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::attacks {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Stadtteil 1: 40 pupils (one of them at school s4). Stadtteil 2: one boy
// and one girl. Stadtteil 3: one boy and 29 girls, 6 non-German.
// Stadtteil 4: 25 pupils, 5 non-German.
std::vector<Pupil> Pupils() {
  std::vector<Pupil> pupils;
  auto add = [&](int n, const std::string& st, const std::string& school, const std::string& sex,
                 const std::string& nat = "de") {
    for (int i = 0; i < n; ++i) pupils.push_back({st, school, sex, nat, 3 + i % 5});
  };
  add(20, "1", "s1", "m");
  add(19, "1", "s2", "w");
  add(1, "1", "s4", "w");
  add(1, "2", "s3", "m");
  add(1, "2", "s3", "w");
  add(1, "3", "s3", "m");
  add(23, "3", "s3", "w");
  add(6, "3", "s3", "w", "nd");
  add(20, "4", "s2", "m");
  add(5, "4", "s2", "w", "nd");
  return pupils;
}

v1::PerturbationTable Ptable(const std::string& name) {
  v1::PerturbationTable ptable;
  EXPECT_OK(ParseTextProtoFile(
      absl::StrCat(CELLGATE_SOURCE_DIR, "/tests/data/ptables/", name), ptable));
  return ptable;
}

// k = 3 for the internal channel; the τ-Argus ptable (O12: counts 1 and 2
// never published, unbiased) for the public one.
v1::DisclosurePolicy PerturbingPolicy(v1::PerturbationTable ptable = Ptable("tau_argus_testw.textproto")) {
  v1::DisclosurePolicy policy;
  policy.set_id("perturbed");
  policy.set_version(1);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(3);
  *policy.mutable_perturbation()->mutable_ptable() = std::move(ptable);
  policy.mutable_perturbation()->add_channels(v1::PUBLIC);
  return policy;
}

// The first value of the cell with `codes` (one per axis).
v1::CellValue At(const v1::ReleasedTable& table, const std::vector<std::string>& codes) {
  for (const v1::ReleasedCell& cell : table.cells()) {
    if (std::equal(cell.codes().begin(), cell.codes().end(), codes.begin(), codes.end())) {
      return cell.values(0);
    }
  }
  ADD_FAILURE() << "no cell " << absl::StrJoin(codes, ",");
  return {};
}

// Matches a message with the same content as `expected`.
MATCHER_P(SameAs, expected, "has the same content") {
  return arg.ShortDebugString() == expected.ShortDebugString();
}

Ask Public(Ask ask) {
  ask.channel = v1::PUBLIC;
  return ask;
}

class PerturbationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const v1::DisclosurePolicy policy = PerturbingPolicy();
    ASSERT_OK_AND_ASSIGN(world_, AttackWorld::Create(Pupils(), &policy));
  }

  v1::ReleasedTable Release(const Ask& ask, const std::string& department = "schulamt") {
    absl::StatusOr<v1::QueryResponse> answer = world_->Cellgate(ask, department);
    EXPECT_OK(answer.status());
    return answer.ok() ? answer->table() : v1::ReleasedTable();
  }

  std::unique_ptr<AttackWorld> world_;
};

TEST_F(PerturbationTest, SameCellGetsTheSameValueInEveryTableForEveryoneAndAfterARestart) {
  // Stadtteil 2 (two pupils) in four differently shaped tables.
  const v1::ReleasedTable by_stadtteil_sex =
      Release(Public({.group_by = {"stadtteil", "sex"}, .totals = true}));
  const v1::CellValue cell = At(by_stadtteil_sex, {"2", "_T"});
  EXPECT_NE(cell.value(), 2);  // this ptable never publishes 1 or 2
  const v1::ReleasedTable by_stadtteil =
      Release(Public({.group_by = {"stadtteil"}, .totals = true}), "jugendamt");
  EXPECT_THAT(At(by_stadtteil, {"2"}), SameAs(cell));
  const v1::ReleasedTable by_nat = Release(
      Public({.group_by = {"nat"}, .filters = {{"stadtteil", {"2"}}}, .totals = true}), "sozialamt");
  EXPECT_THAT(At(by_nat, {"_T"}), SameAs(cell));
  // Margins are cells too: the city total of a 2-dimensional table and of
  // a table with no dimensions.
  const v1::ReleasedTable city = Release(Public({}));
  EXPECT_THAT(At(city, {}), SameAs(At(by_stadtteil_sex, {"_T", "_T"})));
  EXPECT_THAT(At(by_stadtteil, {"_T"}), SameAs(At(by_stadtteil_sex, {"_T", "_T"})));
  // A repeated query gets the same table, also after a restart.
  ASSERT_OK(world_->Restart());
  const v1::ReleasedTable again =
      Release(Public({.group_by = {"stadtteil", "sex"}, .totals = true}), "jugendamt");
  EXPECT_EQ(CanonicalSha256Hex(again), CanonicalSha256Hex(by_stadtteil_sex));
}

TEST_F(PerturbationTest, PublicCountsArePerturbedAndInternalOnesSuppressedAsBefore) {
  const Ask ask = {.group_by = {"stadtteil", "sex"}, .totals = true};
  const v1::ReleasedTable internal = Release(ask);
  EXPECT_EQ(At(internal, {"2", "_T"}).status(), v1::SUPPRESSED);
  const v1::ReleasedTable published = Release(Public(ask));
  int perturbed = 0;
  for (const v1::ReleasedCell& cell : published.cells()) {
    EXPECT_NE(cell.values(0).status(), v1::SUPPRESSED);
    EXPECT_NE(cell.values(0).status(), v1::PUBLISHED);
    perturbed += cell.values(0).status() == v1::PERTURBED;
  }
  EXPECT_GT(perturbed, 5);
  // Empty cells stay empty (Stadtteil 2 has no pupil at school s1).
  const v1::ReleasedTable schools =
      Release(Public({.group_by = {"stadtteil", "schule"}, .totals = true}));
  EXPECT_EQ(At(schools, {"2", "s1"}).status(), v1::ZERO);
  // For the DPO: the audit record counts the perturbed cells and names the rule.
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world_->LastAuditRecord());
  EXPECT_GT(record.counts().perturbed(), 0);
  EXPECT_EQ(record.counts().suppressed_primary() + record.counts().suppressed_secondary(), 0);
  EXPECT_THAT(record.reason_codes(), ::testing::ElementsAre("cell_key"));
}

TEST_F(PerturbationTest, AveragingRepeatsRecoversASmallCountFromFreshNoiseButNotFromCellgate) {
  // The lone boy of Stadtteil 2: a count of 1.
  constexpr int kTrue = 1;
  constexpr int kRepeats = 40;
  const Ask ask = Public({.group_by = {"stadtteil", "sex"}});
  // Baseline: the same ptable, but a fresh random cell key per answer.
  ASSERT_OK_AND_ASSIGN(const policies::CellKeyPerturbation fresh,
                       policies::CellKeyPerturbation::Create(PerturbingPolicy().perturbation(), 3));
  std::mt19937 rng(2026);
  double baseline_sum = 0;
  for (int i = 0; i < 10 * kRepeats; ++i) baseline_sum += fresh.Perturb(kTrue, rng());
  EXPECT_EQ(std::lround(baseline_sum / (10 * kRepeats)), kTrue) << "the attack works on fresh noise";
  // cellgate: every repeat is the same table, so the average is the one
  // value it published, which is never 1.
  const v1::ReleasedTable first = Release(ask);
  double sum = 0;
  for (int i = 0; i < kRepeats; ++i) {
    const v1::ReleasedTable repeat = Release(ask, i % 2 ? "jugendamt" : "schulamt");
    EXPECT_EQ(CanonicalSha256Hex(repeat), CanonicalSha256Hex(first));
    sum += At(repeat, {"2", "m"}).value();
  }
  EXPECT_EQ(sum / kRepeats, At(first, {"2", "m"}).value());
  EXPECT_NE(std::lround(sum / kRepeats), kTrue);
}

TEST_F(PerturbationTest, CorrectedReingestKeepsTheNoiseOfEveryCellWhoseUnitsStayed) {
  const Ask ask = Public({.group_by = {"stadtteil", "schule"}, .totals = true});
  const v1::ReleasedTable before = Release(ask);
  // Version 2 corrects the school of the pupil at s4 (row 39) to s1.
  std::vector<Pupil> corrected = Pupils();
  corrected[39].schule = "s1";
  ASSERT_OK(world_->Reingest(corrected));
  const v1::ReleasedTable after = Release(ask);
  ASSERT_EQ(after.dataset_version(), 2);
  ASSERT_EQ(after.cells_size(), before.cells_size());
  int changed = 0;
  for (int c = 0; c < after.cells_size(); ++c) {
    const std::vector<std::string> codes(after.cells(c).codes().begin(),
                                         after.cells(c).codes().end());
    const bool moved = (codes[0] == "1" || codes[0] == "_T") && (codes[1] == "s1" || codes[1] == "s4");
    if (moved) {
      changed += !(after.cells(c).values(0).value() == before.cells(c).values(0).value());
      continue;
    }
    // Same units, same keys (the corrected pupil keeps hers), same value:
    // the Stadtteil 1 total included.
    EXPECT_THAT(after.cells(c).values(0), SameAs(before.cells(c).values(0)))
        << absl::StrJoin(codes, ",");
  }
  EXPECT_GE(changed, 1);
}

TEST_F(PerturbationTest, TableWithMeansIsSuppressedAndItsCountsCarryTheSameNoise) {
  const v1::ReleasedTable counts = Release(Public({.group_by = {"stadtteil"}, .totals = true}));
  const v1::ReleasedTable means =
      Release(Public({.group_by = {"stadtteil"}, .totals = true, .mean = true}));
  // Stadtteil 2 (two pupils): suppressed with its mean, and one more
  // cell with it, as on the internal channel.
  ASSERT_EQ(means.cells_size(), 5);
  EXPECT_EQ(means.cells(1).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(means.cells(1).values(1).status(), v1::SUPPRESSED);
  int published = 0;
  for (int c = 0; c < means.cells_size(); ++c) {
    if (means.cells(c).values(0).status() == v1::SUPPRESSED) continue;
    ++published;
    EXPECT_EQ(means.cells(c).values(0).status(), v1::PERTURBED);
    EXPECT_EQ(means.cells(c).values(0).value(), counts.cells(c).values(0).value()) << c;
    EXPECT_EQ(means.cells(c).values(1).status(), v1::PUBLISHED);
  }
  EXPECT_GE(published, 2);
}

TEST_F(PerturbationTest, SharesComeFromThePerturbedCounts) {
  const v1::ReleasedTable shares = Release(
      Public({.group_by = {"stadtteil"}, .totals = true, .share_of = {"nat", {"nd"}}}));
  const v1::ReleasedTable whole = Release(Public({.group_by = {"stadtteil"}, .totals = true}));
  const v1::ReleasedTable part = Release(
      Public({.group_by = {"stadtteil"}, .filters = {{"nat", {"nd"}}}, .totals = true}));
  ASSERT_EQ(shares.cells_size(), 5);
  for (int c = 0; c < shares.cells_size(); ++c) {
    const v1::CellValue& count = shares.cells(c).values(0);
    const v1::CellValue& share = shares.cells(c).values(1);
    EXPECT_THAT(count, SameAs(whole.cells(c).values(0))) << c;
    if (count.status() == v1::ZERO) {
      EXPECT_EQ(share.status(), v1::NOT_APPLICABLE) << c;
      continue;
    }
    EXPECT_EQ(share.status(), v1::PERTURBED) << c;
    EXPECT_DOUBLE_EQ(share.value(),
                     std::min(100.0, 100.0 * part.cells(c).values(0).value() / count.value()))
        << c;
  }
}

TEST_F(PerturbationTest, PerturbedReleasesAddNoConstraintToTheLedger) {
  // An internal table after public ones is the table a fresh world gives.
  const Ask internal = {.group_by = {"stadtteil", "sex"}, .totals = true};
  Release(Public({.group_by = {"stadtteil"}, .totals = true}));
  Release(Public({.group_by = {"sex"}, .filters = {{"stadtteil", {"2"}}}, .totals = true}));
  const v1::ReleasedTable after_public = Release(internal);
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world_->LastAuditRecord());
  EXPECT_EQ(record.ledger_audit().linked_releases(), 0);
  const v1::DisclosurePolicy policy = PerturbingPolicy();
  ASSERT_OK_AND_ASSIGN(auto fresh, AttackWorld::Create(Pupils(), &policy));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse alone, fresh->Cellgate(internal));
  ASSERT_EQ(after_public.cells_size(), alone.table().cells_size());
  for (int c = 0; c < alone.table().cells_size(); ++c) {
    EXPECT_THAT(after_public.cells(c), SameAs(alone.table().cells(c))) << c;
  }
}

// The ptable is secret: seeded with the split 0.31415926, its digits must
// appear in no answer, no status message and no audit record (reasons,
// ledger notes, released tables), whatever was asked.
TEST(PerturbationSecretTest, PtableNeverLeaves) {
  v1::PerturbationTable ptable = Ptable("handbook.textproto");
  ptable.mutable_rows(5)->set_p(0.31415926);
  ptable.mutable_rows(5)->set_p_int_ub(0.31415926);
  ptable.mutable_rows(6)->set_p_int_lb(0.31415926);
  ptable.mutable_rows(6)->set_p(0.7 - 0.31415926);
  const v1::DisclosurePolicy policy = PerturbingPolicy(ptable);
  const std::vector<std::string> seeded = {"31415926", "38584074", "ptable", "p_int"};
  // The seed is in the policy, so a leak of it would be found.
  EXPECT_THAT(policy.DebugString(), HasSubstr(seeded[0]));
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Pupils(), &policy));
  const std::vector<Ask> asks = {
      Public({.group_by = {"stadtteil", "sex"}, .totals = true}),
      Public({.group_by = {"stadtteil"}, .totals = true, .mean = true}),
      Public({.group_by = {"stadtteil"}, .totals = true, .share_of = {"nat", {"nd"}}}),
      {.group_by = {"stadtteil", "schule"}, .totals = true},
      Public({.group_by = {"nosuchdimension"}}),
  };
  int answered = 0;
  for (const Ask& ask : asks) {
    const absl::StatusOr<v1::QueryResponse> answer = world->Cellgate(ask);
    const std::string seen = answer.ok() ? answer->DebugString() : answer.status().ToString();
    answered += answer.ok();
    for (const std::string& s : seeded) EXPECT_THAT(seen, Not(HasSubstr(s)));
  }
  EXPECT_EQ(answered, 4);
  ASSERT_OK(world->Reingest(Pupils()));
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::AuditRecord> records, world->AuditRecords());
  ASSERT_GE(records.size(), 7u);
  for (const v1::AuditRecord& record : records) {
    for (const std::string& s : seeded) EXPECT_THAT(record.DebugString(), Not(HasSubstr(s)));
  }
}

}  // namespace
}  // namespace cellgate::attacks
