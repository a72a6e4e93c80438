// Contributor columns in the store: the schema rules for naming a measure's
// contributor, the dense index a CONTRIBUTOR column is stored as, its
// errors on ingest, and record keys that do not depend on row order.
#include <cstring>

#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/column_builder.h"
#include "server/store/schema_validator.h"
#include "server/store/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::store {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

// VHS course hours: each record a course, its Kursleiter the contributor.
constexpr char kSchema[] = R"pb(
  id: "vhs"
  title: "Kurse"
  columns {
    name: "bereich" label: "Programmbereich" kind: DIMENSION
    levels { name: "bereich" label: "Programmbereich"
      codes { code: "spr" label: "Sprachen" } codes { code: "ges" label: "Gesundheit" } }
  }
  columns { name: "kursleiter" label: "Kursleitung" kind: CONTRIBUTOR }
  columns { name: "ustd" label: "Unterrichtsstunden" kind: MEASURE decimals: 1
            contributor: "kursleiter" }
)pb";

v1::DatasetSchema Schema() {
  v1::DatasetSchema s;
  EXPECT_OK(ParseTextProto(kSchema, "schema", s));
  return s;
}

TEST(ContributorSchemaTest, AcceptsAContributorColumnOrADimension) {
  EXPECT_OK(ValidateSchema(Schema()));
  v1::DatasetSchema by_dimension = Schema();
  by_dimension.mutable_columns(2)->set_contributor("bereich");
  by_dimension.mutable_columns()->DeleteSubrange(1, 1);
  EXPECT_OK(ValidateSchema(by_dimension));
}

TEST(ContributorSchemaTest, NamesTheMeasureAndItsBadContributor) {
  v1::DatasetSchema unknown = Schema();
  unknown.mutable_columns(2)->set_contributor("kurs");
  EXPECT_THAT(ValidateSchema(unknown),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column \"ustd\": contributor \"kurs\" is not a column of the dataset"));
  v1::DatasetSchema itself = Schema();
  itself.mutable_columns(2)->set_contributor("ustd");
  EXPECT_THAT(ValidateSchema(itself),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column \"ustd\": contributor \"ustd\" must be a CONTRIBUTOR or "
                       "DIMENSION column"));
}

TEST(ContributorSchemaTest, RefusesAContributorColumnNoMeasureNames) {
  v1::DatasetSchema unused = Schema();
  unused.mutable_columns(2)->clear_contributor();
  EXPECT_THAT(ValidateSchema(unused),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column \"kursleiter\": no measure names this contributor column"));
}

TEST(ContributorSchemaTest, OnlyAMeasureNamesAContributor) {
  v1::DatasetSchema on_dimension = Schema();
  on_dimension.mutable_columns(0)->set_contributor("kursleiter");
  EXPECT_THAT(ValidateSchema(on_dimension),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column \"bereich\": only a measure names a contributor"));
  v1::DatasetSchema with_levels = Schema();
  *with_levels.mutable_columns(1)->add_levels() = with_levels.columns(0).levels(0);
  EXPECT_THAT(ValidateSchema(with_levels),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column \"kursleiter\": a contributor id has no levels"));
}

uint32_t IndexAt(const v1::ColumnData& c, int row) {
  uint32_t v = 0;
  std::memcpy(&v, c.data().data() + row * 4, 4);
  return v;
}

class ContributorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(SecretKey key, SecretKey::FromBytes(std::string(32, 'k')));
    keys_ = std::make_unique<InMemoryKeySource>(std::move(key));
    StoreOptions options;
    options.path = dir_.File("store.db");
    ASSERT_OK_AND_ASSIGN(store_, Store::Open(options, *keys_, clock_));
    ASSERT_OK(store_->CreateDataset(Schema()));
  }

  absl::StatusOr<v1::DatasetVersionInfo> Ingest(const std::string& csv) {
    ASSIGN_OR_RETURN(auto session, store_->BeginIngest("vhs", "kurse.csv", "steward"));
    RETURN_IF_ERROR(session->AddChunk(csv));
    return session->Commit();
  }

  testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<KeySource> keys_;
  std::unique_ptr<Store> store_;
};

TEST_F(ContributorStoreTest, StoresDenseIndicesInOrderOfFirstAppearance) {
  ASSERT_OK(Ingest("bereich,kursleiter,ustd\nspr,KL-9,20\nges,KL-2,10.5\nspr,KL-9,30\n"
                   "ges,KL-7,4\n")
                .status());
  ASSERT_OK_AND_ASSIGN(const v1::VersionData data, store_->LoadVersion("vhs", 1));
  ASSERT_EQ(data.columns_size(), 3);
  const v1::ColumnData& ids = data.columns(1);
  EXPECT_EQ(ids.name(), "kursleiter");
  EXPECT_EQ(ids.width(), kContributorWidth);
  ASSERT_EQ(ids.data().size(), 16u);
  EXPECT_EQ(IndexAt(ids, 0), 0u);
  EXPECT_EQ(IndexAt(ids, 1), 1u);
  EXPECT_EQ(IndexAt(ids, 2), 0u);
  EXPECT_EQ(IndexAt(ids, 3), 2u);
  // The ids themselves are not stored.
  EXPECT_THAT(data.DebugString(), ::testing::Not(HasSubstr("KL-")));
}

TEST_F(ContributorStoreTest, EmptyContributorIdRejectsTheFileWithItsPosition) {
  EXPECT_THAT(Ingest("bereich,kursleiter,ustd\nspr,KL-9,20\nges,,10\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "kurse.csv:3:2: column \"kursleiter\": contributor id must have 1 to 128 "
                       "bytes"));
  EXPECT_THAT(store_->LoadVersion("vhs", 1), StatusIs(absl::StatusCode::kNotFound));
}

TEST(ContributorRecordKeyTest, KeyOfARecordDoesNotDependOnTheRowsBeforeIt) {
  // Without a unit id the key comes from the record's content; a
  // contributor enters it by its id, not by its order-dependent index.
  const v1::DatasetSchema schema = Schema();
  auto keys_of = [&](const std::vector<std::vector<std::string>>& rows) {
    absl::StatusOr<RecordKeyer> keyer = RecordKeyer::Create(std::string(32, 's'));
    EXPECT_OK(keyer.status());
    ColumnBuilder builder(schema, &*keyer);
    size_t bad = 0;
    EXPECT_OK(builder.SetHeader({"bereich", "kursleiter", "ustd"}, &bad));
    for (const auto& row : rows) {
      EXPECT_OK(builder.AddRow(std::vector<absl::string_view>(row.begin(), row.end()), &bad));
    }
    std::string keys = builder.TakeRecordKeys();
    std::vector<uint32_t> out(rows.size());
    std::memcpy(out.data(), keys.data(), keys.size());
    return out;
  };
  const std::vector<uint32_t> forward = keys_of({{"spr", "KL-1", "20"}, {"spr", "KL-2", "20"}});
  const std::vector<uint32_t> backward = keys_of({{"spr", "KL-2", "20"}, {"spr", "KL-1", "20"}});
  EXPECT_EQ(forward[0], backward[1]);
  EXPECT_EQ(forward[1], backward[0]);
  EXPECT_NE(forward[0], forward[1]);
}

}  // namespace
}  // namespace cellgate::store
