// The attacker LP across releases on small hand-made populations: each
// test is an attack that works on the releases as given, and the audit
// must see it.
#include "policies/linked/linked_audit.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

// A population: per record one finest code index per dimension.
struct Population {
  std::vector<std::string> dimensions;
  std::vector<int> sizes;
  std::vector<std::vector<uint32_t>> records;

  absl::flat_hash_map<std::string, int> Sizes() const {
    absl::flat_hash_map<std::string, int> sizes_of;
    for (size_t d = 0; d < dimensions.size(); ++d) sizes_of[dimensions[d]] = sizes[d];
    return sizes_of;
  }
  size_t IndexOf(const std::string& name) const {
    return std::find(dimensions.begin(), dimensions.end(), name) - dimensions.begin();
  }
  // Per record, its value of the one measure column "tage" (0 if absent).
  std::vector<int64_t> values = {};

  int64_t ValueOf(size_t record) const { return record < values.size() ? values[record] : 0; }
  // The magnitude facts of "tage" per atom, as the ledger scans them.
  AtomMagnitudes Magnitudes() const {
    return [this](const AtomSpace& space, int c, const std::string& column)
               -> absl::StatusOr<AtomSums> {
      if (column != "tage") return absl::InvalidArgumentError("no such column");
      const Clique& clique = space.cliques()[c];
      AtomSums sums;
      sums.facts.assign(clique.atoms, {});
      for (size_t r = 0; r < records.size(); ++r) {
        int64_t atom = 0;
        for (size_t j = 0; j < clique.dimensions.size(); ++j) {
          const DimensionBlocks& d = space.dimensions()[clique.dimensions[j]];
          atom += d.block_of[records[r][IndexOf(d.dimension)]] * clique.strides[j];
        }
        Contributions& f = sums.facts[atom];
        const double v = static_cast<double>(ValueOf(r));
        f.sum += v;
        if (v > f.largest) {
          f.second = f.largest;
          f.largest = v;
        } else if (v > f.second) {
          f.second = v;
        }
      }
      return sums;
    };
  }
  // Counts records per atom, as the engine does over a loaded version.
  AtomCounter Counter() const {
    return [this](const AtomSpace& space, int c) -> absl::StatusOr<std::vector<int64_t>> {
      const Clique& clique = space.cliques()[c];
      std::vector<int64_t> counts(clique.atoms, 0);
      for (const auto& record : records) {
        int64_t atom = 0;
        for (size_t j = 0; j < clique.dimensions.size(); ++j) {
          const DimensionBlocks& d = space.dimensions()[clique.dimensions[j]];
          atom += d.block_of[record[IndexOf(d.dimension)]] * clique.strides[j];
        }
        ++counts[atom];
      }
      return counts;
    };
  }
};

v1::CodeSet Codes(std::vector<uint32_t> codes) {
  v1::CodeSet set;
  if (codes.empty()) set.set_all(true);
  for (uint32_t c : codes) set.add_codes(c);
  return set;
}

bool Contains(const v1::CodeSet& set, uint32_t code) {
  return set.all() || std::find(set.codes().begin(), set.codes().end(), code) != set.codes().end();
}

// True if `record` passes the filters of `release` and lies in `cell`.
bool InCell(const Population& population, const v1::LedgerRelease& release, int64_t cell,
            const std::vector<uint32_t>& record) {
  for (const v1::LedgerFilter& f : release.filters()) {
    if (!Contains(f.codes(), record[population.IndexOf(f.dimension())])) return false;
  }
  for (int a = release.axes_size() - 1; a >= 0; --a) {
    const v1::LedgerAxis& axis = release.axes(a);
    const v1::CodeSet& entry = axis.entries(static_cast<int>(cell % axis.entries_size()));
    cell /= axis.entries_size();
    if (!Contains(entry, record[population.IndexOf(axis.dimension())])) return false;
  }
  return true;
}

// A release with its counts computed from `population`; `axes` maps a
// dimension to its entries ({} is the total). Cells listed in
// `suppressed` are suppressed.
v1::LedgerRelease Release(const Population& population, const std::string& id,
                          const std::map<std::string, std::vector<uint32_t>>& filters,
                          const std::vector<std::pair<std::string, std::vector<std::vector<uint32_t>>>>& axes,
                          const std::vector<int>& suppressed = {}) {
  v1::LedgerRelease release;
  release.set_release_id(id);
  for (const auto& [dimension, codes] : filters) {
    v1::LedgerFilter& filter = *release.add_filters();
    filter.set_dimension(dimension);
    *filter.mutable_codes() = Codes(codes);
  }
  int64_t cells = 1;
  for (const auto& [dimension, entries] : axes) {
    v1::LedgerAxis& axis = *release.add_axes();
    axis.set_dimension(dimension);
    for (const auto& entry : entries) *axis.add_entries() = Codes(entry);
    cells *= static_cast<int64_t>(entries.size());
  }
  for (int64_t cell = 0; cell < cells; ++cell) {
    int64_t count = 0;
    for (const auto& record : population.records) {
      count += InCell(population, release, cell, record);
    }
    release.add_counts(count);
    release.add_suppressed(std::find(suppressed.begin(), suppressed.end(), cell) !=
                           suppressed.end());
  }
  return release;
}

// The same release with the sums of "tage" published too (a SUM or MEAN
// table).
v1::LedgerRelease WithSums(const Population& population, v1::LedgerRelease release) {
  v1::LedgerSums& sums = *release.add_sums();
  sums.set_column("tage");
  for (int64_t cell = 0; cell < release.counts_size(); ++cell) {
    int64_t sum = 0;
    for (size_t r = 0; r < population.records.size(); ++r) {
      const auto& record = population.records[r];
      if (InCell(population, release, cell, record)) sum += population.ValueOf(r);
    }
    sums.add_values(sum);
  }
  return release;
}

// Stadtteil 0 has 10 pupils: 8 at schools 0 and 1, 2 at school 2.
Population Schools() {
  Population p{{"stadtteil", "schule"}, {2, 3}, {}};
  for (int i = 0; i < 4; ++i) p.records.push_back({0, 0});
  for (int i = 0; i < 4; ++i) p.records.push_back({0, 1});
  for (int i = 0; i < 2; ++i) p.records.push_back({0, 2});
  for (int i = 0; i < 30; ++i) p.records.push_back({1, static_cast<uint32_t>(i % 3)});
  return p;
}

absl::StatusOr<LinkedAuditResult> Audit(const Population& population,
                                        std::vector<const v1::LedgerRelease*> releases) {
  return AuditLinkedReleases(releases, population.Sizes(), population.Counter(), {.k = 3});
}

TEST(LinkedAuditTest, DifferencingNestedFiltersIsExposed) {
  const Population p = Schools();
  // The Stadtteil total, then the same without school 2: 10 - 8 = 2.
  const v1::LedgerRelease total = Release(p, "total", {{"stadtteil", {0}}}, {});
  const v1::LedgerRelease without = Release(p, "without", {{"stadtteil", {0}}, {"schule", {0, 1}}}, {});
  ASSERT_EQ(total.counts(0) - without.counts(0), 2);  // the attack works on these figures
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult result, Audit(p, {&total, &without}));
  ASSERT_EQ(result.exposed.size(), 1u);
  EXPECT_EQ(result.exposed[0].required_rise, 1);  // 2 must be able to reach 3
  // The repair: the second table's one cell must be able to be 1 smaller.
  ASSERT_EQ(result.exposed[0].moves.size(), 1u);
  EXPECT_EQ(result.exposed[0].moves[0].cell, 0);
  EXPECT_DOUBLE_EQ(result.exposed[0].moves[0].delta, -1);
  // Each release alone is harmless.
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult alone, Audit(p, {&without}));
  EXPECT_THAT(alone.exposed, IsEmpty());
}

TEST(LinkedAuditTest, SuppressingTheCandidateCellClosesTheDifference) {
  const Population p = Schools();
  const v1::LedgerRelease total = Release(p, "total", {{"stadtteil", {0}}}, {});
  const v1::LedgerRelease without =
      Release(p, "without", {{"stadtteil", {0}}, {"schule", {0, 1}}}, {}, /*suppressed=*/{0});
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult result, Audit(p, {&total, &without}));
  EXPECT_THAT(result.exposed, IsEmpty());
  EXPECT_GT(result.sensitive_atoms, 0);
}

TEST(LinkedAuditTest, TablesSharingAMarginExposeAHiddenCell) {
  // District 0: 1 boy, 9 girls. District 1: 10 boys, 10 girls.
  Population p{{"bezirk", "sex"}, {2, 2}, {}};
  p.records.push_back({0, 0});
  for (int i = 0; i < 9; ++i) p.records.push_back({0, 1});
  for (int i = 0; i < 20; ++i) p.records.push_back({1, static_cast<uint32_t>(i % 2)});
  // District 0 by sex: the boy and, to protect him, the girls suppressed;
  // the district total (10) published. Safe alone: the boy could be 1 .. 9.
  const v1::LedgerRelease district_by_sex =
      Release(p, "by_sex", {{"bezirk", {0}}}, {{"sex", {{0}, {1}, {}}}}, /*suppressed=*/{0, 1});
  // Girls by district: nothing small, all published (9, 10, 19).
  const v1::LedgerRelease girls_by_district =
      Release(p, "girls", {{"sex", {1}}}, {{"bezirk", {{0}, {1}, {}}}});
  ASSERT_EQ(district_by_sex.counts(2) - girls_by_district.counts(0), 1);  // the boy, recomputed
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult first, Audit(p, {&district_by_sex}));
  EXPECT_THAT(first.exposed, IsEmpty());
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult second, Audit(p, {&girls_by_district}));
  EXPECT_THAT(second.exposed, IsEmpty());
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult together,
                       Audit(p, {&district_by_sex, &girls_by_district}));
  // The girls of district 0 were suppressed before: they stay so first,
  // and nothing else is audited until they are.
  EXPECT_THAT(together.previously_suppressed, ElementsAre(0));
  EXPECT_THAT(together.exposed, IsEmpty());
  const v1::LedgerRelease girls_kept =
      Release(p, "girls", {{"sex", {1}}}, {{"bezirk", {{0}, {1}, {}}}}, /*suppressed=*/{0});
  ASSERT_OK_AND_ASSIGN(together, Audit(p, {&district_by_sex, &girls_kept}));
  ASSERT_EQ(together.exposed.size(), 1u);
  EXPECT_EQ(together.exposed[0].required_rise, 2);  // 1 must be able to reach 3
  // The girls table must give way: its cells that move, never the earlier
  // table's.
  EXPECT_THAT(together.exposed[0].moves, Not(IsEmpty()));
  // Its girls of district 0 hidden behind district 1, the pair is safe.
  const v1::LedgerRelease girls_protected =
      Release(p, "girls", {{"sex", {1}}}, {{"bezirk", {{0}, {1}, {}}}}, /*suppressed=*/{0, 1});
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult repaired,
                       Audit(p, {&district_by_sex, &girls_protected}));
  EXPECT_THAT(repaired.exposed, IsEmpty());
}

TEST(LinkedAuditTest, NamesCellsTheCandidateWouldPublishAfterAnEarlierSuppression) {
  const Population p = Schools();
  const v1::LedgerRelease first =
      Release(p, "first", {}, {{"stadtteil", {{0}, {1}, {}}}}, /*suppressed=*/{0, 1});
  const v1::LedgerRelease again = Release(p, "again", {}, {{"stadtteil", {{0}, {1}, {}}}});
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult result, Audit(p, {&first, &again}));
  EXPECT_THAT(result.previously_suppressed, ElementsAre(0, 1));
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult same, Audit(p, {&first, &first}));
  EXPECT_THAT(same.previously_suppressed, IsEmpty());
}

TEST(LinkedAuditTest, CliquesMeetInSeparatorMarginsAndAnExposureCrossesThem) {
  // District 0: 1 boy, 9 girls; district 1: 10 and 10. Schools s0..s2.
  Population p{{"bezirk", "sex", "schule"}, {2, 2, 3}, {}};
  p.records.push_back({0, 0, 0});
  for (int i = 0; i < 9; ++i) p.records.push_back({0, 1, static_cast<uint32_t>(i % 3)});
  for (int i = 0; i < 20; ++i) p.records.push_back({1, static_cast<uint32_t>(i % 2), static_cast<uint32_t>(i % 3)});
  // District 0 by sex (its boy and girls hidden, total 10), district 1 by
  // sex (all published), and the city's girls by school (19 in all).
  const v1::LedgerRelease d0 =
      Release(p, "d0", {{"bezirk", {0}}}, {{"sex", {{0}, {1}, {}}}}, /*suppressed=*/{0, 1});
  const v1::LedgerRelease d1 = Release(p, "d1", {{"bezirk", {1}}}, {{"sex", {{0}, {1}, {}}}});
  const v1::LedgerRelease girls =
      Release(p, "girls", {{"sex", {1}}}, {{"schule", {{0}, {1}, {2}, {}}}});
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult districts, Audit(p, {&d0, &d1}));
  EXPECT_THAT(districts.exposed, IsEmpty());
  // Girls of district 0 = 19 - 10, so its boy = 10 - 9: the separator
  // (sex) carries the girls' total from the school clique to the district
  // clique.
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult all, Audit(p, {&d0, &d1, &girls}));
  EXPECT_EQ(all.cliques, 2);
  EXPECT_EQ(all.atoms, 2 * 2 + 2 * 3);  // not 2 * 2 * 3 over one clique
  ASSERT_EQ(all.exposed.size(), 1u);
  EXPECT_THAT(all.exposed[0].moves, Not(IsEmpty()));
}

TEST(LinkedAuditTest, ASensitiveDimensionRaisesKOnlyForAtomsThatUseIt) {
  const Population p = Schools();
  // Stadtteil 0 has 10 pupils, 2 at school 2; with k = 3 for schools and
  // k = 12 for Stadtteile, the Stadtteil atom (10) is small, the school
  // atoms are judged by k = 3.
  const v1::LedgerRelease by_stadtteil =
      Release(p, "st", {}, {{"stadtteil", {{0}, {1}, {}}}});
  LinkedAuditOptions options{.k = 3, .k_of_dimension = {{"stadtteil", 12}}};
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult raised,
                       AuditLinkedReleases({&by_stadtteil}, p.Sizes(), p.Counter(), options));
  EXPECT_EQ(raised.sensitive_atoms, 1);  // Stadtteil 0 with 10 < 12
  EXPECT_EQ(raised.exposed.size(), 1u);  // published, so pinned
  options.k_of_dimension = {{"schule", 12}};
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult other,
                       AuditLinkedReleases({&by_stadtteil}, p.Sizes(), p.Counter(), options));
  EXPECT_EQ(other.sensitive_atoms, 0);
}

TEST(LinkedAuditTest, ReleasesOfAnotherVersionAreRejected) {
  const Population p = Schools();
  v1::LedgerRelease stale = Release(p, "stale", {{"stadtteil", {0}}}, {});
  stale.set_counts(0, 11);  // made from a version with one pupil more
  EXPECT_THAT(Audit(p, {&stale}), StatusIs(absl::StatusCode::kInternal));
}

TEST(LinkedAuditTest, TooManyAtomsIsRefusedBeforeAnyWork) {
  const Population p = Schools();
  const v1::LedgerRelease split =
      Release(p, "split", {}, {{"stadtteil", {{0}, {1}}}, {"schule", {{0}, {1}, {2}}}});
  EXPECT_THAT(AuditLinkedReleases({&split}, p.Sizes(), p.Counter(), {.k = 3, .max_atoms = 5}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult fits, Audit(p, {&split}));
  EXPECT_EQ(fits.atoms, 6);
}

// Stadtteil 0: 16 pupils at schools 0 and 1 with 2 days each, and 3 at
// school 2, one of whom has 90 days: school 2 sums to 92, dominated by one
// pupil (98 %), though it holds k = 3 records.
Population Dominated() {
  Population p = {{"stadtteil", "schule"}, {2, 3}, {}};
  for (int i = 0; i < 16; ++i) {
    p.records.push_back({0, static_cast<uint32_t>(i % 2)});
    p.values.push_back(2);
  }
  for (int64_t v : {90, 1, 1}) {
    p.records.push_back({0, 2});
    p.values.push_back(v);
  }
  for (int i = 0; i < 30; ++i) {
    p.records.push_back({1, static_cast<uint32_t>(i % 3)});
    p.values.push_back(3);
  }
  return p;
}

class LinkedSumsTest : public ::testing::Test {
 protected:
  LinkedSumsTest() : dominance_(DominanceConfig()) {}
  static v1::DominanceRule DominanceConfig() {
    v1::DominanceRule config;
    config.set_n(1);
    config.set_k(85);
    return config;
  }
  absl::StatusOr<LinkedAuditResult> Audit(const std::vector<const v1::LedgerRelease*>& releases,
                                          bool with_dominance = true) {
    LinkedAuditOptions options{.k = 3};
    options.magnitudes = population_.Magnitudes();
    options.dominance = with_dominance ? &dominance_ : nullptr;
    return AuditLinkedReleases(releases, population_.Sizes(), population_.Counter(), options);
  }

  const Population population_ = Dominated();
  const DominanceRule dominance_;
};

TEST_F(LinkedSumsTest, SumDifferencingOfADominatedSetIsExposed) {
  const Population& p = population_;
  // Each table alone passes (the Stadtteil: 90 of 124, 73 %), but their
  // difference is school 2's sum, 92, 98 % one pupil's.
  const v1::LedgerRelease total = WithSums(p, Release(p, "total", {{"stadtteil", {0}}}, {}));
  const v1::LedgerRelease without =
      WithSums(p, Release(p, "without", {{"stadtteil", {0}}, {"schule", {0, 1}}}, {}));
  ASSERT_EQ(total.sums(0).values(0) - without.sums(0).values(0), 92);
  ASSERT_TRUE(dominance_.Unsafe({92, 90, 1}));
  ASSERT_FALSE(dominance_.Unsafe({124, 90, 2}));
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult result, Audit({&total, &without}));
  EXPECT_THAT(result.exposed, IsEmpty());  // 3 pupils: the counts are safe
  EXPECT_THAT(result.sum_columns, ElementsAre("tage"));
  ASSERT_THAT(result.exposed_sums, Not(IsEmpty()));
  for (const ExposedSum& exposed : result.exposed_sums) {
    EXPECT_FALSE(exposed.before);
    ASSERT_EQ(exposed.moves.size(), 1u);
    EXPECT_EQ(exposed.moves[0].cell, 0);  // the candidate's one cell must give way
  }
  // Without a magnitude rule, three pupils' sum is not sensitive.
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult no_rule, Audit({&total, &without}, false));
  EXPECT_THAT(no_rule.exposed_sums, IsEmpty());
  // The candidate's sum suppressed, the difference is open again.
  const v1::LedgerRelease hidden = WithSums(
      p, Release(p, "without", {{"stadtteil", {0}}, {"schule", {0, 1}}}, {}, /*suppressed=*/{0}));
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult repaired, Audit({&total, &hidden}));
  EXPECT_THAT(repaired.exposed_sums, IsEmpty());
  EXPECT_GT(repaired.sensitive_sums, 0);
}

TEST_F(LinkedSumsTest, CountsAloneDoNotPinASum) {
  const Population& p = population_;
  // The same two tables as counts only: nothing about sums is known.
  const v1::LedgerRelease total = Release(p, "total", {{"stadtteil", {0}}}, {});
  const v1::LedgerRelease without =
      WithSums(p, Release(p, "without", {{"stadtteil", {0}}, {"schule", {0, 1}}}, {}));
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult result, Audit({&total, &without}));
  EXPECT_THAT(result.exposed_sums, IsEmpty());
}

TEST_F(LinkedSumsTest, ASumPinnedBeforeIsNotTheCandidatesDoing) {
  const Population& p = population_;
  const v1::LedgerRelease total = WithSums(p, Release(p, "total", {{"stadtteil", {0}}}, {}));
  const v1::LedgerRelease without =
      WithSums(p, Release(p, "without", {{"stadtteil", {0}}, {"schule", {0, 1}}}, {}));
  // A third table on the other Stadtteil, linked through the first two
  // only by the dimensions: it cannot open school 2's sum.
  const v1::LedgerRelease other =
      WithSums(p, Release(p, "other", {}, {{"stadtteil", {{0}, {1}, {}}}}));
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult result, Audit({&total, &without, &other}));
  ASSERT_THAT(result.exposed_sums, Not(IsEmpty()));
  for (const ExposedSum& exposed : result.exposed_sums) {
    EXPECT_TRUE(exposed.before);
    EXPECT_THAT(exposed.moves, IsEmpty());
  }
}

TEST(LinkedSumsCellTest, AReleasedCellIsCheckedWhereItsAtomsAreNot) {
  // Stadtteil 0: a boy with 50 days, two girls with 40 and 1: together
  // they fail p% (10): the girl with 40 could tell the boy's 50 from the
  // sum within 2 %. Stadtteil 1: 30 pupils with 3 days.
  Population p = {{"stadtteil", "sex"}, {2, 2}, {}};
  for (auto [sex, days] : std::vector<std::pair<uint32_t, int64_t>>{{0, 50}, {1, 40}, {1, 1}}) {
    p.records.push_back({0, sex});
    p.values.push_back(days);
  }
  for (int i = 0; i < 30; ++i) {
    p.records.push_back({1, static_cast<uint32_t>(i % 2)});
    p.values.push_back(3);
  }
  v1::PPercentRule config;
  config.set_p(10);
  const PPercentRule p_percent(config);
  ASSERT_TRUE(p_percent.Unsafe({91, 50, 40}));
  // Sums by Stadtteil, both hidden, the total published; counts of
  // Stadtteil 1 by sex (so that the atoms split Stadtteil 0 by sex); then
  // the candidate: the sum of Stadtteil 1, which gives Stadtteil 0's.
  const v1::LedgerRelease by_stadtteil = WithSums(
      p, Release(p, "by_stadtteil", {}, {{"stadtteil", {{0}, {1}, {}}}}, /*suppressed=*/{0, 1}));
  const v1::LedgerRelease by_sex = Release(p, "by_sex", {{"stadtteil", {1}}}, {{"sex", {{0}, {1}, {}}}});
  const v1::LedgerRelease candidate = WithSums(p, Release(p, "st1", {{"stadtteil", {1}}}, {}));
  LinkedAuditOptions options{.k = 3};
  options.magnitudes = p.Magnitudes();
  options.p_percent = &p_percent;
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult result,
                       AuditLinkedReleases({&by_stadtteil, &by_sex, &candidate}, p.Sizes(),
                                           p.Counter(), options));
  EXPECT_THAT(result.exposed, IsEmpty());
  // Each sex of Stadtteil 0 can still hold all 91 days or none, but the
  // cell of Stadtteil 0 is pinned at 91, both ways short of its level (10 %
  // of 91 here, more than p% asks: 50 · 0.1 - 1).
  ASSERT_EQ(result.exposed_sums.size(), 2u);
  EXPECT_NE(result.exposed_sums[0].up, result.exposed_sums[1].up);
  for (const ExposedSum& exposed : result.exposed_sums) {
    EXPECT_EQ(exposed.dimensions, "sex x stadtteil");
    ASSERT_EQ(exposed.moves.size(), 1u);
    EXPECT_EQ(exposed.moves[0].cell, 0);
  }
}

// Where contributors are not the records (a contributor column), one
// contributor may have records in several atoms: the top two of a union
// are bounded from above, not merged. Stadtteil 0: 45 + 5 days for each
// sex. Merged as records, the Stadtteil's 100 has tops 45 and 45 (45 %:
// safe under dominance (1, 85)); if one contributor may hold both 45s, it
// has up to 90 %.
TEST(LinkedSumsCellTest, ContributorsSpanningAtomsAreBoundedNotMerged) {
  Population p = {{"stadtteil", "sex"}, {2, 2}, {}};
  for (auto [sex, days] :
       std::vector<std::pair<uint32_t, int64_t>>{{0, 45}, {0, 5}, {1, 45}, {1, 5}}) {
    p.records.push_back({0, sex});
    p.values.push_back(days);
  }
  for (int i = 0; i < 30; ++i) {
    p.records.push_back({1, static_cast<uint32_t>(i % 2)});
    p.values.push_back(3);
  }
  v1::DominanceRule config;
  config.set_n(1);
  config.set_k(85);
  const DominanceRule dominance(config);
  // Counts of Stadtteil 0 by sex split its atoms; the candidate publishes
  // its sum.
  const v1::LedgerRelease by_sex = Release(p, "by_sex", {{"stadtteil", {0}}}, {{"sex", {{0}, {1}, {}}}});
  const v1::LedgerRelease candidate = WithSums(p, Release(p, "st0", {{"stadtteil", {0}}}, {}));
  LinkedAuditOptions options{.k = 3};
  options.dominance = &dominance;
  options.magnitudes = p.Magnitudes();
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult records,
                       AuditLinkedReleases({&by_sex, &candidate}, p.Sizes(), p.Counter(), options));
  EXPECT_THAT(records.exposed_sums, IsEmpty());
  options.magnitudes = [base = p.Magnitudes()](const AtomSpace& space, int c,
                                               const std::string& column)
      -> absl::StatusOr<AtomSums> {
    absl::StatusOr<AtomSums> sums = base(space, c, column);
    if (sums.ok()) sums->contributors_span_atoms = true;
    return sums;
  };
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult contributors,
                       AuditLinkedReleases({&by_sex, &candidate}, p.Sizes(), p.Counter(), options));
  ASSERT_THAT(contributors.exposed_sums, Not(IsEmpty()));
  EXPECT_EQ(contributors.exposed_sums[0].moves[0].cell, 0);
}

// The minimum number of contributors holds across releases too: school 2
// has two pupils (10 and 12 days); k = 2 lets its count be known, but a
// sum of two contributors tells each the other's days, and the difference
// of the two tables is that sum.
TEST(LinkedSumsCellTest, ASumOfTooFewContributorsIsSensitive) {
  Population p = {{"stadtteil", "schule"}, {2, 3}, {}};
  for (int i = 0; i < 16; ++i) {
    p.records.push_back({0, static_cast<uint32_t>(i % 2)});
    p.values.push_back(2);
  }
  for (int64_t v : {10, 12}) {
    p.records.push_back({0, 2});
    p.values.push_back(v);
  }
  for (int i = 0; i < 30; ++i) {
    p.records.push_back({1, static_cast<uint32_t>(i % 3)});
    p.values.push_back(3);
  }
  const v1::LedgerRelease total = WithSums(p, Release(p, "total", {{"stadtteil", {0}}}, {}));
  const v1::LedgerRelease without =
      WithSums(p, Release(p, "without", {{"stadtteil", {0}}, {"schule", {0, 1}}}, {}));
  LinkedAuditOptions options{.k = 2};
  options.magnitudes = p.Magnitudes();
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult no_rule,
                       AuditLinkedReleases({&total, &without}, p.Sizes(), p.Counter(), options));
  EXPECT_THAT(no_rule.exposed_sums, IsEmpty());
  const MinContributorsRule three(3);
  options.min_contributors = &three;
  ASSERT_OK_AND_ASSIGN(LinkedAuditResult result,
                       AuditLinkedReleases({&total, &without}, p.Sizes(), p.Counter(), options));
  EXPECT_THAT(result.exposed, IsEmpty());
  ASSERT_THAT(result.exposed_sums, Not(IsEmpty()));
  EXPECT_EQ(result.exposed_sums[0].moves[0].cell, 0);  // the candidate's sum gives way
}

}  // namespace
}  // namespace cellgate::policies
