// `cellgate admin backup DIR` and `cellgate admin restore BACKUP TARGET`.
// backup streams a server's online backup (AdminService.Backup, data
// steward) into a new directory: store.db (encrypted under the store key),
// audit/ (the log up to the backup's own record) and MANIFEST. restore
// needs no server: it checks every file against the manifest and the audit
// copy's hash chain, then lays the files out in a new state directory for
// a server to start on. Thread-safe (no shared state).
#ifndef CELLGATE_CLIENT_COMMANDS_BACKUP_COMMANDS_H_
#define CELLGATE_CLIENT_COMMANDS_BACKUP_COMMANDS_H_

#include <ostream>

#include "absl/status/status.h"
#include "client/cli_flags.h"
#include "client/connection.h"

namespace cellgate::client {

// Writes the backup into DIR (created; usage error if it exists and is not
// empty). Files appear under DIR only once all of them arrived and match
// the manifest's sizes and hashes; on any error DIR stays absent or empty.
absl::Status RunBackup(const CommandLine& line, Connection& connection, std::ostream& out);

// Verifies BACKUP (sizes, SHA-256, audit chain, record count and head) and
// copies it into TARGET, a new directory: TARGET/store.db and
// TARGET/audit/. DATA_LOSS naming the file that does not match; usage error
// if TARGET exists and is not empty. `--pubkey FILE` also checks the
// checkpoint signatures.
absl::Status RunRestore(const CommandLine& line, std::ostream& out);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_COMMANDS_BACKUP_COMMANDS_H_
