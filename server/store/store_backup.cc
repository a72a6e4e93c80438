// Store::Backup: a consistent, encrypted copy of a running store.
//
// SQLCipher 3.4.1 has no usable backup API between encrypted databases, but
// sqlcipher_export() into an ATTACHed file works, and it works inside a
// transaction (checked on 3.4.1, ADR 0007). The backup reader, a second
// connection keyed like the main one, attaches the new file (without KEY
// it takes the main key), sets the same page size, begins a transaction
// and reads the ledger: from that read on, WAL gives it a fixed snapshot
// while the main connection goes on writing. The export then copies the
// snapshot into the attached file, and the commit writes it.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "server/store/sqlite_statement.h"
#include "server/store/store.h"

namespace cellgate::store {
namespace {

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

absl::Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open backup \"", path, "\": ", std::strerror(errno)));
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot sync backup \"", path, "\": ", std::strerror(errno)));
  }
  return SyncDirectory(DirectoryOf(path));
}

}  // namespace

absl::Status Store::Backup(const std::string& dest_path,
                           absl::FunctionRef<absl::Status(const StoreSnapshot&)> on_snapshot) {
  absl::MutexLock lock(&backup_mu_);
  struct stat st {};
  if (::lstat(dest_path.c_str(), &st) == 0) {
    return absl::AlreadyExistsError(absl::StrCat("backup file \"", dest_path, "\" exists"));
  }
  sqlite3* const db = backup_db_;
  bool attached = false;
  bool in_transaction = false;
  absl::Cleanup undo = [&] {
    if (in_transaction) (void)Exec(db, "ROLLBACK;", "abandoning the backup");
    if (attached) (void)Exec(db, "DETACH DATABASE backup;", "detaching the backup");
    std::remove(dest_path.c_str());
    std::remove(absl::StrCat(dest_path, "-journal").c_str());
  };
  {
    ASSIGN_OR_RETURN(Statement attach, Statement::Prepare(db, "ATTACH DATABASE ? AS backup;"));
    attach.BindText(1, dest_path);
    RETURN_IF_ERROR(attach.Step("attaching the backup file").status());
    attached = true;
  }
  RETURN_IF_ERROR(Exec(db,
                       absl::StrCat("PRAGMA backup.cipher_page_size = ", options_.page_size,
                                    "; PRAGMA backup.synchronous = FULL;")
                           .c_str(),
                       "configuring the backup file"));
  RETURN_IF_ERROR(Exec(db, "BEGIN;", "starting the backup snapshot"));
  in_transaction = true;
  StoreSnapshot snapshot;
  snapshot.page_size = options_.page_size;
  snapshot.key_fingerprint = key_fingerprint_;
  {
    // The first read fixes the snapshot.
    ASSIGN_OR_RETURN(Statement count, Statement::Prepare(db, "SELECT count(*) FROM main.ledger;"));
    ASSIGN_OR_RETURN(const bool row, count.Step("reading the backup snapshot"));
    snapshot.ledger_entries = row ? count.ColumnInt(0) : 0;
  }
  RETURN_IF_ERROR(on_snapshot(snapshot));
  RETURN_IF_ERROR(Exec(db, "SELECT sqlcipher_export('backup');", "copying the store"));
  RETURN_IF_ERROR(Exec(db, "COMMIT;", "writing the backup file"));
  in_transaction = false;
  RETURN_IF_ERROR(Exec(db, "DETACH DATABASE backup;", "detaching the backup file"));
  attached = false;
  RETURN_IF_ERROR(SyncFile(dest_path));
  std::move(undo).Cancel();
  return absl::OkStatus();
}

}  // namespace cellgate::store
