#include "client/export/derived_shares.h"

#include "client/query_syntax.h"
#include "client/testing/test_tables.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::PulledLeaversTable;
using ::cellgate::client::testing::PulledShareTable;
using ::cellgate::client::testing::SchoolTable;
using ::cellgate::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

v1::CellValue Count(v1::CellStatus status, double value = 0) {
  v1::CellValue v;
  v.set_status(status);
  v.set_value(value);
  return v;
}

// The leavers table as a manifest asks for it: count and mean, then the
// share of each Abschlussart in its total.
v1::PulledTable LeaversWithShare() {
  v1::PulledTable pulled = PulledLeaversTable();
  pulled.mutable_table()->add_measures()->set_kind(v1::Measure::COUNT);
  v1::Measure& mean = *pulled.mutable_table()->add_measures();
  mean.set_kind(v1::Measure::MEAN);
  mean.set_column("alter");
  pulled.mutable_table()->add_shares()->set_of_dimension("abschluss");
  return pulled;
}

TEST(DerivedSharesTest, ShareOfPublishedCountsIsTheirRatioInPercent) {
  const v1::CellValue share = DerivedShare(Count(v1::PUBLISHED, 411), Count(v1::PUBLISHED, 1234));
  EXPECT_EQ(share.status(), v1::PUBLISHED);
  EXPECT_DOUBLE_EQ(share.value(), 100.0 * 411 / 1234);
}

TEST(DerivedSharesTest, SuppressedCountOrTotalSuppressesTheShare) {
  EXPECT_EQ(DerivedShare(Count(v1::SUPPRESSED), Count(v1::PUBLISHED, 1234)).status(),
            v1::SUPPRESSED);
  EXPECT_EQ(DerivedShare(Count(v1::PUBLISHED, 12), Count(v1::SUPPRESSED)).status(),
            v1::SUPPRESSED);
  EXPECT_EQ(DerivedShare(Count(v1::PUBLISHED, 12), Count(v1::SUPPRESSED)).value(), 0);
}

TEST(DerivedSharesTest, ZeroTotalIsNotApplicableAndZeroCountIsZeroPercent) {
  EXPECT_EQ(DerivedShare(Count(v1::ZERO), Count(v1::ZERO)).status(), v1::NOT_APPLICABLE);
  EXPECT_EQ(DerivedShare(Count(v1::ROUNDED, 0), Count(v1::ROUNDED, 0)).status(),
            v1::NOT_APPLICABLE);
  const v1::CellValue zero = DerivedShare(Count(v1::ZERO), Count(v1::PUBLISHED, 40));
  EXPECT_EQ(zero.status(), v1::PUBLISHED);
  EXPECT_EQ(zero.value(), 0);
}

TEST(DerivedSharesTest, ShareIsAsUncertainAsItsLessCertainCount) {
  EXPECT_EQ(DerivedShare(Count(v1::UNRELIABLE, 3), Count(v1::PERTURBED, 40)).status(),
            v1::UNRELIABLE);
  EXPECT_EQ(DerivedShare(Count(v1::PUBLISHED, 3), Count(v1::PERTURBED, 40)).status(),
            v1::PERTURBED);
  EXPECT_EQ(DerivedShare(Count(v1::ROUNDED, 5), Count(v1::PUBLISHED, 40)).status(), v1::ROUNDED);
  EXPECT_DOUBLE_EQ(DerivedShare(Count(v1::ROUNDED, 5), Count(v1::PUBLISHED, 40)).value(), 12.5);
}

TEST(DerivedSharesTest, AppendsTheShareOfEachEntryInTheDimensionTotal) {
  ASSERT_OK_AND_ASSIGN(const v1::PulledTable view, ExportView(LeaversWithShare()));
  const v1::ReleasedTable& t = view.response().table();
  ASSERT_EQ(t.measures_size(), 3);
  EXPECT_EQ(t.measures(2).measure().kind(), v1::Measure::SHARE);
  EXPECT_EQ(FormatMeasure(t.measures(2).measure()), "share:abschluss");
  EXPECT_EQ(t.measures(2).label(), "Anteil an Abschlussart insgesamt in %");
  EXPECT_EQ(t.measures(2).decimals(), 1);
  ASSERT_EQ(t.cells_size(), 4);
  // _T 1234, ohne_BR suppressed, BR zero, AHR 1100.
  EXPECT_EQ(t.cells(0).values(2).status(), v1::PUBLISHED);
  EXPECT_DOUBLE_EQ(t.cells(0).values(2).value(), 100.0);
  EXPECT_EQ(t.cells(1).values(2).status(), v1::SUPPRESSED);
  EXPECT_EQ(t.cells(2).values(2).status(), v1::PUBLISHED);
  EXPECT_EQ(t.cells(2).values(2).value(), 0);
  EXPECT_EQ(t.cells(3).values(2).status(), v1::PUBLISHED);
  EXPECT_DOUBLE_EQ(t.cells(3).values(2).value(), 100.0 * 1100 / 1234);
  // The measures before it are untouched.
  EXPECT_EQ(t.cells(3).values(1).status(), v1::UNRELIABLE);
  EXPECT_DOUBLE_EQ(t.cells(3).values(1).value(), 19.04);
}

TEST(DerivedSharesTest, DividesByTheTotalWithTheSameOtherCodes) {
  v1::PulledTable pulled;
  pulled.mutable_table()->set_id("schule");
  pulled.mutable_table()->add_measures()->set_kind(v1::Measure::COUNT);
  pulled.mutable_table()->add_measures()->set_kind(v1::Measure::MEAN);
  pulled.mutable_table()->add_measures()->set_kind(v1::Measure::SUM);
  v1::ShareMeasure& share = *pulled.mutable_table()->add_shares();
  share.set_of_dimension("stadtteil");
  share.set_label("Anteil an der Stadt (%)");
  *pulled.mutable_response() = SchoolTable();
  ASSERT_OK_AND_ASSIGN(const v1::PulledTable view, ExportView(pulled));
  const v1::ReleasedTable& t = view.response().table();
  ASSERT_EQ(t.measures_size(), 4);
  EXPECT_EQ(t.measures(3).label(), "Anteil an der Stadt (%)");
  // No group_by in the entry: the finest level, not named.
  EXPECT_EQ(FormatMeasure(t.measures(3).measure()), "share:stadtteil");
  // Cells row-major over stadtteil (_T, N, 01, 02) × sex (m, w); the totals
  // are 1234 (m) and 1100 (w).
  EXPECT_DOUBLE_EQ(t.cells(2).values(3).value(), 100.0 * 600 / 1234);  // N, m
  EXPECT_EQ(t.cells(3).values(3).status(), v1::PUBLISHED);             // N, w: zero count
  EXPECT_EQ(t.cells(3).values(3).value(), 0);
  EXPECT_EQ(t.cells(5).values(3).status(), v1::SUPPRESSED);            // 01, w
  EXPECT_DOUBLE_EQ(t.cells(6).values(3).value(), 100.0 * 598 / 1234);  // 02, m
}

TEST(DerivedSharesTest, OrdersColumnsAsTheManifestAndRelabelsServerShares) {
  v1::PulledTable pulled = PulledShareTable();
  v1::ManifestTable& spec = *pulled.mutable_table();
  spec.mutable_shares(0)->set_label("Quote MH (%)");
  // Ask for the derived share first: it comes before the server's.
  spec.add_shares()->set_of_dimension("schule");
  spec.mutable_shares()->SwapElements(0, 1);
  v1::Grouping& schulart = *spec.add_group_by();
  schulart.set_dimension("schule");
  schulart.set_level("schulart");
  ASSERT_OK_AND_ASSIGN(const v1::PulledTable view, ExportView(pulled));
  const v1::ReleasedTable& t = view.response().table();
  ASSERT_EQ(t.measures_size(), 3);
  EXPECT_EQ(FormatMeasure(t.measures(1).measure()), "share:schule:schulart");
  EXPECT_EQ(FormatMeasure(t.measures(2).measure()), "share:mh=ja");
  EXPECT_EQ(t.measures(2).label(), "Quote MH (%)");
  EXPECT_DOUBLE_EQ(t.cells(3).values(1).value(), 100.0 * 600 / 1234);
  EXPECT_DOUBLE_EQ(t.cells(3).values(2).value(), 100.0 * 125 / 600);
  EXPECT_EQ(t.cells(2).values(2).status(), v1::NOT_APPLICABLE);
  // The record keeps the server's answer.
  EXPECT_EQ(pulled.response().table().measures_size(), 2);
}

TEST(DerivedSharesTest, TableWithoutSharesIsUnchanged) {
  const v1::PulledTable pulled = PulledLeaversTable();
  ASSERT_OK_AND_ASSIGN(const v1::PulledTable view, ExportView(pulled));
  EXPECT_TRUE(MessageDifferencer::Equals(view, pulled));
}

TEST(DerivedSharesTest, AnswerWithoutTheAxisOrItsTotalIsAFailedPrecondition) {
  v1::PulledTable no_axis = LeaversWithShare();
  no_axis.mutable_table()->mutable_shares(0)->set_of_dimension("sex");
  EXPECT_THAT(ExportView(no_axis),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("table \"abschluesse\": the answer has no axis \"sex\"")));
  v1::PulledTable no_total = LeaversWithShare();
  no_total.mutable_response()->mutable_table()->mutable_axes(1)->mutable_entries(0)->set_is_total(
      false);
  EXPECT_THAT(ExportView(no_total), StatusIs(absl::StatusCode::kFailedPrecondition,
                                             HasSubstr("no total of \"abschluss\"")));
  v1::PulledTable extra = LeaversWithShare();
  extra.mutable_table()->mutable_measures()->RemoveLast();
  EXPECT_THAT(ExportView(extra),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("2 measures")));
}

}  // namespace
}  // namespace cellgate::client
