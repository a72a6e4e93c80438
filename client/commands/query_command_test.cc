#include "client/commands/query_command.h"

#include <sstream>

#include "client/exit_codes.h"
#include "client/testing/fake_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::FakeConnection;
using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

CommandLine QueryLine(std::vector<std::string> extra) {
  std::vector<std::string> args = {"query",           "--dataset",     "schule",       "--purpose",
                                   "bildungsbericht", "--legal-basis", "schulg_rlp_67"};
  args.insert(args.end(), extra.begin(), extra.end());
  absl::StatusOr<CommandLine> line = ParseCommandLine(args, nullptr);
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : CommandLine();
}

v1::QueryResponse OneCellResponse() {
  v1::QueryResponse response;
  v1::ReleasedTable& table = *response.mutable_table();
  table.set_dataset("schule");
  v1::MeasureFacts& m = *table.add_measures();
  m.mutable_measure()->set_kind(v1::Measure::COUNT);
  m.set_label("Anzahl");
  v1::ReleasedCell& cell = *table.add_cells();
  cell.add_values()->set_status(v1::PUBLISHED);
  cell.mutable_values(0)->set_value(1234);
  response.mutable_receipt()->set_release_id("r1");
  return response;
}

TEST(QueryCommandTest, BuildsTheRequestFromAllFlags) {
  const CommandLine line = QueryLine(
      {"--version", "4", "--by", "stadtteil:sozialraum+", "--by", "sex", "--measure", "count",
       "--measure", "mean:alter_monate", "--filter", "schuljahr=2024/25,2025/26", "--filter",
       "schulart=GS", "--totals", "--justification", "Bericht 2026", "--request-id", "req-7"});
  ASSERT_OK_AND_ASSIGN(v1::QueryRequest request, BuildQueryRequest(line));
  const v1::Query& q = request.query();
  EXPECT_EQ(q.dataset(), "schule");
  EXPECT_EQ(q.version(), 4);
  ASSERT_EQ(q.group_by_size(), 2);
  EXPECT_EQ(q.group_by(0).dimension(), "stadtteil");
  EXPECT_EQ(q.group_by(0).level(), "sozialraum");
  EXPECT_TRUE(q.group_by(0).subtotals());
  EXPECT_EQ(q.group_by(1).dimension(), "sex");
  EXPECT_FALSE(q.group_by(1).subtotals());
  ASSERT_EQ(q.measures_size(), 2);
  EXPECT_EQ(q.measures(0).kind(), v1::Measure::COUNT);
  EXPECT_EQ(q.measures(1).kind(), v1::Measure::MEAN);
  EXPECT_EQ(q.measures(1).column(), "alter_monate");
  ASSERT_EQ(q.filters_size(), 2);
  EXPECT_THAT(q.filters(0).codes(), ElementsAre("2024/25", "2025/26"));
  EXPECT_EQ(q.filters(1).dimension(), "schulart");
  EXPECT_TRUE(q.totals());
  EXPECT_EQ(q.purpose(), "bildungsbericht");
  EXPECT_EQ(q.legal_basis(), "schulg_rlp_67");
  EXPECT_EQ(q.justification(), "Bericht 2026");
  EXPECT_EQ(q.client_request_id(), "req-7");
}

TEST(QueryCommandTest, DenominatorFiltersGoToEveryMeasureOverTheOtherDataset) {
  ASSERT_OK_AND_ASSIGN(
      v1::QueryRequest request,
      BuildQueryRequest(QueryLine({"--measure", "count", "--measure", "count:@population",
                                   "--measure", "share:@population", "--denominator-filter",
                                   "alter=0,1,2", "--denominator-filter", "sex=w"})));
  const v1::Query& q = request.query();
  ASSERT_EQ(q.measures_size(), 3);
  EXPECT_FALSE(q.measures(0).has_denominator());
  for (int m : {1, 2}) {
    EXPECT_EQ(q.measures(m).denominator().dataset(), "population");
    ASSERT_EQ(q.measures(m).denominator().filters_size(), 2);
    EXPECT_EQ(q.measures(m).denominator().filters(1).dimension(), "sex");
  }
  EXPECT_TRUE(q.filters().empty());
}

TEST(QueryCommandTest, ADenominatorFilterWithoutAnotherDatasetIsAUsageError) {
  const absl::StatusOr<v1::QueryRequest> request =
      BuildQueryRequest(QueryLine({"--denominator-filter", "alter=0"}));
  EXPECT_THAT(request, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("needs a --measure share:@DATASET")));
  EXPECT_TRUE(IsUsageError(request.status()));
}

TEST(QueryCommandTest, DefaultsToCountOfTheLatestVersionWithoutTotals) {
  ASSERT_OK_AND_ASSIGN(v1::QueryRequest request, BuildQueryRequest(QueryLine({})));
  ASSERT_EQ(request.query().measures_size(), 1);
  EXPECT_EQ(request.query().measures(0).kind(), v1::Measure::COUNT);
  EXPECT_EQ(request.query().version(), 0);
  EXPECT_FALSE(request.query().totals());
  EXPECT_EQ(request.query().group_by_size(), 0);
}

TEST(QueryCommandTest, BadVersionIsAUsageError) {
  const absl::StatusOr<v1::QueryRequest> request =
      BuildQueryRequest(QueryLine({"--version", "neu"}));
  EXPECT_THAT(request, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("flag --version has a bad value \"neu\"")));
  EXPECT_TRUE(IsUsageError(request.status()));
}

TEST(QueryCommandTest, BadFlagsNeverReachTheServer) {
  FakeConnection fake;
  std::ostringstream out;
  EXPECT_THAT(RunQuery(QueryLine({"--by", "sex:"}), fake, out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--by")));
  EXPECT_THAT(RunQuery(QueryLine({"--format", "xlsx"}), fake, out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--format")));
  EXPECT_TRUE(fake.query_requests.empty());
  EXPECT_EQ(out.str(), "");
}

TEST(QueryCommandTest, WritesTheTableByDefault) {
  FakeConnection fake;
  fake.query_response = OneCellResponse();
  std::ostringstream out;
  ASSERT_OK(RunQuery(QueryLine({}), fake, out));
  ASSERT_EQ(fake.query_requests.size(), 1u);
  EXPECT_THAT(out.str(), StartsWith("Anzahl\n------\n 1.234\n"));
}

TEST(QueryCommandTest, WritesCsvAndJsonOnRequest) {
  FakeConnection fake;
  fake.query_response = OneCellResponse();
  std::ostringstream csv;
  ASSERT_OK(RunQuery(QueryLine({"--format", "csv"}), fake, csv));
  EXPECT_EQ(csv.str(), "measure,value,status\r\ncount,1234,published\r\n");
  std::ostringstream json;
  ASSERT_OK(RunQuery(QueryLine({"--format=json"}), fake, json));
  EXPECT_THAT(json.str(), HasSubstr("\"release_id\":\"r1\""));
}

TEST(QueryCommandTest, AsksForAShareAndShowsItWithOneDecimal) {
  FakeConnection fake;
  fake.query_response = OneCellResponse();
  v1::MeasureFacts& share = *fake.query_response->mutable_table()->add_measures();
  share.mutable_measure()->set_kind(v1::Measure::SHARE);
  share.mutable_measure()->mutable_share_of()->set_dimension("mh");
  share.mutable_measure()->mutable_share_of()->add_codes("ja");
  share.set_label("Anteil mh = ja in %");
  share.set_decimals(1);
  v1::CellValue& value = *fake.query_response->mutable_table()->mutable_cells(0)->add_values();
  value.set_status(v1::PUBLISHED);
  value.set_value(100.0 * 411 / 1234);
  std::ostringstream out;
  ASSERT_OK(RunQuery(QueryLine({"--measure", "count", "--measure", "share:mh=ja", "--format",
                                "csv"}),
                     fake, out));
  ASSERT_EQ(fake.query_requests.size(), 1u);
  const v1::Query& q = fake.query_requests[0].query();
  ASSERT_EQ(q.measures_size(), 2);
  EXPECT_EQ(q.measures(1).kind(), v1::Measure::SHARE);
  EXPECT_EQ(q.measures(1).share_of().dimension(), "mh");
  EXPECT_THAT(q.measures(1).share_of().codes(), ElementsAre("ja"));
  // 411 of 1234 are 33.306…%.
  EXPECT_EQ(out.str(),
            "measure,value,status\r\ncount,1234,published\r\nshare:mh=ja,33.3,published\r\n");
}

TEST(QueryCommandTest, ReturnsTheServersStatus) {
  FakeConnection fake;
  fake.query_response =
      absl::PermissionDeniedError("purpose \"x\" is not granted to department \"jugendamt\"");
  std::ostringstream out;
  EXPECT_THAT(RunQuery(QueryLine({}), fake, out),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("purpose \"x\"")));
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace cellgate::client
