// Shares across datasets on a channel where a side's policy perturbs counts
// (docs/adr/0008, "Perturbed sides"; docs/adr/0004): "hilfe" over "kinder"
// through the real pipeline, on the public channel. A perturbed side shows
// the noise its cells get in every table of its dataset, never its exact
// counts, and stays out of its ledger; the other side is protected by
// suppression and audited by its own ledger as on any channel. Each attack
// first succeeds against the share as released before (exact counts under
// suppression on every channel, which is what the internal channel still
// releases), then fails against the public release.
#include <cmath>
#include <string>
#include <vector>

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/lp/linear_program.h"
#include "tests/attacks/cross_dataset_world.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::attacks {
namespace {

using ::cellgate::testing::StatusIs;

// `dataset`'s policy with k = `k` and, on the public channel, the τ-Argus
// test ptable (O12: counts 1 and 2 never published, deviation up to 7).
v1::DisclosurePolicy Perturbing(const std::string& dataset, int k = 3) {
  v1::DisclosurePolicy policy = PolicyFor(dataset, k);
  EXPECT_OK(ParseTextProtoFile(
      absl::StrCat(CELLGATE_SOURCE_DIR, "/tests/data/ptables/tau_argus_testw.textproto"),
      *policy.mutable_perturbation()->mutable_ptable()));
  policy.mutable_perturbation()->add_channels(v1::PUBLIC);
  return policy;
}

v1::Query Public(v1::Query query) {
  query.set_channel(v1::PUBLIC);
  return query;
}

// Matches a cell value with the same status and figure as `expected`.
MATCHER_P(SameAs, expected, "has the same status and figure") {
  return arg.ShortDebugString() == expected.ShortDebugString();
}

bool Perturbed(const v1::CellValue& v) {
  return v.status() == v1::PERTURBED || v.status() == v1::ZERO;
}

// The exact count of Stadtteil cell `code` ("1".."4", "A", "B", "_T").
int Exact(const std::vector<int>& per_stadtteil, const std::string& code) {
  int n = 0;
  for (size_t s = 0; s < per_stadtteil.size(); ++s) {
    const std::string st = std::to_string(s + 1);
    if (code == "_T" || code == st || code == (s < 2 ? "A" : "B")) n += per_stadtteil[s];
  }
  return n;
}

// The denominator a share and its numerator give away: 100 N / share.
double DenominatorFrom(const v1::ReleasedCell& cell) {
  return 100.0 * cell.values(kCount).value() / cell.values(kShare).value();
}

const std::vector<int> kKinder = {20, 16, 24, 12};
const std::vector<int> kHilfe = {6, 8, 10, 6};

TEST(CrossDatasetPerturbationTest, TheSameCellShowsTheSameValueAsACountAndAsADenominator) {
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil(kKinder),
                                                             ByStadtteil(kHilfe),
                                                             {Perturbing("kinder")}));
  // Table 1 of a report: "kinder" by Stadtteil and sex; its Stadtteil
  // totals are the share's denominators.
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse counts,
                       world->Cellgate(Public(Counts("kinder", {"stadtteil", "sex"}))));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse areas,
                       world->Cellgate(Public(Counts("kinder", {"stadtteil@sozialraum"}))));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse quote, world->Cellgate(Public(Quote({"stadtteil"}))));
  int noisy = 0;
  for (const std::string code : {"1", "2", "3", "4", "_T"}) {
    const v1::CellValue& d = CellOf(quote.table(), code).values(kDenominatorCount);
    EXPECT_EQ(d.status(), v1::PERTURBED) << code;
    // The cell (code, sex total) of the count table.
    for (const v1::ReleasedCell& cell : counts.table().cells()) {
      if (cell.codes(0) == code && cell.codes(1) == "_T") {
        EXPECT_THAT(d, SameAs(cell.values(0))) << code;
      }
    }
    noisy += d.value() != Exact(kKinder, code);
  }
  // The city total is also a cell of the table by Sozialraum.
  EXPECT_THAT(CellOf(quote.table(), "_T").values(kDenominatorCount),
              SameAs(CellOf(areas.table(), "_T").values(0)));
  EXPECT_GT(noisy, 0) << "the fixture must have cells whose noise is not 0";
  // The numerator is not perturbed: its exact counts, protected as ever.
  for (const std::string code : {"1", "2", "3", "4", "_T"}) {
    const v1::CellValue& n = CellOf(quote.table(), code).values(kCount);
    EXPECT_EQ(n.status(), v1::PUBLISHED) << code;
    EXPECT_EQ(n.value(), Exact(kHilfe, code)) << code;
  }
}

// An exact share next to a perturbed count of the same cell gives the
// exact count (and so the cell's noise) away: D = 100 N / share. The
// public share is taken from the released figures, so it gives back the
// perturbed figure and nothing else.
TEST(CrossDatasetPerturbationTest, NoExactCountOfAPerturbedDenominatorIsDerivable) {
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil(kKinder),
                                                             ByStadtteil(kHilfe),
                                                             {Perturbing("kinder")}));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse noisy,
                       world->Cellgate(Public(Counts("kinder", {"stadtteil"}))));
  // Before: the share across datasets, exact on every channel (as the
  // internal channel still releases it).
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse exact, world->Cellgate(Quote({"stadtteil"})));
  int learnt = 0;
  for (const std::string code : {"1", "2", "3", "4", "_T"}) {
    const double d = DenominatorFrom(CellOf(exact.table(), code));
    EXPECT_NEAR(d, Exact(kKinder, code), 1e-9) << code;
    learnt += std::fabs(d - CellOf(noisy.table(), code).values(0).value()) > 0.5;
  }
  EXPECT_GT(learnt, 0) << "the attack learns the noise of some cell";
  // cellgate on the public channel.
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse quote, world->Cellgate(Public(Quote({"stadtteil"}))));
  for (const std::string code : {"1", "2", "3", "4", "_T"}) {
    const v1::ReleasedCell& cell = CellOf(quote.table(), code);
    const v1::CellValue& released = CellOf(noisy.table(), code).values(0);
    ASSERT_EQ(cell.values(kShare).status(), v1::PERTURBED) << code;
    EXPECT_NEAR(DenominatorFrom(cell), released.value(), 1e-9) << code;
    EXPECT_THAT(cell.values(kDenominatorCount), SameAs(released)) << code;
    if (released.value() != Exact(kKinder, code)) {
      for (const v1::CellValue& v : cell.values()) EXPECT_NE(v.value(), Exact(kKinder, code));
    }
  }
  // The attacker's LP learns nothing exact from the perturbed figures.
  NestedAttacker attacker;
  attacker.Learn(Public(Quote({"stadtteil"})), quote.table());
  EXPECT_EQ(attacker.Of(0, /*denominator=*/true).upper, policies::kInfinity);
}

// Vice versa with a perturbed numerator over an exact denominator: share ×
// denominator gives the numerator's perturbed figure, never its count; a
// small numerator the noise shows as 0 gives a share of 0, not N / D.
TEST(CrossDatasetPerturbationTest, NoExactCountOfAPerturbedNumeratorIsDerivable) {
  // Ones and twos: the ptable never publishes them and often shows 0.
  const std::vector<int> few = {2, 2, 3, 2};
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil(kKinder),
                                                             ByStadtteil(few),
                                                             {Perturbing("hilfe")}));
  const v1::Query by_sex = Quote({"stadtteil", "sex"});
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse noisy,
                       world->Cellgate(Public(Counts("hilfe", {"stadtteil", "sex"}))));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse quote, world->Cellgate(Public(by_sex)));
  ASSERT_EQ(quote.table().cells_size(), noisy.table().cells_size());
  int zeros = 0, shown = 0;
  for (int c = 0; c < quote.table().cells_size(); ++c) {
    const v1::ReleasedCell& cell = quote.table().cells(c);
    const v1::CellValue& released = noisy.table().cells(c).values(0);
    EXPECT_THAT(cell.values(kCount), SameAs(released)) << c;
    const v1::CellValue& d = cell.values(kDenominatorCount);
    const v1::CellValue& share = cell.values(kShare);
    if (d.status() != v1::PUBLISHED || share.status() == v1::SUPPRESSED) continue;
    ++shown;
    EXPECT_EQ(share.status(), v1::PERTURBED) << c;
    EXPECT_NEAR(share.value() * d.value() / 100, released.value(), 1e-9) << c;
    zeros += released.status() == v1::ZERO;
  }
  EXPECT_GT(shown, 0);
  EXPECT_GT(zeros, 0) << "the fixture must have a non-empty numerator shown as 0";
  // The exact denominator is protected and audited by its own ledger; the
  // perturbed numerator stays out of its.
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world->LastAuditRecord());
  EXPECT_FALSE(record.has_ledger_audit());
  EXPECT_TRUE(record.denominator().has_ledger_audit());
  EXPECT_EQ(world->ledger().size(), 1);  // the denominator's entry only
}

// The side that is not perturbed is still audited by its ledger: the
// numerator's Stadtteil 2 (2 recipients) from Sozialraum A (12) minus a
// published Stadtteil 1 (10).
TEST(CrossDatasetPerturbationTest, TheExactSideIsStillAuditedByItsOwnLedger) {
  const std::vector<int> kinder = {20, 20, 20, 20}, hilfe = {10, 2, 8, 8};
  const v1::Query areas = Public(Counts("hilfe", {"stadtteil@sozialraum"}));
  v1::Query quote = Public(Quote({"stadtteil"}));
  FilterStadtteil(quote, {"1"});
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil(kinder),
                                                             ByStadtteil(hilfe),
                                                             {Perturbing("kinder")}));
  {
    ASSERT_OK_AND_ASSIGN(const v1::QueryResponse a, world->Baseline(areas));
    ASSERT_OK_AND_ASSIGN(const v1::QueryResponse s, world->Baseline(quote));
    NestedAttacker attacker;
    attacker.Learn(areas, a.table());
    attacker.Learn(quote, s.table());
    EXPECT_NEAR(attacker.Of(1, false).upper, 2, 1e-6) << "without the ledger: pinned";
  }
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse a, world->Cellgate(areas));
  NestedAttacker attacker;
  attacker.Learn(areas, a.table());
  const absl::StatusOr<v1::QueryResponse> s = world->Cellgate(quote);
  if (s.ok()) {
    attacker.Learn(quote, s->table());
    EXPECT_EQ(CellOf(s->table(), "1").values(kDenominatorCount).status(), v1::PERTURBED);
  } else {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  EXPECT_GE(attacker.Of(1, false).upper, 3 - 1e-6);
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world->LastAuditRecord());
  EXPECT_EQ(record.ledger_audit().linked_releases(), 1);
  EXPECT_FALSE(record.denominator().has_ledger_audit());
  // "hilfe"'s two releases; nothing of "kinder".
  EXPECT_EQ(world->ledger().size(), s.ok() ? 2 : 1);
}

// The exact side keeps the joint protection: a numerator that is all of a
// small group is suppressed, decided on the exact counts.
TEST(CrossDatasetPerturbationTest, AllOfASmallGroupIsStillSuppressedOnTheExactSide) {
  ASSERT_OK_AND_ASSIGN(auto world,
                       CrossDatasetWorld::Create(ByStadtteil({6, 16, 24, 8}),
                                                 ByStadtteil({6, 8, 10, 0}),
                                                 {PolicyFor("hilfe", 3, /*min_group=*/10),
                                                  Perturbing("kinder")}));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse quote, world->Cellgate(Public(Quote({"stadtteil"}))));
  const v1::ReleasedCell& all = CellOf(quote.table(), "1");
  EXPECT_EQ(all.values(kCount).status(), v1::SUPPRESSED);
  EXPECT_EQ(all.values(kShare).status(), v1::SUPPRESSED);
  EXPECT_TRUE(Perturbed(all.values(kDenominatorCount)));
  for (const v1::ReleasedCell& cell : quote.table().cells()) {
    EXPECT_NE(cell.values(kDenominatorCount).status(), v1::SUPPRESSED) << cell.codes(0);
  }
}

TEST(CrossDatasetPerturbationTest, BothSidesPerturbedNeedNoSuppressionAndStayOutOfBothLedgers) {
  ASSERT_OK_AND_ASSIGN(auto world,
                       CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 2}),
                                                 ByStadtteil({6, 2, 10, 1}),
                                                 {Perturbing("hilfe", 5), Perturbing("kinder")}));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse n,
                       world->Cellgate(Public(Counts("hilfe", {"stadtteil"}))));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse d,
                       world->Cellgate(Public(Counts("kinder", {"stadtteil"}))));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse quote, world->Cellgate(Public(Quote({"stadtteil"}))));
  for (const std::string code : {"1", "2", "3", "4", "_T"}) {
    const v1::ReleasedCell& cell = CellOf(quote.table(), code);
    EXPECT_THAT(cell.values(kCount), SameAs(CellOf(n.table(), code).values(0))) << code;
    EXPECT_THAT(cell.values(kDenominatorCount), SameAs(CellOf(d.table(), code).values(0)))
        << code;
    EXPECT_NE(cell.values(kShare).status(), v1::SUPPRESSED) << code;
    if (cell.values(kShare).status() == v1::PERTURBED) {
      EXPECT_NEAR(cell.values(kShare).value(),
                  100 * cell.values(kCount).value() / cell.values(kDenominatorCount).value(),
                  1e-9);
    }
  }
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world->LastAuditRecord());
  EXPECT_FALSE(record.has_ledger_audit());
  EXPECT_FALSE(record.denominator().has_ledger_audit());
  EXPECT_THAT(record.reason_codes(), ::testing::ElementsAre("cell_key"));
  EXPECT_EQ(record.counts().suppressed_primary() + record.counts().suppressed_secondary(), 0);
  EXPECT_EQ(world->ledger().size(), 0);
}

}  // namespace
}  // namespace cellgate::attacks
