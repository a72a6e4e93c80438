// `cellgate query`: builds a v1::QueryRequest from the command line, asks
// the server and prints the protected table as a terminal table, CSV or
// JSON. Thread-safe (no state).
#ifndef CELLGATE_CLIENT_COMMANDS_QUERY_COMMAND_H_
#define CELLGATE_CLIENT_COMMANDS_QUERY_COMMAND_H_

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellgate/v1/data_service.pb.h"
#include "client/cli_flags.h"
#include "client/connection.h"

namespace cellgate::client {

// Returns the request the flags of `line` ask for: --dataset, --version (0 =
// latest), each --by, --measure (count if none), --filter, --totals,
// --purpose, --legal-basis, --justification, --request-id. Usage error
// naming the flag on a malformed value.
absl::StatusOr<v1::QueryRequest> BuildQueryRequest(const CommandLine& line);

// Runs `cellgate query`: validates the flags (including --format table|csv|
// json) before calling the server, then writes the answer to `out`. Returns
// the server's status on failure; nothing is written then.
absl::Status RunQuery(const CommandLine& line, Connection& connection, std::ostream& out);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_COMMANDS_QUERY_COMMAND_H_
