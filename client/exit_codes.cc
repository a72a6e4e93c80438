#include "client/exit_codes.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cellgate::client {
namespace {

// The payload that marks a usage error; its content is irrelevant.
constexpr absl::string_view kUsagePayload = "type.cellgate.dev/client.UsageError";

std::string Hint(const absl::Status& status, absl::string_view server) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      // The server withholds a release with UNAVAILABLE when its audit log
      // cannot record it; that is no connection problem.
      if (absl::StartsWith(status.message(), "audit log")) {
        return "the server could not record the request in its audit log, so nothing was "
               "released: tell the operator";
      }
      return absl::StrCat("cannot reach the server at ", server,
                          " or the TLS handshake failed: check that the server runs, and that "
                          "--ca, --cert and --key name the right files (a certificate not "
                          "issued by the server's CA is rejected during the handshake)");
    case absl::StatusCode::kDeadlineExceeded:
      // The server's own time budget says so in words; pass them on.
      if (absl::StrContains(status.message(), "server allows")) return std::string(status.message());
      return absl::StrCat("no answer from ", server,
                          " within the deadline: check the server or raise --timeout");
    case absl::StatusCode::kUnauthenticated:
      return "the server did not accept the client certificate: check --cert and --key";
    default:
      return "";
  }
}

}  // namespace

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

absl::Status AsUsageError(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  return UsageError(absl::StrCat(context, ": ", status.message()));
}

bool IsUsageError(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kUsagePayload).has_value();
}

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  if (IsUsageError(status)) return kExitUsage;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitConnection;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return kExitPermission;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return kExitBadRequest;
    default:
      return kExitOther;
  }
}

std::string FailureText(const absl::Status& status, absl::string_view server) {
  if (IsUsageError(status)) {
    return absl::StrCat("cellgate: ", status.message(), "\n");
  }
  std::string text = absl::StrCat("cellgate: ", absl::StatusCodeToString(status.code()), ": ",
                                  status.message(), "\n");
  const std::string hint = Hint(status, server);
  if (!hint.empty()) absl::StrAppend(&text, "cellgate: ", hint, "\n");
  return text;
}

}  // namespace cellgate::client
