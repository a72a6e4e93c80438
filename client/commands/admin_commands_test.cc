#include "client/commands/admin_commands.h"

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
using ::cellgate::testing::TempDir;
using ::cellgate::testing::WriteTestFile;
using ::testing::HasSubstr;

CommandLine Line(std::vector<std::string> args) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(args, nullptr);
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : CommandLine();
}

// 2.5 MiB of CSV-like bytes that differ from chunk to chunk.
std::string TwoAndAHalfMebibytes() {
  std::string data;
  data.reserve(5 * kIngestChunkBytes / 2);
  for (size_t i = 0; data.size() < 5 * kIngestChunkBytes / 2; ++i) {
    data += std::to_string(i) + ",m,01\n";
  }
  data.resize(5 * kIngestChunkBytes / 2);
  return data;
}

TEST(AdminCommandsTest, IngestStreamsTheFileInMebibyteChunksWithTheHeaderFirst) {
  TempDir dir;
  const std::string content = TwoAndAHalfMebibytes();
  WriteTestFile(dir.File("schule_2025.csv"), content);
  FakeConnection fake;
  fake.ingest_response->mutable_version()->set_dataset("schule");
  std::ostringstream out;
  ASSERT_OK(RunIngest(
      Line({"admin", "ingest", "schule", dir.File("schule_2025.csv"), "--legal-basis", "bdsg_3"}),
      fake, out));
  ASSERT_EQ(fake.ingest_chunks.size(), 3u);
  EXPECT_EQ(fake.ingest_chunks[0].dataset(), "schule");
  EXPECT_EQ(fake.ingest_chunks[0].source_name(), "schule_2025.csv");
  EXPECT_EQ(fake.ingest_chunks[0].legal_basis(), "bdsg_3");
  EXPECT_EQ(fake.ingest_chunks[0].data().size(), kIngestChunkBytes);
  EXPECT_EQ(fake.ingest_chunks[1].data().size(), kIngestChunkBytes);
  EXPECT_EQ(fake.ingest_chunks[2].data().size(), kIngestChunkBytes / 2);
  for (int i = 1; i < 3; ++i) {
    EXPECT_EQ(fake.ingest_chunks[i].dataset(), "") << i;
    EXPECT_EQ(fake.ingest_chunks[i].source_name(), "") << i;
    EXPECT_EQ(fake.ingest_chunks[i].legal_basis(), "") << i;
  }
  EXPECT_EQ(
      fake.ingest_chunks[0].data() + fake.ingest_chunks[1].data() + fake.ingest_chunks[2].data(),
      content);
}

TEST(AdminCommandsTest, IngestPrintsTheNewVersion) {
  TempDir dir;
  WriteTestFile(dir.File("s.csv"), "id,sex\n1,m\n");
  FakeConnection fake;
  v1::DatasetVersionInfo& v = *fake.ingest_response->mutable_version();
  v.set_dataset("schule");
  v.set_version(2);
  v.set_row_count(12345);
  v.set_version_hash("ab12");
  std::ostringstream out;
  ASSERT_OK(RunIngest(Line({"admin", "ingest", "schule", dir.File("s.csv"), "--legal-basis", "l",
                            "--source-name", "Lieferung Mai.csv"}),
                      fake, out));
  ASSERT_EQ(fake.ingest_chunks.size(), 1u);
  EXPECT_EQ(fake.ingest_chunks[0].source_name(), "Lieferung Mai.csv");
  EXPECT_EQ(out.str(),
            "dataset       schule\n"
            "version       2\n"
            "rows          12.345\n"
            "version hash  ab12\n");
}

TEST(AdminCommandsTest, IngestOfAnEmptyFileStillSendsTheHeader) {
  TempDir dir;
  WriteTestFile(dir.File("empty.csv"), "");
  FakeConnection fake;
  std::ostringstream out;
  ASSERT_OK(RunIngest(Line({"admin", "ingest", "d", dir.File("empty.csv"), "--legal-basis", "l"}),
                      fake, out));
  ASSERT_EQ(fake.ingest_chunks.size(), 1u);
  EXPECT_EQ(fake.ingest_chunks[0].dataset(), "d");
  EXPECT_EQ(fake.ingest_chunks[0].data(), "");
}

TEST(AdminCommandsTest, MissingIngestFileIsAUsageErrorNamingIt) {
  TempDir dir;
  FakeConnection fake;
  std::ostringstream out;
  const absl::Status s = RunIngest(
      Line({"admin", "ingest", "d", dir.File("missing.csv"), "--legal-basis", "l"}), fake, out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("missing.csv")));
  EXPECT_EQ(ExitCodeFor(s), kExitUsage);
}

TEST(AdminCommandsTest, CreateDatasetSendsTheParsedSchema) {
  TempDir dir;
  WriteTestFile(dir.File("schule.textproto"),
                "id: \"schule\"\ntitle: \"Schulen\"\n"
                "columns { name: \"sex\" label: \"Geschlecht\" kind: DIMENSION\n"
                "  levels { name: \"sex\" codes { code: \"m\" label: \"männlich\" } } }\n");
  FakeConnection fake;
  fake.create_response->set_dataset("schule");
  std::ostringstream out;
  ASSERT_OK(
      RunCreateDataset(Line({"admin", "create-dataset", dir.File("schule.textproto")}), fake, out));
  ASSERT_EQ(fake.create_requests.size(), 1u);
  EXPECT_EQ(fake.create_requests[0].schema().id(), "schule");
  EXPECT_EQ(fake.create_requests[0].schema().columns(0).levels(0).codes(0).label(), "männlich");
  EXPECT_EQ(out.str(), "created dataset schule\n");
}

TEST(AdminCommandsTest, MalformedSchemaIsAUsageErrorNamingTheFile) {
  TempDir dir;
  WriteTestFile(dir.File("bad.textproto"), "id: \"schule\"\ncolour: 3\n");
  FakeConnection fake;
  std::ostringstream out;
  const absl::Status s =
      RunCreateDataset(Line({"admin", "create-dataset", dir.File("bad.textproto")}), fake, out);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad.textproto")));
  EXPECT_TRUE(IsUsageError(s));
  EXPECT_TRUE(fake.create_requests.empty());
}

TEST(AdminCommandsTest, VersionsListsEveryVersion) {
  FakeConnection fake;
  v1::DatasetVersionInfo& v = *fake.list_versions_response->add_versions();
  v.set_version(1);
  v.set_row_count(1500);
  v.set_created_utc("2026-01-05T10:00:00Z");
  v.set_source_name("s.csv");
  v.set_ingested_by("steward");
  v.set_version_hash("ffee");
  std::ostringstream out;
  ASSERT_OK(RunVersions(Line({"admin", "versions", "schule"}), fake, out));
  EXPECT_EQ(fake.list_versions_requests.at(0).dataset(), "schule");
  EXPECT_EQ(out.str(),
            "version   rows  created               source  ingested by  version hash\n"
            "-------  -----  --------------------  ------  -----------  ------------\n"
            "      1  1.500  2026-01-05T10:00:00Z  s.csv   steward      ffee\n");
}

TEST(AdminCommandsTest, RotateSigningKeyPrintsTheRecordAndTheNewPublicKey) {
  FakeConnection fake;
  v1::RotateSigningKeyResponse rotated;
  rotated.set_seq(41);
  rotated.set_public_key_pem("-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----\n");
  fake.rotate_signing_response = rotated;
  std::ostringstream out;
  ASSERT_OK(RunRotateSigningKey(Line({"admin", "rotate-signing-key"}), fake, out));
  EXPECT_EQ(fake.rotate_signing_calls, 1);
  EXPECT_THAT(out.str(), HasSubstr("KEY_ROTATION record at seq 41"));
  EXPECT_THAT(out.str(), HasSubstr("BEGIN PUBLIC KEY"));
  fake.rotate_signing_response = absl::FailedPreconditionError("no key file");
  EXPECT_THAT(RunRotateSigningKey(Line({"admin", "rotate-signing-key"}), fake, out),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(AdminCommandsTest, BaseNameDropsTheDirectory) {
  EXPECT_EQ(BaseName("data/schule.csv"), "schule.csv");
  EXPECT_EQ(BaseName("schule.csv"), "schule.csv");
  EXPECT_EQ(BaseName("/tmp/x/"), "");
}

}  // namespace
}  // namespace cellgate::client
