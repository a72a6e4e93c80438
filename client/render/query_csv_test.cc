#include "client/render/query_csv.h"

#include "client/testing/test_tables.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::AddCell;
using ::cellgate::client::testing::AddEntry;
using ::cellgate::client::testing::AddMeasure;
using ::cellgate::client::testing::SchoolTable;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(QueryCsvTest, QuotesFieldsWithSeparatorsAndQuotes) {
  EXPECT_EQ(CsvField("Altstadt"), "Altstadt");
  EXPECT_EQ(CsvField("Nord, Ost"), "\"Nord, Ost\"");
  EXPECT_EQ(CsvField("Förderschule; Lernen"), "\"Förderschule; Lernen\"");
  EXPECT_EQ(CsvField("Schule \"Am Park\""), "\"Schule \"\"Am Park\"\"\"");
  EXPECT_EQ(CsvField("zwei\nZeilen"), "\"zwei\nZeilen\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(QueryCsvTest, WritesOneLinePerCellAndMeasureWithQuotedLabels) {
  v1::QueryResponse response;
  v1::ReleasedTable& t = *response.mutable_table();
  v1::Axis& school = *t.add_axes();
  school.set_dimension("schule");
  school.set_label("Schule");
  AddEntry(school, "S1", "Grundschule \"Am Park\"", "schule", -1);
  AddEntry(school, "S2", "Förderschule; Lernen, Sprache", "schule", -1);
  AddMeasure(t, v1::Measure::COUNT, "", "Anzahl", 0);
  AddMeasure(t, v1::Measure::MEAN, "alter", "Alter", 0);
  AddCell(t, {"S1"}, {{v1::PUBLISHED, 1234}, {v1::PUBLISHED, 75.25}});
  AddCell(t, {"S2"}, {{v1::SUPPRESSED, 0}, {v1::NOT_APPLICABLE, 0}});
  EXPECT_EQ(RenderQueryCsv(response),
            "schule,schule_label,measure,value,status\r\n"
            "S1,\"Grundschule \"\"Am Park\"\"\",count,1234,published\r\n"
            "S1,\"Grundschule \"\"Am Park\"\"\",mean:alter,75.25,published\r\n"
            "S2,\"Förderschule; Lernen, Sprache\",count,,suppressed\r\n"
            "S2,\"Förderschule; Lernen, Sprache\",mean:alter,,not_applicable\r\n");
}

TEST(QueryCsvTest, PutsAllCodeColumnsBeforeAllLabelColumns) {
  const std::string csv = RenderQueryCsv(SchoolTable());
  EXPECT_THAT(csv, StartsWith("stadtteil,sex,stadtteil_label,sex_label,measure,value,status\r\n"
                              "_T,m,Insgesamt,männlich,count,1234,published\r\n"
                              "_T,m,Insgesamt,männlich,mean:alter,75.26,published\r\n"
                              "_T,m,Insgesamt,männlich,sum:stunden,12345.6,published\r\n"));
  EXPECT_THAT(csv, HasSubstr("N,w,Nord,weiblich,count,,zero\r\n"));
  EXPECT_THAT(csv, HasSubstr("02,m,Hafen,männlich,mean:alter,80.1,unreliable\r\n"));
}

}  // namespace
}  // namespace cellgate::client
