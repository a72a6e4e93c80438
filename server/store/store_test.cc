#include "server/store/store.h"

#include <cstring>

#include "common/crypto/sha256.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/schema_validator.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::store {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kSchema[] = R"pb(
  id: "seu"
  title: "Schuleingangsuntersuchung"
  csv { delimiter: ";" decimal_separator: "," }
  columns { name: "child_key" label: "Schlüssel" kind: UNIT_ID }
  columns {
    name: "bezirk" label: "Bezirk" kind: DIMENSION
    levels {
      name: "bezirk" label: "Bezirk"
      codes { code: "101" label: "Altstadt-Nord" parent: "1" }
      codes { code: "201" label: "Hafen" parent: "2" }
      codes { code: "98" label: "außerhalb" }
    }
    levels {
      name: "stadtteil" label: "Stadtteil"
      codes { code: "1" label: "Altstadt" }
      codes { code: "2" label: "Hafen" }
    }
  }
  columns { name: "gewicht" label: "Gewicht" kind: MEASURE decimals: 1 unit: "kg" }
)pb";

constexpr char kCsv[] = "bezirk;child_key;gewicht\n101;c1;20,5\n201;c2;19\n98;\"c;3\";-0,5\n101;c4;21,2\n";

v1::DatasetSchema Schema() {
  v1::DatasetSchema s;
  EXPECT_OK(ParseTextProto(kSchema, "schema", s));
  return s;
}

class StoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> OpenStore(char key_byte = 'k', int page_size = 65536) {
    auto key = SecretKey::FromBytes(std::string(32, key_byte));
    EXPECT_TRUE(key.ok());
    InMemoryKeySource keys(std::move(*key));
    StoreOptions options;
    options.path = dir_.File("store.db");
    options.page_size = page_size;
    auto store = Store::Open(options, keys, clock_);
    last_open_ = store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  absl::StatusOr<v1::DatasetVersionInfo> Ingest(Store& store, const std::string& csv,
                                                size_t chunk = 5) {
    auto session = store.BeginIngest("seu", "seu.csv", "steward");
    if (!session.ok()) return session.status();
    for (size_t off = 0; off < csv.size(); off += chunk) {
      if (absl::Status s = (*session)->AddChunk(csv.substr(off, chunk)); !s.ok()) return s;
    }
    return (*session)->Commit();
  }

  std::string FileDigest() {
    return crypto::HexEncode(crypto::Sha256(testing::ReadTestFile(dir_.File("store.db"))));
  }

  testing::TempDir dir_;
  SystemClock clock_;
  absl::Status last_open_;
};

uint16_t CodeAt(const v1::ColumnData& c, int row) {
  uint16_t v = 0;
  std::memcpy(&v, c.data().data() + row * c.width(), c.width());
  return v;
}

int64_t ValueAt(const v1::ColumnData& c, int row) {
  int64_t v = 0;
  std::memcpy(&v, c.data().data() + row * 8, 8);
  return v;
}

TEST_F(StoreTest, IngestsInChunksAndLoadsTheSameColumns) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr) << last_open_;
  EXPECT_FALSE(store->cipher_version().empty());
  ASSERT_OK(store->CreateDataset(Schema()));
  ASSERT_OK_AND_ASSIGN(v1::DatasetVersionInfo info, Ingest(*store, kCsv, 3));
  EXPECT_EQ(info.version(), 1);
  EXPECT_EQ(info.row_count(), 4);
  EXPECT_EQ(info.source_sha256(), crypto::HexEncode(crypto::Sha256(kCsv)));
  ASSERT_OK_AND_ASSIGN(v1::VersionData data, store->LoadVersion("seu", 1));
  ASSERT_EQ(data.columns_size(), 2);  // the unit id is not stored
  EXPECT_EQ(data.columns(0).name(), "bezirk");
  EXPECT_EQ(data.columns(0).width(), 1u);
  EXPECT_EQ(CodeAt(data.columns(0), 0), 0);
  EXPECT_EQ(CodeAt(data.columns(0), 2), 2);
  EXPECT_EQ(ValueAt(data.columns(1), 0), 205);
  EXPECT_EQ(ValueAt(data.columns(1), 1), 190);
  EXPECT_EQ(ValueAt(data.columns(1), 2), -5);
  EXPECT_EQ(data.info().version_hash(), info.version_hash());
}

TEST_F(StoreTest, NumbersVersionsAndSurvivesReopen) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr) << last_open_;
    ASSERT_OK(store->CreateDataset(Schema()));
    ASSERT_OK(Ingest(*store, kCsv).status());
    ASSERT_OK(Ingest(*store, kCsv).status());
    EXPECT_THAT(store->CreateDataset(Schema()), StatusIs(absl::StatusCode::kAlreadyExists));
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr) << last_open_;
  ASSERT_OK_AND_ASSIGN(auto versions, store->ListVersions("seu"));
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1].version(), 2);
  EXPECT_EQ(versions[0].version_hash(), versions[1].version_hash());
}

TEST_F(StoreTest, LedgerKeepsReleasesInOrderAcrossReopenAndRejectsARepeatedId) {
  v1::LedgerRelease first;
  first.set_release_id("r1");
  first.set_dataset("seu");
  first.set_dataset_version(1);
  first.add_counts(7);
  first.add_suppressed(false);
  v1::LedgerRelease second = first;
  second.set_release_id("r2");
  second.set_counts(0, 2);
  second.set_suppressed(0, true);
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr) << last_open_;
    ASSERT_OK(store->AppendLedger(first));
    ASSERT_OK(store->AppendLedger(second));
    EXPECT_THAT(store->AppendLedger(first), StatusIs(absl::StatusCode::kAlreadyExists));
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr) << last_open_;
  std::vector<std::string> ids;
  ASSERT_OK(store->ReadLedger([&](v1::LedgerRelease release) {
    ids.push_back(release.release_id());
    if (release.release_id() == "r2") {
      EXPECT_TRUE(release.suppressed(0));
    }
    return absl::OkStatus();
  }));
  EXPECT_THAT(ids, ::testing::ElementsAre("r1", "r2"));
  EXPECT_THAT(store->ReadLedger([](v1::LedgerRelease) { return absl::CancelledError("stop"); }),
              StatusIs(absl::StatusCode::kCancelled));
}

TEST_F(StoreTest, KeepsPolicyVersionsByHashAcrossReopen) {
  v1::DisclosurePolicy policy;
  policy.set_id("schueler-standard");
  policy.set_version(2);
  policy.mutable_threshold()->set_k(5);
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr) << last_open_;
    ASSERT_OK(store->KeepPolicy("h2", policy));
    ASSERT_OK(store->KeepPolicy("h2", policy));  // again: no error, no change
    EXPECT_THAT(store->KeptPolicy("h3").status(),
                StatusIs(absl::StatusCode::kNotFound, HasSubstr("h3")));
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr) << last_open_;
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy kept, store->KeptPolicy("h2"));
  EXPECT_EQ(kept.SerializeAsString(), policy.SerializeAsString());
}

TEST_F(StoreTest, WrongKeyIsAClearErrorAndChangesNothing) {
  {
    auto store = OpenStore('k');
    ASSERT_NE(store, nullptr) << last_open_;
    ASSERT_OK(store->CreateDataset(Schema()));
  }
  const std::string before = FileDigest();
  EXPECT_EQ(OpenStore('x'), nullptr);
  EXPECT_THAT(last_open_, StatusIs(absl::StatusCode::kFailedPrecondition,
                                   "cannot open store: wrong key or not a cellgate store"));
  EXPECT_EQ(FileDigest(), before);
}

TEST_F(StoreTest, WrongPageSizeReadsLikeAWrongKey) {
  { ASSERT_NE(OpenStore('k', 65536), nullptr) << last_open_; }
  EXPECT_EQ(OpenStore('k', 4096), nullptr);
  EXPECT_THAT(last_open_, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("wrong key")));
}

TEST_F(StoreTest, FileOnDiskIsEncrypted) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr) << last_open_;
    ASSERT_OK(store->CreateDataset(Schema()));
    ASSERT_OK(Ingest(*store, kCsv).status());
  }
  const std::string bytes = testing::ReadTestFile(dir_.File("store.db"));
  EXPECT_EQ(bytes.find("Altstadt-Nord"), std::string::npos);
  EXPECT_EQ(bytes.find("SQLite format 3"), std::string::npos);
}

TEST_F(StoreTest, BadIngestNamesFileLineColumnAndStoresNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr) << last_open_;
  ASSERT_OK(store->CreateDataset(Schema()));
  const struct {
    std::string csv;
    std::string error;
  } cases[] = {
      {"bezirk;child_key;gewicht\n101;c1;1\n999;c2;1\n", "seu.csv:3:1: column \"bezirk\": unknown code \"999\""},
      {"bezirk;child_key;gewicht\n101;c1;1,25\n", "seu.csv:2:3: column \"gewicht\": \"1,25\" has more than 1 decimals"},
      {"bezirk;child_key\n101;c1\n", "seu.csv:1:1: header lacks column \"gewicht\""},
      {"bezirk;child_key;gewicht;x\n", "seu.csv:1:4: unknown column \"x\""},
      {"bezirk;child_key;gewicht\n101;;1\n", "seu.csv:2:2: column \"child_key\": unit id must have 1 to 128 bytes"},
      {"bezirk;child_key;gewicht\n101;c1\n", "seu.csv:2:3: expected 3 fields, found 2"},
      {"bezirk;child_key;gewicht\n101;c1;abc\n", "seu.csv:2:3: column \"gewicht\": \"abc\" is not a number"},
      {"bezirk;child_key;gewicht\n", "seu.csv:2:1: no data rows"},
      {"", "seu.csv:1:1: the file is empty"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(Ingest(*store, c.csv), StatusIs(absl::StatusCode::kInvalidArgument, c.error));
  }
  ASSERT_OK_AND_ASSIGN(auto versions, store->ListVersions("seu"));
  EXPECT_TRUE(versions.empty());
}

TEST_F(StoreTest, AbandonedIngestStoresNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr) << last_open_;
  ASSERT_OK(store->CreateDataset(Schema()));
  {
    ASSERT_OK_AND_ASSIGN(auto session, store->BeginIngest("seu", "seu.csv", "steward"));
    ASSERT_OK(session->AddChunk(kCsv));
  }
  ASSERT_OK_AND_ASSIGN(auto versions, store->ListVersions("seu"));
  EXPECT_TRUE(versions.empty());
  EXPECT_THAT(store->LoadVersion("seu", 1), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(StoreTest, FlippedByteIsDetectedNotServed) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr) << last_open_;
    ASSERT_OK(store->CreateDataset(Schema()));
    ASSERT_OK(Ingest(*store, kCsv).status());
  }
  std::string bytes = testing::ReadTestFile(dir_.File("store.db"));
  ASSERT_GT(bytes.size(), 70000u);
  bytes[65536 + 100] ^= 0x01;  // inside the second page
  testing::WriteTestFile(dir_.File("store.db"), bytes, 0600);
  auto store = OpenStore();
  if (store == nullptr) {
    EXPECT_FALSE(last_open_.ok());
    return;
  }
  absl::Status loaded = store->LoadVersion("seu", 1).status();
  if (loaded.ok()) loaded = store->ListDatasets().status();
  EXPECT_FALSE(loaded.ok());
}

TEST(SchemaValidatorTest, NamesTheBadCodeAndParent) {
  v1::DatasetSchema s = Schema();
  s.mutable_columns(1)->mutable_levels(0)->mutable_codes(0)->set_parent("9");
  EXPECT_THAT(ValidateSchema(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column \"bezirk\" level \"bezirk\": code \"101\" has unknown parent \"9\""));
  v1::DatasetSchema t = Schema();
  t.mutable_columns(1)->mutable_levels(0)->mutable_codes(1)->set_code("_T");
  EXPECT_THAT(ValidateSchema(t), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"_T\"")));
  v1::DatasetSchema u = Schema();
  u.mutable_csv()->set_delimiter(",");
  EXPECT_THAT(ValidateSchema(u), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("differ")));
}

}  // namespace
}  // namespace cellgate::store
