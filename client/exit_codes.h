// Exit codes of the cellgate CLI and the one line (plus hint) that explains a
// failure on stderr. Local usage errors are marked with a status payload so
// that they map to exit code 2 whatever their code. Start with ExitCodeFor.
// All functions are thread-safe.
#ifndef CELLGATE_CLIENT_EXIT_CODES_H_
#define CELLGATE_CLIENT_EXIT_CODES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cellgate::client {

// The process exit codes; docs/user-guide.md and --help list them.
enum ExitCode : int {
  kExitOk = 0,
  kExitOther = 1,
  kExitUsage = 2,
  kExitConnection = 3,  // UNAVAILABLE, DEADLINE_EXCEEDED
  kExitPermission = 4,  // UNAUTHENTICATED, PERMISSION_DENIED
  kExitBadRequest = 5,  // INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS,
                        // FAILED_PRECONDITION, OUT_OF_RANGE
};

// Returns an INVALID_ARGUMENT status marked as a usage error (exit code 2):
// a bad flag or argument, or a local file that cannot be read or parsed.
absl::Status UsageError(absl::string_view message);

// Returns `status` marked as a usage error, with "context: " prefixed to its
// message. OK stays OK.
absl::Status AsUsageError(const absl::Status& status, absl::string_view context);

// Returns true if `status` was made by UsageError or AsUsageError.
bool IsUsageError(const absl::Status& status);

// Returns the exit code for `status`: 0 for OK, 2 for a usage error, and
// otherwise by code as in ExitCode.
int ExitCodeFor(const absl::Status& status);

// Returns the text to print on stderr for a failed `status`: one line
// "cellgate: ..." with the message, and for some codes a second line with a
// hint. `server` is the HOST:PORT the client talked to. Ends with "\n".
// REQUIRES: !status.ok().
std::string FailureText(const absl::Status& status, absl::string_view server);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXIT_CODES_H_
