// Rotating the store key, and settling a rotation a crash interrupted at
// each step of the protocol.
#include "server/store/key_rotation.h"

#include <filesystem>

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::store {
namespace {

using ::cellgate::testing::ReadTestFile;
using ::cellgate::testing::StatusIs;
using ::cellgate::testing::WriteTestFile;

constexpr char kSchema[] = R"pb(
  id: "kita"
  title: "Kinder"
  columns { name: "child_key" label: "Schlüssel" kind: UNIT_ID }
  columns {
    name: "stadtteil" label: "Stadtteil" kind: DIMENSION
    levels { name: "stadtteil" label: "Stadtteil" codes { code: "01" label: "Altstadt" } }
  }
)pb";

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.path = dir_.File("store.db");
    WriteTestFile(KeyFile(), std::string(64, '1') + "\n", 0600);
    ASSERT_OK_AND_ASSIGN(OpenedStore opened, OpenStoreWithKeyFile(options_, KeyFile(), clock_));
    v1::DatasetSchema schema;
    ASSERT_OK(ParseTextProto(kSchema, "schema", schema));
    ASSERT_OK(opened.store->CreateDataset(schema));
    ASSERT_OK_AND_ASSIGN(auto ingest, opened.store->BeginIngest("kita", "kita.csv", "steward"));
    ASSERT_OK(ingest->AddChunk("child_key,stadtteil\nc1,01\nc2,01\n"));
    ASSERT_OK(ingest->Commit().status());
  }

  std::string KeyFile() const { return dir_.File("store.key"); }
  std::string NextFile() const { return KeyFile() + ".next"; }

  // The store opens with `key_file` alone and still holds its data.
  void ExpectOpensWith(const std::string& key_file) {
    ASSERT_OK_AND_ASSIGN(auto store, Store::Open(options_, FileKeySource(key_file), clock_));
    ASSERT_OK_AND_ASSIGN(auto versions, store->ListVersions("kita"));
    EXPECT_EQ(versions.size(), 1u);
  }

  testing::TempDir dir_;
  SystemClock clock_;
  StoreOptions options_;
};

TEST_F(KeyRotationTest, RotationReEncryptsAndTheOldKeyNoLongerOpens) {
  WriteTestFile(dir_.File("old.key"), ReadTestFile(KeyFile()), 0600);
  {
    ASSERT_OK_AND_ASSIGN(OpenedStore opened, OpenStoreWithKeyFile(options_, KeyFile(), clock_));
    ASSERT_OK_AND_ASSIGN(std::string fingerprint, RotateStoreKey(*opened.store, KeyFile()));
    EXPECT_EQ(fingerprint.size(), 16u);
  }
  EXPECT_FALSE(std::filesystem::exists(NextFile()));
  EXPECT_NE(ReadTestFile(KeyFile()), ReadTestFile(dir_.File("old.key")));
  ExpectOpensWith(KeyFile());
  EXPECT_THAT(Store::Open(options_, FileKeySource(dir_.File("old.key")), clock_),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("wrong key")));
}

TEST_F(KeyRotationTest, CrashAfterRekeyBeforeRenameIsCompletedOnOpen) {
  WriteTestFile(dir_.File("old.key"), ReadTestFile(KeyFile()), 0600);
  {
    ASSERT_OK_AND_ASSIGN(OpenedStore opened, OpenStoreWithKeyFile(options_, KeyFile(), clock_));
    ASSERT_OK(RotateStoreKey(*opened.store, KeyFile()).status());
  }
  // Put the files back as they were between step 2 and step 3.
  std::filesystem::rename(KeyFile(), NextFile());
  WriteTestFile(KeyFile(), ReadTestFile(dir_.File("old.key")), 0600);
  const std::string new_key = ReadTestFile(NextFile());
  {
    ASSERT_OK_AND_ASSIGN(OpenedStore opened, OpenStoreWithKeyFile(options_, KeyFile(), clock_));
    EXPECT_EQ(opened.pending, PendingRotation::kCompleted);
  }
  EXPECT_EQ(ReadTestFile(KeyFile()), new_key);
  EXPECT_FALSE(std::filesystem::exists(NextFile()));
  ExpectOpensWith(KeyFile());
}

TEST_F(KeyRotationTest, CrashBeforeRekeyIsAbandonedOnOpen) {
  // Step 1 happened, step 2 did not (or rolled back).
  WriteTestFile(NextFile(), std::string(64, '2') + "\n", 0600);
  {
    ASSERT_OK_AND_ASSIGN(OpenedStore opened, OpenStoreWithKeyFile(options_, KeyFile(), clock_));
    EXPECT_EQ(opened.pending, PendingRotation::kAbandoned);
  }
  EXPECT_FALSE(std::filesystem::exists(NextFile()));
  ExpectOpensWith(KeyFile());
}

}  // namespace
}  // namespace cellgate::store
