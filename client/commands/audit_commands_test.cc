#include "client/commands/audit_commands.h"

#include <sstream>
#include <string>

#include "client/exit_codes.h"
#include "client/testing/fake_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::FakeConnection;
using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

CommandLine Line(std::vector<std::string> args) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(args, nullptr);
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : CommandLine();
}

v1::GetRecordResponse ReleaseRecord() {
  v1::GetRecordResponse response;
  v1::AuditRecord& r = *response.mutable_record();
  r.set_seq(17);
  r.set_prev_leaf_hash(std::string(32, '\0'));
  r.set_log_origin("cellgate.musterstadt.example/audit/v1");
  r.set_record_type(v1::RELEASE);
  r.set_time_utc("2026-11-22T10:15:00.123Z");
  r.set_method("/cellgate.v1.DataService/Query");
  r.set_release_id("5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b");
  v1::Requester& who = *r.mutable_requester();
  who.set_principal("schulamt-analyst");
  who.set_department("schulamt");
  who.set_role("analyst");
  who.set_certificate_identity("urn:cellgate:principal:schulamt-analyst");
  r.set_purpose("bildungsbericht");
  r.set_legal_basis("schulg_rlp_67");
  r.set_dataset("abgang");
  r.set_dataset_version(3);
  r.set_policy_id("abgang-standard");
  r.set_policy_version(2);
  v1::Query& q = *r.mutable_query();
  q.set_dataset("abgang");
  q.add_group_by()->set_dimension("abschluss");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  q.set_totals(true);
  q.set_purpose("bildungsbericht");
  q.set_legal_basis("schulg_rlp_67");
  r.set_decision(v1::RELEASED);
  r.add_reason_codes("threshold");
  v1::ReleaseCounts& c = *r.mutable_counts();
  c.set_cells(12);
  c.set_published(8);
  c.set_zero(1);
  c.set_suppressed_primary(2);
  c.set_suppressed_secondary(1);
  r.set_released_table_sha256("aa11");
  response.set_leaf_hash("bb22");
  return response;
}

TEST(AuditCommandsTest, ShowRendersTheWholeRecordAsText) {
  EXPECT_EQ(RenderAuditRecord(ReleaseRecord()),
            "seq                 17\n"
            "type                release\n"
            "time                2026-11-22T10:15:00.123Z\n"
            "log origin          cellgate.musterstadt.example/audit/v1\n"
            "method              /cellgate.v1.DataService/Query\n"
            "release id          5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b\n"
            "principal           schulamt-analyst\n"
            "department          schulamt\n"
            "role                analyst\n"
            "certificate         urn:cellgate:principal:schulamt-analyst\n"
            "purpose             bildungsbericht\n"
            "legal basis         schulg_rlp_67\n"
            "dataset             abgang@3\n"
            "policy              abgang-standard v2\n"
            "query               --dataset abgang --by abschluss --measure count --totals "
            "--purpose bildungsbericht --legal-basis schulg_rlp_67\n"
            "decision            released\n"
            "reasons             threshold\n"
            "counts              cells 12, published 8, zero 1, suppressed 3 (primary 2, "
            "secondary 1), not applicable 0\n"
            "table digest        aa11\n"
            "previous leaf hash  " +
                std::string(64, '0') +
                "\n"
                "leaf hash           bb22\n");
}

TEST(AuditCommandsTest, ShowAsksForTheGivenSeqAndOffersJson) {
  FakeConnection fake;
  fake.get_record_response = ReleaseRecord();
  std::ostringstream out;
  ASSERT_OK(RunAuditShow(Line({"audit", "show", "17", "--format", "json"}), fake, out));
  EXPECT_EQ(fake.get_record_requests.at(0).seq(), 17u);
  EXPECT_THAT(out.str(), HasSubstr("\"principal\":\"schulamt-analyst\""));
}

TEST(AuditCommandsTest, ShowRejectsANonNumericSeq) {
  FakeConnection fake;
  std::ostringstream out;
  const absl::Status s = RunAuditShow(Line({"audit", "show", "last"}), fake, out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("SEQ")));
  EXPECT_TRUE(IsUsageError(s));
  EXPECT_TRUE(fake.get_record_requests.empty());
}

TEST(AuditCommandsTest, ListRequestTakesFromAndTypes) {
  ASSERT_OK_AND_ASSIGN(v1::ListRecordsRequest request,
                       BuildListRecordsRequest(Line({"audit", "list", "--from", "40", "--type",
                                                     "release,refusal", "--type", "INGEST"})));
  EXPECT_EQ(request.from_seq(), 40u);
  EXPECT_THAT(request.record_types(), ElementsAre(v1::RELEASE, v1::REFUSAL, v1::INGEST));
}

TEST(AuditCommandsTest, ListLeavesOutCheckpointsUnlessAskedFor) {
  ASSERT_OK_AND_ASSIGN(v1::ListRecordsRequest request,
                       BuildListRecordsRequest(Line({"audit", "list"})));
  EXPECT_THAT(request.record_types(), ::testing::Contains(v1::RELEASE));
  EXPECT_THAT(request.record_types(), ::testing::Not(::testing::Contains(v1::CHECKPOINT)));
  ASSERT_OK_AND_ASSIGN(request,
                       BuildListRecordsRequest(Line({"audit", "list", "--type", "checkpoint"})));
  EXPECT_THAT(request.record_types(), ElementsAre(v1::CHECKPOINT));
}

TEST(AuditCommandsTest, UnknownTypeIsAUsageErrorNamingIt) {
  EXPECT_THAT(BuildListRecordsRequest(Line({"audit", "list", "--type", "leak"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("flag --type has a bad value \"leak\"")));
  EXPECT_THAT(ParseRecordType("record_type_unspecified"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AuditCommandsTest, ListRendersSummariesWithDashesForEmptyFields) {
  v1::ListRecordsResponse response;
  v1::RecordSummary& start = *response.add_records();
  start.set_seq(0);
  start.set_record_type(v1::START);
  start.set_time_utc("2026-11-22T10:00:00.000Z");
  v1::RecordSummary& release = *response.add_records();
  release.set_seq(1);
  release.set_record_type(v1::RELEASE);
  release.set_time_utc("2026-11-22T10:01:00.000Z");
  release.set_principal("schulamt-analyst");
  release.set_department("schulamt");
  release.set_dataset("abgang");
  release.set_dataset_version(3);
  release.set_purpose("bildungsbericht");
  release.set_decision(v1::RELEASED);
  release.mutable_counts()->set_cells(12);
  release.mutable_counts()->set_published(9);
  release.mutable_counts()->set_suppressed(3);
  response.set_log_size(2);
  EXPECT_EQ(RenderRecordList(response),
            "seq  time                      type     principal         department  "
            "dataset@version  purpose          decision  cells/published/suppressed\n"
            "---  ------------------------  -------  ----------------  ----------  "
            "---------------  ---------------  --------  --------------------------\n"
            "  0  2026-11-22T10:00:00.000Z  start    -                 -           "
            "-                -                -                                  -\n"
            "  1  2026-11-22T10:01:00.000Z  release  schulamt-analyst  schulamt    "
            "abgang@3         bildungsbericht  released                      12/9/3\n"
            "\nlog size 2\n");
}

TEST(AuditCommandsTest, ListFetchesPagesUpToTheLimit) {
  FakeConnection fake;
  for (uint64_t page = 0; page < 3; ++page) {
    v1::ListRecordsResponse response;
    for (uint64_t i = 0; i < 1000; ++i) response.add_records()->set_seq(page * 1000 + i);
    response.set_next_seq((page + 1) * 1000);
    response.set_log_size(5000);
    fake.list_records_pages.push_back(response);
  }
  std::ostringstream out;
  ASSERT_OK(
      RunAuditList(Line({"audit", "list", "--limit", "2500", "--format", "json"}), fake, out));
  ASSERT_EQ(fake.list_records_requests.size(), 3u);
  EXPECT_EQ(fake.list_records_requests[0].limit(), 1000);
  EXPECT_EQ(fake.list_records_requests[1].from_seq(), 1000u);
  EXPECT_EQ(fake.list_records_requests[2].limit(), 500);
  EXPECT_EQ(fake.list_records_requests[2].from_seq(), 2000u);
}

TEST(AuditCommandsTest, ListTellsWhereTheNextPageStarts) {
  FakeConnection fake;
  v1::ListRecordsResponse page;
  page.add_records()->set_seq(0);
  page.set_next_seq(1);
  page.set_log_size(10);
  fake.list_records_pages.push_back(page);
  std::ostringstream out;
  ASSERT_OK(RunAuditList(Line({"audit", "list", "--limit", "1"}), fake, out));
  EXPECT_THAT(out.str(), HasSubstr("log size 10; more records follow: continue with --from 1\n"));
}

}  // namespace
}  // namespace cellgate::client

namespace cellgate::client {
namespace {

TEST(AuditExportTest, CopiesEverySegmentPieceByPieceInOrder) {
  cellgate::testing::TempDir dir;
  FakeConnection fake;
  v1::ExportLogResponse a;
  a.set_segment("audit-000001.log");
  a.set_data("first-");
  a.set_next_segment("audit-000001.log");
  a.set_next_offset(6);
  v1::ExportLogResponse b;
  b.set_segment("audit-000001.log");
  b.set_data("half");
  b.set_next_segment("audit-000002.log");
  v1::ExportLogResponse c;
  c.set_segment("audit-000002.log");
  c.set_data("second");
  c.set_done(true);
  fake.export_pieces = {a, b, c};
  std::ostringstream out;
  ASSERT_OK(RunAuditExport(Line({"audit", "export", dir.File("copy")}), fake, out));
  EXPECT_EQ(cellgate::testing::ReadTestFile(dir.File("copy/audit-000001.log")), "first-half");
  EXPECT_EQ(cellgate::testing::ReadTestFile(dir.File("copy/audit-000002.log")), "second");
  ASSERT_EQ(fake.export_requests.size(), 3u);
  EXPECT_EQ(fake.export_requests[1].offset(), 6u);
  EXPECT_EQ(fake.export_requests[2].segment(), "audit-000002.log");
  EXPECT_THAT(out.str(), HasSubstr("exported 2 segment(s), 16 bytes"));
}

TEST(AuditExportTest, RefusesASegmentNameThatIsAPath) {
  cellgate::testing::TempDir dir;
  FakeConnection fake;
  v1::ExportLogResponse evil;
  evil.set_segment("../../etc/passwd");
  evil.set_done(true);
  fake.export_pieces = {evil};
  std::ostringstream out;
  EXPECT_THAT(RunAuditExport(Line({"audit", "export", dir.File("copy")}), fake, out),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("unexpected segment name")));
}

}  // namespace
TEST(AuditVerifyTest, PrintsTheServersSummaryAndFailsOnABrokenLog) {
  testing::FakeConnection connection;
  v1::VerifyLogResponse intact;
  intact.set_ok(true);
  intact.set_records(12);
  intact.set_origin("cellgate.test/audit/v1");
  intact.set_checkpoints(5);
  intact.set_signatures_checked(true);
  connection.verify_response = intact;
  std::ostringstream out;
  ASSERT_OK(RunAuditVerify(CommandLine(), connection, out));
  EXPECT_THAT(out.str(), ::testing::HasSubstr("12 records, origin cellgate.test/audit/v1"));
  EXPECT_THAT(out.str(), ::testing::HasSubstr("5 checkpoints (signatures verified)"));
  v1::VerifyLogResponse broken;
  broken.set_error("record 7: previous hash does not match");
  connection.verify_response = broken;
  EXPECT_THAT(RunAuditVerify(CommandLine(), connection, out),
              ::cellgate::testing::StatusIs(absl::StatusCode::kDataLoss,
                                            ::testing::HasSubstr("record 7")));
}

}  // namespace cellgate::client
