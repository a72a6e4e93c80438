#include "client/commands/audit_review_commands.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include "audit/audit_log.h"
#include "audit/verify/log_reader.h"
#include "client/exit_codes.h"
#include "client/testing/fake_connection.h"
#include "common/clock.h"
#include "common/crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::FakeConnection;
using ::cellgate::testing::IsOk;
using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

CommandLine Line(std::vector<std::string> args) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(args, nullptr);
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : CommandLine();
}

v1::ExportedRecord Record(uint64_t seq, v1::RecordType type, const std::string& principal) {
  v1::ExportedRecord out;
  v1::AuditRecord& r = *out.mutable_record();
  r.set_seq(seq);
  r.set_record_type(type);
  r.set_time_utc("2026-11-22T10:00:00.000Z");
  r.mutable_requester()->set_principal(principal);
  r.mutable_requester()->set_department("schulamt");
  r.set_dataset("abgang");
  r.set_decision(type == v1::RELEASE ? v1::RELEASED : v1::REFUSED);
  out.set_leaf_hash(absl::StrCat("leaf", seq));
  return out;
}

// Two pages: records 3 and 4, then 9.
void TwoPages(FakeConnection& fake) {
  v1::ExportRecordsResponse first;
  *first.add_records() = Record(3, v1::RELEASE, "a");
  *first.add_records() = Record(4, v1::REFUSAL, "b");
  first.set_next_seq(5);
  first.set_log_size(10);
  v1::ExportRecordsResponse second;
  *second.add_records() = Record(9, v1::RELEASE, "c");
  second.set_log_size(12);
  fake.export_records_pages = {first, second};
}

TEST(AuditReviewCommandsTest, ExportsJsonLinesPageByPageAsASnapshot) {
  FakeConnection fake;
  TwoPages(fake);
  cellgate::testing::TempDir dir;
  const std::string path = dir.File("records.jsonl");
  std::ostringstream out;
  ASSERT_OK(RunAuditExportAny(
      Line({"audit", "export", path, "--format", "jsonl", "--department", "schulamt"}), fake, out));
  const std::string content = cellgate::testing::ReadTestFile(path);
  EXPECT_EQ(std::count(content.begin(), content.end(), '\n'), 3);
  EXPECT_THAT(content, HasSubstr("{\"schema\":\"cellgate.audit-record/1\",\"seq\":3,"));
  EXPECT_THAT(content, HasSubstr("\"seq\":9,"));
  EXPECT_THAT(out.str(), HasSubstr("exported 3 records as jsonl"));
  ASSERT_EQ(fake.export_records_requests.size(), 2u);
  EXPECT_EQ(fake.export_records_requests[0].filter().department(), "schulamt");
  EXPECT_EQ(fake.export_records_requests[0].end_seq(), 0u);
  // The second page continues after the first and ends where the log
  // ended when the export began.
  EXPECT_EQ(fake.export_records_requests[1].filter().from_seq(), 5u);
  EXPECT_EQ(fake.export_records_requests[1].end_seq(), 10u);
  EXPECT_EQ(fake.export_records_requests[1].filter().department(), "schulamt");
}

TEST(AuditReviewCommandsTest, ExportsCsvToStdoutWithItsHeader) {
  FakeConnection fake;
  TwoPages(fake);
  std::ostringstream out;
  ASSERT_OK(RunAuditExportAny(Line({"audit", "export", "-", "--format", "csv"}), fake, out));
  const std::string csv = out.str();
  EXPECT_EQ(csv.rfind("seq,time_utc,type,", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_THAT(csv, Not(HasSubstr("exported")));  // nothing but the CSV on stdout
}

TEST(AuditReviewCommandsTest, AFailedPageLeavesNoFileBehind) {
  FakeConnection fake;
  fake.export_records_error = absl::UnavailableError("server gone");
  cellgate::testing::TempDir dir;
  const std::string path = dir.File("records.csv");
  std::ostringstream out;
  EXPECT_THAT(RunAuditExportAny(Line({"audit", "export", path, "--format", "csv"}), fake, out),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(AuditReviewCommandsTest, FiltersNeedARecordFormatAndFormatsAreChecked) {
  FakeConnection fake;
  std::ostringstream out;
  const absl::Status filtered =
      RunAuditExportAny(Line({"audit", "export", "dir", "--department", "schulamt"}), fake, out);
  EXPECT_TRUE(IsUsageError(filtered));
  EXPECT_THAT(filtered.message(), HasSubstr("--department"));
  const absl::Status bad = RunAuditExportAny(Line({"audit", "export", "x", "--format", "xml"}), fake, out);
  EXPECT_TRUE(IsUsageError(bad));
  EXPECT_THAT(bad.message(), HasSubstr("\"xml\""));
  EXPECT_TRUE(fake.export_records_requests.empty());
}

TEST(AuditReviewCommandsTest, ReportIsWrittenWithTheServersVerification) {
  FakeConnection fake;
  TwoPages(fake);
  v1::VerifyLogResponse verified;
  verified.set_ok(true);
  verified.set_records(12);
  verified.set_origin("cellgate.test/audit/v1");
  fake.verify_response = verified;
  cellgate::testing::TempDir dir;
  const std::string path = dir.File("bericht.html");
  std::ostringstream out;
  ASSERT_OK(RunAuditReport(Line({"audit", "report", "--out", path, "--dataset", "abgang"}), fake, out));
  const std::string html = cellgate::testing::ReadTestFile(path);
  EXPECT_THAT(html, HasSubstr("data-ok=\"true\""));
  EXPECT_THAT(html, HasSubstr("vom Server (VerifyLog)"));
  EXPECT_THAT(html, HasSubstr("<dd>Datensatz abgang</dd>"));
  EXPECT_THAT(html, HasSubstr("<tr data-seq=\"9\""));
  EXPECT_EQ(fake.export_records_requests[0].filter().dataset(), "abgang");
  EXPECT_THAT(out.str(), HasSubstr("wrote the report of 3 records"));
}

TEST(AuditReviewCommandsTest, ReportOfALogThatDoesNotVerifyIsWrittenAndFails) {
  FakeConnection fake;
  TwoPages(fake);
  v1::VerifyLogResponse broken;
  broken.set_ok(false);
  broken.set_error("record 4: changed");
  fake.verify_response = broken;
  cellgate::testing::TempDir dir;
  const std::string path = dir.File("bericht.html");
  std::ostringstream out;
  EXPECT_THAT(RunAuditReport(Line({"audit", "report", "--out", path}), fake, out),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("record 4: changed")));
  EXPECT_THAT(cellgate::testing::ReadTestFile(path), HasSubstr("NICHT BESTANDEN"));
}

// A real log on disk, and the server's pages as the service would list it.
class OfflineReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    audit::AuditLogOptions options;
    options.dir = dir_.File("audit");
    options.origin = "cellgate.test/audit/v1";
    ASSERT_OK_AND_ASSIGN(auto log, audit::AuditLog::Open(options, clock_));
    for (int i = 0; i < 3; ++i) {
      v1::AuditRecord r;
      r.set_record_type(v1::RELEASE);
      r.set_decision(v1::RELEASED);
      r.mutable_requester()->set_department("schulamt");
      r.mutable_requester()->set_principal("schulamt-analyst");  // an identity detail
      ASSERT_OK(log->Append(std::move(r)).status());
    }
    log.reset();
    ASSERT_OK_AND_ASSIGN(audit::ReadResult read, audit::ReadLog(options.dir));
    v1::ExportRecordsResponse page;
    for (const audit::StoredRecord& stored : read.records) {
      v1::ExportedRecord* r = page.add_records();
      *r->mutable_record() = stored.record;
      r->set_leaf_hash(crypto::HexEncode(stored.leaf_hash));
    }
    page.set_log_size(read.records.size());
    page_ = page;
  }

  cellgate::testing::TempDir dir_;
  SystemClock clock_;
  v1::ExportRecordsResponse page_;
};

TEST_F(OfflineReportTest, ChecksTheListedRecordsAgainstTheVerifiedCopy) {
  FakeConnection fake;
  fake.export_records_pages = {page_};
  std::ostringstream out;
  const std::string path = dir_.File("bericht.html");
  ASSERT_OK(RunAuditReport(Line({"audit", "report", "--out", path, "--log", dir_.File("audit")}),
                           fake, out));
  const std::string html = cellgate::testing::ReadTestFile(path);
  EXPECT_THAT(html, HasSubstr("data-ok=\"true\""));
  EXPECT_THAT(html, HasSubstr(absl::StrCat(page_.records_size(),
                                           " aufgeführte Einträge stimmen mit der geprüften Kopie")));
  EXPECT_THAT(out.str(), HasSubstr("verification: OK (offline copy"));
  EXPECT_THAT(html, HasSubstr("3 geprüft, 0 nach Frist gelöscht"));
}

TEST_F(OfflineReportTest, ARecordTheServerListsDifferentlyFailsTheCheck) {
  page_.mutable_records(2)->set_leaf_hash(std::string(64, '0'));
  FakeConnection fake;
  fake.export_records_pages = {page_};
  std::ostringstream out;
  const std::string path = dir_.File("bericht.html");
  EXPECT_THAT(RunAuditReport(Line({"audit", "report", "--out", path, "--log", dir_.File("audit")}),
                             fake, out),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("record 2")));
  EXPECT_THAT(cellgate::testing::ReadTestFile(path), HasSubstr("data-ok=\"false\""));
}

TEST_F(OfflineReportTest, ATamperedCopyFailsTheCheck) {
  const std::string segment = dir_.File("audit/audit-000001.log");
  std::string bytes = cellgate::testing::ReadTestFile(segment);
  bytes[bytes.size() / 2] ^= 0x01;
  cellgate::testing::WriteTestFile(segment, bytes);
  FakeConnection fake;
  fake.export_records_pages = {page_};
  std::ostringstream out;
  EXPECT_THAT(RunAuditReport(Line({"audit", "report", "--out", dir_.File("b.html"), "--log",
                                   dir_.File("audit")}),
                             fake, out),
              StatusIs(absl::StatusCode::kDataLoss));
}

// Format 2: the copy's detail blobs are checked too. Without it a changed
// identity blob (who asked) would pass as "Bestanden".
TEST_F(OfflineReportTest, AChangedDetailBlobInTheCopyFailsTheCheck) {
  std::string blobs_path;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.File("audit/details"))) {
    if (entry.path().filename().string().rfind("identity-", 0) == 0) blobs_path = entry.path();
  }
  ASSERT_FALSE(blobs_path.empty());
  std::string bytes = cellgate::testing::ReadTestFile(blobs_path);
  bytes[bytes.size() / 2] ^= 0x01;
  cellgate::testing::WriteTestFile(blobs_path, bytes);
  FakeConnection fake;
  fake.export_records_pages = {page_};
  std::ostringstream out;
  const std::string path = dir_.File("b.html");
  EXPECT_THAT(RunAuditReport(Line({"audit", "report", "--out", path, "--log", dir_.File("audit")}),
                             fake, out),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("identity detail")));
  EXPECT_THAT(cellgate::testing::ReadTestFile(path), HasSubstr("data-ok=\"false\""));
}

TEST(AuditReviewCommandsTest, ReportRefusesAMissingCopyAndAKeyWithoutOne) {
  FakeConnection fake;
  std::ostringstream out;
  EXPECT_TRUE(IsUsageError(
      RunAuditReport(Line({"audit", "report", "--out", "x.html", "--pubkey", "k.pub"}), fake, out)));
  const absl::Status missing =
      RunAuditReport(Line({"audit", "report", "--out", "x.html", "--log", "/nonexistent/dir"}), fake, out);
  EXPECT_TRUE(IsUsageError(missing));
  EXPECT_THAT(missing.message(), HasSubstr("/nonexistent/dir"));
}

v1::ReplayReleaseResponse Replayed(bool match) {
  v1::ReplayReleaseResponse r;
  r.set_match(match);
  r.set_release_id("5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b");
  r.set_seq(17);
  r.set_dataset("abgang");
  r.set_dataset_version(3);
  r.set_recorded_dataset_version_hash("d1");
  r.set_dataset_version_hash(match ? "d1" : "d2");
  r.set_policy_id("abgang-standard");
  r.set_policy_version(2);
  r.set_policy_hash("0123456789abcdef0123");
  r.set_policy_source("kept");
  r.set_ledger_audited(true);
  r.set_ledger_releases_before(12);
  r.set_recorded_linked_releases(3);
  r.set_replayed_linked_releases(3);
  r.set_recorded_digest("aa");
  r.set_replayed_digest(match ? "aa" : "bb");
  r.set_audit_seq(40);
  if (!match) {
    r.set_status_difference_count(1);
    r.set_value_difference_count(2);
    v1::CellStatusDifference* d = r.add_status_differences();
    d->add_codes("2025");
    d->add_codes("AHR");
    d->set_measure(0);
    d->set_recorded(v1::PUBLISHED);
    d->set_replayed(v1::SUPPRESSED);
  }
  return r;
}

TEST(AuditReviewCommandsTest, ReplayPrintsAMatch) {
  FakeConnection fake;
  fake.replay_response = Replayed(true);
  std::ostringstream out;
  ASSERT_OK(RunAuditReplay(Line({"audit", "replay", "5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b"}), fake, out));
  ASSERT_EQ(fake.replay_requests.size(), 1u);
  EXPECT_EQ(fake.replay_requests[0].release_id(), "5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b");
  EXPECT_EQ(out.str(),
            "release          5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b (seq 17)\n"
            "dataset          abgang@3\n"
            "dataset hash     d1 (as recorded)\n"
            "policy           abgang-standard v2 (sha256 0123456789abcdef…), kept by the server\n"
            "release ledger   as of the release: 12 earlier releases of the dataset; linked: "
            "recorded 3, replay 3\n"
            "recorded digest  aa\n"
            "replayed digest  aa\n"
            "result           MATCH: the release is reproduced exactly\n"
            "audit record     seq 40 (audit_access)\n");
}

TEST(AuditReviewCommandsTest, ReplayPrintsAMismatchWithTheCellsAndFails) {
  FakeConnection fake;
  fake.replay_response = Replayed(false);
  std::ostringstream out;
  EXPECT_THAT(RunAuditReplay(Line({"audit", "replay", "5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b"}), fake, out),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not replay")));
  EXPECT_THAT(out.str(), HasSubstr("dataset hash     d2 (CHANGED: recorded d1)"));
  EXPECT_THAT(out.str(), HasSubstr("MISMATCH: 1 cells differ in status, 2 in their figure"));
  EXPECT_THAT(out.str(), HasSubstr("  cell 2025 / AHR, measure 1: published -> suppressed\n"));
}

TEST(AuditReviewCommandsTest, ReplayAsJsonAndABadIdIsAUsageError) {
  FakeConnection fake;
  fake.replay_response = Replayed(true);
  std::ostringstream out;
  ASSERT_OK(RunAuditReplay(
      Line({"audit", "replay", "5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b", "--format", "json"}), fake, out));
  EXPECT_THAT(out.str(), HasSubstr("\"policy_source\":\"kept\""));
  const absl::Status bad = RunAuditReplay(Line({"audit", "replay", "17"}), fake, out);
  EXPECT_TRUE(IsUsageError(bad));
  EXPECT_THAT(bad.message(), HasSubstr("\"17\""));
  EXPECT_EQ(fake.replay_requests.size(), 1u);
}

}  // namespace
}  // namespace cellgate::client
