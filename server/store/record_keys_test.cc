// Record keys: made at ingest from the dataset's secret, deterministic per
// unit across versions (a corrected re-ingest keeps every unit's key),
// stored encrypted beside the version's columns.
#include "server/store/record_keys.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/crypto/hmac.h"
#include "common/textproto.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::store {
namespace {

constexpr char kSchema[] = R"pb(
  id: "kita"
  title: "Kinder in Kitas"
  columns { name: "child_key" label: "Schlüssel" kind: UNIT_ID }
  columns {
    name: "stadtteil" label: "Stadtteil" kind: DIMENSION
    levels { name: "stadtteil" label: "Stadtteil"
             codes { code: "01" label: "Altstadt" } codes { code: "02" label: "Hafen" } }
  }
  columns { name: "stunden" label: "Wochenstunden" kind: MEASURE decimals: 1 }
)pb";

// The same dataset without a unit id column.
v1::DatasetSchema Schema(bool with_unit_id, const std::string& id = "kita") {
  v1::DatasetSchema schema;
  EXPECT_OK(ParseTextProto(kSchema, "schema", schema));
  schema.set_id(id);
  if (!with_unit_id) schema.mutable_columns()->erase(schema.mutable_columns()->begin());
  return schema;
}

// Secrets from a counter: dataset n gets 32 bytes of value n.
class CountingRandom {
 public:
  absl::StatusOr<std::string> operator()(size_t n) { return std::string(n, static_cast<char>(++calls_)); }

 private:
  int calls_ = 0;
};

std::vector<uint32_t> Keys(const v1::VersionData& data) {
  std::vector<uint32_t> keys(data.record_keys().size() / 4);
  std::memcpy(keys.data(), data.record_keys().data(), keys.size() * 4);
  return keys;
}

class RecordKeysTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    ASSERT_OK_AND_ASSIGN(SecretKey key, SecretKey::FromBytes(std::string(32, 'k')));
    keys_ = std::make_unique<InMemoryKeySource>(std::move(key));
    StoreOptions options;
    options.path = dir_.File("store.db");
    options.random_bytes = [this](size_t n) { return random_(n); };
    ASSERT_OK_AND_ASSIGN(store_, Store::Open(options, *keys_, clock_));
  }

  // Ingests `csv` into `dataset` and returns the loaded version.
  v1::VersionData Ingest(const std::string& dataset, const std::string& csv) {
    auto session = store_->BeginIngest(dataset, "kita.csv", "steward");
    EXPECT_OK(session.status());
    EXPECT_OK((*session)->AddChunk(csv));
    absl::StatusOr<v1::DatasetVersionInfo> info = (*session)->Commit();
    EXPECT_OK(info.status());
    absl::StatusOr<v1::VersionData> data = store_->LoadVersion(dataset, info->version());
    EXPECT_OK(data.status());
    return *data;
  }

  testing::TempDir dir_;
  SystemClock clock_;
  CountingRandom random_;
  std::unique_ptr<InMemoryKeySource> keys_;
  std::unique_ptr<Store> store_;
};

TEST_F(RecordKeysTest, KeyIsTheHmacOfTheUnitIdUnderTheDatasetSecret) {
  ASSERT_OK(store_->CreateDataset(Schema(true)));
  const v1::VersionData v1 = Ingest("kita", "child_key,stadtteil,stunden\nc1,01,35.0\nc22,02,20\n");
  ASSERT_EQ(v1.record_keys().size(), 8u);
  // docs/store-format.md: the first four bytes (little-endian) of
  // HMAC-SHA-256(secret, "cellgate-record-key-v1/unit" 0x00 len64le(id) id).
  ASSERT_OK_AND_ASSIGN(crypto::HmacSha256 mac, crypto::HmacSha256::Create(std::string(32, '\x01')));
  const std::vector<uint32_t> keys = Keys(v1);
  for (const auto& [row, id] : std::vector<std::pair<int, std::string>>{{0, "c1"}, {1, "c22"}}) {
    std::string message("cellgate-record-key-v1/unit");
    message.push_back('\0');
    for (int b = 0; b < 8; ++b) message.push_back(static_cast<char>((id.size() >> (8 * b)) & 0xff));
    message += id;
    const crypto::Digest tag = mac.Mac(message);
    const uint32_t expected = tag[0] | tag[1] << 8 | tag[2] << 16 | static_cast<uint32_t>(tag[3]) << 24;
    EXPECT_EQ(keys[row], expected) << id;
  }
}

TEST_F(RecordKeysTest, CorrectedReingestKeepsEveryUnitsKey) {
  ASSERT_OK(store_->CreateDataset(Schema(true)));
  const v1::VersionData first = Ingest(
      "kita", "child_key,stadtteil,stunden\nc1,01,35.0\nc2,01,45.5\nc3,02,25.0\nc4,02,35.0\n");
  // Version 2: c3 corrected (moved to Altstadt), columns in another order,
  // rows in another order, one child added.
  const v1::VersionData second = Ingest(
      "kita", "stunden,child_key,stadtteil\n35.0,c4,02\n45.5,c2,01\n25.0,c3,01\n35.0,c1,01\n"
              "30.0,c5,02\n");
  const std::vector<uint32_t> a = Keys(first), b = Keys(second);
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 5u);
  const std::map<std::string, uint32_t> before = {{"c1", a[0]}, {"c2", a[1]}, {"c3", a[2]}, {"c4", a[3]}};
  const std::map<std::string, uint32_t> after = {{"c4", b[0]}, {"c2", b[1]}, {"c3", b[2]}, {"c1", b[3]}};
  for (const auto& [unit, key] : before) EXPECT_EQ(after.at(unit), key) << unit;
  // Fresh keys differ from unit to unit.
  EXPECT_NE(a[0], a[1]);
  EXPECT_NE(b[4], a[0]);
}

TEST_F(RecordKeysTest, WithoutUnitIdOnlyTheCorrectedRecordGetsANewKey) {
  ASSERT_OK(store_->CreateDataset(Schema(false)));
  const v1::VersionData first = Ingest("kita", "stadtteil,stunden\n01,35.0\n01,45.5\n02,25.0\n");
  const v1::VersionData second = Ingest("kita", "stunden,stadtteil\n35.0,01\n45.5,01\n25.0,01\n");
  const std::vector<uint32_t> a = Keys(first), b = Keys(second);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(a[0], b[0]);
  EXPECT_EQ(a[1], b[1]);
  EXPECT_NE(a[2], b[2]);
}

TEST_F(RecordKeysTest, EachDatasetHasItsOwnSecret) {
  ASSERT_OK(store_->CreateDataset(Schema(true, "kita")));
  ASSERT_OK(store_->CreateDataset(Schema(true, "hort")));
  const std::string csv = "child_key,stadtteil,stunden\nc1,01,35.0\nc2,02,20\n";
  const std::vector<uint32_t> kita = Keys(Ingest("kita", csv));
  const std::vector<uint32_t> hort = Keys(Ingest("hort", csv));
  EXPECT_NE(kita[0], hort[0]);
  EXPECT_NE(kita[1], hort[1]);
}

TEST_F(RecordKeysTest, KeysSurviveAReopenOfTheStore) {
  ASSERT_OK(store_->CreateDataset(Schema(true)));
  const v1::VersionData first = Ingest("kita", "child_key,stadtteil,stunden\nc1,01,35.0\nc2,02,20\n");
  Open();
  ASSERT_OK_AND_ASSIGN(const v1::VersionData again, store_->LoadVersion("kita", 1));
  EXPECT_EQ(again.record_keys(), first.record_keys());
  // And an ingest after the reopen uses the same secret.
  const v1::VersionData second = Ingest("kita", "child_key,stadtteil,stunden\nc2,02,20\n");
  EXPECT_EQ(Keys(second)[0], Keys(first)[1]);
}

TEST(RecordKeyerTest, RejectsASecretOfTheWrongSizeWithoutEchoingIt) {
  const absl::StatusOr<RecordKeyer> keyer = RecordKeyer::Create("tiny-secret");
  EXPECT_EQ(keyer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(keyer.status().message()).find("tiny"), std::string::npos);
}

}  // namespace
}  // namespace cellgate::store
