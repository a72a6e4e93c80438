#include "deploy/demo/musterstadt.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cellgate/v1/access.pb.h"
#include "cellgate/v1/dataset.pb.h"
#include "common/crypto/sha256.h"
#include "common/textproto.h"
#include "deploy/demo/random.h"
#include "deploy/demo/schemas.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::demo {
namespace {

using ::cellgate::testing::IsOk;
using ::cellgate::testing::ReadTestFile;
using ::cellgate::testing::StatusIs;
using ::cellgate::testing::TempDir;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr double kSmallScale = 0.02;

// ---------------------------------------------------------------------------
// Helpers

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int Column(absl::string_view name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
};

Csv ReadCsv(const std::string& path) {
  Csv csv;
  std::ifstream in(path);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::vector<std::string> fields = absl::StrSplit(line, ',');
    if (first) {
      csv.header = std::move(fields);
      first = false;
    } else {
      csv.rows.push_back(std::move(fields));
    }
  }
  return csv;
}

MusterstadtOptions Options(const std::string& dir, double scale, uint64_t seed = 2026,
                           std::vector<std::string> datasets = {}) {
  MusterstadtOptions options;
  options.out_dir = dir;
  options.scale = scale;
  options.seed = seed;
  options.datasets = std::move(datasets);
  return options;
}

std::map<std::string, std::string> FileDigests(const std::string& dir) {
  std::map<std::string, std::string> digests;
  for (const std::string& id : MusterstadtDatasetIds()) {
    for (const std::string& file : {absl::StrCat(id, ".csv"),
                                    absl::StrCat("schemas/", id, ".textproto")}) {
      digests[file] = crypto::HexEncode(crypto::Sha256(ReadTestFile(dir + "/" + file)));
    }
  }
  return digests;
}

// Counts rows per value of `column` (optionally only where `filter_column`
// equals `filter_value`).
std::map<std::string, int> CountBy(const Csv& csv, absl::string_view column,
                                   absl::string_view filter_column = "",
                                   absl::string_view filter_value = "") {
  const int c = csv.Column(column);
  const int f = filter_column.empty() ? -1 : csv.Column(filter_column);
  std::map<std::string, int> counts;
  for (const auto& row : csv.rows) {
    if (f >= 0 && row[f] != filter_value) continue;
    ++counts[row[c]];
  }
  return counts;
}

double Share(const std::map<std::string, int>& counts, const std::string& value) {
  int total = 0;
  for (const auto& [k, n] : counts) total += n;
  const auto it = counts.find(value);
  return total == 0 || it == counts.end() ? 0.0 : static_cast<double>(it->second) / total;
}

// The dataset and code rules of dataset.proto, as the store will check them.
bool IsName(absl::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsCode(absl::string_view s) {
  if (s.empty() || s.size() > 32 || s[0] == '_') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '+' || c == '/' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void CheckLevels(const v1::ColumnSchema& column, std::vector<std::string>& problems) {
  const std::string where = absl::StrCat("column \"", column.name(), "\"");
  if (column.levels().empty() || column.levels_size() > 4) problems.push_back(where + ": levels");
  std::set<std::string> level_names;
  for (int l = 0; l < column.levels_size(); ++l) {
    const v1::Level& level = column.levels(l);
    const bool coarsest = l + 1 == column.levels_size();
    if (!IsName(level.name()) || !level_names.insert(level.name()).second) {
      problems.push_back(absl::StrCat(where, ": level name \"", level.name(), "\""));
    }
    if (level.codes().empty() || level.codes_size() > 65535) problems.push_back(where + ": codes");
    std::set<std::string> next;
    if (!coarsest) for (const v1::Code& c : column.levels(l + 1).codes()) next.insert(c.code());
    std::set<std::string> seen;
    for (const v1::Code& code : level.codes()) {
      const std::string at = absl::StrCat(where, " level \"", level.name(), "\" code \"",
                                          code.code(), "\"");
      if (!IsCode(code.code()) || !seen.insert(code.code()).second) problems.push_back(at + ": code");
      if (code.label().empty() || code.label().size() > 200) problems.push_back(at + ": label");
      const bool pass_through = code.code() == "98" || code.code() == "99";
      if (coarsest && !code.parent().empty()) problems.push_back(at + ": parent at coarsest");
      if (!coarsest && code.parent().empty() && !pass_through) problems.push_back(at + ": no parent");
      if (!coarsest && !code.parent().empty() && next.count(code.parent()) == 0) {
        problems.push_back(at + ": unknown parent");
      }
    }
  }
}

std::vector<std::string> SchemaProblems(const v1::DatasetSchema& schema) {
  std::vector<std::string> problems;
  if (!IsName(schema.id())) problems.push_back("dataset id");
  if (schema.title().empty()) problems.push_back("title");
  if (schema.columns().empty() || schema.columns_size() > 64) problems.push_back("column count");
  if (schema.csv().delimiter() != "," || schema.csv().decimal_separator() != ".") {
    problems.push_back("csv dialect");
  }
  std::set<std::string> names;
  int dimensions = 0;
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (!IsName(column.name()) || !names.insert(column.name()).second) {
      problems.push_back(absl::StrCat("column name \"", column.name(), "\""));
    }
    if (column.label().empty()) problems.push_back(column.name() + ": label");
    if (column.kind() == v1::DIMENSION) {
      ++dimensions;
      CheckLevels(column, problems);
    } else if (column.kind() == v1::MEASURE) {
      if (column.decimals() < 0 || column.decimals() > 6 || column.unit().empty() ||
          !column.levels().empty() || column.sensitive()) {
        problems.push_back(column.name() + ": measure");
      }
    } else if ((column.kind() != v1::UNIT_ID && column.kind() != v1::CONTRIBUTOR) ||
               !column.levels().empty() || column.sensitive()) {
      problems.push_back(column.name() + ": kind");
    }
  }
  if (dimensions == 0) problems.push_back("no dimension");
  // A measure's contributor is a contributor column or a dimension, and
  // every contributor column is some measure's (as CreateDataset checks).
  std::set<std::string> named;
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.contributor().empty()) continue;
    named.insert(column.contributor());
    const auto it = std::find_if(
        schema.columns().begin(), schema.columns().end(),
        [&](const v1::ColumnSchema& c) { return c.name() == column.contributor(); });
    if (column.kind() != v1::MEASURE || it == schema.columns().end() ||
        (it->kind() != v1::CONTRIBUTOR && it->kind() != v1::DIMENSION)) {
      problems.push_back(column.name() + ": contributor");
    }
  }
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.kind() == v1::CONTRIBUTOR && named.count(column.name()) == 0) {
      problems.push_back(column.name() + ": contributor of no measure");
    }
  }
  return problems;
}

// One small generation shared by the read-only tests below.
class MusterstadtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_THAT(GenerateMusterstadt(Options(dir_->path(), kSmallScale)), IsOk());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string File(const std::string& name) { return dir_->File(name); }

  static v1::DatasetSchema LoadSchema(const std::string& id) {
    v1::DatasetSchema schema;
    EXPECT_THAT(ParseTextProtoFile(File(absl::StrCat("schemas/", id, ".textproto")), schema),
                IsOk());
    return schema;
  }

  static TempDir* dir_;
};

TempDir* MusterstadtTest::dir_ = nullptr;

// ---------------------------------------------------------------------------
// Determinism

TEST(DemoRandomTest, MatchesReferenceSplitmixAndXoshiro) {
  // splitmix64 from 0 gives e220a8397b1dcdaf, 6e789e6aa1b965f4, …; these are
  // the first xoshiro256** outputs from that state (reference algorithms).
  DemoRandom random(0);
  EXPECT_EQ(random.Next(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(random.Next(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(random.Next(), 0x1a5f849d4933e6e0ULL);
}

TEST(DemoRandomTest, SamplesStayInRangeAndFollowWeights) {
  DemoRandom random(7);
  int picked_last = 0;
  for (int i = 0; i < 10000; ++i) {
    EXPECT_LT(random.Below(3), 3u);
    const int64_t b = random.Between(-2, 2);
    EXPECT_GE(b, -2);
    EXPECT_LE(b, 2);
    const uint32_t weights[] = {1, 0, 3};
    const size_t pick = random.Pick(weights);
    EXPECT_NE(pick, 1u);
    picked_last += pick == 2 ? 1 : 0;
  }
  EXPECT_NEAR(picked_last / 10000.0, 0.75, 0.03);
  EXPECT_FALSE(random.Chance(0));
  EXPECT_TRUE(random.Chance(kMillion));
}

TEST_F(MusterstadtTest, SameSeedAndScaleGiveByteIdenticalFiles) {
  TempDir again;
  ASSERT_THAT(GenerateMusterstadt(Options(again.path(), kSmallScale)), IsOk());
  EXPECT_EQ(FileDigests(again.path()), FileDigests(dir_->path()));
}

TEST_F(MusterstadtTest, DifferentSeedGivesDifferentData) {
  TempDir other;
  ASSERT_THAT(GenerateMusterstadt(Options(other.path(), kSmallScale, 2027)), IsOk());
  const auto a = FileDigests(dir_->path());
  const auto b = FileDigests(other.path());
  for (const std::string& id : MusterstadtDatasetIds()) {
    EXPECT_NE(a.at(id + ".csv"), b.at(id + ".csv")) << id;
    EXPECT_EQ(a.at("schemas/" + id + ".textproto"), b.at("schemas/" + id + ".textproto")) << id;
  }
}

TEST_F(MusterstadtTest, DatasetDoesNotDependOnWhichOthersAreWritten) {
  TempDir only;
  ASSERT_THAT(GenerateMusterstadt(Options(only.path(), kSmallScale, 2026, {"abgang"})), IsOk());
  EXPECT_EQ(ReadTestFile(only.File("abgang.csv")), ReadTestFile(File("abgang.csv")));
  EXPECT_FALSE(std::ifstream(only.File("population.csv")).good());
}

// ---------------------------------------------------------------------------
// Schemas and CSV files

TEST_F(MusterstadtTest, SchemasParseStrictlyAndFollowTheCodeRules) {
  for (const std::string& id : MusterstadtDatasetIds()) {
    const v1::DatasetSchema schema = LoadSchema(id);
    EXPECT_EQ(schema.id(), id);
    EXPECT_THAT(SchemaProblems(schema), IsEmpty()) << id;
  }
}

TEST(SchemaRulesTest, FlagsBrokenCodesAndParents) {
  ASSERT_OK_AND_ASSIGN(v1::DatasetSchema schema, MusterstadtSchema("abgang"));
  ASSERT_THAT(SchemaProblems(schema), IsEmpty());
  v1::Level* schulart = schema.mutable_columns(2)->mutable_levels(0);
  schulart->mutable_codes(0)->set_code("_T");
  schulart->mutable_codes(1)->set_parent("NOWHERE");
  schulart->mutable_codes(2)->set_parent("");
  EXPECT_EQ(SchemaProblems(schema).size(), 3u);
}

TEST_F(MusterstadtTest, SensitiveDimensionsAreMarked) {
  std::set<std::string> sensitive;
  for (const std::string& id : MusterstadtDatasetIds()) {
    const v1::DatasetSchema schema = LoadSchema(id);
    for (const v1::ColumnSchema& column : schema.columns()) {
      if (column.sensitive()) sensitive.insert(id + "." + column.name());
    }
  }
  EXPECT_EQ(sensitive, (std::set<std::string>{"schueler.foerderschwerpunkt", "seu.bmi_kat",
                                              "kita_kind.eingliederungshilfe"}));
}

TEST_F(MusterstadtTest, GeographyHasFifteenStadtteileAndPassThroughCodesForPupils) {
  const v1::ColumnSchema population_bezirk = LoadSchema("population").columns(2);
  ASSERT_EQ(population_bezirk.levels_size(), 4);
  EXPECT_EQ(population_bezirk.levels(1).codes_size(), 15);
  EXPECT_EQ(population_bezirk.levels(2).codes_size(), 5);
  EXPECT_EQ(population_bezirk.levels(3).codes(0).label(), "Musterstadt");
  EXPECT_NEAR(population_bezirk.levels(0).codes_size(), 50, 5);
  for (const v1::Code& code : population_bezirk.levels(0).codes()) {
    EXPECT_EQ(code.code().size(), 3u);
    EXPECT_TRUE(absl::StartsWith(code.code(), code.parent())) << code.code();
  }
  const v1::ColumnSchema wohn = LoadSchema("schueler").columns(5);
  ASSERT_EQ(wohn.name(), "wohn_bezirk");
  EXPECT_EQ(wohn.levels(0).codes_size(), population_bezirk.levels(0).codes_size() + 2);
}

TEST_F(MusterstadtTest, CsvHeaderNamesExactlyTheSchemaColumns) {
  for (const std::string& id : MusterstadtDatasetIds()) {
    const Csv csv = ReadCsv(File(id + ".csv"));
    EXPECT_THAT(csv.header, ElementsAreArray(ColumnNames(LoadSchema(id)))) << id;
  }
}

// The range of every MEASURE column of the demo (DEMO-CITY.md).
const std::map<std::string, std::pair<int, int>> kMeasureRanges = {
    {"alter_monate", {64, 84}}, {"unterrichtsstunden", {3, 300}}, {"belegungen", {1, 60}}};

TEST_F(MusterstadtTest, EveryValueFitsItsColumn) {
  for (const std::string& id : MusterstadtDatasetIds()) {
    const v1::DatasetSchema schema = LoadSchema(id);
    std::vector<std::set<std::string>> codes(schema.columns_size());
    for (int c = 0; c < schema.columns_size(); ++c) {
      if (schema.columns(c).kind() != v1::DIMENSION) continue;
      for (const v1::Code& code : schema.columns(c).levels(0).codes()) codes[c].insert(code.code());
    }
    const Csv csv = ReadCsv(File(id + ".csv"));
    ASSERT_FALSE(csv.rows.empty()) << id;
    for (const auto& row : csv.rows) {
      ASSERT_EQ(row.size(), codes.size()) << id;
      for (size_t c = 0; c < row.size(); ++c) {
        const v1::ColumnKind kind = schema.columns(c).kind();
        if (kind == v1::DIMENSION) {
          ASSERT_EQ(codes[c].count(row[c]), 1u) << id << "." << schema.columns(c).name() << " "
                                                << row[c];
        } else if (kind == v1::UNIT_ID || kind == v1::CONTRIBUTOR) {
          ASSERT_EQ(row[c].size(), 32u) << id;
        } else {
          const auto [lo, hi] = kMeasureRanges.at(schema.columns(c).name());
          const int value = std::stoi(row[c]);
          ASSERT_TRUE(value >= lo && value <= hi) << id << "." << schema.columns(c).name() << " "
                                                  << row[c];
        }
      }
    }
  }
}

TEST_F(MusterstadtTest, RowCountsScaleLinearly) {
  TempDir twice;
  ASSERT_OK_AND_ASSIGN(const std::vector<DatasetReport> big,
                       GenerateMusterstadt(Options(twice.path(), 2 * kSmallScale)));
  for (const DatasetReport& report : big) {
    const Csv small = ReadCsv(File(report.id + ".csv"));
    const double ratio = static_cast<double>(report.rows) / small.rows.size();
    EXPECT_GT(ratio, 1.8) << report.id;
    EXPECT_LT(ratio, 2.2) << report.id;
  }
}

// ---------------------------------------------------------------------------
// Realism and small cells

TEST(MusterstadtRealismTest, PopulationHasRareSexDAndASmallStadtteil) {
  TempDir dir;
  ASSERT_THAT(GenerateMusterstadt(Options(dir.path(), 0.2, 2026, {"population"})), IsOk());
  const Csv csv = ReadCsv(dir.File("population.csv"));
  const auto sex = CountBy(csv, "sex", "stichtag", "2025");
  EXPECT_GT(Share(sex, "d"), 0.0);
  EXPECT_LT(Share(sex, "d"), 0.001);
  std::map<std::string, int> stadtteil;
  for (const auto& [bezirk, n] : CountBy(csv, "bezirk", "stichtag", "2025")) {
    stadtteil[bezirk.substr(0, 2)] += n;
  }
  EXPECT_NEAR(Share(stadtteil, "15"), 3300.0 / 219800, 0.002);  // Brunnenhof, the smallest
  EXPECT_NEAR(Share(CountBy(csv, "nationality_group", "stichtag", "2025"), "DE"), 0.81, 0.03);
}

TEST(MusterstadtRealismTest, GymnasiumShareDependsOnSexAndMigration) {
  TempDir dir;
  ASSERT_THAT(GenerateMusterstadt(Options(dir.path(), 1.0, 2026, {"uebergang"})), IsOk());
  const Csv csv = ReadCsv(dir.File("uebergang.csv"));
  const double gy = Share(CountBy(csv, "to_schulart"), "GY");
  EXPECT_GT(gy, 0.40);
  EXPECT_LT(gy, 0.55);
  EXPECT_GT(Share(CountBy(csv, "to_schulart", "sex", "w"), "GY"),
            Share(CountBy(csv, "to_schulart", "sex", "m"), "GY") + 0.02);
  EXPECT_LT(Share(CountBy(csv, "to_schulart", "mh", "ja"), "GY"),
            Share(CountBy(csv, "to_schulart", "mh", "nein"), "GY") - 0.08);
}

TEST(MusterstadtRealismTest, AbgangHasFewLeaversWithoutCertificateAndSmallCells) {
  TempDir dir;
  ASSERT_THAT(GenerateMusterstadt(Options(dir.path(), 1.0, 2026, {"abgang"})), IsOk());
  const Csv csv = ReadCsv(dir.File("abgang.csv"));
  const double ohne = Share(CountBy(csv, "abschluss"), "ohne_BR");
  EXPECT_GT(ohne, 0.03);
  EXPECT_LT(ohne, 0.08);
  EXPECT_GT(Share(CountBy(csv, "abschluss", "staatsangehoerigkeit", "nichtdeutsch"), "ohne_BR"),
            1.5 * Share(CountBy(csv, "abschluss", "staatsangehoerigkeit", "deutsch"), "ohne_BR"));
  const int year = csv.Column("abgangsjahr");
  const int schulart = csv.Column("schulart");
  const int abschluss = csv.Column("abschluss");
  const int nationality = csv.Column("staatsangehoerigkeit");
  absl::btree_map<std::string, int> cells;
  for (const auto& row : csv.rows) {
    ++cells[absl::StrCat(row[year], "|", row[schulart], "|", row[abschluss], "|", row[nationality])];
  }
  int small = 0;
  for (const auto& [cell, n] : cells) small += n <= 2 ? 1 : 0;
  EXPECT_GT(small, 0);
}

// Count of rows per key built from `columns` (joined by "|"), where `keep`
// holds.
std::map<std::string, int> CountByKey(const Csv& csv, const std::vector<std::string>& columns,
                                      const std::function<bool(const std::vector<std::string>&)>&
                                          keep = nullptr) {
  std::vector<int> index;
  for (const std::string& c : columns) index.push_back(csv.Column(c));
  std::map<std::string, int> counts;
  for (const auto& row : csv.rows) {
    if (keep && !keep(row)) continue;
    std::string key;
    for (int i : index) absl::StrAppend(&key, key.empty() ? "" : "|", row[i]);
    ++counts[key];
  }
  return counts;
}

int Sum(const std::map<std::string, int>& counts) {
  int total = 0;
  for (const auto& [k, n] : counts) total += n;
  return total;
}

// kita_kind and sgb2_person are drawn from the population register: the
// same people, so a quote over the population is a share.
class RegisterDatasetsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_THAT(GenerateMusterstadt(Options(dir_->path(), 0.3, 2026,
                                            {"population", "kita_kind", "sgb2_person"})),
                IsOk());
    population_ = new Csv(ReadCsv(dir_->File("population.csv")));
    kita_ = new Csv(ReadCsv(dir_->File("kita_kind.csv")));
    sgb2_ = new Csv(ReadCsv(dir_->File("sgb2_person.csv")));
  }
  static void TearDownTestSuite() {
    delete population_;
    delete kita_;
    delete sgb2_;
    delete dir_;
  }
  static int Age(const std::vector<std::string>& row, const Csv& csv) {
    return std::stoi(row[csv.Column("alter")]);
  }

  static TempDir* dir_;
  static Csv* population_;
  static Csv* kita_;
  static Csv* sgb2_;
};

TempDir* RegisterDatasetsTest::dir_ = nullptr;
Csv* RegisterDatasetsTest::population_ = nullptr;
Csv* RegisterDatasetsTest::kita_ = nullptr;
Csv* RegisterDatasetsTest::sgb2_ = nullptr;

TEST_F(RegisterDatasetsTest, DayCareAttendanceFollowsAgeUnderThreeAbout43AndOverThree96Percent) {
  const auto in_2025 = [](const Csv& csv) {
    return [&csv](const std::vector<std::string>& row) {
      return row[csv.Column("stichtag")] == "2025";
    };
  };
  const auto kids = CountByKey(*kita_, {"alter"}, in_2025(*kita_));
  const auto residents = CountByKey(*population_, {"alter"}, in_2025(*population_));
  const int u3 = kids.at("0") + kids.at("1") + kids.at("2");
  const int o3 = kids.at("3") + kids.at("4") + kids.at("5");
  EXPECT_NEAR(static_cast<double>(u3) / (residents.at("0") + residents.at("1") + residents.at("2")),
              0.43, 0.03);
  EXPECT_NEAR(static_cast<double>(o3) / (residents.at("3") + residents.at("4") + residents.at("5")),
              0.96, 0.02);
  EXPECT_EQ(kids.count("6"), 0u);
}

TEST_F(RegisterDatasetsTest, DayCareHasGanztagTagespflegeLanguageAndEingliederungshilfeShares) {
  const Csv& k = *kita_;
  const int all = static_cast<int>(k.rows.size());
  EXPECT_NEAR(Share(CountBy(k, "betreuungsform"), "tagespflege"), 0.10, 0.02);
  EXPECT_NEAR(Share(CountBy(k, "wochenstunden_kat"), "ueber35"), 0.55, 0.03);
  EXPECT_NEAR(Share(CountBy(k, "eingliederungshilfe"), "ja"), 0.02, 0.006);
  const auto u3 = [&](bool under) {
    return [&k, under](const std::vector<std::string>& row) {
      return (std::stoi(row[k.Column("alter")]) < 3) == under;
    };
  };
  const auto language_u3 = CountByKey(k, {"familiensprache_nicht_dt"}, u3(true));
  const auto language_o3 = CountByKey(k, {"familiensprache_nicht_dt"}, u3(false));
  EXPECT_NEAR(Share(language_u3, "ja"), 0.18, 0.03);
  EXPECT_NEAR(Share(language_o3, "ja"), 0.27, 0.03);
  EXPECT_GT(Share(CountByKey(k, {"wochenstunden_kat"}, u3(true)), "ueber35"),
            Share(CountByKey(k, {"wochenstunden_kat"}, u3(false)), "ueber35") + 0.08);
  EXPECT_GT(all, 10000);
}

TEST_F(RegisterDatasetsTest, NoBezirkAndAgeHasMoreChildrenInDayCareThanResidents) {
  const auto kids = CountByKey(*kita_, {"stichtag", "bezirk", "alter"});
  const auto residents = CountByKey(*population_, {"stichtag", "bezirk", "alter"});
  int checked = 0;
  for (const auto& [key, n] : kids) {
    const auto it = residents.find(key);
    ASSERT_NE(it, residents.end()) << key;
    EXPECT_LE(n, it->second) << key;
    ++checked;
  }
  EXPECT_GT(checked, 1000);
}

TEST_F(RegisterDatasetsTest, SgbIIChildrenFollowTheSocialGradientAndNeverExceedTheResidents) {
  const auto u15 = [&](const std::vector<std::string>& row) {
    return row[sgb2_->Column("age_group")] == "u15";
  };
  const auto children = [&](const std::vector<std::string>& row) {
    return std::stoi(row[population_->Column("alter")]) < 15;
  };
  std::map<std::string, int> sgb2, residents;
  for (const auto& [key, n] : CountByKey(*sgb2_, {"stichtag", "bezirk"}, u15)) {
    sgb2[key.substr(0, 7)] += n;  // "2025|04" of "2025|041": the Stadtteil
  }
  for (const auto& [key, n] : CountByKey(*population_, {"stichtag", "bezirk"}, children)) {
    residents[key.substr(0, 7)] += n;
  }
  double lowest = 1, highest = 0;
  for (const auto& [stadtteil, n] : sgb2) {
    ASSERT_GT(residents[stadtteil], 0) << stadtteil;
    EXPECT_LE(n, residents[stadtteil]) << stadtteil;
    const double rate = static_cast<double>(n) / residents[stadtteil];
    lowest = std::min(lowest, rate);
    highest = std::max(highest, rate);
  }
  EXPECT_NEAR(static_cast<double>(Sum(sgb2)) / Sum(residents), 0.13, 0.015);
  EXPECT_LT(lowest, 0.07);
  EXPECT_GT(highest, 0.20);
  // About 8.5 % of everybody under 65 lives in a Bedarfsgemeinschaft.
  const auto under_65 = [&](const std::vector<std::string>& row) {
    return std::stoi(row[population_->Column("alter")]) < 65;
  };
  const int under_65_sgb2 =
      Sum(CountByKey(*sgb2_, {"stichtag"})) - CountByKey(*sgb2_, {"age_group"}).at("55-u67") / 6;
  EXPECT_NEAR(static_cast<double>(under_65_sgb2) / Sum(CountByKey(*population_, {"stichtag"}, under_65)),
              0.085, 0.015);
  // Children are Sozialgeld recipients (NEF), never ELB.
  EXPECT_EQ(CountByKey(*sgb2_, {"age_group", "typ"}).count("u15|ELB"), 0u);
}

TEST(MusterstadtRealismTest, VhsHoursBelongToCoursesAndEnrolmentsAddUpToThem) {
  TempDir dir;
  ASSERT_THAT(GenerateMusterstadt(Options(dir.path(), 1.0, 2026, {"vhs_kurs", "vhs_belegung"})),
              IsOk());
  const Csv kurse = ReadCsv(dir.File("vhs_kurs.csv"));
  const Csv belegungen = ReadCsv(dir.File("vhs_belegung.csv"));
  const int year = kurse.Column("arbeitsjahr");
  const int area = kurse.Column("programmbereich");
  const int hours = kurse.Column("unterrichtsstunden");
  const int enrolled = kurse.Column("belegungen");
  std::map<std::string, int> courses, ustd, by_area;
  std::map<std::string, int> enrolments_of_course;
  for (const auto& row : kurse.rows) {
    ++courses[row[year]];
    ustd[row[year]] += std::stoi(row[hours]);
    if (row[year] == "2025") by_area[row[area]] += std::stoi(row[hours]);
    enrolments_of_course[row[kurse.Column("course_id")]] += std::stoi(row[enrolled]);
  }
  for (const auto& [y, n] : courses) {
    EXPECT_NEAR(n, 1540, 150) << y;
    EXPECT_NEAR(ustd[y], 40000, 4000) << y;
  }
  const std::map<std::string, double> target = {{"sprachen", 0.42}, {"gesundheit", 0.20},
                                                {"kultur", 0.12},   {"arbeit", 0.11},
                                                {"grundbildung", 0.08}, {"politik", 0.07}};
  for (const auto& [code, share] : target) {
    EXPECT_NEAR(Share(by_area, code), share, 0.025) << code;
  }
  // Every course's enrolments are its rows in vhs_belegung.
  EXPECT_EQ(CountBy(belegungen, "course_id"), enrolments_of_course);
  EXPECT_NEAR(static_cast<double>(belegungen.rows.size()) / kYearCount, 23000, 2500);
  EXPECT_NEAR(Share(CountBy(belegungen, "sex"), "w"), 0.75, 0.02);
  EXPECT_NEAR(Share(CountBy(belegungen, "wohn_stadtteil"), "98"), 0.15, 0.02);
}

// The Unterrichtsstunden's contributor (docs/adr/0009): one Kursleitung
// teaches a few courses a year, some many, always in one Programmbereich,
// and mostly the same persons from year to year.
TEST(MusterstadtRealismTest, VhsKursleitungenTeachAFewCoursesSomeMany) {
  TempDir dir;
  ASSERT_THAT(GenerateMusterstadt(Options(dir.path(), 1.0, 2026, {"vhs_kurs"})), IsOk());
  const Csv kurse = ReadCsv(dir.File("vhs_kurs.csv"));
  const int year = kurse.Column("arbeitsjahr");
  const int area = kurse.Column("programmbereich");
  const int kursleitung = kurse.Column("kursleitung");
  std::map<std::string, int> courses_2025;
  std::map<std::string, std::set<std::string>> areas;
  std::set<std::string> in_2024, in_2025;
  for (const auto& row : kurse.rows) {
    areas[row[kursleitung]].insert(row[area]);
    if (row[year] == "2024") in_2024.insert(row[kursleitung]);
    if (row[year] != "2025") continue;
    in_2025.insert(row[kursleitung]);
    ++courses_2025[row[kursleitung]];
  }
  std::vector<int> per_person;
  for (const auto& [k, n] : courses_2025) per_person.push_back(n);
  std::sort(per_person.begin(), per_person.end());
  EXPECT_NEAR(static_cast<double>(per_person.size()), 430, 60);
  EXPECT_LE(per_person[per_person.size() / 2], 3);  // the median: a few
  EXPECT_GE(per_person.back(), 15);                 // the busiest: many
  for (const auto& [k, a] : areas) EXPECT_EQ(a.size(), 1u) << k;
  int again = 0;
  for (const std::string& k : in_2025) again += in_2024.count(k);
  EXPECT_GT(again, 0.8 * in_2025.size());
}

// The small cells the demo must have: the small Stadtteile, "d", rare
// categories.
TEST(MusterstadtRealismTest, NewDatasetsHaveSmallCells) {
  TempDir dir;
  ASSERT_THAT(GenerateMusterstadt(Options(dir.path(), 1.0, 2026,
                                          {"kita_kind", "sgb2_person", "vhs_belegung"})),
              IsOk());
  const auto small = [](const std::map<std::string, int>& counts) {
    int n = 0;
    for (const auto& [key, count] : counts) n += count <= 2 ? 1 : 0;
    return n;
  };
  const Csv kita = ReadCsv(dir.File("kita_kind.csv"));
  EXPECT_GT(CountBy(kita, "sex")["d"], 0);
  // Brunnenhof (Bezirk 151), the smallest Stadtteil: a handful of children
  // with Eingliederungshilfe a year.
  const auto brunnenhof = CountByKey(kita, {"stichtag", "bezirk", "eingliederungshilfe"});
  int tiny = 0;
  for (int y = kFirstYear; y < kFirstYear + kYearCount; ++y) {
    const auto it = brunnenhof.find(absl::StrCat(y, "|151|ja"));
    tiny += it == brunnenhof.end() || it->second <= 4 ? 1 : 0;
  }
  EXPECT_GT(tiny, 0);
  const Csv sgb2 = ReadCsv(dir.File("sgb2_person.csv"));
  EXPECT_GT(small(CountByKey(sgb2, {"stichtag", "bezirk", "age_group", "typ"})), 0);
  EXPECT_GT(CountBy(sgb2, "sex")["d"], 0);
  const Csv vhs = ReadCsv(dir.File("vhs_belegung.csv"));
  EXPECT_GT(small(CountByKey(vhs, {"arbeitsjahr", "programmbereich", "wohn_stadtteil", "sex"})), 0);
}

// ---------------------------------------------------------------------------
// Command line and errors

TEST(ParseMusterstadtArgsTest, ParsesAllFlagsInBothForms) {
  ASSERT_OK_AND_ASSIGN(
      const MusterstadtOptions options,
      ParseMusterstadtArgs({"--out", "/tmp/x", "--seed=7", "--scale", "0.5",
                            "--datasets=seu,abgang,seu"}));
  EXPECT_EQ(options.out_dir, "/tmp/x");
  EXPECT_EQ(options.seed, 7u);
  EXPECT_EQ(options.scale, 0.5);
  EXPECT_THAT(options.datasets, ElementsAreArray({"seu", "abgang"}));
}

TEST(ParseMusterstadtArgsTest, DefaultsToSeed2026ScaleOneAndAllDatasets) {
  ASSERT_OK_AND_ASSIGN(const MusterstadtOptions options, ParseMusterstadtArgs({"--out=d"}));
  EXPECT_EQ(options.seed, 2026u);
  EXPECT_EQ(options.scale, 1.0);
  EXPECT_THAT(options.datasets, IsEmpty());
}

TEST(ParseMusterstadtArgsTest, RejectsBadFlagsNamingThem) {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(ParseMusterstadtArgs({"--out", "d", "--colour", "x"}),
              StatusIs(invalid, HasSubstr("\"--colour\"")));
  EXPECT_THAT(ParseMusterstadtArgs({"--out", "d", "--seed", "-1"}),
              StatusIs(invalid, HasSubstr("\"-1\"")));
  EXPECT_THAT(ParseMusterstadtArgs({"--out", "d", "--scale", "0"}),
              StatusIs(invalid, HasSubstr("--scale")));
  EXPECT_THAT(ParseMusterstadtArgs({"--out", "d", "--scale", "abc"}),
              StatusIs(invalid, HasSubstr("\"abc\"")));
  EXPECT_THAT(ParseMusterstadtArgs({"--out", "d", "--datasets", "seu,kita"}),
              StatusIs(invalid, HasSubstr("\"kita\"")));
  EXPECT_THAT(ParseMusterstadtArgs({"--seed", "1"}), StatusIs(invalid, HasSubstr("--out")));
  EXPECT_THAT(ParseMusterstadtArgs({"--out"}), StatusIs(invalid, HasSubstr("needs a value")));
}

TEST(GenerateMusterstadtTest, FailsNamingThePathWhenOutIsNotADirectory) {
  TempDir dir;
  cellgate::testing::WriteTestFile(dir.File("file"), "x");
  const auto result = GenerateMusterstadt(Options(dir.File("file") + "/out", kSmallScale));
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(dir.File("file")));
}

int RunShell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(MusterstadtBinaryTest, ExitsNonZeroOnBadFlagsAndUnwritableOut) {
  TempDir dir;
  const std::string binary = MUSTERSTADT_BINARY;
  EXPECT_EQ(RunShell(binary + " --out " + dir.File("ok") + " --scale 0.001 >/dev/null"), 0);
  EXPECT_EQ(RunShell(binary + " --out " + dir.File("x") + " --scale=-1 2>/dev/null"), 2);
  EXPECT_EQ(RunShell(binary + " --bogus 2>/dev/null"), 2);
  cellgate::testing::WriteTestFile(dir.File("file"), "x");
  EXPECT_EQ(RunShell(binary + " --out " + dir.File("file") + " 2>/dev/null"), 1);
}

// ---------------------------------------------------------------------------
// Demo access policy and certificates

TEST(DemoAccessPolicyTest, ParsesStrictlyAndIsConsistent) {
  v1::AccessPolicy policy;
  ASSERT_THAT(ParseTextProtoFile(MUSTERSTADT_SOURCE_DIR "/access-policy.textproto", policy),
              IsOk());
  EXPECT_EQ(policy.version(), 1);
  std::set<std::string> purposes, bases, departments;
  for (const auto& p : policy.purposes()) purposes.insert(p.code());
  for (const auto& b : policy.legal_bases()) bases.insert(b.code());
  const std::vector<std::string>& ids = MusterstadtDatasetIds();
  for (const v1::Department& d : policy.departments()) {
    departments.insert(d.id());
    for (const auto& p : d.purposes()) EXPECT_EQ(purposes.count(p), 1u) << d.id() << " " << p;
    for (const auto& b : d.legal_bases()) EXPECT_EQ(bases.count(b), 1u) << d.id() << " " << b;
    for (const auto& s : d.datasets()) {
      EXPECT_NE(std::find(ids.begin(), ids.end(), s), ids.end()) << d.id() << " " << s;
    }
  }
  std::set<std::string> principals;
  for (const v1::Principal& p : policy.principals()) {
    principals.insert(p.id());
    EXPECT_EQ(p.certificate_uri(), "urn:cellgate:principal:" + p.id());
    EXPECT_EQ(departments.count(p.department()), 1u) << p.id();
    EXPECT_EQ(p.roles_size(), 1) << p.id();
    EXPECT_FALSE(p.display_name().empty());
  }
  EXPECT_EQ(purposes.size(), 5u);
  EXPECT_EQ(bases.size(), 4u);
  EXPECT_EQ(principals, (std::set<std::string>{"schulamt-analyst", "jugendamt-analyst",
                                               "bildungsbuero-analyst", "dpo", "steward"}));
}

TEST(DemoCertsTest, ScriptCreatesPrivateKeysAndReusesTheCa) {
  if (RunShell("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  TempDir dir;
  const std::string out = dir.File("pki");
  const std::string script =
      absl::StrCat("bash ", MUSTERSTADT_REPO_DIR, "/deploy/make-demo-certs.sh ", out,
                   " >/dev/null");
  ASSERT_EQ(RunShell(script), 0);
  struct stat st;
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* id : {"ca", "server", "schulamt-analyst", "jugendamt-analyst",
                         "bildungsbuero-analyst", "dpo", "steward", "intruder"}) {
    ASSERT_EQ(::stat(absl::StrCat(out, "/", id, ".key").c_str(), &st), 0) << id;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << id;
    EXPECT_THAT(ReadTestFile(absl::StrCat(out, "/", id, ".pem")), HasSubstr("BEGIN CERTIFICATE"));
  }
  const std::string ca = ReadTestFile(out + "/ca.pem");
  ASSERT_EQ(::unlink((out + "/dpo.pem").c_str()), 0);
  ASSERT_EQ(RunShell(script), 0);
  EXPECT_EQ(ReadTestFile(out + "/ca.pem"), ca);
  EXPECT_EQ(RunShell(absl::StrCat("openssl verify -CAfile ", out, "/ca.pem -purpose sslclient ",
                                  out, "/dpo.pem >/dev/null 2>&1")),
            0);
  EXPECT_EQ(RunShell(absl::StrCat("openssl x509 -in ", out, "/dpo.pem -noout -ext subjectAltName",
                                  " | grep -q 'URI:urn:cellgate:principal:dpo$'")),
            0);
}

}  // namespace
}  // namespace cellgate::demo
