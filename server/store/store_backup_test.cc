// Store::Backup: the copy is encrypted under the store's key and page size,
// holds exactly the snapshot (a write after the snapshot is not in it, and
// is not blocked by it), and nothing is left behind on failure.
#include <sys/stat.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::store {
namespace {

using ::cellgate::testing::StatusIs;

class StoreBackupTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(const std::string& path, char key_byte = 'k') {
    auto key = SecretKey::FromBytes(std::string(32, key_byte));
    EXPECT_TRUE(key.ok());
    InMemoryKeySource keys(std::move(*key));
    StoreOptions options;
    options.path = path;
    options.create_if_missing = false;
    if (path == dir_.File("store.db")) options.create_if_missing = true;
    auto store = Store::Open(options, keys, clock_);
    last_open_ = store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static v1::LedgerRelease Entry(const std::string& id) {
    v1::LedgerRelease release;
    release.set_release_id(id);
    release.set_dataset("seu");
    release.set_dataset_version(1);
    release.add_counts(7);
    release.add_suppressed(false);
    return release;
  }

  static std::vector<std::string> LedgerIds(const Store& store) {
    std::vector<std::string> ids;
    EXPECT_OK(store.ReadLedger([&](v1::LedgerRelease r) {
      ids.push_back(r.release_id());
      return absl::OkStatus();
    }));
    return ids;
  }

  static bool Exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }

  testing::TempDir dir_;
  SystemClock clock_;
  absl::Status last_open_;
};

TEST_F(StoreBackupTest, CopyOpensWithTheSameKeyOnlyAndHoldsTheLedger) {
  auto store = Open(dir_.File("store.db"));
  ASSERT_NE(store, nullptr) << last_open_;
  ASSERT_OK(store->AppendLedger(Entry("release-marker-5f3a9c1e")));
  StoreSnapshot seen;
  ASSERT_OK(store->Backup(dir_.File("copy.db"), [&](const StoreSnapshot& s) {
    seen = s;
    return absl::OkStatus();
  }));
  EXPECT_EQ(seen.ledger_entries, 1);
  EXPECT_EQ(seen.page_size, 65536);
  EXPECT_EQ(seen.key_fingerprint.size(), 16u);
  const std::string bytes = testing::ReadTestFile(dir_.File("copy.db"));
  EXPECT_EQ(bytes.find("SQLite format 3"), std::string::npos);
  EXPECT_EQ(bytes.find("release-marker-5f3a9c1e"), std::string::npos);
  EXPECT_EQ(Open(dir_.File("copy.db"), 'x'), nullptr);
  EXPECT_THAT(last_open_, StatusIs(absl::StatusCode::kFailedPrecondition));
  auto copy = Open(dir_.File("copy.db"));
  ASSERT_NE(copy, nullptr) << last_open_;
  EXPECT_THAT(LedgerIds(*copy), ::testing::ElementsAre("release-marker-5f3a9c1e"));
}

TEST_F(StoreBackupTest, WriteAfterTheSnapshotGoesOnAndStaysOutOfTheCopy) {
  auto store = Open(dir_.File("store.db"));
  ASSERT_NE(store, nullptr) << last_open_;
  ASSERT_OK(store->AppendLedger(Entry("before")));
  ASSERT_OK(store->Backup(dir_.File("copy.db"), [&](const StoreSnapshot&) {
    // The main connection writes while the snapshot is held.
    return store->AppendLedger(Entry("after"));
  }));
  EXPECT_THAT(LedgerIds(*store), ::testing::ElementsAre("before", "after"));
  auto copy = Open(dir_.File("copy.db"));
  ASSERT_NE(copy, nullptr) << last_open_;
  EXPECT_THAT(LedgerIds(*copy), ::testing::ElementsAre("before"));
}

TEST_F(StoreBackupTest, FailedSnapshotCallbackLeavesNoFileAndTheNextBackupWorks) {
  auto store = Open(dir_.File("store.db"));
  ASSERT_NE(store, nullptr) << last_open_;
  EXPECT_THAT(store->Backup(dir_.File("copy.db"),
                            [](const StoreSnapshot&) { return absl::UnavailableError("no log"); }),
              StatusIs(absl::StatusCode::kUnavailable, "no log"));
  EXPECT_FALSE(Exists(dir_.File("copy.db")));
  ASSERT_OK(store->Backup(dir_.File("copy.db"), [](const StoreSnapshot&) {
    return absl::OkStatus();
  }));
  EXPECT_THAT(store->Backup(dir_.File("copy.db"),
                            [](const StoreSnapshot&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(StoreBackupTest, BackupAfterRekeyIsUnderTheNewKey) {
  auto store = Open(dir_.File("store.db"));
  ASSERT_NE(store, nullptr) << last_open_;
  ASSERT_OK(store->AppendLedger(Entry("r1")));
  auto new_key = SecretKey::FromBytes(std::string(32, 'n'));
  ASSERT_TRUE(new_key.ok());
  ASSERT_OK(store->Rekey(*new_key));
  ASSERT_OK(store->Backup(dir_.File("copy.db"), [](const StoreSnapshot&) {
    return absl::OkStatus();
  }));
  EXPECT_EQ(Open(dir_.File("copy.db"), 'k'), nullptr);
  auto copy = Open(dir_.File("copy.db"), 'n');
  ASSERT_NE(copy, nullptr) << last_open_;
  EXPECT_THAT(LedgerIds(*copy), ::testing::ElementsAre("r1"));
}

}  // namespace
}  // namespace cellgate::store
