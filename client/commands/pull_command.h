// `cellgate pull MANIFEST --out DIR`: asks the server for every table of a
// manifest (client/manifest.h) and writes each in the manifest's export
// formats (client/export/), atomically, with a progress line per table on
// the terminal and a summary at the end; --show prints tables aligned to the
// terminal's width. A table already written from the
// same manifest entry and dataset version is skipped with --resume. Per
// table, DIR/.pull/<id>.pb (v1::PulledTable) is written last, as the commit
// marker; the HTML report is rebuilt from these. Thread-safe (no state).
#ifndef CELLGATE_CLIENT_COMMANDS_PULL_COMMAND_H_
#define CELLGATE_CLIENT_COMMANDS_PULL_COMMAND_H_

#include <ostream>

#include "absl/status/status.h"
#include "client/cli_flags.h"
#include "client/connection.h"

namespace cellgate::client {

// Runs `cellgate pull`: flags --out DIR (required), --formats F,... (instead
// of the manifest's), --tables ID,... (only these), --symbols din|letters,
// --resume, --show ID,... (print these tables, terminal_view.h) and --width
// N (for --show; default terminal_width.h). Writes progress to `progress`,
// the shown tables and then the summary to `out`.
// Returns a usage error for a bad flag or manifest (nothing is asked then),
// the status of ListDatasets if that fails, and if any table failed the
// code of the first failure with a message naming the failed tables; every
// other table is written all the same.
absl::Status RunPull(const CommandLine& line, Connection& connection, std::ostream& out,
                     std::ostream& progress);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_COMMANDS_PULL_COMMAND_H_
