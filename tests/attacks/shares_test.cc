// Shares through the real pipeline: a share publishes its numerator as
// surely as a count (share × count), so it is published only where both
// its numerator and its denominator are safe, and the release ledger
// remembers both.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/attacks/attack_world.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::attacks {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

// Stadtteil 1: 20 pupils, 8 non-German. Stadtteil 2: 21 pupils, 1 non-German.
// Stadtteil 3: 30 pupils, 6 non-German. Stadtteil 4: none.
std::vector<Pupil> Pupils() {
  std::vector<Pupil> pupils;
  for (int i = 0; i < 20; ++i) pupils.push_back({"1", "s1", i % 2 ? "m" : "w", i < 8 ? "nd" : "de"});
  for (int i = 0; i < 21; ++i) pupils.push_back({"2", "s2", i % 2 ? "m" : "w", i < 1 ? "nd" : "de"});
  for (int i = 0; i < 30; ++i) pupils.push_back({"3", "s3", i % 2 ? "m" : "w", i < 6 ? "nd" : "de"});
  return pupils;
}

const Ask kShareByStadtteil = {.group_by = {"stadtteil"}, .totals = true,
                               .share_of = {"nat", {"nd"}}};

// Non-German pupils and all pupils of Stadtteil 1..4 and the city.
constexpr int kNonGerman[] = {8, 1, 6, 0, 15};
constexpr int kPupils[] = {20, 21, 30, 0, 71};

TEST(SharesTest, ShareIsNumeratorOverCountInPercent) {
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Pupils()));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(kShareByStadtteil));
  const v1::ReleasedTable& t = answer.table();
  ASSERT_EQ(t.measures_size(), 2);
  EXPECT_EQ(t.measures(1).measure().kind(), v1::Measure::SHARE);
  EXPECT_THAT(t.measures(1).label(), HasSubstr("in %"));
  ASSERT_EQ(t.cells_size(), 5);  // Stadtteile 1..4 and the total
  int published = 0;
  for (int c = 0; c < 5; ++c) {
    EXPECT_EQ(t.cells(c).values(0).value(), kPupils[c]) << c;
    if (t.cells(c).values(1).status() != v1::PUBLISHED) continue;
    ++published;
    EXPECT_DOUBLE_EQ(t.cells(c).values(1).value(), 100.0 * kNonGerman[c] / kPupils[c]) << c;
  }
  EXPECT_GE(published, 2);  // the city's 21.1 % and one Stadtteil's
  EXPECT_EQ(t.cells(4).values(1).status(), v1::PUBLISHED);
  // Stadtteil 4 has no pupils: its share is not applicable ("x").
  EXPECT_EQ(t.cells(3).values(0).status(), v1::ZERO);
  EXPECT_EQ(t.cells(3).values(1).status(), v1::NOT_APPLICABLE);
}

// The one shown among Stadtteil 1 and 3, whose shares partner each
// other around Stadtteil 2.
int PublishedPartner(const v1::ReleasedTable& t) {
  return t.cells(0).values(1).status() != v1::SUPPRESSED ? 0 : 2;
}

TEST(SharesTest, AShareThatWouldRevealASmallNumeratorIsSuppressed) {
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Pupils()));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(kShareByStadtteil));
  const v1::ReleasedTable& t = answer.table();
  // Stadtteil 2: 1 of 21 would be 4.8 %, and 4.8 % × 21 = the one pupil.
  EXPECT_EQ(t.cells(1).values(0).status(), v1::PUBLISHED);  // 21 pupils: fine
  EXPECT_EQ(t.cells(1).values(1).status(), v1::SUPPRESSED);
  // The city's 15 minus the others would give it back, so exactly one of
  // Stadtteil 1 and 3 is suppressed with it.
  EXPECT_NE(t.cells(0).values(1).status(), t.cells(2).values(1).status());
}

TEST(SharesTest, TheLedgerRemembersTheNumerators) {
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Pupils()));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse shares, world->Cellgate(kShareByStadtteil));
  const int partner = PublishedPartner(shares.table());
  const std::string partner_code = partner == 0 ? "1" : "3";
  // Non-German pupils of Stadtteil 2 and the published partner, asked as a
  // count: minus the partner's published share × count, it gives Stadtteil
  // 2's one non-German pupil.
  const Ask count = {.filters = {{"nat", {"nd"}}, {"stadtteil", {"2", partner_code}}}};
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse base, world->Baseline(count));
  EXPECT_EQ(base.table().cells(0).values(0).value() - kNonGerman[partner], 1);
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse safe, world->Cellgate(count));
  EXPECT_EQ(safe.table().cells(0).values(0).status(), v1::SUPPRESSED);
}

TEST(SharesTest, ASharePublishedOnASmallBaseIsMarkedUnreliable) {
  v1::DisclosurePolicy policy;
  policy.set_id("shares");
  policy.set_version(1);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(3);
  policy.mutable_shares()->set_unreliable_below(31);
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Pupils(), &policy));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(kShareByStadtteil));
  const v1::ReleasedTable& t = answer.table();
  // Stadtteil 1 has 20 pupils and Stadtteil 3 30 (< 31): whichever of
  // their shares is not suppressed is shown, marked "/"; the city's (71) is
  // reliable.
  const v1::CellValue& shown = t.cells(PublishedPartner(t)).values(1);
  EXPECT_EQ(shown.status(), v1::UNRELIABLE);
  EXPECT_GT(shown.value(), 0);
  EXPECT_EQ(t.cells(4).values(1).status(), v1::PUBLISHED);
  EXPECT_EQ(t.cells(0).values(0).status(), v1::PUBLISHED);  // the count itself is reliable
}

TEST(SharesTest, UnderFiveRoundingASharesComesFromTheRoundedCounts) {
  v1::DisclosurePolicy policy;
  policy.set_id("rounded");
  policy.set_version(1);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(3);
  policy.mutable_rounding()->set_base(5);
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Pupils(), &policy));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, world->Cellgate(kShareByStadtteil));
  const v1::ReleasedTable& t = answer.table();
  // The city: 15 of 71 exactly, released as 15 of 70: an exact 21.13 %
  // next to "70" would tell that the true count is 71.
  EXPECT_EQ(t.cells(4).values(0).status(), v1::ROUNDED);
  EXPECT_EQ(t.cells(4).values(0).value(), 70);
  EXPECT_EQ(t.cells(4).values(1).status(), v1::ROUNDED);
  EXPECT_DOUBLE_EQ(t.cells(4).values(1).value(), 100.0 * 15 / 70);
}

TEST(SharesTest, BadSharesAreRefusedWithTheirReason) {
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(Pupils()));
  EXPECT_THAT(world->Cellgate({.group_by = {"nat"}, .share_of = {"nat", {"nd"}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cannot also group by")));
  EXPECT_THAT(world->Cellgate({.group_by = {"sex"}, .mean = true, .share_of = {"nat", {"nd"}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("COUNT and SHARE")));
  EXPECT_THAT(world->Cellgate({.group_by = {"sex"}, .share_of = {"nat", {"xx"}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("xx")));
}

}  // namespace
}  // namespace cellgate::attacks
