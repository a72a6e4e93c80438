// The contributor pass against a row-by-row reference, on random queries
// with hierarchies, subtotals, totals and filters; the SDC Handbook's
// example 1 split over many records of two contributors; and the cases
// where nothing is computed.
#include "server/engine/contributor_facts.h"

#include <cstring>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/engine/table_computer.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::engine {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// bezirk: 101, 102 -> Stadtteil 1; 201 -> 2; 98 outside the hierarchy.
// stunden's contributor is the school (a CONTRIBUTOR column), wert's the
// Träger (a dimension), plain has none.
v1::DatasetSchema Schema() {
  v1::DatasetSchema s;
  EXPECT_OK(ParseTextProto(R"pb(
    id: "t"
    columns {
      name: "bezirk" label: "Bezirk" kind: DIMENSION
      levels { name: "bezirk" label: "Bezirk"
        codes { code: "101" label: "Nord" parent: "1" }
        codes { code: "102" label: "Süd" parent: "1" }
        codes { code: "201" label: "Hafen" parent: "2" }
        codes { code: "98" label: "außerhalb" } }
      levels { name: "stadtteil" label: "Stadtteil"
        codes { code: "1" label: "Altstadt" } codes { code: "2" label: "Hafen" } }
    }
    columns {
      name: "sex" label: "Geschlecht" kind: DIMENSION
      levels { name: "sex" label: "Geschlecht"
        codes { code: "m" label: "m" } codes { code: "w" label: "w" } }
    }
    columns {
      name: "traeger" label: "Träger" kind: DIMENSION
      levels { name: "traeger" label: "Träger"
        codes { code: "oe" label: "öffentlich" } codes { code: "fr" label: "frei" }
        codes { code: "ki" label: "kirchlich" } }
    }
    columns { name: "schule" label: "Schule" kind: CONTRIBUTOR }
    columns { name: "stunden" label: "Stunden" kind: MEASURE contributor: "schule" }
    columns { name: "wert" label: "Wert" kind: MEASURE contributor: "traeger" }
    columns { name: "plain" label: "Ohne" kind: MEASURE }
  )pb", "schema", s));
  return s;
}

struct Row {
  int bezirk, sex, traeger;
  uint32_t schule;  // dense, in order of first appearance
  int64_t stunden, wert = 0;
};

absl::StatusOr<std::shared_ptr<const LoadedVersion>> Load(const std::vector<Row>& rows) {
  v1::VersionData data;
  data.mutable_info()->set_dataset("t");
  data.mutable_info()->set_version(1);
  data.mutable_info()->set_row_count(static_cast<int64_t>(rows.size()));
  std::string bezirk, sex, traeger, schule, stunden, wert, plain;
  for (const Row& r : rows) {
    bezirk.push_back(static_cast<char>(r.bezirk));
    sex.push_back(static_cast<char>(r.sex));
    traeger.push_back(static_cast<char>(r.traeger));
    schule.append(reinterpret_cast<const char*>(&r.schule), 4);
    stunden.append(reinterpret_cast<const char*>(&r.stunden), 8);
    wert.append(reinterpret_cast<const char*>(&r.wert), 8);
    plain.append(reinterpret_cast<const char*>(&r.stunden), 8);
  }
  auto add = [&](const char* name, uint32_t width, std::string bytes) {
    v1::ColumnData* c = data.add_columns();
    c->set_name(name);
    c->set_width(width);
    c->set_data(std::move(bytes));
  };
  add("bezirk", 1, bezirk);
  add("sex", 1, sex);
  add("traeger", 1, traeger);
  add("schule", 4, schule);
  add("stunden", 8, stunden);
  add("wert", 8, wert);
  add("plain", 8, plain);
  return LoadedVersion::Create(Schema(), std::move(data));
}

// Skewed: a few schools have most rows. Schools numbered by first
// appearance, as the store numbers them.
std::vector<Row> RandomRows(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::geometric_distribution<int> school(0.08);
  std::map<int, uint32_t> dense;
  std::vector<Row> rows;
  for (int i = 0; i < n; ++i) {
    const int s = school(rng);
    const uint32_t id = dense.try_emplace(s, static_cast<uint32_t>(dense.size())).first->second;
    rows.push_back(Row{static_cast<int>(rng() % 4), static_cast<int>(rng() % 2),
                       static_cast<int>(rng() % 3), id, static_cast<int64_t>(rng() % 500),
                       static_cast<int64_t>(rng() % 2001) - 1000});
  }
  return rows;
}

// Reference, independent of the engine's axes: the code of a row's finest
// code at `level`, by the schema's parents (codes outside keep their own).
std::string CodeAt(const v1::ColumnSchema& column, int finest, const std::string& level) {
  std::string code = column.levels(0).codes(finest).code();
  for (int l = 0; l + 1 < column.levels_size() && column.levels(l).name() != level; ++l) {
    for (const v1::Code& c : column.levels(l).codes()) {
      if (c.code() == code && !c.parent().empty()) code = c.parent();
    }
  }
  return code;
}

int RowCode(const Row& r, const std::string& dimension) {
  return dimension == "bezirk" ? r.bezirk : dimension == "sex" ? r.sex : r.traeger;
}

bool InCell(const v1::DatasetSchema& schema, const v1::ComputedTable& table, const v1::Query& q,
            const std::vector<int>& digit, const Row& r) {
  auto column = [&](const std::string& name) -> const v1::ColumnSchema& {
    for (const auto& c : schema.columns()) {
      if (c.name() == name) return c;
    }
    std::abort();
  };
  for (const v1::Filter& f : q.filters()) {
    const auto& c = column(f.dimension());
    const std::string level = f.level().empty() ? c.levels(0).name() : f.level();
    const std::string code = CodeAt(c, RowCode(r, f.dimension()), level);
    if (std::find(f.codes().begin(), f.codes().end(), code) == f.codes().end()) return false;
  }
  for (int a = 0; a < table.axes_size(); ++a) {
    const v1::AxisEntry& e = table.axes(a).entries(digit[a]);
    if (e.is_total()) continue;
    const std::string& dimension = table.axes(a).dimension();
    if (CodeAt(column(dimension), RowCode(r, dimension), e.level()) != e.code()) return false;
  }
  return true;
}

struct Expected {
  int64_t contributors = 0, largest = 0, second = 0;
};

Expected Reference(const std::map<uint32_t, int64_t>& totals) {
  std::vector<int64_t> sorted;
  for (const auto& [id, total] : totals) sorted.push_back(total);
  std::sort(sorted.rbegin(), sorted.rend());
  Expected e;
  e.contributors = static_cast<int64_t>(sorted.size());
  if (!sorted.empty()) e.largest = sorted[0];
  if (sorted.size() > 1) e.second = sorted[1];
  return e;
}

// Checks every cell's facts of stunden (measure 1) and wert (measure 2)
// against a recomputation from the rows.
void ExpectMatchesReference(const v1::ComputedTable& table, const v1::Query& q,
                            const std::vector<Row>& rows) {
  const v1::DatasetSchema schema = Schema();
  std::vector<int> digit(table.axes_size(), 0);
  for (int cell = 0; cell < table.record_count_size(); ++cell) {
    std::map<uint32_t, int64_t> by_school, by_traeger;
    for (const Row& r : rows) {
      if (!InCell(schema, table, q, digit, r)) continue;
      by_school[r.schule] += r.stunden;
      by_traeger[static_cast<uint32_t>(r.traeger)] += r.wert;
    }
    const Expected s = Reference(by_school), t = Reference(by_traeger);
    const v1::MeasureFacts& stunden = table.measures(1);
    ASSERT_EQ(stunden.contributors(cell), s.contributors) << "cell " << cell;
    ASSERT_EQ(stunden.largest_contributor(cell), s.largest) << "cell " << cell;
    ASSERT_EQ(stunden.second_largest_contributor(cell), s.second) << "cell " << cell;
    const v1::MeasureFacts& wert = table.measures(2);
    ASSERT_EQ(wert.contributors(cell), t.contributors) << "cell " << cell;
    ASSERT_EQ(wert.largest_contributor(cell), t.largest) << "cell " << cell;
    ASSERT_EQ(wert.second_largest_contributor(cell), t.second) << "cell " << cell;
    for (int a = table.axes_size(); a-- > 0;) {
      if (++digit[a] < table.axes(a).entries_size()) break;
      digit[a] = 0;
    }
  }
}

v1::Measure Sum(const std::string& column, v1::Measure::Kind kind = v1::Measure::SUM) {
  v1::Measure m;
  m.set_kind(kind);
  m.set_column(column);
  return m;
}

TEST(ContributorFactsTest, MatchesRowByRowReferenceOnRandomQueries) {
  const std::vector<Row> rows = RandomRows(2000, 42);
  ASSERT_OK_AND_ASSIGN(auto version, Load(rows));
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 120; ++trial) {
    v1::Query q;
    q.add_measures()->set_kind(v1::Measure::COUNT);
    *q.add_measures() = Sum("stunden");
    *q.add_measures() = Sum("wert", v1::Measure::MEAN);
    q.set_totals(rng() % 2);
    std::vector<std::string> dims = {"bezirk", "sex", "traeger"};
    std::shuffle(dims.begin(), dims.end(), rng);
    const int groups = static_cast<int>(rng() % 4);
    for (int g = 0; g < groups; ++g) {
      v1::Grouping* grouping = q.add_group_by();
      grouping->set_dimension(dims[g]);
      if (dims[g] == "bezirk" && rng() % 2) grouping->set_level("stadtteil");
      grouping->set_subtotals(rng() % 2);
    }
    if (rng() % 3 == 0) {
      v1::Filter* f = q.add_filters();
      f->set_dimension("bezirk");
      f->set_level("stadtteil");
      f->add_codes(rng() % 2 ? "1" : "98");
    }
    ASSERT_OK_AND_ASSIGN(const v1::ComputedTable table, ComputeTable(*version, q, {}));
    SCOPED_TRACE(q.ShortDebugString());
    ExpectMatchesReference(table, q, rows);
  }
}

TEST(ContributorFactsTest, ManyRecordsOfTwoContributorsDominateTheHandbookCell) {
  // SDC Handbook example 1 (O6): X = 100,000, x1 = 50,000, x2 = 49,000, but
  // as 50 and 49 records of 1,000 hours of two schools, and ten schools of
  // 100 hours: no single record is larger than 1,000.
  std::vector<Row> rows;
  for (int i = 0; i < 50; ++i) rows.push_back(Row{0, i % 2, 0, 0, 1000});
  for (int i = 0; i < 49; ++i) rows.push_back(Row{1, i % 2, 0, 1, 1000});
  for (uint32_t s = 2; s < 12; ++s) rows.push_back(Row{2, 0, 0, s, 100});
  ASSERT_OK_AND_ASSIGN(auto version, Load(rows));
  v1::Query q;
  *q.add_measures() = Sum("stunden");
  *q.add_measures() = Sum("plain");
  q.add_group_by()->set_dimension("sex");
  q.set_totals(true);
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable t, ComputeTable(*version, q, {}));
  // Cells: m, w, total. The total's top contributors span both sexes.
  const v1::MeasureFacts& stunden = t.measures(0);
  EXPECT_THAT(stunden.sum(), ElementsAre(51000, 49000, 100000));
  EXPECT_THAT(stunden.contributors(), ElementsAre(12, 2, 12));
  EXPECT_THAT(stunden.largest_contributor(), ElementsAre(25000, 25000, 50000));
  EXPECT_THAT(stunden.second_largest_contributor(), ElementsAre(25000, 24000, 49000));
  EXPECT_EQ(stunden.largest(2), 1000);  // the single records stay as they were
  // A measure without contributor gets no contributor facts.
  EXPECT_THAT(t.measures(1).contributors(), IsEmpty());
  EXPECT_THAT(t.measures(1).largest_contributor(), IsEmpty());
  EXPECT_EQ(t.measures(1).largest(2), 1000);
}

TEST(ContributorFactsTest, QueryWithoutContributorMeasureGetsNone) {
  ASSERT_OK_AND_ASSIGN(auto version, Load(RandomRows(100, 1)));
  v1::Query q;
  q.add_measures()->set_kind(v1::Measure::COUNT);
  *q.add_measures() = Sum("plain");
  q.add_group_by()->set_dimension("bezirk");
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable t, ComputeTable(*version, q, {}));
  for (const v1::MeasureFacts& m : t.measures()) {
    EXPECT_THAT(m.contributors(), IsEmpty());
    EXPECT_THAT(m.second_largest_contributor(), IsEmpty());
  }
}

TEST(ContributorFactsTest, OverflowingContributorTotalIsOutOfRange) {
  // Each record fits, and so does the cell's sum; one school's total does not.
  std::vector<Row> rows = {{0, 0, 0, 0, INT64_MAX / 2 + 1}, {0, 0, 0, 1, -(INT64_MAX / 2)},
                           {0, 0, 0, 0, INT64_MAX / 2 + 1}};
  ASSERT_OK_AND_ASSIGN(auto version, Load(rows));
  v1::Query q;
  *q.add_measures() = Sum("stunden");
  EXPECT_THAT(ComputeTable(*version, q, {}), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(ContributorFactsTest, ContributorColumnIsNeitherGroupedFilteredNorSummed) {
  ASSERT_OK_AND_ASSIGN(auto version, Load(RandomRows(10, 3)));
  v1::Query grouped;
  grouped.add_measures()->set_kind(v1::Measure::COUNT);
  grouped.add_group_by()->set_dimension("schule");
  EXPECT_THAT(ComputeTable(*version, grouped, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "column \"schule\" is not a dimension"));
  v1::Query filtered;
  filtered.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Filter& f = *filtered.add_filters();
  f.set_dimension("schule");
  f.add_codes("0");
  EXPECT_THAT(ComputeTable(*version, filtered, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("schule")));
  v1::Query summed;
  *summed.add_measures() = Sum("schule");
  EXPECT_THAT(ComputeTable(*version, summed, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("\"schule\" is not a measure column")));
}

TEST(ContributorFactsTest, ContributorIndicesOutOfOrderAreDataLoss) {
  std::vector<Row> rows = {{0, 0, 0, 0, 1}, {0, 0, 0, 2, 1}};
  EXPECT_THAT(Load(rows), StatusIs(absl::StatusCode::kDataLoss,
                                   "column \"schule\": contributor index out of order"));
}

}  // namespace
}  // namespace cellgate::engine
