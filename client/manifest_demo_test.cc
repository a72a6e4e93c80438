// Checks the shipped manifest client/manifests/bildungsbericht.textproto
// against what the Musterstadt demo server accepts: its dataset schemas
// (deploy/demo/schemas.cc) and its access policy
// (deploy/demo/access-policy.textproto).
#include <set>
#include <string>

#include "cellgate/v1/access.pb.h"
#include "client/manifest.h"
#include "common/textproto.h"
#include "deploy/demo/schemas.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::client {
namespace {

using ::cellgate::testing::IsOk;

const std::string kRepo = CELLGATE_REPO_DIR;
const std::string kManifest = kRepo + "/client/manifests/bildungsbericht.textproto";

bool IsDemoDataset(const std::string& id) {
  for (const std::string& d : demo::MusterstadtDatasetIds()) {
    if (d == id) return true;
  }
  return false;
}

TEST(ManifestDemoTest, ShippedManifestHasTheFifteenTablesOfTheReport) {
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  ASSERT_EQ(m->manifest.tables_size(), 15);
  EXPECT_EQ(m->manifest.tables(0).id(), "bev_alter_stt");
  EXPECT_EQ(m->manifest.tables(14).id(), "vhs_programm");
}

TEST(ManifestDemoTest, EveryPullableTableMatchesItsDemoSchema) {
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  int checked = 0;
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    if (!table.pending_reason().empty()) continue;
    absl::StatusOr<v1::DatasetSchema> schema = demo::MusterstadtSchema(table.dataset());
    ASSERT_THAT(schema, IsOk()) << table.id();
    EXPECT_THAT(CheckTableAgainstSchema(table, *schema, kManifest), IsOk());
    ++checked;
  }
  EXPECT_EQ(checked, 11);
}

// The tables whose "# share:" comment asks for a share within the table;
// those over two datasets (sgb2_u15_stt, kita_quote_stt) cannot have one.
const std::set<std::string> kTablesWithShares = {
    "kita_sprache_ganztag", "seu_sprache",  "seu_bmi_sr",  "schueler_nat_stt",
    "uebergang_stt",        "uebergang_mh_sex", "wiederholer", "abschluesse"};

TEST(ManifestDemoTest, TablesThatAskForAShareHaveOne) {
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  std::set<std::string> with_shares;
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    if (!table.shares().empty()) with_shares.insert(table.id());
  }
  EXPECT_EQ(with_shares, kTablesWithShares);
}

// A share of a grouped dimension is derived on the client (of_dimension),
// anything else is the server's (share_of, on an ungrouped dimension of the
// dataset); both exist in the demo schema.
TEST(ManifestDemoTest, EveryShareFitsItsTableAndDemoSchema) {
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  int shares = 0;
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    std::set<std::string> grouped;
    for (const v1::Grouping& g : table.group_by()) grouped.insert(g.dimension());
    absl::StatusOr<v1::DatasetSchema> schema = demo::MusterstadtSchema(table.dataset());
    for (const v1::ShareMeasure& share : table.shares()) {
      ++shares;
      EXPECT_TRUE(share.denominator_dataset().empty()) << table.id();
      if (share.has_share_of()) {
        EXPECT_EQ(grouped.count(share.share_of().dimension()), 0u) << table.id();
      } else {
        EXPECT_EQ(grouped.count(share.of_dimension()), 1u) << table.id();
        EXPECT_FALSE(table.no_totals()) << table.id();
      }
      if (!schema.ok()) continue;  // pending table; its dataset is checked when it arrives
      bool in_schema = false;
      const std::string& dim =
          share.has_share_of() ? share.share_of().dimension() : share.of_dimension();
      for (const v1::ColumnSchema& c : schema->columns()) {
        in_schema = in_schema || (c.name() == dim && c.kind() == v1::DIMENSION);
      }
      EXPECT_TRUE(in_schema) << table.id() << ": " << dim;
    }
  }
  EXPECT_EQ(shares, static_cast<int>(kTablesWithShares.size()));
}

// A pending table must be enabled once its dataset arrives in the demo.
TEST(ManifestDemoTest, PendingTablesAreExactlyThoseWithoutADemoDataset) {
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    EXPECT_EQ(table.pending_reason().empty(), IsDemoDataset(table.dataset())) << table.id();
  }
}

// Some department of the demo holds the dataset, the purpose and the legal
// basis of every pullable table, all three together.
TEST(ManifestDemoTest, EveryPullableTableIsGrantedToADemoDepartment) {
  v1::AccessPolicy policy;
  ASSERT_THAT(
      ParseTextProtoFile(kRepo + "/deploy/demo/access-policy.textproto", policy), IsOk());
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    if (!table.pending_reason().empty()) continue;
    bool granted = false;
    for (const v1::Department& d : policy.departments()) {
      const std::set<std::string> datasets(d.datasets().begin(), d.datasets().end());
      const std::set<std::string> purposes(d.purposes().begin(), d.purposes().end());
      const std::set<std::string> bases(d.legal_bases().begin(), d.legal_bases().end());
      granted = granted || (datasets.count(table.dataset()) && purposes.count(table.purpose()) &&
                            bases.count(table.legal_basis()));
    }
    EXPECT_TRUE(granted) << table.id() << ": no department holds dataset \"" << table.dataset()
                         << "\", purpose \"" << table.purpose() << "\" and legal basis \""
                         << table.legal_basis() << "\"";
  }
}

}  // namespace
}  // namespace cellgate::client
