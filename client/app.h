// The cellgate CLI as a function: parses the command line, prints --help,
// opens the connection, runs the command and turns a failure into one line
// on stderr (plus a hint) and an exit code (exit_codes.h). main.cc only
// wires the real environment, connection and streams. Start with RunCli.
// Thread-safe if the injected factory and streams are.
#ifndef CELLGATE_CLIENT_APP_H_
#define CELLGATE_CLIENT_APP_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli_flags.h"
#include "client/connection.h"

namespace cellgate::client {

// Opens a connection for the global flags.
using ConnectionFactory =
    std::function<absl::StatusOr<std::unique_ptr<Connection>>(const GlobalFlags& flags)>;

// Returns the --help text: commands, flags, environment and exit codes.
std::string UsageText();

// Returns the connection options for `flags`, with the PEM files read.
// Without --plaintext: usage error naming what is missing of --ca, --cert
// and --key, or naming the flag and file that cannot be read.
absl::StatusOr<ConnectionOptions> LoadConnectionOptions(const GlobalFlags& flags);

// The factory of the real CLI: LoadConnectionOptions, then a GrpcConnection.
absl::StatusOr<std::unique_ptr<Connection>> ConnectGrpc(const GlobalFlags& flags);

// Runs the CLI on `args` (argv without the program name): writes results to
// `out`, failures to `err`, and returns the exit code. `connect` is called at
// most once, after the command line parsed.
int RunCli(const std::vector<std::string>& args, const EnvLookup& env,
           const ConnectionFactory& connect, std::ostream& out, std::ostream& err);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_APP_H_
