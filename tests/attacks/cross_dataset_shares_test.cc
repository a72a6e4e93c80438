// Shares whose denominator comes from another dataset (docs/adr/0008)
// through the real pipeline: "hilfe" (children who receive a benefit) over
// "kinder" (all children). A share with its published denominator gives
// the numerator back (share × denominator), and the numerator's units are
// among the denominator's, so the two are protected together and each is
// a release of its own dataset. Each attack first succeeds against a
// baseline without joint protection, judged by an attacker LP written
// here, then fails against cellgate.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/attacks/cross_dataset_world.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::attacks {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// What a share across datasets is

TEST(CrossDatasetSharesTest, ShareIsTheNumeratorOverTheOtherDatasetsCount) {
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 12}),
                                                             ByStadtteil({6, 8, 10, 6})));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(Quote({"stadtteil"})));
  const v1::ReleasedTable& t = answer.table();
  EXPECT_EQ(t.dataset(), "hilfe");
  ASSERT_EQ(t.measures_size(), 3);
  EXPECT_EQ(t.measures(kShare).label(), "Anteil an Kinder in %");
  EXPECT_EQ(t.measures(kDenominatorCount).label(), "Anzahl Kinder");
  const v1::Measure::Denominator& counted = t.measures(kShare).measure().denominator();
  EXPECT_EQ(counted.dataset(), "kinder");
  EXPECT_EQ(counted.version(), 1);
  EXPECT_EQ(counted.version_hash().size(), 64u);
  EXPECT_EQ(counted.policy_id(), "default");
  const double n[] = {6, 8, 10, 6, 30}, d[] = {20, 16, 24, 12, 72};
  ASSERT_EQ(t.cells_size(), 5);
  for (int c = 0; c < 5; ++c) {
    EXPECT_EQ(t.cells(c).values(kCount).value(), n[c]) << c;
    EXPECT_EQ(t.cells(c).values(kDenominatorCount).value(), d[c]) << c;
    EXPECT_EQ(t.cells(c).values(kShare).status(), v1::PUBLISHED) << c;
    EXPECT_DOUBLE_EQ(t.cells(c).values(kShare).value(), 100 * n[c] / d[c]) << c;
  }
}

TEST(CrossDatasetSharesTest, TheRecordNamesBothDatasetsAndBothLedgersKeepTheirSide) {
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 12}),
                                                             ByStadtteil({6, 8, 10, 6})));
  ASSERT_OK(world->Cellgate(Quote({"stadtteil"})).status());
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world->LastAuditRecord());
  EXPECT_EQ(record.record_type(), v1::RELEASE);
  EXPECT_EQ(record.dataset(), "hilfe");
  EXPECT_EQ(record.policy_id(), "default");
  const v1::DenominatorRelease& den = record.denominator();
  EXPECT_EQ(den.dataset(), "kinder");
  EXPECT_EQ(den.dataset_version(), 1);
  EXPECT_EQ(den.dataset_version_hash().size(), 64u);
  EXPECT_EQ(den.policy_hash().size(), 64u);
  EXPECT_EQ(den.joint_policy_hash().size(), 64u);
  EXPECT_EQ(den.query().dataset(), "kinder");
  EXPECT_EQ(den.counts().cells(), 5);
  EXPECT_FALSE(den.not_nested());
  EXPECT_EQ(record.ledger_audit().rounds(), 1);
  EXPECT_EQ(den.ledger_audit().rounds(), 1);
  EXPECT_EQ(world->ledger().size(), 2);  // one release of each dataset
}

TEST(CrossDatasetSharesTest, AFilterAppliesToBothWhereTheDenominatorHasItsDimension) {
  // Girls: "kinder" 10, 8, 12, 6; "hilfe" 3, 4, 5, 3 (typ b: 1 in Stadtteil 1).
  ASSERT_OK_AND_ASSIGN(auto world,
                       CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 12}),
                                                 ByStadtteil({6, 8, 10, 6}), {},
                                                 {{{"1", "w"}, 1}}));
  v1::Query girls = Quote({"stadtteil"});
  (*girls.add_filters()).set_dimension("sex");
  girls.mutable_filters(0)->add_codes("w");
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse both, world->Cellgate(girls));
  EXPECT_EQ(CellOf(both.table(), "_T").values(kCount).value(), 15);
  EXPECT_EQ(CellOf(both.table(), "_T").values(kDenominatorCount).value(), 36);
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world->LastAuditRecord());
  ASSERT_EQ(record.denominator().query().filters_size(), 1);
  EXPECT_EQ(record.denominator().query().filters(0).dimension(), "sex");
  // "kinder" has no typ: that filter restricts the numerator only.
  v1::Query typ_a = Quote({"stadtteil@sozialraum"});
  (*typ_a.add_filters()).set_dimension("typ");
  typ_a.mutable_filters(0)->add_codes("a");
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse one, world->Cellgate(typ_a));
  EXPECT_EQ(CellOf(one.table(), "_T").values(kCount).value(), 29);
  EXPECT_EQ(CellOf(one.table(), "_T").values(kDenominatorCount).value(), 72);
}

TEST(CrossDatasetSharesTest, ADimensionTheDenominatorLacksIsRefusedNamingIt) {
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 12}),
                                                             ByStadtteil({6, 8, 10, 6})));
  EXPECT_THAT(world->Cellgate(Quote({"typ"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("dataset \"kinder\" has no dimension \"typ\"")));
}

TEST(CrossDatasetSharesTest, ADimensionWithOtherCodesInTheDenominatorIsRefusedNamingIt) {
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 12}),
                                                             ByStadtteil({6, 8, 10, 6})));
  EXPECT_THAT(world->Cellgate(Quote({"stadtteil"}, "viertel")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("dimension \"stadtteil\" has other codes")));
  // Only the grouped level and those above it must agree: both datasets
  // have the same Sozialräume.
  EXPECT_OK(world->Cellgate(Quote({"stadtteil@sozialraum"}, "viertel")).status());
  // An unknown denominator dataset.
  EXPECT_THAT(world->Cellgate(Quote({"sex"}, "nirgends")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nirgends")));
}

TEST(CrossDatasetSharesTest, ANumeratorAboveItsDenominatorGivesNoShare) {
  // "viertel" has 5 boys and 5 girls; "hilfe" 15 of each.
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 12}),
                                                             ByStadtteil({6, 8, 10, 6})));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(Quote({"sex"}, "viertel")));
  for (const v1::ReleasedCell& cell : answer.table().cells()) {
    EXPECT_EQ(cell.values(kShare).status(), v1::NOT_APPLICABLE) << cell.codes(0);
    EXPECT_EQ(cell.values(kCount).status(), v1::PUBLISHED);
  }
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world->LastAuditRecord());
  EXPECT_TRUE(record.denominator().not_nested());
}

TEST(CrossDatasetSharesTest, AnEmptyDenominatorGivesNotApplicable) {
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 0}),
                                                             ByStadtteil({6, 8, 10, 0})));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(Quote({"stadtteil"})));
  const v1::ReleasedCell& empty = CellOf(answer.table(), "4");
  EXPECT_EQ(empty.values(kDenominatorCount).status(), v1::ZERO);
  EXPECT_EQ(empty.values(kShare).status(), v1::NOT_APPLICABLE);
}

// ---------------------------------------------------------------------------
// Suppression is inherited from both sides

TEST(CrossDatasetSharesTest, ASmallNumeratorSuppressesTheShare) {
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 12}),
                                                             ByStadtteil({6, 2, 10, 6})));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(Quote({"stadtteil"})));
  const v1::ReleasedCell& small = CellOf(answer.table(), "2");
  EXPECT_EQ(small.values(kCount).status(), v1::SUPPRESSED);
  EXPECT_EQ(small.values(kShare).status(), v1::SUPPRESSED);
  EXPECT_EQ(small.values(kDenominatorCount).status(), v1::PUBLISHED);  // 16 children: fine
}

TEST(CrossDatasetSharesTest, ASmallDenominatorSuppressesTheShareEvenOfZero) {
  // Stadtteil 4: two children, neither with the benefit: "0 %" would say
  // that neither of the two gets it.
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 2}),
                                                             ByStadtteil({6, 8, 10, 0})));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(Quote({"stadtteil"})));
  const v1::ReleasedCell& small = CellOf(answer.table(), "4");
  EXPECT_EQ(small.values(kCount).status(), v1::ZERO);
  EXPECT_EQ(small.values(kDenominatorCount).status(), v1::SUPPRESSED);
  EXPECT_EQ(small.values(kShare).status(), v1::SUPPRESSED);
}

TEST(CrossDatasetSharesTest, TheRestOfTheDenominatorIsProtectedToo) {
  // Stadtteil 3: 23 of 24 children get the benefit; 95.8 % tells that
  // exactly one does not.
  ASSERT_OK_AND_ASSIGN(auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 12}),
                                                             ByStadtteil({6, 8, 23, 6})));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(Quote({"stadtteil"})));
  const v1::ReleasedCell& cell = CellOf(answer.table(), "3");
  EXPECT_EQ(cell.values(kShare).status(), v1::SUPPRESSED);
  EXPECT_FALSE(Shown(cell.values(kCount)) && Shown(cell.values(kDenominatorCount)));
}

TEST(CrossDatasetSharesTest, AllOrNoneOfASmallGroupIsSuppressed) {
  // "hilfe" protects groups under 10: Stadtteil 1 has 6 children, all six
  // with the benefit; Stadtteil 4 has 8 children, none with it. Both
  // counts are above k = 3, but 100 % and 0 % tell every child's status.
  ASSERT_OK_AND_ASSIGN(auto world,
                       CrossDatasetWorld::Create(ByStadtteil({6, 16, 24, 8}),
                                                 ByStadtteil({6, 8, 10, 0}),
                                                 {PolicyFor("hilfe", 3, /*min_group=*/10)}));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(Quote({"stadtteil"})));
  EXPECT_EQ(CellOf(answer.table(), "1").values(kShare).status(), v1::SUPPRESSED);
  EXPECT_EQ(CellOf(answer.table(), "4").values(kShare).status(), v1::SUPPRESSED);
  EXPECT_EQ(CellOf(answer.table(), "3").values(kShare).status(), v1::PUBLISHED);
}

TEST(CrossDatasetSharesTest, TheStricterThresholdOfTheTwoPoliciesApplies) {
  // "hilfe" needs 5 per cell; Stadtteil 4 has 4 children in "kinder",
  // which "kinder"'s own k = 3 would publish.
  ASSERT_OK_AND_ASSIGN(
      auto world, CrossDatasetWorld::Create(ByStadtteil({20, 16, 24, 4}),
                                            ByStadtteil({6, 8, 10, 0}), {PolicyFor("hilfe", 5)}));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse alone, world->Cellgate(Counts("kinder", {"stadtteil"})));
  EXPECT_EQ(CellOf(alone.table(), "4").values(0).status(), v1::PUBLISHED);
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(Quote({"stadtteil"})));
  EXPECT_EQ(CellOf(answer.table(), "4").values(kShare).status(), v1::SUPPRESSED);
}

// ---------------------------------------------------------------------------
// Attacks

// The numerator's small cell from the share and the published denominator:
// a share published wherever its denominator is (protected by the
// denominator's policy only) gives it back as share × denominator.
TEST(CrossDatasetShareAttacksTest, NumeratorFromTheShareAndThePublishedDenominator) {
  const std::vector<int> kinder = {20, 20, 20, 20}, hilfe = {2, 8, 9, 10};
  ASSERT_OK_AND_ASSIGN(auto world,
                       CrossDatasetWorld::Create(ByStadtteil(kinder), ByStadtteil(hilfe)));
  // Baseline: the denominator as its dataset releases it, the share next
  // to every published denominator.
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse d, world->Baseline(Counts("kinder", {"stadtteil"})));
  const v1::CellValue& d1 = CellOf(d.table(), "1").values(0);
  ASSERT_EQ(d1.status(), v1::PUBLISHED);
  const double naive_share = 100.0 * hilfe[0] / kinder[0];
  EXPECT_DOUBLE_EQ(naive_share * d1.value() / 100, 2);  // the small numerator
  // Cellgate: the share is suppressed with its numerator, and nothing
  // published pins the numerator below k = 3.
  const v1::Query quote = Quote({"stadtteil"});
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(quote));
  EXPECT_EQ(CellOf(answer.table(), "1").values(kShare).status(), v1::SUPPRESSED);
  NestedAttacker attacker;
  attacker.Learn(quote, answer.table());
  attacker.Learn(Counts("kinder", {"stadtteil"}), d.table());
  const NestedAttacker::Bounds b = attacker.Of(0, /*denominator=*/false);
  EXPECT_GE(b.upper, 3 - 1e-6);
  EXPECT_LT(b.lower, 2);
}

// Vice versa: the denominator's small cell (its policy needs 5) from the
// share and the published numerator, if the share is published wherever
// its numerator is.
TEST(CrossDatasetShareAttacksTest, DenominatorFromTheShareAndThePublishedNumerator) {
  const std::vector<int> kinder = {4, 20, 20, 20}, hilfe = {3, 8, 9, 10};
  ASSERT_OK_AND_ASSIGN(
      auto world,
      CrossDatasetWorld::Create(ByStadtteil(kinder), ByStadtteil(hilfe), {PolicyFor("kinder", 5)}));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse n, world->Baseline(Counts("hilfe", {"stadtteil"})));
  const v1::CellValue& n1 = CellOf(n.table(), "1").values(0);
  ASSERT_EQ(n1.status(), v1::PUBLISHED);  // 3 recipients: hilfe's k = 3 publishes them
  const double naive_share = 100.0 * hilfe[0] / kinder[0];
  EXPECT_DOUBLE_EQ(n1.value() / (naive_share / 100), 4);  // the small denominator
  const v1::Query quote = Quote({"stadtteil"});
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(quote));
  EXPECT_EQ(CellOf(answer.table(), "1").values(kShare).status(), v1::SUPPRESSED);
  NestedAttacker attacker;
  attacker.Learn(quote, answer.table());
  const NestedAttacker::Bounds b = attacker.Of(0, /*denominator=*/true);
  EXPECT_GE(b.upper, 5 - 1e-6);
}

// Each count protected by its own policy and the share published only
// where both counts are is not enough: the numerator nests in the
// denominator, so a published denominator bounds the numerator from above,
// and with the numerator's margin that pins a suppressed numerator.
TEST(CrossDatasetShareAttacksTest, SeparateProtectionLeaksThroughTheNesting) {
  // Stadtteil 1: all 4 children get the benefit, Stadtteil 2: all 10.
  const std::vector<int> kinder = {4, 10, 30, 30}, hilfe = {4, 10, 12, 14};
  ASSERT_OK_AND_ASSIGN(
      auto world,
      CrossDatasetWorld::Create(ByStadtteil(kinder), ByStadtteil(hilfe), {PolicyFor("hilfe", 5)}));
  v1::Query n_alone = Counts("hilfe", {"stadtteil"});
  v1::Query d_alone = Counts("kinder", {"stadtteil"});
  FilterStadtteil(n_alone, {"1", "2"});
  FilterStadtteil(d_alone, {"1", "2"});
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse n, world->Baseline(n_alone));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse d, world->Baseline(d_alone));
  EXPECT_EQ(CellOf(n.table(), "1").values(0).status(), v1::SUPPRESSED);
  NestedAttacker baseline;
  baseline.Learn(n_alone, n.table());
  baseline.Learn(d_alone, d.table());
  const NestedAttacker::Bounds pinned = baseline.Of(0, false);
  EXPECT_NEAR(pinned.lower, 4, 1e-6);
  EXPECT_NEAR(pinned.upper, 4, 1e-6);  // recovered exactly

  v1::Query quote = Quote({"stadtteil"});
  FilterStadtteil(quote, {"1", "2"});
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(quote));
  EXPECT_EQ(CellOf(answer.table(), "1").values(kShare).status(), v1::SUPPRESSED);
  NestedAttacker attacker;
  attacker.Learn(quote, answer.table());
  const NestedAttacker::Bounds open = attacker.Of(0, false);
  EXPECT_GE(open.upper, 5 - 1e-6);  // hilfe's k
}

// The denominator table is a release of its own dataset: the ledger of
// "kinder" audits it against that dataset's earlier releases.
TEST(CrossDatasetShareAttacksTest, TheDenominatorIsAuditedAgainstItsOwnDatasetsReleases) {
  const std::vector<int> kinder = {10, 2, 20, 20}, hilfe = {5, 0, 6, 7};
  const v1::Query areas = Counts("kinder", {"stadtteil@sozialraum"});
  v1::Query quote = Quote({"stadtteil"});
  FilterStadtteil(quote, {"1"});
  // Baseline: Sozialraum A (12) minus Stadtteil 1's denominator (10).
  {
    ASSERT_OK_AND_ASSIGN(auto world,
                         CrossDatasetWorld::Create(ByStadtteil(kinder), ByStadtteil(hilfe)));
    ASSERT_OK_AND_ASSIGN(v1::QueryResponse a, world->Baseline(areas));
    ASSERT_OK_AND_ASSIGN(v1::QueryResponse s, world->Baseline(quote));
    NestedAttacker attacker;
    attacker.Learn(areas, a.table());
    attacker.Learn(quote, s.table());
    const NestedAttacker::Bounds b = attacker.Of(1, /*denominator=*/true);
    EXPECT_NEAR(b.upper, 2, 1e-6);  // Stadtteil 2's two children
  }
  ASSERT_OK_AND_ASSIGN(auto world,
                       CrossDatasetWorld::Create(ByStadtteil(kinder), ByStadtteil(hilfe)));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse a, world->Cellgate(areas));
  NestedAttacker attacker;
  attacker.Learn(areas, a.table());
  absl::StatusOr<v1::QueryResponse> s = world->Cellgate(quote);
  if (s.ok()) {
    attacker.Learn(quote, s->table());
    EXPECT_FALSE(Shown(CellOf(s->table(), "1").values(kDenominatorCount)));
  } else {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  EXPECT_GE(attacker.Of(1, true).upper, 3 - 1e-6);
  ASSERT_OK_AND_ASSIGN(const v1::AuditRecord record, world->LastAuditRecord());
  EXPECT_EQ(record.denominator().ledger_audit().linked_releases(), 1);
}

// And the numerator's table is a release of its dataset, audited likewise.
TEST(CrossDatasetShareAttacksTest, TheNumeratorIsAuditedAgainstItsOwnDatasetsReleases) {
  const std::vector<int> kinder = {20, 20, 20, 20}, hilfe = {10, 2, 8, 8};
  const v1::Query areas = Counts("hilfe", {"stadtteil@sozialraum"});
  v1::Query quote = Quote({"stadtteil"});
  FilterStadtteil(quote, {"1"});
  ASSERT_OK_AND_ASSIGN(auto world,
                       CrossDatasetWorld::Create(ByStadtteil(kinder), ByStadtteil(hilfe)));
  {
    ASSERT_OK_AND_ASSIGN(v1::QueryResponse a, world->Baseline(areas));
    ASSERT_OK_AND_ASSIGN(v1::QueryResponse s, world->Baseline(quote));
    NestedAttacker attacker;
    attacker.Learn(areas, a.table());
    attacker.Learn(quote, s.table());
    EXPECT_NEAR(attacker.Of(1, false).upper, 2, 1e-6);
  }
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse a, world->Cellgate(areas));
  NestedAttacker attacker;
  attacker.Learn(areas, a.table());
  absl::StatusOr<v1::QueryResponse> s = world->Cellgate(quote);
  if (s.ok()) attacker.Learn(quote, s->table());
  EXPECT_GE(attacker.Of(1, false).upper, 3 - 1e-6);
}

}  // namespace
}  // namespace cellgate::attacks
