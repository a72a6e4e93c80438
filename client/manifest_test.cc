#include "client/manifest.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::client {
namespace {

using ::cellgate::testing::IsOk;
using ::cellgate::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A valid manifest with one table; tests append or replace parts of it.
constexpr char kHead[] = R"pb(
  id: "bericht"
  title: "Bericht"
  purpose: "bildungsbericht"
  legal_basis: "schulg_rlp_67"
  formats: "csv"
  formats: "csv-de"
)pb";

std::string Table(const std::string& extra, const std::string& id = "abschluesse") {
  return "tables {\n  id: \"" + id + "\"\n" + R"pb(
    title: "Abschlüsse"
    dataset: "abgang"
    years { dimension: "abgangsjahr" codes: "2024" codes: "2025" }
    group_by { dimension: "abschluss" }
    measures { kind: COUNT }
  )pb" + extra + "}\n";
}

absl::StatusOr<LoadedManifest> Parse(const std::string& tables) {
  return ParseManifest(std::string(kHead) + tables, "m.textproto");
}

TEST(ManifestTest, FillsManifestDefaultsIntoEachTable) {
  absl::StatusOr<LoadedManifest> m = Parse(Table("") + Table("", "zweite"));
  ASSERT_THAT(m, IsOk());
  ASSERT_EQ(m->manifest.tables_size(), 2);
  const v1::ManifestTable& t = m->manifest.tables(1);
  EXPECT_EQ(t.purpose(), "bildungsbericht");
  EXPECT_EQ(t.legal_basis(), "schulg_rlp_67");
  EXPECT_THAT(t.formats(), ElementsAre("csv", "csv-de"));
  EXPECT_EQ(m->sha256.size(), 64u);
}

TEST(ManifestTest, TableValuesOverrideDefaults) {
  absl::StatusOr<LoadedManifest> m = Parse(Table("legal_basis: \"bdsg_3\" formats: \"json\""));
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->manifest.tables(0).legal_basis(), "bdsg_3");
  EXPECT_THAT(m->manifest.tables(0).formats(), ElementsAre("json"));
}

TEST(ManifestTest, CountWithColumnNamesFileTableFieldAndValue) {
  EXPECT_THAT(Parse(Table("measures { kind: COUNT column: \"alter\" }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("m.textproto: table \"abschluesse\""),
                             HasSubstr("field \"measures[1].column\""), HasSubstr("\"alter\""))));
}

TEST(ManifestTest, MeanWithoutColumnIsRejected) {
  EXPECT_THAT(Parse(Table("measures { kind: MEAN }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"measures[1].column\""),
                             HasSubstr("MEAN needs a column"))));
}

TEST(ManifestTest, UnknownFormatNamesTheFormat) {
  EXPECT_THAT(Parse(Table("formats: \"pdf\"")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("table \"abschluesse\""),
                             HasSubstr("field \"formats[0]\""),
                             HasSubstr("unknown export format \"pdf\""))));
}

TEST(ManifestTest, RepeatedTableIdIsRejected) {
  EXPECT_THAT(Parse(Table("") + Table("")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"id\""), HasSubstr("\"abschluesse\" repeats"))));
}

TEST(ManifestTest, BadTableIdIsNamedByPosition) {
  EXPECT_THAT(Parse(Table("", "Ab schluss")), StatusIs(absl::StatusCode::kInvalidArgument,
                                     AllOf(HasSubstr("table #1"), HasSubstr("\"Ab schluss\""))));
}

TEST(ManifestTest, ShareOfAGroupingDimensionIsAccepted) {
  absl::StatusOr<LoadedManifest> m =
      Parse(Table("shares { label: \"Quote\" of_dimension: \"abschluss\" }"));
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->manifest.tables(0).shares(0).of_dimension(), "abschluss");
}

TEST(ManifestTest, ShareWithAConditionOnAnotherDimensionIsAccepted) {
  EXPECT_THAT(Parse(Table("shares { share_of { dimension: \"sex\" codes: \"w\" } }")), IsOk());
}

TEST(ManifestTest, ShareNeedsExactlyOneOfShareOfAndOfDimension) {
  EXPECT_THAT(Parse(Table("shares { label: \"Quote\" }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("m.textproto: table \"abschluesse\": field \"shares[0]\""),
                             HasSubstr("needs share_of, of_dimension or denominator_dataset"))));
  EXPECT_THAT(Parse(Table("shares { of_dimension: \"abschluss\" "
                          "share_of { dimension: \"sex\" codes: \"w\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"shares[0]\""),
                             HasSubstr("sets more than one of share_of, of_dimension"))));
  EXPECT_THAT(Parse(Table("shares { of_dimension: \"abschluss\" "
                          "denominator_dataset: \"population\" }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("table \"abschluesse\""), HasSubstr("field \"shares[0]\""),
                             HasSubstr("sets more than one"))));
}

// The SGB-II-Quote of the demo report, in small.
constexpr char kQuote[] = R"pb(
  shares {
    denominator_dataset: "population"
    denominator_filters { dimension: "alter" codes: "0" codes: "1" }
    denominator_label: "Kinder"
    label: "Quote (%)"
  })pb";

TEST(ManifestTest, AShareOverAnotherDatasetAsksForItsCountAndShare) {
  absl::StatusOr<LoadedManifest> m =
      Parse(Table(std::string(kQuote) + " filters { dimension: \"sex\" codes: \"w\" }"));
  ASSERT_THAT(m, IsOk());
  const v1::Query q = TableQuery(m->manifest.tables(0), 3, "j", "r").query();
  ASSERT_EQ(q.measures_size(), 3);
  EXPECT_EQ(q.measures(0).kind(), v1::Measure::COUNT);
  EXPECT_FALSE(q.measures(0).has_denominator());
  EXPECT_EQ(q.measures(1).kind(), v1::Measure::COUNT);
  EXPECT_EQ(q.measures(1).denominator().dataset(), "population");
  EXPECT_EQ(q.measures(2).kind(), v1::Measure::SHARE);
  ASSERT_EQ(q.measures(2).denominator().filters_size(), 1);
  EXPECT_THAT(q.measures(2).denominator().filters(0).codes(), ElementsAre("0", "1"));
  // The table's own filters stay the query's (the server carries those on
  // grouping dimensions to the denominator).
  EXPECT_EQ(q.filters_size(), 2);
}

TEST(ManifestTest, AShareWithoutItsLabelAsksForTheShareOnly) {
  absl::StatusOr<LoadedManifest> m =
      Parse(Table("shares { denominator_dataset: \"population\" }"));
  ASSERT_THAT(m, IsOk());
  const v1::Query q = TableQuery(m->manifest.tables(0), 0, "", "").query();
  ASSERT_EQ(q.measures_size(), 2);
  EXPECT_EQ(q.measures(1).kind(), v1::Measure::SHARE);
}

TEST(ManifestTest, BadSharesOverAnotherDatasetNameTheField) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(Parse(Table("shares { denominator_dataset: \"abgang\" }")),
              StatusIs(invalid, AllOf(HasSubstr("field \"shares[0].denominator_dataset\""),
                                      HasSubstr("the table's own dataset"))));
  EXPECT_THAT(Parse(Table("shares { denominator_dataset: \"Pop\" }")),
              StatusIs(invalid, HasSubstr("\"Pop\" is not a dataset id")));
  EXPECT_THAT(Parse(Table("shares { denominator_dataset: \"population\" "
                          "denominator_filters { dimension: \"abschluss\" codes: \"AHR\" } }")),
              StatusIs(invalid,
                       AllOf(HasSubstr("field \"shares[0].denominator_filters[0].dimension\""),
                             HasSubstr("grouped by the table"))));
  EXPECT_THAT(Parse(Table(std::string(kQuote) +
                          " shares { denominator_dataset: \"households\" }")),
              StatusIs(invalid, AllOf(HasSubstr("field \"shares[1]\""),
                                      HasSubstr("differs from shares[0] in its denominator"))));
  EXPECT_THAT(Parse(Table(" shares { share_of { dimension: \"sex\" codes: \"w\" } }" +
                          std::string(kQuote))),
              StatusIs(invalid, HasSubstr("cannot have share_of and denominator_dataset shares")));
  EXPECT_THAT(Parse(Table("shares { of_dimension: \"abschluss\" denominator_label: \"x\" }")),
              StatusIs(invalid, AllOf(HasSubstr("field \"shares[0].denominator_label\""),
                                      HasSubstr("goes with denominator_dataset only"))));
}

TEST(ManifestTest, TheManifestsChannelIsEveryTablesDefault) {
  const std::string head = std::string(kHead) + "channel: PUBLIC\n";
  absl::StatusOr<LoadedManifest> m =
      ParseManifest(head + Table("") + Table("channel: INTERNAL", "intern"), "m.textproto");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->manifest.tables(0).channel(), v1::PUBLIC);
  EXPECT_EQ(TableQuery(m->manifest.tables(0), 0, "", "").query().channel(), v1::PUBLIC);
  EXPECT_EQ(m->manifest.tables(1).channel(), v1::INTERNAL);
}

TEST(ManifestTest, OfDimensionMustBeAGroupingDimensionNotTheYears) {
  EXPECT_THAT(Parse(Table("shares { of_dimension: \"abschluss\" } shares { of_dimension: \"sex\" }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"shares[1].of_dimension\""),
                             HasSubstr("\"sex\" is not a group_by dimension of the table"))));
  EXPECT_THAT(Parse(Table("shares { of_dimension: \"abgangsjahr\" }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"shares[0].of_dimension\""),
                             HasSubstr("\"abgangsjahr\" is the year dimension"))));
}

TEST(ManifestTest, OfDimensionNeedsACountAndTheTotals) {
  const std::string no_count = std::string(kHead) + R"pb(
    tables {
      id: "alter" title: "Alter" dataset: "abgang"
      years { dimension: "abgangsjahr" codes: "2025" }
      group_by { dimension: "abschluss" }
      measures { kind: MEAN column: "alter" }
      shares { of_dimension: "abschluss" }
    })pb";
  EXPECT_THAT(ParseManifest(no_count, "m.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("table \"alter\": field \"shares[0].of_dimension\""),
                             HasSubstr("add measures { kind: COUNT }"))));
  EXPECT_THAT(Parse(Table("shares { of_dimension: \"abschluss\" } no_totals: true")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"shares[0].of_dimension\""),
                             HasSubstr("remove no_totals"))));
}

TEST(ManifestTest, ShareOfMustNotBeGroupedAndNeedsCodes) {
  EXPECT_THAT(Parse(Table("shares { share_of { dimension: \"abschluss\" codes: \"AHR\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"shares[0].share_of.dimension\""),
                             HasSubstr("\"abschluss\" is a group_by dimension of the table; "
                                       "use of_dimension"))));
  EXPECT_THAT(Parse(Table("shares { share_of { dimension: \"abgangsjahr\" codes: \"2025\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("field \"shares[0].share_of.dimension\": \"abgangsjahr\" is the "
                                 "year dimension")));
  EXPECT_THAT(Parse(Table("shares { share_of { dimension: \"sex\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"shares[0].share_of.codes\""),
                             HasSubstr("needs a code"))));
  EXPECT_THAT(Parse(Table("shares { share_of { codes: \"w\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("field \"shares[0].share_of.dimension\": is empty")));
}

TEST(ManifestTest, ShareOfSharesOfATableUseOneCondition) {
  EXPECT_THAT(Parse(Table("shares { share_of { dimension: \"sex\" codes: \"w\" } } "
                          "shares { share_of { dimension: \"sex\" codes: \"m\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"shares[1].share_of\""),
                             HasSubstr("differs from shares[0].share_of"))));
}

TEST(ManifestTest, ShareOfSharesTakeCountMeasuresOnly) {
  EXPECT_THAT(Parse(Table("measures { kind: MEAN column: \"alter\" } "
                          "shares { share_of { dimension: \"sex\" codes: \"w\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"measures[1].kind\""),
                             HasSubstr("MEAN cannot be asked together with share_of or "
                                       "denominator_dataset shares"))));
}

TEST(ManifestTest, ShareMeasureInMeasuresPointsToShares) {
  EXPECT_THAT(Parse(Table("measures { kind: SHARE share_of { dimension: \"sex\" codes: \"w\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"measures[1].kind\""),
                             HasSubstr("SHARE is asked for with shares"))));
}

TEST(ManifestTest, MeasuresAndShareOfSharesCountTogetherAgainstTheLimit) {
  std::string extra;
  for (int i = 0; i < 7; ++i) extra += "measures { kind: COUNT } ";
  EXPECT_THAT(Parse(Table(extra)), IsOk());  // 8 measures
  EXPECT_THAT(Parse(Table(extra + "shares { share_of { dimension: \"sex\" codes: \"w\" } }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"measures\""), HasSubstr("at most 8 together"))));
  EXPECT_THAT(Parse(Table(extra + "shares { of_dimension: \"abschluss\" }")), IsOk());
}

TEST(ManifestTest, TableQueryAsksTheServerForShareOfSharesOnly) {
  absl::StatusOr<LoadedManifest> m =
      Parse(Table("shares { of_dimension: \"abschluss\" } "
                  "shares { label: \"Frauenanteil\" share_of { dimension: \"sex\" codes: \"w\" } }"));
  ASSERT_THAT(m, IsOk());
  const v1::Query q = TableQuery(m->manifest.tables(0), 0, "why", "req-1").query();
  ASSERT_EQ(q.measures_size(), 2);
  EXPECT_EQ(q.measures(0).kind(), v1::Measure::COUNT);
  EXPECT_EQ(q.measures(1).kind(), v1::Measure::SHARE);
  EXPECT_EQ(q.measures(1).share_of().dimension(), "sex");
  EXPECT_THAT(q.measures(1).share_of().codes(), ElementsAre("w"));
  EXPECT_TRUE(q.totals());
}

TEST(ManifestTest, FiveDimensionsAreTooMany) {
  EXPECT_THAT(Parse(Table("group_by { dimension: \"sex\" } group_by { dimension: \"mh\" } "
                          "group_by { dimension: \"schulart\" }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"group_by\""), HasSubstr("at most 3"))));
}

TEST(ManifestTest, GroupingByTheYearDimensionIsRejected) {
  EXPECT_THAT(Parse(Table("group_by { dimension: \"abgangsjahr\" }")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"group_by[1].dimension\""),
                             HasSubstr("\"abgangsjahr\" is grouped twice"))));
}

TEST(ManifestTest, MissingLegalBasisIsRejected) {
  const std::string text = std::string(R"pb(id: "b" title: "B" formats: "csv"
                                            purpose: "p")pb") +
                           Table("");
  EXPECT_THAT(ParseManifest(text, "m.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("field \"legal_basis\"")));
}

TEST(ManifestTest, SyntaxErrorNamesFileLineAndColumn) {
  EXPECT_THAT(ParseManifest("id: \"b\"\ntitel: \"x\"\n", "m.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("m.textproto:2:")));
}

TEST(ManifestTest, TableQueryGroupsByYearFirstAndFiltersTheYears) {
  absl::StatusOr<LoadedManifest> m =
      Parse(Table("filters { dimension: \"sex\" codes: \"w\" } no_totals: true"));
  ASSERT_THAT(m, IsOk());
  const v1::QueryRequest r = TableQuery(m->manifest.tables(0), 7, "why", "req-1");
  const v1::Query& q = r.query();
  EXPECT_EQ(q.dataset(), "abgang");
  EXPECT_EQ(q.version(), 7);
  ASSERT_EQ(q.group_by_size(), 2);
  EXPECT_EQ(q.group_by(0).dimension(), "abgangsjahr");
  EXPECT_EQ(q.group_by(1).dimension(), "abschluss");
  ASSERT_EQ(q.filters_size(), 2);
  EXPECT_EQ(q.filters(0).dimension(), "abgangsjahr");
  EXPECT_THAT(q.filters(0).codes(), ElementsAre("2024", "2025"));
  EXPECT_EQ(q.filters(1).dimension(), "sex");
  EXPECT_FALSE(q.totals());
  EXPECT_EQ(q.purpose(), "bildungsbericht");
  EXPECT_EQ(q.legal_basis(), "schulg_rlp_67");
  EXPECT_EQ(q.justification(), "why");
  EXPECT_EQ(q.client_request_id(), "req-1");
}

TEST(ManifestTest, TableShaChangesWithTheEntry) {
  absl::StatusOr<LoadedManifest> a = Parse(Table(""));
  absl::StatusOr<LoadedManifest> b = Parse(Table("no_totals: true"));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(TableSha256(a->manifest.tables(0)), TableSha256(a->manifest.tables(0)));
  EXPECT_NE(TableSha256(a->manifest.tables(0)), TableSha256(b->manifest.tables(0)));
}

// A schema with a year, a hierarchical area and a measure.
v1::DatasetSchema Schema() {
  v1::DatasetSchema s;
  s.set_id("abgang");
  auto dim = [&](const std::string& name, std::vector<std::pair<std::string, std::vector<std::string>>> levels) {
    v1::ColumnSchema* c = s.add_columns();
    c->set_name(name);
    c->set_kind(v1::DIMENSION);
    for (auto& [level, codes] : levels) {
      v1::Level* l = c->add_levels();
      l->set_name(level);
      for (auto& code : codes) l->add_codes()->set_code(code);
    }
  };
  dim("abgangsjahr", {{"abgangsjahr", {"2024", "2025"}}});
  dim("abschluss", {{"abschluss", {"ohne_BR", "AHR"}}});
  dim("bezirk", {{"bezirk", {"011", "012"}}, {"stadtteil", {"01"}}});
  v1::ColumnSchema* m = s.add_columns();
  m->set_name("alter");
  m->set_kind(v1::MEASURE);
  return s;
}

absl::Status Check(const std::string& extra) {
  absl::StatusOr<LoadedManifest> m = Parse(Table(extra));
  if (!m.ok()) return m.status();
  return CheckTableAgainstSchema(m->manifest.tables(0), Schema(), "m.textproto");
}

TEST(ManifestTest, TableMatchingTheSchemaPasses) {
  EXPECT_THAT(Check("group_by { dimension: \"bezirk\" level: \"stadtteil\" } "
                    "filters { dimension: \"bezirk\" codes: \"011\" } "
                    "measures { kind: MEAN column: \"alter\" }"),
              IsOk());
}

TEST(ManifestTest, UnknownLevelIsNamedAgainstTheSchema) {
  EXPECT_THAT(Check("group_by { dimension: \"bezirk\" level: \"sozialraum\" }"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("table \"abschluesse\""),
                             HasSubstr("field \"group_by[1].level\""),
                             HasSubstr("\"sozialraum\" is not a level of dimension \"bezirk\""))));
}

TEST(ManifestTest, UnknownFilterCodeIsNamed) {
  EXPECT_THAT(Check("filters { dimension: \"bezirk\" level: \"stadtteil\" codes: \"99\" }"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"filters[0].codes[0]\""),
                             HasSubstr("\"99\" is not a code of level \"stadtteil\""))));
}

TEST(ManifestTest, UnknownYearIsNamed) {
  absl::StatusOr<LoadedManifest> m = Parse(Table(""));
  ASSERT_THAT(m, IsOk());
  m->manifest.mutable_tables(0)->mutable_years()->set_codes(1, "2030");
  EXPECT_THAT(CheckTableAgainstSchema(m->manifest.tables(0), Schema(), "m.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"years.codes[1]\""), HasSubstr("\"2030\""))));
}

TEST(ManifestTest, ShareOfConditionIsCheckedAgainstTheSchema) {
  EXPECT_THAT(Check("shares { share_of { dimension: \"bezirk\" level: \"stadtteil\" codes: \"01\" } }"),
              IsOk());
  EXPECT_THAT(Check("shares { share_of { dimension: \"bezirk\" codes: \"01\" } }"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("table \"abschluesse\""),
                             HasSubstr("field \"shares[0].share_of.codes[0]\""),
                             HasSubstr("\"01\" is not a code of level \"bezirk\""))));
  EXPECT_THAT(Check("shares { share_of { dimension: \"sex\" codes: \"w\" } }"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"shares[0].share_of.dimension\""),
                             HasSubstr("\"sex\" is not a dimension of dataset \"abgang\""))));
}

TEST(ManifestTest, SumOfADimensionIsNotAMeasure) {
  EXPECT_THAT(Check("measures { kind: SUM column: \"abschluss\" }"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("field \"measures[1].column\""),
                             HasSubstr("\"abschluss\" is not a MEASURE column of dataset "
                                       "\"abgang\""))));
}

// One bad value per field kind, each in a manifest that is otherwise valid:
// the error must name the file, the table (where there is one), the field
// and the value or what is wrong with it.
struct BadField {
  std::string manifest;  // the whole text
  std::string table;     // `table "id"` or `table #n`; empty for manifest fields
  std::string field;
  std::string says;
};

// The lines of a valid table; `replace` swaps one by its field name, and
// `extra` is appended.
std::string TableWith(const std::string& field, const std::string& line,
                      const std::string& extra = "") {
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"id", "id: \"abschluesse\""},
      {"title", "title: \"Abschlüsse\""},
      {"dataset", "dataset: \"abgang\""},
      {"years", "years { dimension: \"abgangsjahr\" codes: \"2024\" codes: \"2025\" }"},
      {"group_by", "group_by { dimension: \"abschluss\" }"},
      {"measures", "measures { kind: COUNT }"},
  };
  std::string out = "tables {\n";
  for (const auto& [name, text] : lines) out += (name == field ? line : text) + "\n";
  return out + extra + "}\n";
}

std::vector<BadField> BadFields() {
  const std::string head = kHead;
  const std::string t = "table \"abschluesse\"";
  return {
      {head + TableWith("id", "id: \"Abschluss\""), "table #1", "id", "\"Abschluss\" is not an id"},
      {head + TableWith("title", ""), t, "title", "is required"},
      {head + TableWith("dataset", "dataset: \"Abgang\""), t, "dataset", "\"Abgang\""},
      {head + TableWith("dataset", "dataset: \"abgang\" dataset_version: -1"), t,
       "dataset_version", "-1 is negative"},
      {head + TableWith("years", ""), t, "years.dimension", "is required"},
      {head + TableWith("years", "years { dimension: \"abgangsjahr\" }"), t, "years.codes",
       "needs at least one year"},
      {head + TableWith("years", "years { dimension: \"abgangsjahr\" codes: [\"2024\", \"2024\"] }"),
       t, "years.codes[1]", "repeats \"2024\""},
      {head + TableWith("years", "years { dimension: \"abgangsjahr\" codes: \"\" }"), t,
       "years.codes[0]", "is empty"},
      {head + TableWith("group_by", "group_by { level: \"x\" }"), t, "group_by[0].dimension",
       "is empty"},
      {head + TableWith("measures", ""), t, "measures", "needs at least one measure"},
      {head + TableWith("measures", "measures { column: \"alter\" }"), t, "measures[0].kind",
       "must be COUNT, SUM or MEAN"},
      {head + TableWith("", "", "filters { codes: \"w\" }"), t, "filters[0].dimension", "is empty"},
      {head + TableWith("", "", "filters { dimension: \"abgangsjahr\" codes: \"2024\" }"), t,
       "filters[0].dimension", "\"abgangsjahr\" is the year dimension"},
      {head + TableWith("", "", "filters { dimension: \"sex\" }"), t, "filters[0].codes",
       "needs a code"},
      {head + TableWith("", "", "filters { dimension: \"sex\" codes: \"\" }"), t,
       "filters[0].codes[0]", "is empty"},
      {head + TableWith("", "", "formats: \"xls\""), t, "formats[0]",
       "unknown export format \"xls\""},
      {"id: \"b\" title: \"B\" legal_basis: \"l\" formats: \"csv\"\n" + TableWith("", ""), t,
       "purpose", "is required"},
      {"id: \"b\" title: \"B\" purpose: \"p\" legal_basis: \"l\"\n" + TableWith("", ""), t,
       "formats", "is required"},
      {"id: \"B\" title: \"B\"\n" + TableWith("", ""), "", "id", "\"B\" is not an id"},
      {"id: \"b\"\n" + TableWith("", ""), "", "title", "is required"},
      {"id: \"b\" title: \"B\" justification: \"" + std::string(501, 'j') + "\"\n" +
           TableWith("", ""),
       "", "justification", "has 501 bytes, at most 500"},
      {"id: \"b\" title: \"B\" formats: [\"csv\", \"docx\"]\n" + TableWith("", ""), "",
       "formats[1]", "unknown export format \"docx\""},
      {"id: \"b\" title: \"B\"\n", "", "tables", "needs at least one table"},
  };
}

TEST(ManifestTest, EveryBadFieldIsNamedWithFileTableFieldAndValue) {
  for (const BadField& bad : BadFields()) {
    const absl::StatusOr<LoadedManifest> m = ParseManifest(bad.manifest, "bericht.textproto");
    const std::string where =
        bad.table.empty() ? "bericht.textproto: field" : "bericht.textproto: " + bad.table + ": field";
    EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument,
                            AllOf(HasSubstr(where + " \"" + bad.field + "\": "),
                                  HasSubstr(bad.says))))
        << bad.manifest;
  }
}

// Two tables whose ids differ only after the 31st character.
std::string LongIds(const std::string& formats) {
  const std::string table = R"pb(
    title: "T" dataset: "abgang"
    years { dimension: "abgangsjahr" codes: "2025" }
    measures { kind: COUNT }
  )pb";
  return "tables { id: \"schulabgaenger_nach_abschlussart_2024\" " + table +
         formats + " }\n" + "tables { id: \"schulabgaenger_nach_abschlussart_2025\" " + table +
         formats + " }\n";
}

TEST(ManifestTest, XlsxSheetNamesThatClashAfterTruncationNameBothTables) {
  EXPECT_THAT(Parse(LongIds("formats: \"xlsx\"")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("m.textproto: table \"schulabgaenger_nach_abschlussart_2025\": "
                                       "field \"id\": its xlsx sheet name "
                                       "\"schulabgaenger_nach_abschlussar\""),
                             HasSubstr("already the sheet of table "
                                       "\"schulabgaenger_nach_abschlussart_2024\""))));
}

TEST(ManifestTest, SheetNamesMatterOnlyForTablesWrittenAsXlsx) {
  absl::StatusOr<LoadedManifest> m = Parse(LongIds(""));
  ASSERT_THAT(m, IsOk());
  // --formats xlsx checks every table.
  EXPECT_THAT(CheckXlsxSheetNames(*m, /*every_table=*/true),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("table \"schulabgaenger_nach_abschlussart_2025\": field \"id\"")));
  EXPECT_THAT(CheckXlsxSheetNames(*m, /*every_table=*/false), IsOk());
}

TEST(ManifestTest, XlsxSheetNameHistoryIsReservedByExcel) {
  EXPECT_THAT(Parse(Table("formats: \"xlsx\"", "history")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("table \"history\": field \"id\""),
                             HasSubstr("reserved by Excel"))));
}

}  // namespace
}  // namespace cellgate::client
