// StoreWriteLock: for tests, another connection's write transaction on a
// store file. While it is held, every write of a Store open on that file
// fails at once with "database is locked" (the store sets no busy
// timeout); reads go on. Released at destruction. Test-only.
//
//   StoreWriteLock busy(path, key, StoreOptions().page_size);
//   ASSERT_OK(busy.status());
//   EXPECT_FALSE(store->AppendLedger(release).ok());
#ifndef CELLGATE_SERVER_STORE_TESTING_STORE_WRITE_LOCK_H_
#define CELLGATE_SERVER_STORE_TESTING_STORE_WRITE_LOCK_H_

#include <string>

#include "absl/status/status.h"
#include "server/store/key_source.h"

struct sqlite3;

namespace cellgate::store {

class StoreWriteLock {
 public:
  // Opens `path` with `key` and the store's cipher settings for
  // `page_size`, and begins an immediate (write) transaction.
  StoreWriteLock(const std::string& path, const SecretKey& key, int page_size);
  ~StoreWriteLock();
  StoreWriteLock(const StoreWriteLock&) = delete;
  StoreWriteLock& operator=(const StoreWriteLock&) = delete;

  // OK once the write transaction is held; else why not.
  const absl::Status& status() const { return status_; }

 private:
  sqlite3* db_ = nullptr;
  absl::Status status_;
};

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_TESTING_STORE_WRITE_LOCK_H_
