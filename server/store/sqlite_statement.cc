#include "server/store/sqlite_statement.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"

namespace cellgate::store {

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view context) {
  if ((rc & 0xff) == SQLITE_NOTADB) {
    return absl::FailedPreconditionError("cannot open store: wrong key or not a cellgate store");
  }
  const std::string msg =
      absl::StrCat(context, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if ((rc & 0xff) == SQLITE_CORRUPT) return absl::DataLossError(msg);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return absl::AlreadyExistsError(msg);
  if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_BUSY) {
    return absl::UnavailableError(msg);
  }
  return absl::InternalError(msg);
}

absl::Status Exec(sqlite3* db, const char* sql, absl::string_view context) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, context);
  return absl::OkStatus();
}

absl::StatusOr<Statement> Statement::Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "preparing a store statement");
  return Statement(db, stmt);
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

void Statement::BindText(int i, absl::string_view value) {
  sqlite3_bind_text(stmt_, i, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

void Statement::BindInt(int i, int64_t value) { sqlite3_bind_int64(stmt_, i, value); }

void Statement::BindBlob(int i, absl::string_view value) {
  sqlite3_bind_blob(stmt_, i, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

absl::StatusOr<bool> Statement::Step(absl::string_view context) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, context);
}

int64_t Statement::ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }

absl::string_view Statement::ColumnBlob(int i) const {
  const void* data = sqlite3_column_blob(stmt_, i);
  const int size = sqlite3_column_bytes(stmt_, i);
  if (data == nullptr) return {};
  return absl::string_view(static_cast<const char*>(data), static_cast<size_t>(size));
}

absl::Status AppendBlob(sqlite3* db, const char* table, const char* column, int64_t rowid,
                        std::string& out, absl::string_view context) {
  sqlite3_blob* blob = nullptr;
  int rc = sqlite3_blob_open(db, "main", table, column, rowid, /*flags=*/0, &blob);
  if (rc != SQLITE_OK) {
    sqlite3_blob_close(blob);
    return SqliteError(db, rc, context);
  }
  const size_t size = static_cast<size_t>(sqlite3_blob_bytes(blob));
  const size_t old = out.size();
  out.resize(old + size);
  rc = sqlite3_blob_read(blob, out.data() + old, static_cast<int>(size), 0);
  sqlite3_blob_close(blob);
  if (rc != SQLITE_OK) {
    out.resize(old);
    return SqliteError(db, rc, context);
  }
  return absl::OkStatus();
}

}  // namespace cellgate::store
