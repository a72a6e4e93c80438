// Minimal RAII wrappers over the SQLCipher C API for this folder only:
// Exec for statements without results, Statement for prepared ones.
// Callers hold the store's mutex; not thread-safe by themselves.
#ifndef CELLGATE_SERVER_STORE_SQLITE_STATEMENT_H_
#define CELLGATE_SERVER_STORE_SQLITE_STATEMENT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cellgate::store {

// Runs `sql` (no results). Errors carry the SQLite message and `context`.
absl::Status Exec(sqlite3* db, const char* sql, absl::string_view context);

// Maps an SQLite result code to a Status; SQLITE_NOTADB to the wrong-key
// message.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view context);

// Appends the blob in `column` of row `rowid` of `table` to `out`, read
// straight into it (no intermediate copy of the blob). Errors carry the
// SQLite message and `context`.
absl::Status AppendBlob(sqlite3* db, const char* table, const char* column, int64_t rowid,
                        std::string& out, absl::string_view context);

class Statement {
 public:
  // Prepares `sql`; INTERNAL on failure (a programming error).
  static absl::StatusOr<Statement> Prepare(sqlite3* db, const char* sql);
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Binds parameter `i` (1-based).
  void BindText(int i, absl::string_view value);
  void BindInt(int i, int64_t value);
  void BindBlob(int i, absl::string_view value);
  // Resets the statement for another execution with new bindings.
  void Reset();
  // Steps once: true if a row is available, false when done.
  absl::StatusOr<bool> Step(absl::string_view context);
  int64_t ColumnInt(int i) const;
  // Returns the blob or text of column `i` (valid until the next Step).
  absl::string_view ColumnBlob(int i) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_SQLITE_STATEMENT_H_
