// The DPO's offline view of an exported log (ADR 0005): `audit show SEQ
// --log DIR --content-key FILE` decrypts a record without any server, a
// wrong key is a clear error, no key shows the header; `audit export`
// copies the detail files too.
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "audit/audit_log.h"
#include "client/app.h"
#include "client/commands/audit_commands.h"
#include "client/testing/fake_connection.h"
#include "common/crypto/aes_gcm.h"
#include "common/crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::FakeConnection;
using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKeyHex[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class AuditOfflineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cellgate::testing::WriteTestFile(dir_.File("content.key"), std::string(kKeyHex) + "\n");
    ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey key,
                         crypto::AesGcmKey::FromKeyMaterial(kKeyHex, "test key"));
    audit::AuditLogOptions options;
    options.dir = dir_.File("exported");
    options.origin = "cellgate.test/audit/v1";
    options.content_key = std::make_shared<const crypto::AesGcmKey>(std::move(key));
    ASSERT_OK_AND_ASSIGN(auto log, audit::AuditLog::Open(options, clock_));
    v1::AuditRecord release;
    release.set_record_type(v1::RELEASE);
    release.set_dataset("kita");
    release.mutable_requester()->set_principal("anna.mueller");
    release.mutable_requester()->set_department("jugendamt");
    release.set_justification("Bedarfsplanung Nord");
    ASSERT_OK(log->Append(release).status());  // seq 1, after START
  }

  // Runs the CLI; fails the test if it tries to connect.
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    const ConnectionFactory connect =
        [](const GlobalFlags&) -> absl::StatusOr<std::unique_ptr<Connection>> {
      ADD_FAILURE() << "an offline command connected to a server";
      return absl::UnavailableError("no server");
    };
    return RunCli(args, nullptr, connect, out_, err_);
  }

  cellgate::testing::TempDir dir_;
  SystemClock clock_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(AuditOfflineTest, TheContentKeyShowsWhoAskedAndWhyWithoutAServer) {
  EXPECT_EQ(Run({"audit", "show", "1", "--log", dir_.File("exported"), "--content-key",
                 dir_.File("content.key")}),
            0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("anna.mueller"));
  EXPECT_THAT(out_.str(), HasSubstr("Bedarfsplanung Nord"));
  EXPECT_THAT(out_.str(), HasSubstr("identity detail"));
  EXPECT_THAT(out_.str(), HasSubstr("present (encrypted at rest)"));
}

TEST_F(AuditOfflineTest, WithoutTheKeyTheHeaderShowsAndTheDetailsSayWhyNot) {
  EXPECT_EQ(Run({"audit", "show", "1", "--log", dir_.File("exported")}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("jugendamt"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("anna.mueller")));
  EXPECT_THAT(out_.str(), HasSubstr("no content key given"));
}

TEST_F(AuditOfflineTest, AWrongKeyIsAClearErrorNotGarbage) {
  cellgate::testing::WriteTestFile(dir_.File("wrong.key"), std::string(64, 'f') + "\n");
  EXPECT_EQ(Run({"audit", "show", "1", "--log", dir_.File("exported"), "--content-key",
                 dir_.File("wrong.key")}),
            5);
  EXPECT_THAT(err_.str(), HasSubstr("wrong audit content key"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("anna")));
  // A key file others can read is refused before anything is read.
  cellgate::testing::WriteTestFile(dir_.File("open.key"), std::string(kKeyHex) + "\n", 0644);
  EXPECT_EQ(Run({"audit", "show", "1", "--log", dir_.File("exported"), "--content-key",
                 dir_.File("open.key")}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("chmod 600"));
}

TEST_F(AuditOfflineTest, ASeqBeyondTheLogIsNotFound) {
  EXPECT_EQ(Run({"audit", "show", "99", "--log", dir_.File("exported")}), 5);
  EXPECT_THAT(err_.str(), HasSubstr("the log has no record 99"));
}

CommandLine Line(std::vector<std::string> args) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(args, nullptr);
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : CommandLine();
}

TEST(AuditExportDetailsTest, CopiesTheDetailFilesIntoDetailsAndRefusesOtherNames) {
  cellgate::testing::TempDir dir;
  FakeConnection fake;
  v1::ExportLogResponse segment;
  segment.set_segment("audit-000001.log");
  segment.set_data("frames");
  segment.set_next_segment("details/identity-2026.blobs");
  v1::ExportLogResponse details;
  details.set_segment("details/identity-2026.blobs");
  details.set_data("blobs");
  details.set_done(true);
  fake.export_pieces = {segment, details};
  std::ostringstream out;
  ASSERT_OK(RunAuditExport(Line({"audit", "export", dir.File("copy")}), fake, out));
  EXPECT_EQ(cellgate::testing::ReadTestFile(dir.File("copy/details/identity-2026.blobs")), "blobs");
  int n = 0;
  for (const char* evil : {"details/../../x", "details/secret-2026.blobs", "other/a.log"}) {
    FakeConnection bad;
    v1::ExportLogResponse piece;
    piece.set_segment(evil);
    piece.set_done(true);
    bad.export_pieces = {piece};
    EXPECT_THAT(
        RunAuditExport(Line({"audit", "export", dir.File(absl::StrCat("bad", ++n))}), bad, out),
        StatusIs(absl::StatusCode::kInternal, HasSubstr("unexpected segment name")))
        << evil;
  }
}

}  // namespace
}  // namespace cellgate::client
