// Checks the shipped manifest client/manifests/bildungsbericht.textproto
// against what the Musterstadt demo server accepts: its dataset schemas
// (deploy/demo/schemas.cc) and its access policy
// (deploy/demo/access-policy.textproto).
#include <set>
#include <string>
#include <vector>

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

TEST(ManifestDemoTest, EveryTableMatchesItsDemoSchema) {
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  int checked = 0;
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    absl::StatusOr<v1::DatasetSchema> schema = demo::MusterstadtSchema(table.dataset());
    ASSERT_THAT(schema, IsOk()) << table.id();
    EXPECT_THAT(CheckTableAgainstSchema(table, *schema, kManifest), IsOk());
    ++checked;
  }
  EXPECT_EQ(checked, 15);
}

// The code list of `dimension` from `level` up (the levels a grouping at
// `level` uses): code and parent per code.
std::vector<std::string> CodesFrom(const v1::DatasetSchema& schema, const std::string& dimension,
                                   const std::string& level) {
  std::vector<std::string> codes;
  for (const v1::ColumnSchema& c : schema.columns()) {
    if (c.name() != dimension) continue;
    bool from = level.empty();
    for (const v1::Level& l : c.levels()) {
      from = from || l.name() == level;
      if (!from) continue;
      for (const v1::Code& code : l.codes()) codes.push_back(code.code() + "<" + code.parent());
    }
  }
  return codes;
}

// A share over another dataset needs the years and every grouping in both
// datasets with the same codes from the grouped level up (the server
// refuses it otherwise), and its denominator filters in the other one.
TEST(ManifestDemoTest, SharesOverAnotherDatasetFitBothDemoSchemas) {
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  int checked = 0;
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    for (const v1::ShareMeasure& share : table.shares()) {
      if (share.denominator_dataset().empty()) continue;
      absl::StatusOr<v1::DatasetSchema> own = demo::MusterstadtSchema(table.dataset());
      absl::StatusOr<v1::DatasetSchema> other =
          demo::MusterstadtSchema(share.denominator_dataset());
      ASSERT_THAT(own, IsOk());
      ASSERT_THAT(other, IsOk()) << table.id();
      EXPECT_THAT(CheckDenominatorAgainstSchema(table, *other, kManifest), IsOk());
      std::vector<v1::Grouping> groupings(table.group_by().begin(), table.group_by().end());
      groupings.emplace_back().set_dimension(table.years().dimension());
      for (const v1::Grouping& g : groupings) {
        const std::vector<std::string> codes = CodesFrom(*own, g.dimension(), g.level());
        EXPECT_FALSE(codes.empty()) << table.id() << " " << g.dimension();
        EXPECT_EQ(codes, CodesFrom(*other, g.dimension(), g.level()))
            << table.id() << " " << g.dimension();
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);  // the SGB-II-Quote and the Betreuungsquote
}

// The tables whose "# share:" comment asks for a share.
const std::set<std::string> kTablesWithShares = {
    "sgb2_u15_stt",     "kita_quote_stt", "kita_sprache_ganztag", "seu_sprache",
    "seu_bmi_sr",       "schueler_nat_stt", "uebergang_stt",      "uebergang_mh_sex",
    "wiederholer",      "abschluesse"};

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
      if (!share.denominator_dataset().empty()) {
        EXPECT_TRUE(IsDemoDataset(share.denominator_dataset())) << table.id();
        continue;  // SharesOverAnotherDatasetFitBothDemoSchemas
      }
      if (share.has_share_of()) {
        EXPECT_EQ(grouped.count(share.share_of().dimension()), 0u) << table.id();
      } else {
        EXPECT_EQ(grouped.count(share.of_dimension()), 1u) << table.id();
        EXPECT_FALSE(table.no_totals()) << table.id();
      }
      ASSERT_THAT(schema, IsOk()) << table.id();
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

// Every dataset of the report is in the demo: no table is pending.
TEST(ManifestDemoTest, NoTableIsPending) {
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    EXPECT_TRUE(table.pending_reason().empty()) << table.id();
    EXPECT_TRUE(IsDemoDataset(table.dataset())) << table.id();
  }
}

// The demo's Bildungsbüro analyst pulls the whole report in one pull: its
// department holds every table's datasets (a share's other dataset too),
// purpose, legal basis and channel.
TEST(ManifestDemoTest, TheBildungsbueroIsGrantedEveryTable) {
  v1::AccessPolicy policy;
  ASSERT_THAT(
      ParseTextProtoFile(kRepo + "/deploy/demo/access-policy.textproto", policy), IsOk());
  const v1::Department* buero = nullptr;
  for (const v1::Department& d : policy.departments()) {
    if (d.id() == "bildungsbuero") buero = &d;
  }
  ASSERT_NE(buero, nullptr);
  bool analyst = false;
  for (const v1::Principal& p : policy.principals()) {
    analyst = analyst || (p.id() == "bildungsbuero-analyst" && p.department() == "bildungsbuero" &&
                          p.roles_size() == 1 && p.roles(0) == v1::ANALYST);
  }
  EXPECT_TRUE(analyst);
  const std::set<std::string> datasets(buero->datasets().begin(), buero->datasets().end());
  const std::set<std::string> purposes(buero->purposes().begin(), buero->purposes().end());
  const std::set<std::string> bases(buero->legal_bases().begin(), buero->legal_bases().end());
  const std::set<int> channels(buero->channels().begin(), buero->channels().end());
  absl::StatusOr<LoadedManifest> m = LoadManifest(kManifest);
  ASSERT_THAT(m, IsOk());
  for (const v1::ManifestTable& table : m->manifest.tables()) {
    EXPECT_EQ(datasets.count(table.dataset()), 1u) << table.id();
    for (const v1::ShareMeasure& share : table.shares()) {
      if (share.denominator_dataset().empty()) continue;
      EXPECT_EQ(datasets.count(share.denominator_dataset()), 1u) << table.id();
    }
    EXPECT_EQ(purposes.count(table.purpose()), 1u) << table.id();
    EXPECT_EQ(bases.count(table.legal_basis()), 1u) << table.id();
    EXPECT_EQ(table.channel(), v1::PUBLIC) << table.id();
    EXPECT_EQ(channels.count(table.channel()), 1u) << table.id();
  }
}

}  // namespace
}  // namespace cellgate::client
