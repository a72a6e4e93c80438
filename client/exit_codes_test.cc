#include "client/exit_codes.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

TEST(ExitCodesTest, MapsEveryStatusCode) {
  struct Case {
    absl::StatusCode code;
    int exit_code;
  };
  const Case cases[] = {
      {absl::StatusCode::kOk, 0},
      {absl::StatusCode::kCancelled, 1},
      {absl::StatusCode::kUnknown, 1},
      {absl::StatusCode::kInvalidArgument, 5},
      {absl::StatusCode::kDeadlineExceeded, 3},
      {absl::StatusCode::kNotFound, 5},
      {absl::StatusCode::kAlreadyExists, 5},
      {absl::StatusCode::kPermissionDenied, 4},
      {absl::StatusCode::kResourceExhausted, 1},
      {absl::StatusCode::kFailedPrecondition, 5},
      {absl::StatusCode::kAborted, 1},
      {absl::StatusCode::kOutOfRange, 5},
      {absl::StatusCode::kUnimplemented, 1},
      {absl::StatusCode::kInternal, 1},
      {absl::StatusCode::kUnavailable, 3},
      {absl::StatusCode::kDataLoss, 1},
      {absl::StatusCode::kUnauthenticated, 4},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ExitCodeFor(absl::Status(c.code, "m")), c.exit_code)
        << absl::StatusCodeToString(c.code);
  }
}

TEST(ExitCodesTest, UsageErrorsExitWithTwoWhateverTheirCode) {
  EXPECT_EQ(ExitCodeFor(UsageError("unknown flag \"--x\"")), 2);
  EXPECT_EQ(ExitCodeFor(AsUsageError(absl::NotFoundError("cannot open \"ca.pem\""), "--ca")), 2);
  EXPECT_FALSE(IsUsageError(absl::InvalidArgumentError("from the server")));
  EXPECT_TRUE(AsUsageError(absl::OkStatus(), "x").ok());
}

TEST(ExitCodesTest, ExplainsUnavailableAsConnectionOrTlsFailure) {
  EXPECT_EQ(
      FailureText(absl::UnavailableError("failed to connect to all addresses"), "localhost:7443"),
      "cellgate: UNAVAILABLE: failed to connect to all addresses\n"
      "cellgate: cannot reach the server at localhost:7443 or the TLS handshake failed: "
      "check that the server runs, and that --ca, --cert and --key name the right files "
      "(a certificate not issued by the server's CA is rejected during the handshake)\n");
}

TEST(ExitCodesTest, ExplainsAnAuditLogOutageWithoutBlamingTheConnection) {
  const std::string text = FailureText(
      absl::UnavailableError("audit log is not writable; releases are withheld"), "h:1");
  EXPECT_THAT(text, ::testing::HasSubstr("nothing was released"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("TLS")));
}

TEST(ExitCodesTest, PrintsPermissionDeniedAsIs) {
  EXPECT_EQ(FailureText(absl::PermissionDeniedError(
                            "purpose \"x\" is not granted to department \"jugendamt\""),
                        "h:1"),
            "cellgate: PERMISSION_DENIED: purpose \"x\" is not granted to department "
            "\"jugendamt\"\n");
}

TEST(ExitCodesTest, PrintsUsageErrorsWithoutACode) {
  EXPECT_EQ(FailureText(UsageError("flag --server needs a value"), ""),
            "cellgate: flag --server needs a value\n");
}

TEST(ExitCodesTest, HintsAtTheTimeoutOnDeadlineExceeded) {
  EXPECT_THAT(FailureText(absl::DeadlineExceededError("Deadline Exceeded"), "h:1"),
              ::testing::HasSubstr("raise --timeout"));
}

}  // namespace
}  // namespace cellgate::client
