// Strict command-line parsing for the cellgate CLI: global flags (before or
// after the command), the command with its positional arguments, and the
// flags each command accepts. Any unknown flag, missing value, repeated
// single flag or missing argument is a usage error that names it. Start with
// ParseCommandLine. Thread-safe (no global state; the environment is
// injected).
#ifndef CELLGATE_CLIENT_CLI_FLAGS_H_
#define CELLGATE_CLIENT_CLI_FLAGS_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cellgate::client {

// Flags that apply to every command.
struct GlobalFlags {
  std::string server;        // HOST:PORT; --server, $CELLGATE_SERVER, "localhost:7443"
  std::string ca_file;       // PEM file; --ca or $CELLGATE_CA; may be empty
  std::string cert_file;     // PEM file; --cert or $CELLGATE_CERT; may be empty
  std::string key_file;      // PEM file; --key or $CELLGATE_KEY; may be empty
  bool plaintext = false;    // --plaintext: no TLS (development servers only)
  int timeout_seconds = 30;  // --timeout: deadline of every RPC, > 0
  int columns = 0;           // $COLUMNS if a whole number > 0, else 0 (terminal_width.h)
};

// A parsed command line.
struct CommandLine {
  GlobalFlags global;
  // True if --help or -h was given; nothing else is then checked.
  bool help = false;
  // "datasets", "describe", "query", "pull", "admin create-dataset", "admin ingest",
  // "admin versions", "audit list" or "audit show"; empty only with help.
  std::string command;
  // Positional arguments after the command words, in order.
  std::vector<std::string> args;
  // Command flags by name without "--", each with its values in order; a
  // flag without a value (e.g. "totals") holds one empty string.
  std::map<std::string, std::vector<std::string>> flags;

  // Returns true if the command flag `name` was given.
  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  // Returns the value of the single-valued flag `name`, or `fallback`.
  std::string Value(const std::string& name, const std::string& fallback = "") const;
  // Returns all values of the repeatable flag `name` (empty if absent).
  std::vector<std::string> Values(const std::string& name) const;
};

// Looks up an environment variable; returns "" when it is unset.
using EnvLookup = std::function<std::string(const std::string& name)>;

// Parses `args` (argv without the program name). Usage error (see
// exit_codes.h) naming the flag, value or argument on: an unknown command or
// flag, a flag without its value, a value given to a switch, a single flag
// given twice, a missing or extra positional argument, a missing required
// flag (query: --dataset, --purpose, --legal-basis; pull: --out; admin
// ingest: --legal-basis) or a --timeout that is not a whole number of seconds > 0.
// A $COLUMNS that is not a whole number > 0 is ignored.
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                             const EnvLookup& env);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_CLI_FLAGS_H_
