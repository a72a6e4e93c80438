#include "client/commands/dataset_commands.h"

#include <sstream>

#include "client/testing/fake_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::FakeConnection;
using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

CommandLine Line(std::vector<std::string> args) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(args, nullptr);
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : CommandLine();
}

v1::DescribeDatasetResponse SchoolDescription() {
  v1::DescribeDatasetResponse response;
  v1::DatasetSchema& s = *response.mutable_schema();
  s.set_id("schule");
  s.set_title("Schülerinnen und Schüler");
  s.set_source_office("Schulamt");
  v1::ColumnSchema& key = *s.add_columns();
  key.set_name("pupil_key");
  key.set_label("Pseudonym");
  key.set_kind(v1::UNIT_ID);
  v1::ColumnSchema& area = *s.add_columns();
  area.set_name("stadtteil");
  area.set_label("Stadtteil");
  area.set_kind(v1::DIMENSION);
  v1::Level& fine = *area.add_levels();
  fine.set_name("stadtteil");
  fine.set_label("Stadtteil");
  v1::Code& c1 = *fine.add_codes();
  c1.set_code("01");
  c1.set_label("Altstadt");
  c1.set_parent("N");
  v1::Code& c2 = *fine.add_codes();
  c2.set_code("02");
  c2.set_label("Hafen");
  c2.set_parent("N");
  v1::Level& coarse = *area.add_levels();
  coarse.set_name("sozialraum");
  coarse.set_label("Sozialraum");
  v1::Code& n = *coarse.add_codes();
  n.set_code("N");
  n.set_label("Nord");
  v1::ColumnSchema& age = *s.add_columns();
  age.set_name("alter");
  age.set_label("Alter in Monaten");
  age.set_kind(v1::MEASURE);
  age.set_unit("Monate");
  v1::DatasetVersionInfo& v = *response.add_versions();
  v.set_version(1);
  v.set_row_count(2500);
  v.set_created_utc("2026-01-05T10:00:00Z");
  v.set_version_hash("0123456789abcdef0123");
  return response;
}

TEST(DatasetCommandsTest, ListsDatasetsAsATable) {
  FakeConnection fake;
  v1::DatasetSummary& d = *fake.list_datasets_response->add_datasets();
  d.set_id("schule");
  d.set_title("Schülerinnen und Schüler");
  d.set_source_office("Schulamt");
  d.set_latest_version(3);
  d.set_row_count(21500);
  v1::DatasetSummary& empty = *fake.list_datasets_response->add_datasets();
  empty.set_id("seu");
  empty.set_title("Schuleingangsuntersuchung");
  empty.set_source_office("Gesundheitsamt");
  std::ostringstream out;
  ASSERT_OK(RunDatasets(Line({"datasets"}), fake, out));
  EXPECT_EQ(out.str(),
            "id      title                      source office   latest version    rows\n"
            "------  -------------------------  --------------  --------------  ------\n"
            "schule  Schülerinnen und Schüler   Schulamt                     3  21.500\n"
            "seu     Schuleingangsuntersuchung  Gesundheitsamt               -       0\n");
}

TEST(DatasetCommandsTest, DescribesColumnsCodesMeasuresAndVersions) {
  EXPECT_EQ(RenderDatasetDescription(SchoolDescription()),
            "Dataset schule: Schülerinnen und Schüler\n"
            "Source office: Schulamt\n"
            "\n"
            "Columns\n"
            "name       kind       label\n"
            "---------  ---------  ----------------\n"
            "pupil_key  unit id    Pseudonym\n"
            "stadtteil  dimension  Stadtteil\n"
            "alter      measure    Alter in Monaten\n"
            "\n"
            "Dimension stadtteil \"Stadtteil\"\n"
            "  level stadtteil \"Stadtteil\": 2 codes\n"
            "    code  label     parent\n"
            "    ----  --------  ------\n"
            "    01    Altstadt  N\n"
            "    02    Hafen     N\n"
            "  level sozialraum \"Sozialraum\": 1 code\n"
            "    code  label  parent\n"
            "    ----  -----  ------\n"
            "    N     Nord\n"
            "\n"
            "Measures\n"
            "name   label             unit    decimals\n"
            "-----  ----------------  ------  --------\n"
            "alter  Alter in Monaten  Monate         0\n"
            "\n"
            "Versions\n"
            "version   rows  created               version hash\n"
            "-------  -----  --------------------  ------------\n"
            "      1  2.500  2026-01-05T10:00:00Z  0123456789ab\n");
}

TEST(DatasetCommandsTest, DescribeShowsTheContributorOfAMeasure) {
  v1::DescribeDatasetResponse response = SchoolDescription();
  v1::ColumnSchema& school = *response.mutable_schema()->add_columns();
  school.set_name("schule_id");
  school.set_label("Schule");
  school.set_kind(v1::CONTRIBUTOR);
  response.mutable_schema()->mutable_columns(2)->set_contributor("schule_id");
  const std::string out = RenderDatasetDescription(response);
  EXPECT_THAT(out, HasSubstr("schule_id  contributor id  Schule\n"));
  EXPECT_THAT(out, HasSubstr("name   label             unit    decimals  contributor\n"));
  EXPECT_THAT(out, HasSubstr("alter  Alter in Monaten  Monate         0  schule_id\n"));
}

TEST(DatasetCommandsTest, DescribeAsksForTheNamedDataset) {
  FakeConnection fake;
  fake.describe_response = absl::NotFoundError("dataset \"schuel\" not found");
  std::ostringstream out;
  EXPECT_THAT(RunDescribe(Line({"describe", "schuel"}), fake, out),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("schuel")));
  EXPECT_EQ(fake.describe_requests.at(0).dataset(), "schuel");
}

}  // namespace
}  // namespace cellgate::client
