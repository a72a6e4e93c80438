#include "server/engine/table_computer.h"
#include "server/engine/leaf_scan.h"
#include "server/engine/partition_counter.h"
#include "server/engine/query_plan.h"

#include <cstring>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::engine {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// bezirk: 101,102 -> Stadtteil 1; 201 -> 2; 98 outside the hierarchy.
// stadtteil -> sozialraum A (1) and B (2). jahr has 300 codes (2-byte width).
v1::DatasetSchema TestSchema() {
  v1::DatasetSchema s;
  EXPECT_OK(ParseTextProto(R"pb(
    id: "t"
    columns { name: "key" label: "Key" kind: UNIT_ID }
    columns {
      name: "bezirk" label: "Bezirk" kind: DIMENSION sensitive: false
      levels { name: "bezirk" label: "Bezirk"
        codes { code: "101" label: "Nord" parent: "1" }
        codes { code: "102" label: "Süd" parent: "1" }
        codes { code: "201" label: "Hafen" parent: "2" }
        codes { code: "98" label: "außerhalb" } }
      levels { name: "stadtteil" label: "Stadtteil"
        codes { code: "1" label: "Altstadt" parent: "A" }
        codes { code: "2" label: "Hafen" parent: "B" } }
      levels { name: "sozialraum" label: "Sozialraum"
        codes { code: "A" label: "Mitte" }
        codes { code: "B" label: "Ost" } }
    }
    columns {
      name: "sex" label: "Geschlecht" kind: DIMENSION sensitive: true
      levels { name: "sex" label: "Geschlecht"
        codes { code: "m" label: "m" } codes { code: "w" label: "w" } codes { code: "d" label: "d" } }
    }
    columns { name: "wert" label: "Wert" kind: MEASURE decimals: 1 }
  )pb", "schema", s));
  v1::ColumnSchema* jahr = s.add_columns();
  jahr->set_name("jahr");
  jahr->set_label("Jahr");
  jahr->set_kind(v1::DIMENSION);
  v1::Level* level = jahr->add_levels();
  level->set_name("jahr");
  level->set_label("Jahr");
  for (int y = 0; y < 300; ++y) {
    v1::Code* c = level->add_codes();
    c->set_code(absl::StrCat(1800 + y));
    c->set_label(absl::StrCat(1800 + y));
  }
  return s;
}

struct Row {
  int bezirk, sex, jahr;
  int64_t wert;
  uint32_t key = 0;  // record key, a fraction of 1 in units of 2^-32
};

// The rows as a version of TestSchema(); with `sex_codes` > 3 the "sex"
// column gets filler codes, and more than 256 make it a 2-byte column.
std::shared_ptr<const LoadedVersion> Load(const std::vector<Row>& rows, bool keys = true,
                                          int sex_codes = 3) {
  v1::DatasetSchema schema = TestSchema();
  v1::Level* sex_level = schema.mutable_columns(2)->mutable_levels(0);
  for (int i = sex_level->codes_size(); i < sex_codes; ++i) {
    v1::Code* c = sex_level->add_codes();
    c->set_code(absl::StrCat("x", i));
    c->set_label(absl::StrCat("x", i));
  }
  const uint32_t sex_width = sex_codes <= 256 ? 1 : 2;
  v1::VersionData data;
  data.mutable_info()->set_dataset("t");
  data.mutable_info()->set_version(1);
  data.mutable_info()->set_row_count(static_cast<int64_t>(rows.size()));
  std::string bezirk, sex, wert, jahr;
  for (const Row& r : rows) {
    if (keys) data.mutable_record_keys()->append(reinterpret_cast<const char*>(&r.key), 4);
    bezirk.push_back(static_cast<char>(r.bezirk));
    const uint16_t s = static_cast<uint16_t>(r.sex);
    sex.append(reinterpret_cast<const char*>(&s), sex_width);
    wert.append(reinterpret_cast<const char*>(&r.wert), 8);
    const uint16_t j = static_cast<uint16_t>(r.jahr);
    jahr.append(reinterpret_cast<const char*>(&j), 2);
  }
  auto add = [&](const char* name, uint32_t width, std::string bytes) {
    v1::ColumnData* c = data.add_columns();
    c->set_name(name);
    c->set_width(width);
    c->set_data(std::move(bytes));
  };
  add("bezirk", 1, bezirk);
  add("sex", sex_width, sex);
  add("wert", 8, wert);
  add("jahr", 2, jahr);
  auto v = LoadedVersion::Create(schema, std::move(data));
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : nullptr;
}

// Independent reference: the code of a finest code at `level`, walking
// parents by code; codes without a parent keep their own code.
std::string CodeAt(const v1::ColumnSchema& c, int finest, const std::string& level) {
  std::string code = c.levels(0).codes(finest).code();
  for (int l = 0; l + 1 < c.levels_size() && c.levels(l).name() != level; ++l) {
    for (const v1::Code& k : c.levels(l).codes()) {
      if (k.code() == code) {
        if (!k.parent().empty()) code = k.parent();
        break;
      }
    }
  }
  return code;
}

const v1::ColumnSchema& Column(const v1::DatasetSchema& s, const std::string& name) {
  for (const auto& c : s.columns()) {
    if (c.name() == name) return c;
  }
  std::abort();
}

int RowCode(const Row& r, const std::string& dim) {
  return dim == "bezirk" ? r.bezirk : dim == "sex" ? r.sex : r.jahr;
}

// Checks every cell of `table` against a row-by-row recomputation.
void ExpectMatchesReference(const v1::ComputedTable& table, const v1::Query& q,
                            const std::vector<Row>& rows) {
  const v1::DatasetSchema schema = TestSchema();
  int64_t cells = 1;
  for (const auto& a : table.axes()) cells *= a.entries_size();
  ASSERT_EQ(table.record_count_size(), cells);
  std::vector<int> digit(table.axes_size(), 0);
  for (int64_t cell = 0; cell < cells; ++cell) {
    int64_t count = 0, sum = 0, best = INT64_MIN, second = INT64_MIN;
    uint32_t key = 0;  // wraps: the sum mod 1
    for (const Row& r : rows) {
      bool in = true;
      for (const v1::Filter& f : q.filters()) {
        const auto& col = Column(schema, f.dimension());
        const std::string lvl = f.level().empty() ? col.levels(0).name() : f.level();
        const std::string code = CodeAt(col, RowCode(r, f.dimension()), lvl);
        in &= std::find(f.codes().begin(), f.codes().end(), code) != f.codes().end();
      }
      for (int a = 0; a < table.axes_size() && in; ++a) {
        const v1::AxisEntry& e = table.axes(a).entries(digit[a]);
        if (e.is_total()) continue;
        const auto& col = Column(schema, table.axes(a).dimension());
        in &= CodeAt(col, RowCode(r, table.axes(a).dimension()), e.level()) == e.code();
      }
      if (!in) continue;
      ++count;
      sum += r.wert;
      key += r.key;
      if (r.wert > best) {
        second = best;
        best = r.wert;
      } else if (r.wert > second) {
        second = r.wert;
      }
    }
    ASSERT_EQ(table.record_count(cell), count) << "cell " << cell;
    if (table.cell_key_size() > 0) {
      ASSERT_EQ(table.cell_key(cell), key) << "cell " << cell;
    }
    ASSERT_EQ(table.measures(1).sum(cell), sum) << "cell " << cell;
    if (table.measures(1).largest_size() == 0) {
      ASSERT_EQ(table.measures(1).second_largest_size(), 0);
    } else {
      ASSERT_EQ(table.measures(1).largest(cell), best == INT64_MIN ? 0 : best);
      ASSERT_EQ(table.measures(1).second_largest(cell), second == INT64_MIN ? 0 : second);
    }
    for (int a = table.axes_size(); a-- > 0;) {
      if (++digit[a] < table.axes(a).entries_size()) break;
      digit[a] = 0;
    }
  }
}

std::vector<Row> RandomRows(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Row> rows;
  for (int i = 0; i < n; ++i) {
    rows.push_back(Row{static_cast<int>(rng() % 4), static_cast<int>(rng() % 3),
                       static_cast<int>(rng() % 300), static_cast<int64_t>(rng() % 2001) - 1000,
                       static_cast<uint32_t>(rng())});
  }
  return rows;
}

v1::Query CountAndSum() {
  v1::Query q;
  q.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Measure* m = q.add_measures();
  m->set_kind(v1::Measure::SUM);
  m->set_column("wert");
  return q;
}

TEST(TableComputerTest, MatchesRowByRowReferenceOnRandomQueries) {
  const std::vector<Row> rows = RandomRows(5000, 42);
  auto version = Load(rows);
  ASSERT_NE(version, nullptr);
  std::mt19937_64 rng(7);
  const char* levels[] = {"bezirk", "stadtteil", "sozialraum"};
  for (int trial = 0; trial < 200; ++trial) {
    v1::Query q = CountAndSum();
    q.set_totals(rng() % 2);
    std::vector<std::string> dims = {"bezirk", "sex", "jahr"};
    std::shuffle(dims.begin(), dims.end(), rng);
    const int groups = static_cast<int>(rng() % 3);
    for (int g = 0; g < groups; ++g) {
      v1::Grouping* grouping = q.add_group_by();
      grouping->set_dimension(dims[g]);
      if (dims[g] == "bezirk") grouping->set_level(levels[rng() % 3]);
      grouping->set_subtotals(rng() % 2);
    }
    if (rng() % 2) {
      v1::Filter* f = q.add_filters();
      f->set_dimension("bezirk");
      f->set_level("stadtteil");
      f->add_codes(rng() % 2 ? "1" : "98");
    }
    if (rng() % 3 == 0) {
      v1::Filter* f = q.add_filters();
      f->set_dimension("jahr");
      for (int k = 0; k < 5; ++k) f->add_codes(absl::StrCat(1800 + rng() % 300));
    }
    ComputeLimits with_keys;
    with_keys.cell_keys = true;
    with_keys.scan_threads = 1;
    ASSERT_OK_AND_ASSIGN(v1::ComputedTable table, ComputeTable(*version, q, with_keys));
    SCOPED_TRACE(q.ShortDebugString());
    ExpectMatchesReference(table, q, rows);
    // Split over three threads (ranges of 4096, 904 and 0 rows), the same
    // table byte for byte.
    ComputeLimits threaded = with_keys;
    threaded.scan_threads = 3;
    threaded.min_rows_per_scan_thread = 1;
    ASSERT_OK_AND_ASSIGN(const v1::ComputedTable split, ComputeTable(*version, q, threaded));
    ASSERT_EQ(split.SerializeAsString(), table.SerializeAsString());
  }
}

TEST(TableComputerTest, TwoThreadsGiveTheTableOfOneOverManyBlocks) {
  // 20,000 rows: 5 blocks, split 3 + 2 over two threads.
  const std::vector<Row> rows = RandomRows(20000, 99);
  auto version = Load(rows);
  ASSERT_NE(version, nullptr);
  v1::Query q = CountAndSum();
  v1::Grouping* bezirk = q.add_group_by();
  bezirk->set_dimension("bezirk");
  bezirk->set_subtotals(true);
  q.add_group_by()->set_dimension("sex");
  v1::Filter* f = q.add_filters();
  f->set_dimension("bezirk");
  f->set_level("stadtteil");
  f->add_codes("1");
  v1::Filter* years = q.add_filters();
  years->set_dimension("jahr");
  for (int y = 0; y < 150; ++y) years->add_codes(absl::StrCat(1800 + 2 * y));
  q.set_totals(true);
  ComputeLimits one;
  one.cell_keys = true;
  one.scan_threads = 1;
  ComputeLimits two = one;
  two.scan_threads = 2;
  two.min_rows_per_scan_thread = 1000;
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable a, ComputeTable(*version, q, one));
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable b, ComputeTable(*version, q, two));
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_GT(a.record_count(a.record_count_size() - 1), 0);
  ExpectMatchesReference(b, q, rows);
}

// The scan's three ways to find a row's cell (one lookup in a product
// table, one per 1-byte dimension fused with the count, one pass per
// dimension) give the same leaves.
TEST(LeafScanTest, EveryWayToFindTheCellGivesTheSameLeaves) {
  const std::vector<Row> rows = RandomRows(9000, 31);
  auto version = Load(rows);
  ASSERT_NE(version, nullptr);
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("bezirk");
  q.add_group_by()->set_dimension("sex");
  v1::Filter* f = q.add_filters();
  f->set_dimension("bezirk");
  f->add_codes("101");
  f->add_codes("201");
  f->add_codes("98");
  ASSERT_OK_AND_ASSIGN(const QueryPlan plan, PlanQuery(*version, q, ComputeLimits()));
  LeafScanOptions product;
  product.keys = true;
  product.largest = true;
  LeafScanOptions fused = product;
  fused.max_product_cells = 0;
  ASSERT_OK_AND_ASSIGN(const LeafCells a, ScanLeaves(*version, plan, product));
  ASSERT_OK_AND_ASSIGN(const LeafCells b, ScanLeaves(*version, plan, fused));
  EXPECT_EQ(a.counts, b.counts);
  EXPECT_EQ(a.keys, b.keys);
  ASSERT_EQ(a.values.size(), 2u);
  EXPECT_EQ(a.values[1].sum, b.values[1].sum);
  EXPECT_EQ(a.values[1].largest, b.values[1].largest);
  EXPECT_EQ(a.values[1].second, b.values[1].second);
  // The one-pass-per-dimension path: the same table grouped also by jahr
  // (2-byte codes), summed over jahr, gives the same counts.
  v1::Query with_jahr = q;
  with_jahr.add_group_by()->set_dimension("jahr");
  ASSERT_OK_AND_ASSIGN(const QueryPlan wide, PlanQuery(*version, with_jahr, ComputeLimits()));
  ASSERT_OK_AND_ASSIGN(const LeafCells c, ScanLeaves(*version, wide, product));
  std::vector<int64_t> summed(a.counts.size(), 0);
  for (size_t leaf = 0; leaf < c.counts.size(); ++leaf) summed[leaf / 300] += c.counts[leaf];
  EXPECT_EQ(summed, a.counts);
  int64_t kept = 0;
  for (const int64_t n : a.counts) kept += n;
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 9000);  // the filter excluded rows
}

// The fused passes keep a cell's count and first sum in one word where
// both fit: the same leaves as separate accumulators, with and without the
// later passes (keys, top two) and over both cell spaces.
TEST(LeafScanTest, PackedCountsAndSumsGiveTheSameLeaves) {
  const std::vector<Row> rows = RandomRows(9000, 37);  // values in [-1000, 1000]
  auto version = Load(rows);
  ASSERT_NE(version, nullptr);
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("bezirk");
  q.add_group_by()->set_dimension("sex");
  ASSERT_OK_AND_ASSIGN(const QueryPlan plan, PlanQuery(*version, q, ComputeLimits()));
  for (const bool later : {false, true}) {
    for (const int64_t product_cells : {int64_t{4096}, int64_t{0}}) {
      LeafScanOptions packed;
      packed.keys = later;
      packed.largest = later;
      packed.max_product_cells = product_cells;
      packed.threads = 2;
      LeafScanOptions separate = packed;
      separate.pack_counts_and_sums = false;
      ASSERT_OK_AND_ASSIGN(const LeafCells a, ScanLeaves(*version, plan, packed));
      ASSERT_OK_AND_ASSIGN(const LeafCells b, ScanLeaves(*version, plan, separate));
      EXPECT_EQ(a.counts, b.counts) << later << " " << product_cells;
      EXPECT_EQ(a.keys, b.keys);
      ASSERT_EQ(a.values.size(), 2u);
      EXPECT_EQ(a.values[1].sum, b.values[1].sum);
      EXPECT_EQ(a.values[1].largest, b.values[1].largest);
      int64_t negative = 0;
      for (const int64_t sum : a.values[1].sum) negative += sum < 0;
      EXPECT_GT(negative, 0);  // the bias is taken off again
    }
  }
}

// n rows pack when n * 2 * max|value| < 2^(64 - bit_width(n)): just below
// that the biased sums fill the low bits of the word exactly; just above it
// they would carry into the count, so the scan must keep them apart.
TEST(LeafScanTest, PacksOnlyWhereTheCountAndTheSumFit) {
  const int64_t n = 9000;  // bit_width 14: the biased sum has 50 bits
  const int64_t limit = ((int64_t{1} << 50) - 1) / (2 * n);
  for (const int64_t value : {limit, limit + 1, -limit, -(limit + 1)}) {
    std::vector<Row> rows(n, Row{0, 1, 0, value});
    rows[0].wert = value > 0 ? value - 5 : value + 5;  // not all alike
    auto version = Load(rows);
    ASSERT_NE(version, nullptr);
    v1::Query q = CountAndSum();
    q.add_group_by()->set_dimension("sex");
    ASSERT_OK_AND_ASSIGN(const QueryPlan plan, PlanQuery(*version, q, ComputeLimits()));
    for (const int64_t product_cells : {int64_t{4096}, int64_t{0}}) {
      LeafScanOptions options;
      options.max_product_cells = product_cells;
      ASSERT_OK_AND_ASSIGN(const LeafCells leaves, ScanLeaves(*version, plan, options));
      EXPECT_THAT(leaves.counts, ElementsAre(0, n, 0)) << value;
      const int64_t sum = value * n + (value > 0 ? -5 : 5);
      ASSERT_EQ(leaves.values.size(), 2u);
      EXPECT_THAT(leaves.values[1].sum, ElementsAre(0, sum, 0)) << value;
    }
  }
}

TEST(TableComputerTest, ThreadsFollowTheRowsAndTheLimit) {
  EXPECT_EQ(ScanThreadsFor(1000, 2, 1 << 19), 1);
  EXPECT_EQ(ScanThreadsFor(int64_t{3} << 19, 2, 1 << 19), 2);
  EXPECT_EQ(ScanThreadsFor(int64_t{3} << 19, 1, 1 << 19), 1);
  EXPECT_EQ(ScanThreadsFor(int64_t{8} << 19, 3, 1 << 19), 3);
  EXPECT_GE(ScanThreadsFor(int64_t{8} << 19, 0, 1 << 19), 1);
}

TEST(TableComputerTest, LargestContributionsOnlyWhenAsked) {
  const std::vector<Row> rows = RandomRows(2000, 17);
  auto version = Load(rows);
  ASSERT_NE(version, nullptr);
  v1::Query q = CountAndSum();
  v1::Grouping* bezirk = q.add_group_by();
  bezirk->set_dimension("bezirk");
  bezirk->set_subtotals(true);
  q.add_group_by()->set_dimension("sex");
  q.set_totals(true);
  ComputeLimits with;
  ComputeLimits without;
  without.largest_contributions = false;
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable a, ComputeTable(*version, q, with));
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable b, ComputeTable(*version, q, without));
  EXPECT_EQ(a.measures(1).largest_size(), a.record_count_size());
  EXPECT_EQ(b.measures(1).largest_size(), 0);
  EXPECT_EQ(b.measures(1).second_largest_size(), 0);
  EXPECT_THAT(b.record_count(), ::testing::ElementsAreArray(a.record_count()));
  EXPECT_THAT(b.measures(1).sum(), ::testing::ElementsAreArray(a.measures(1).sum()));
  ExpectMatchesReference(a, q, rows);
  ExpectMatchesReference(b, q, rows);
}

TEST(TableComputerTest, OneAndTwoByteCodesGiveTheSameTable) {
  const std::vector<Row> rows = RandomRows(3000, 23);
  auto narrow = Load(rows, /*keys=*/true, /*sex_codes=*/3);
  auto wide = Load(rows, /*keys=*/true, /*sex_codes=*/400);
  ASSERT_NE(narrow, nullptr);
  ASSERT_NE(wide, nullptr);
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("sex");
  q.add_group_by()->set_dimension("bezirk");
  v1::Filter* f = q.add_filters();
  f->set_dimension("sex");
  f->add_codes("m");
  f->add_codes("w");
  f->add_codes("d");
  q.set_totals(true);
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable a, ComputeTable(*narrow, q, ComputeLimits()));
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable b, ComputeTable(*wide, q, ComputeLimits()));
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  ExpectMatchesReference(a, q, rows);
}

TEST(TableComputerTest, CellKeyOfAMarginIsTheSumOfItsPartsModOne) {
  // Random record keys over the whole uint32 range, so sums wrap often.
  const std::vector<Row> rows = RandomRows(3000, 11);
  auto version = Load(rows);
  ASSERT_NE(version, nullptr);
  v1::Query q = CountAndSum();
  v1::Grouping* bezirk = q.add_group_by();
  bezirk->set_dimension("bezirk");
  bezirk->set_subtotals(true);
  q.add_group_by()->set_dimension("sex");
  q.set_totals(true);
  ComputeLimits with_keys;
  with_keys.cell_keys = true;
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable t, ComputeTable(*version, q, with_keys));
  const int rows_of = t.axes(0).entries_size(), cols = t.axes(1).entries_size();
  ASSERT_EQ(t.cell_key_size(), rows_of * cols);
  auto key = [&](int r, int c) { return t.cell_key(r * cols + c); };
  int margins = 0;
  for (int parent = 0; parent < rows_of; ++parent) {
    for (int c = 0; c < cols; ++c) {
      uint32_t parts = 0;
      bool has_parts = false;
      for (int e = 0; e < rows_of; ++e) {
        if (t.axes(0).entries(e).parent() != parent) continue;
        parts += key(e, c);
        has_parts = true;
      }
      if (!has_parts) continue;
      EXPECT_EQ(key(parent, c), parts) << parent << "," << c;
      ++margins;
    }
  }
  for (int r = 0; r < rows_of; ++r) {
    uint32_t parts = 0;
    for (int c = 0; c + 1 < cols; ++c) parts += key(r, c);
    EXPECT_EQ(key(r, cols - 1), parts) << r;  // the sex total
  }
  EXPECT_GT(margins, 10);
}

TEST(TableComputerTest, CellKeysOnlyWhenAskedAndTheVersionHasRecordKeys) {
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("sex");
  ComputeLimits with_keys;
  with_keys.cell_keys = true;
  auto without = Load(RandomRows(10, 5), /*keys=*/false);
  ASSERT_NE(without, nullptr);
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable none, ComputeTable(*without, q, with_keys));
  EXPECT_EQ(none.cell_key_size(), 0);
  EXPECT_EQ(none.record_count_size(), 3);
  auto keyed = Load(RandomRows(10, 5));
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable not_asked, ComputeTable(*keyed, q, ComputeLimits()));
  EXPECT_EQ(not_asked.cell_key_size(), 0);
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable asked, ComputeTable(*keyed, q, with_keys));
  EXPECT_EQ(asked.cell_key_size(), 3);
}

TEST(TableComputerTest, BuildsHierarchyAxisWithSubtotalsPassThroughAndTotal) {
  auto version = Load({{0, 0, 0, 10}, {1, 1, 0, 20}, {2, 0, 0, 30}, {3, 1, 0, 40}});
  v1::Query q = CountAndSum();
  v1::Grouping* g = q.add_group_by();
  g->set_dimension("bezirk");
  g->set_subtotals(true);
  q.set_totals(true);
  ASSERT_OK_AND_ASSIGN(v1::ComputedTable t, ComputeTable(*version, q, ComputeLimits()));
  std::vector<std::string> codes;
  std::vector<int> parents;
  for (const auto& e : t.axes(0).entries()) {
    codes.push_back(e.code());
    parents.push_back(e.parent());
  }
  // Leaves, then Stadtteile, then Sozialräume, then the total; "98" adds
  // straight into the total.
  EXPECT_THAT(codes, ElementsAre("101", "102", "201", "98", "1", "2", "A", "B", "_T"));
  EXPECT_THAT(parents, ElementsAre(4, 4, 5, 8, 6, 7, 8, 8, -1));
  EXPECT_THAT(t.record_count(), ElementsAre(1, 1, 1, 1, 2, 1, 2, 1, 4));
  EXPECT_THAT(t.measures(1).sum(), ElementsAre(10, 20, 30, 40, 30, 30, 30, 30, 100));
  EXPECT_EQ(t.axes(0).entries(8).label(), "Insgesamt");
}

TEST(TableComputerTest, FiltersRestrictRowsAndAxisEntries) {
  auto version = Load({{0, 0, 0, 10}, {1, 1, 0, 20}, {2, 0, 0, 30}, {3, 2, 0, 40}});
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("bezirk");
  v1::Filter* f = q.add_filters();
  f->set_dimension("bezirk");
  f->set_level("stadtteil");
  f->add_codes("1");
  q.set_totals(true);
  ASSERT_OK_AND_ASSIGN(v1::ComputedTable t, ComputeTable(*version, q, ComputeLimits()));
  ASSERT_EQ(t.axes(0).entries_size(), 3);  // 101, 102, total
  EXPECT_THAT(t.record_count(), ElementsAre(1, 1, 2));
  EXPECT_TRUE(t.sensitive_dimensions().empty());
}

TEST(TableComputerTest, ReportsSensitiveDimensionsGroupedOrFiltered) {
  auto version = Load({{0, 0, 0, 10}});
  v1::Query q = CountAndSum();
  v1::Filter* f = q.add_filters();
  f->set_dimension("sex");
  f->add_codes("m");
  ASSERT_OK_AND_ASSIGN(v1::ComputedTable t, ComputeTable(*version, q, ComputeLimits()));
  EXPECT_THAT(t.sensitive_dimensions(), ElementsAre("sex"));
}

TEST(TableComputerTest, IsDeterministic) {
  auto version = Load(RandomRows(1000, 3));
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("jahr");
  q.add_group_by()->set_dimension("sex");
  q.set_totals(true);
  ASSERT_OK_AND_ASSIGN(v1::ComputedTable a, ComputeTable(*version, q, ComputeLimits()));
  ASSERT_OK_AND_ASSIGN(v1::ComputedTable b, ComputeTable(*version, q, ComputeLimits()));
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
}

TEST(TableComputerTest, NamesWhatIsWrongWithAQuery) {
  auto version = Load({{0, 0, 0, 10}});
  const ComputeLimits limits;
  auto expect = [&](v1::Query q, const std::string& message) {
    EXPECT_THAT(ComputeTable(*version, q, limits),
                StatusIs(absl::StatusCode::kInvalidArgument, message));
  };
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("stadtteill");
  expect(q, "unknown dimension \"stadtteill\"");
  q = CountAndSum();
  q.add_group_by()->set_dimension("wert");
  expect(q, "column \"wert\" is not a dimension");
  q = CountAndSum();
  q.add_group_by()->set_dimension("bezirk");
  q.mutable_group_by(0)->set_level("kreis");
  expect(q, "dimension \"bezirk\" has no level \"kreis\"");
  q = CountAndSum();
  v1::Filter* f = q.add_filters();
  f->set_dimension("bezirk");
  f->set_level("stadtteil");
  f->add_codes("99");
  expect(q, "dimension \"bezirk\" has no code \"99\" at level \"stadtteil\"");
  q = CountAndSum();
  q.add_group_by()->set_dimension("sex");
  q.add_group_by()->set_dimension("sex");
  expect(q, "dimension \"sex\" is grouped twice");
  q = CountAndSum();
  q.mutable_measures(1)->clear_column();
  expect(q, "measure 2: SUM needs a measure column");
  q = CountAndSum();
  q.mutable_measures(0)->set_column("wert");
  expect(q, "measure 1: COUNT takes no column");
  q = CountAndSum();
  q.mutable_measures(1)->set_column("x");
  expect(q, "unknown measure column \"x\"");
  q = v1::Query();
  expect(q, "query needs at least one measure");
  q = CountAndSum();
  q.add_filters()->set_dimension("sex");
  expect(q, "filter on \"sex\" has no codes");
}

TEST(TableComputerTest, RefusesOversizedTableBeforeScanning) {
  auto version = Load(RandomRows(10, 1));
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("jahr");
  q.add_group_by()->set_dimension("bezirk");
  q.add_group_by()->set_dimension("sex");
  q.set_totals(true);
  ComputeLimits limits;
  limits.max_cells = 1000;
  EXPECT_THAT(ComputeTable(*version, q, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, "table would have 6020 cells, limit 1000"));
  limits.max_dimensions = 2;
  EXPECT_THAT(ComputeTable(*version, q, limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "query has 3 grouping dimensions, limit 2"));
}

TEST(TableComputerTest, SumOverflowIsOutOfRange) {
  auto version = Load({{0, 0, 0, INT64_MAX}, {0, 0, 0, 1}});
  EXPECT_THAT(ComputeTable(*version, CountAndSum(), ComputeLimits()),
              StatusIs(absl::StatusCode::kOutOfRange));
  // A margin over two leaves that fit.
  auto margin = Load({{0, 0, 0, INT64_MAX}, {1, 0, 0, 1}});
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("bezirk");
  q.set_totals(true);
  EXPECT_THAT(ComputeTable(*margin, q, ComputeLimits()), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(TableComputerTest, SumsAreExactWhateverTheRowOrder) {
  // A running sum would pass INT64_MAX after the second row; the exact sum
  // fits and is the cell's value.
  auto version = Load({{0, 0, 0, INT64_MAX}, {0, 0, 0, 1}, {0, 0, 0, -1}});
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable t,
                       ComputeTable(*version, CountAndSum(), ComputeLimits()));
  EXPECT_THAT(t.measures(1).sum(), ElementsAre(INT64_MAX));
  EXPECT_THAT(t.measures(1).largest(), ElementsAre(INT64_MAX));
  EXPECT_THAT(t.measures(1).second_largest(), ElementsAre(1));
}

// A measure column of 8 MiB and more is moved onto huge pages where the
// kernel has them: the version still holds the rows it was given.
TEST(LoadedVersionTest, ColumnsOnHugePagesKeepTheirRows) {
  const std::vector<Row> rows = RandomRows(1 << 20, 41);  // "wert": 8 MiB
  auto version = Load(rows, /*keys=*/false);
  ASSERT_NE(version, nullptr);
  v1::Query q = CountAndSum();
  q.add_group_by()->set_dimension("sex");
  ASSERT_OK_AND_ASSIGN(const v1::ComputedTable t, ComputeTable(*version, q, ComputeLimits()));
  std::vector<int64_t> counts(3, 0), sums(3, 0);
  for (const Row& r : rows) {
    ++counts[static_cast<size_t>(r.sex)];
    sums[static_cast<size_t>(r.sex)] += r.wert;
  }
  EXPECT_THAT(t.record_count(), ElementsAre(counts[0], counts[1], counts[2]));
  EXPECT_THAT(t.measures(1).sum(), ElementsAre(sums[0], sums[1], sums[2]));
}

TEST(LoadedVersionTest, RejectsInconsistentColumns) {
  v1::VersionData data;
  data.mutable_info()->set_row_count(2);
  v1::ColumnData* c = data.add_columns();
  c->set_name("bezirk");
  c->set_width(1);
  c->set_data(std::string("\x00\x09", 2));  // code 9 does not exist
  EXPECT_THAT(LoadedVersion::Create(TestSchema(), data),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("bezirk")));
}

// The release ledger's atoms: bezirk split into {101, 102} and {201, 98},
// sex into {m} and {w, d}; counts per atom, row-major.
TEST(PartitionCounterTest, CountsRecordsPerAtomInOnePass) {
  const auto version = Load({{0, 0, 0, 1}, {1, 0, 5, 1}, {2, 1, 0, 1}, {3, 2, 0, 1}, {0, 1, 0, 1}});
  const std::vector<CodePartition> partition = {
      {"bezirk", {0, 0, 1, 1}, /*stride=*/2}, {"sex", {0, 1, 1}, /*stride=*/1}};
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> counts, CountByPartition(*version, partition, 4));
  EXPECT_THAT(counts, ElementsAre(2, 1, 0, 2));
  // Summing the atoms gives back every record.
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> total, CountByPartition(*version, {}, 1));
  EXPECT_THAT(total, ElementsAre(5));
}

TEST(PartitionCounterTest, RejectsMapsThatDoNotFitTheVersion) {
  const auto version = Load({{0, 0, 0, 1}});
  EXPECT_THAT(CountByPartition(*version, {{"nope", {0}, 1}}, 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nope")));
  EXPECT_THAT(CountByPartition(*version, {{"sex", {0, 1}, 1}}, 2),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("maps 2 codes of 3")));
  EXPECT_THAT(CountByPartition(*version, {{"sex", {0, 1, 2}, 1}}, 2),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reaches cell 2")));
}

}  // namespace
}  // namespace cellgate::engine
