#include "client/app.h"

#include <sstream>

#include "client/exit_codes.h"
#include "client/testing/fake_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::FakeConnection;
using ::cellgate::client::testing::ForwardingConnection;
using ::cellgate::testing::StatusIs;
using ::cellgate::testing::TempDir;
using ::cellgate::testing::WriteTestFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Runs the CLI against `fake`, remembering the flags it connected with.
struct Harness {
  int Run(std::vector<std::string> args) {
    out.str("");
    err.str("");
    const ConnectionFactory connect =
        [this](const GlobalFlags& flags) -> absl::StatusOr<std::unique_ptr<Connection>> {
      ++connects;
      connected_with = flags;
      if (!connect_error.ok()) return connect_error;
      return std::unique_ptr<Connection>(new ForwardingConnection(fake));
    };
    return RunCli(args, nullptr, connect, out, err);
  }

  FakeConnection fake;
  absl::Status connect_error;
  int connects = 0;
  GlobalFlags connected_with;
  std::ostringstream out;
  std::ostringstream err;
};

TEST(AppTest, HelpListsCommandsAndExitCodesAndExitsWithZero) {
  Harness h;
  EXPECT_EQ(h.Run({"--help"}), 0);
  EXPECT_THAT(h.out.str(), HasSubstr("audit show SEQ"));
  EXPECT_THAT(h.out.str(), HasSubstr("3  connection or TLS failure"));
  EXPECT_EQ(h.connects, 0);
}

TEST(AppTest, UsageErrorExitsWithTwoBeforeConnecting) {
  Harness h;
  EXPECT_EQ(h.Run({"query", "--dataset", "d", "--purpose", "p", "--legal-basis", "l", "--bye"}), 2);
  EXPECT_THAT(h.err.str(), StartsWith("cellgate: unknown flag \"--bye\" for \"query\"\n"));
  EXPECT_EQ(h.connects, 0);
}

TEST(AppTest, RunsTheCommandWithTheGlobalFlags) {
  Harness h;
  h.fake.list_datasets_response->add_datasets()->set_id("schule");
  EXPECT_EQ(h.Run({"datasets", "--plaintext", "--server", "h:9", "--timeout", "3"}), 0);
  EXPECT_THAT(h.out.str(), HasSubstr("schule"));
  EXPECT_EQ(h.err.str(), "");
  EXPECT_TRUE(h.connected_with.plaintext);
  EXPECT_EQ(h.connected_with.server, "h:9");
  EXPECT_EQ(h.connected_with.timeout_seconds, 3);
}

TEST(AppTest, ServerErrorsMapToExitCodesWithOneLine) {
  Harness h;
  h.fake.query_response = absl::InvalidArgumentError("dimension \"stadtteill\" does not exist");
  EXPECT_EQ(h.Run({"query", "--dataset", "d", "--by", "stadtteill", "--purpose", "p",
                   "--legal-basis", "l"}),
            5);
  EXPECT_EQ(h.err.str(), "cellgate: INVALID_ARGUMENT: dimension \"stadtteill\" does not exist\n");
  EXPECT_EQ(h.out.str(), "");
  h.fake.list_datasets_response = absl::PermissionDeniedError("not a known principal");
  EXPECT_EQ(h.Run({"datasets"}), 4);
  h.fake.list_datasets_response = absl::UnavailableError("failed to connect to all addresses");
  EXPECT_EQ(h.Run({"--server", "db:7443", "datasets"}), 3);
  EXPECT_THAT(h.err.str(), HasSubstr("cannot reach the server at db:7443 or the TLS handshake"));
}

TEST(AppTest, ConnectionSetUpErrorsAreReported) {
  Harness h;
  h.connect_error = UsageError("missing --cert");
  EXPECT_EQ(h.Run({"datasets"}), 2);
  EXPECT_EQ(h.err.str(), "cellgate: missing --cert\n");
}

TEST(AppTest, TlsNeedsAllThreeFilesUnlessPlaintext) {
  GlobalFlags flags;
  flags.server = "h:1";
  flags.cert_file = "me.pem";
  const absl::StatusOr<ConnectionOptions> options = LoadConnectionOptions(flags);
  EXPECT_THAT(options,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("missing --ca, --key")));
  EXPECT_EQ(ExitCodeFor(options.status()), kExitUsage);
  flags.plaintext = true;
  ASSERT_OK_AND_ASSIGN(ConnectionOptions plain, LoadConnectionOptions(flags));
  EXPECT_TRUE(plain.plaintext);
  EXPECT_EQ(plain.target, "h:1");
}

TEST(AppTest, UnreadableCertificateFileIsNamed) {
  TempDir dir;
  WriteTestFile(dir.File("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
  WriteTestFile(dir.File("me.pem"), "-----BEGIN CERTIFICATE-----\n");
  GlobalFlags flags;
  flags.server = "h:1";
  flags.ca_file = dir.File("ca.pem");
  flags.cert_file = dir.File("me.pem");
  flags.key_file = dir.File("no-such.key");
  const absl::StatusOr<ConnectionOptions> options = LoadConnectionOptions(flags);
  EXPECT_THAT(options, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("cannot read the --key file")));
  EXPECT_THAT(options.status().message(), HasSubstr("no-such.key"));
  EXPECT_EQ(ExitCodeFor(options.status()), kExitUsage);
}

TEST(AppTest, SwappedCertificateAndKeyAreNamed) {
  TempDir dir;
  WriteTestFile(dir.File("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
  WriteTestFile(dir.File("me.pem"), "-----BEGIN CERTIFICATE-----\n");
  WriteTestFile(dir.File("me.key"), "-----BEGIN EC PRIVATE KEY-----\n");
  GlobalFlags flags;
  flags.server = "h:1";
  flags.ca_file = dir.File("ca.pem");
  flags.cert_file = dir.File("me.key");
  flags.key_file = dir.File("me.pem");
  const absl::StatusOr<ConnectionOptions> options = LoadConnectionOptions(flags);
  EXPECT_THAT(options, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("the --cert file \"" + dir.File("me.key") +
                                          "\" holds no PEM certificate")));
  EXPECT_EQ(ExitCodeFor(options.status()), kExitUsage);
}

TEST(AppTest, ReadsThePemFiles) {
  TempDir dir;
  const std::string ca = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
  const std::string cert = "-----BEGIN CERTIFICATE-----\nME\n-----END CERTIFICATE-----\n";
  const std::string key = "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n";
  WriteTestFile(dir.File("ca.pem"), ca);
  WriteTestFile(dir.File("me.pem"), cert);
  WriteTestFile(dir.File("me.key"), key);
  GlobalFlags flags;
  flags.server = "h:1";
  flags.ca_file = dir.File("ca.pem");
  flags.cert_file = dir.File("me.pem");
  flags.key_file = dir.File("me.key");
  flags.timeout_seconds = 7;
  ASSERT_OK_AND_ASSIGN(ConnectionOptions options, LoadConnectionOptions(flags));
  EXPECT_EQ(options.ca_pem, ca);
  EXPECT_EQ(options.cert_pem, cert);
  EXPECT_EQ(options.key_pem, key);
  EXPECT_EQ(options.timeout_seconds, 7);
  EXPECT_FALSE(options.plaintext);
}

}  // namespace
}  // namespace cellgate::client
