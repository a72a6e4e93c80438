#include "client/query_syntax.h"

#include "client/exit_codes.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::client {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(QuerySyntaxTest, ParsesGroupingWithLevelAndSubtotals) {
  ASSERT_OK_AND_ASSIGN(v1::Grouping plain, ParseGrouping("sex"));
  EXPECT_EQ(plain.dimension(), "sex");
  EXPECT_EQ(plain.level(), "");
  EXPECT_FALSE(plain.subtotals());
  ASSERT_OK_AND_ASSIGN(v1::Grouping level, ParseGrouping("stadtteil:sozialraum"));
  EXPECT_EQ(level.dimension(), "stadtteil");
  EXPECT_EQ(level.level(), "sozialraum");
  EXPECT_FALSE(level.subtotals());
  ASSERT_OK_AND_ASSIGN(v1::Grouping subtotals, ParseGrouping("stadtteil+"));
  EXPECT_EQ(subtotals.dimension(), "stadtteil");
  EXPECT_TRUE(subtotals.subtotals());
  ASSERT_OK_AND_ASSIGN(v1::Grouping both, ParseGrouping("stadtteil:sozialraum+"));
  EXPECT_EQ(both.level(), "sozialraum");
  EXPECT_TRUE(both.subtotals());
}

TEST(QuerySyntaxTest, RejectsMalformedGroupingNamingTheFlag) {
  for (const char* bad : {"", "+", "sex:", ":level", "a:b:c", "sex++", "se x"}) {
    const absl::StatusOr<v1::Grouping> g = ParseGrouping(bad);
    EXPECT_THAT(g, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("flag --by"))) << bad;
    EXPECT_TRUE(IsUsageError(g.status()));
  }
}

TEST(QuerySyntaxTest, ParsesMeasures) {
  ASSERT_OK_AND_ASSIGN(v1::Measure count, ParseMeasure("count"));
  EXPECT_EQ(count.kind(), v1::Measure::COUNT);
  EXPECT_EQ(count.column(), "");
  ASSERT_OK_AND_ASSIGN(v1::Measure sum, ParseMeasure("sum:stunden"));
  EXPECT_EQ(sum.kind(), v1::Measure::SUM);
  EXPECT_EQ(sum.column(), "stunden");
  ASSERT_OK_AND_ASSIGN(v1::Measure mean, ParseMeasure("mean:alter_monate"));
  EXPECT_EQ(mean.kind(), v1::Measure::MEAN);
  EXPECT_EQ(mean.column(), "alter_monate");
}

TEST(QuerySyntaxTest, ParsesShareWithTheFilterSyntax) {
  ASSERT_OK_AND_ASSIGN(v1::Measure share, ParseMeasure("share:mh=ja"));
  EXPECT_EQ(share.kind(), v1::Measure::SHARE);
  EXPECT_EQ(share.column(), "");
  EXPECT_EQ(share.share_of().dimension(), "mh");
  EXPECT_EQ(share.share_of().level(), "");
  EXPECT_THAT(share.share_of().codes(), ElementsAre("ja"));
  ASSERT_OK_AND_ASSIGN(v1::Measure leveled, ParseMeasure("share:schule:schulart=GY,IGS"));
  EXPECT_EQ(leveled.share_of().dimension(), "schule");
  EXPECT_EQ(leveled.share_of().level(), "schulart");
  EXPECT_THAT(leveled.share_of().codes(), ElementsAre("GY", "IGS"));
}

TEST(QuerySyntaxTest, RejectsMalformedShareNamingTheFlagAndTheShareForm) {
  for (const char* bad : {"share", "share:", "share:mh", "share:mh=", "share:=ja",
                          "share:mh=ja,,nein", "share:mh:=ja", "share:a:b:c=1", "share:m h=ja"}) {
    const absl::StatusOr<v1::Measure> m = ParseMeasure(bad);
    EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument,
                            HasSubstr("flag --measure has a bad value")))
        << bad;
    EXPECT_TRUE(IsUsageError(m.status())) << bad;
  }
  EXPECT_THAT(ParseMeasure("share:mh"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected share:DIM=C1,C2,... or share:DIM:LEVEL=C1,C2,...")));
  EXPECT_THAT(ParseMeasure("share:mh=ja,,nein"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty code")));
  EXPECT_THAT(ParseMeasure("median:x"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("share:DIM[:LEVEL]=C1")));
}

TEST(QuerySyntaxTest, FormatsAClientDerivedShareWithoutCodes) {
  v1::Measure derived;
  derived.set_kind(v1::Measure::SHARE);
  derived.mutable_share_of()->set_dimension("schule");
  derived.mutable_share_of()->set_level("schulart");
  EXPECT_EQ(FormatMeasure(derived), "share:schule:schulart");
  EXPECT_FALSE(ParseMeasure(FormatMeasure(derived)).ok());
}

TEST(QuerySyntaxTest, RejectsUnknownMeasureNamingTheFlag) {
  for (const char* bad : {"median:x", "sum", "sum:", "count:x", "mean:a b"}) {
    EXPECT_THAT(ParseMeasure(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("flag --measure has a bad value")))
        << bad;
  }
}

TEST(QuerySyntaxTest, ParsesFilterCodesWithSlashesAndLevel) {
  ASSERT_OK_AND_ASSIGN(v1::Filter year, ParseFilter("schuljahr=2024/25,2025/26"));
  EXPECT_EQ(year.dimension(), "schuljahr");
  EXPECT_EQ(year.level(), "");
  EXPECT_THAT(year.codes(), ElementsAre("2024/25", "2025/26"));
  ASSERT_OK_AND_ASSIGN(v1::Filter area, ParseFilter("stadtteil:sozialraum=N"));
  EXPECT_EQ(area.level(), "sozialraum");
  EXPECT_THAT(area.codes(), ElementsAre("N"));
}

TEST(QuerySyntaxTest, RejectsMalformedFilterNamingTheFlag) {
  for (const char* bad : {"sex", "=m", "sex=", "sex=m,,w", "sex:=m"}) {
    EXPECT_THAT(ParseFilter(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("flag --filter has a bad value")))
        << bad;
  }
}

TEST(QuerySyntaxTest, FormatsPartsBackToTheSameMessage) {
  for (const char* text : {"sex", "stadtteil:sozialraum+", "stadtteil+"}) {
    ASSERT_OK_AND_ASSIGN(v1::Grouping g, ParseGrouping(text));
    EXPECT_EQ(FormatGrouping(g), text);
  }
  for (const char* text : {"count", "sum:stunden", "mean:alter", "share:mh=ja",
                           "share:schule:schulart=GY,IGS", "share:schuljahr=2024/25"}) {
    ASSERT_OK_AND_ASSIGN(v1::Measure m, ParseMeasure(text));
    EXPECT_EQ(FormatMeasure(m), text);
  }
  ASSERT_OK_AND_ASSIGN(v1::Filter f, ParseFilter("stadtteil:sozialraum=N,S"));
  EXPECT_EQ(FormatFilter(f), "stadtteil:sozialraum=N,S");
}

TEST(QuerySyntaxTest, FormatsAQueryAsOneLineOfFlags) {
  v1::Query query;
  query.set_dataset("abgang");
  query.set_version(3);
  *query.add_group_by() = *ParseGrouping("abschluss");
  *query.add_measures() = *ParseMeasure("count");
  *query.add_measures() = *ParseMeasure("share:sex=w");
  *query.add_filters() = *ParseFilter("abgangsjahr=2025");
  query.set_totals(true);
  query.set_purpose("bildungsbericht");
  query.set_legal_basis("schulg_rlp_67");
  query.set_justification("Bericht 2026, Kapitel \"D\"");
  EXPECT_EQ(FormatQueryFlags(query),
            "--dataset abgang --version 3 --by abschluss --measure count "
            "--measure share:sex=w --filter abgangsjahr=2025 --totals --purpose bildungsbericht "
            "--legal-basis schulg_rlp_67 --justification \"Bericht 2026, Kapitel \\\"D\\\"\"");
}

}  // namespace
TEST(QuerySyntaxTest, ParsesASharesAndACountOfAnotherDataset) {
  ASSERT_OK_AND_ASSIGN(v1::Measure share, ParseMeasure("share:@population"));
  EXPECT_EQ(share.kind(), v1::Measure::SHARE);
  EXPECT_EQ(share.denominator().dataset(), "population");
  EXPECT_TRUE(share.share_of().dimension().empty());
  ASSERT_OK_AND_ASSIGN(v1::Measure count, ParseMeasure("count:@population"));
  EXPECT_EQ(count.kind(), v1::Measure::COUNT);
  EXPECT_EQ(count.denominator().dataset(), "population");
  for (const char* text : {"share:@population", "count:@kita_kind"}) {
    ASSERT_OK_AND_ASSIGN(v1::Measure m, ParseMeasure(text));
    EXPECT_EQ(FormatMeasure(m), text);
  }
  for (const char* bad : {"share:@", "share:@Pop", "count:@a-b", "sum:@population"}) {
    EXPECT_THAT(ParseMeasure(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("flag --measure")))
        << bad;
  }
}

TEST(QuerySyntaxTest, FormatsTheDenominatorsFiltersOnce) {
  v1::Query query;
  query.set_dataset("sgb2_person");
  *query.add_group_by() = *ParseGrouping("bezirk:stadtteil");
  *query.add_filters() = *ParseFilter("age_group=u15");
  for (const char* text : {"count", "count:@population", "share:@population"}) {
    v1::Measure& m = *query.add_measures() = *ParseMeasure(text);
    if (m.has_denominator()) *m.mutable_denominator()->add_filters() = *ParseFilter("alter=0,1,2");
  }
  query.set_purpose("bildungsbericht");
  query.set_legal_basis("bdsg_3");
  EXPECT_EQ(FormatQueryFlags(query),
            "--dataset sgb2_person --by bezirk:stadtteil --measure count --measure "
            "count:@population --measure share:@population --filter age_group=u15 "
            "--denominator-filter alter=0,1,2 --purpose bildungsbericht --legal-basis bdsg_3");
  EXPECT_THAT(ParseDenominatorFilter("alter"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("flag --denominator-filter")));
}

TEST(QuerySyntaxTest, ChannelIsInternalOrPublic) {
  EXPECT_THAT(ParseChannel("public"), ::cellgate::testing::IsOkAndHolds(v1::PUBLIC));
  EXPECT_THAT(ParseChannel("internal"), ::cellgate::testing::IsOkAndHolds(v1::INTERNAL));
  EXPECT_THAT(ParseChannel("portal"),
              ::cellgate::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                            ::testing::HasSubstr("expected internal or public")));
  v1::Query query;
  query.set_dataset("abgang");
  query.set_channel(v1::PUBLIC);
  EXPECT_THAT(FormatQueryFlags(query), ::testing::HasSubstr("--channel public"));
}

}  // namespace cellgate::client
