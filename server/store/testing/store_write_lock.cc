#include "server/store/testing/store_write_lock.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"

namespace cellgate::store {

StoreWriteLock::StoreWriteLock(const std::string& path, const SecretKey& key, int page_size) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    status_ = absl::FailedPreconditionError(absl::StrCat("cannot open ", path));
    return;
  }
  const std::string setup = absl::StrCat(
      "PRAGMA key = \"x'", crypto::HexEncode(key.bytes()), "'\"; PRAGMA cipher_page_size = ",
      page_size, "; PRAGMA kdf_iter = 64000; PRAGMA cipher_use_hmac = ON; BEGIN IMMEDIATE;");
  char* error = nullptr;
  if (sqlite3_exec(db_, setup.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    status_ = absl::FailedPreconditionError(
        absl::StrCat("cannot begin a write transaction on ", path, ": ",
                     error != nullptr ? error : "unknown error"));
  }
  sqlite3_free(error);
}

StoreWriteLock::~StoreWriteLock() {
  if (status_.ok()) sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
  sqlite3_close(db_);
}

}  // namespace cellgate::store
