// Attacks on sums across releases (docs/adr/0011-ledger-sums-and-scale.md):
// each first succeeds against the baseline (the same pipeline, data and
// per-table rules, without the release ledger), then fails against
// cellgate. The attacker solves her own LP over the days absent of every
// combination of codes (attack_world.h). The policy: k = 3 and the
// dominance rule (1, 85): a sum is sensitive if one pupil holds more than
// 85 % of it, and must then stay open by its protection level.
#include <algorithm>
#include <cmath>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/attacks/attack_world.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::attacks {
namespace {

using Set = std::map<std::string, std::vector<std::string>>;

constexpr int kK = 3;
// The one pupil at school s4 whose days absent dominate the school's sum.
constexpr int kDominant = 307;

// Stadtteil 1: 39 pupils at s1 and s2 (3..7 days), and 4 girls at s4: one
// with kDominant days, three with 1..3. Each Stadtteil 1 table alone is
// safe (the dominant pupil holds 307 of 506 days, 61 %), but s4's 4 pupils
// sum to 313, 98 % one pupil's. Stadtteile 2..4: a few dozen more.
std::vector<Pupil> Schulen() {
  std::vector<Pupil> pupils;
  auto add = [&](int n, const std::string& st, const std::string& school, const std::string& sex,
                 const std::string& nat = "de") {
    for (int i = 0; i < n; ++i) pupils.push_back({st, school, sex, nat, 3 + i % 5});
  };
  add(10, "1", "s1", "m");
  add(10, "1", "s1", "w");
  add(10, "1", "s2", "m");
  add(9, "1", "s2", "w");
  pupils.push_back({"1", "s4", "w", "de", kDominant});
  for (int days = 1; days <= 3; ++days) pupils.push_back({"1", "s4", "w", "nd", days});
  add(12, "2", "s3", "m");
  add(11, "2", "s3", "w", "nd");
  add(15, "3", "s3", "w");
  add(14, "4", "s2", "m", "nd");
  return pupils;
}

v1::DisclosurePolicy DominancePolicy() {
  v1::DisclosurePolicy policy;
  policy.set_id("sums");
  policy.set_version(1);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(kK);
  policy.mutable_magnitude()->mutable_dominance()->set_n(1);
  policy.mutable_magnitude()->mutable_dominance()->set_k(85);
  return policy;
}

// What the dominance rule (1, 85) and the default 10 % demand of a sum
// with largest record x1: it must be able to reach max(sum · 1.1, x1 / 0.85)
// and fall to sum - that same distance.
double LevelOf(double sum, double x1) {
  return std::max({1.0, std::ceil(sum * 0.10), std::ceil(100.0 / 85 * x1 - sum)});
}

// True if the attacker's bounds keep `sum` open by its level both ways.
bool Open(const Attacker::Bounds& bounds, double sum, double x1) {
  const double level = LevelOf(sum, x1);
  return bounds.upper >= sum + level - 1e-6 && bounds.lower <= sum - level + 1e-6;
}

class SumAttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const v1::DisclosurePolicy policy = DominancePolicy();
    ASSERT_OK_AND_ASSIGN(world_, AttackWorld::Create(Schulen(), &policy));
    baseline_ = std::make_unique<Attacker>(world_->schema());
    cellgate_ = std::make_unique<Attacker>(world_->schema());
  }

  // Asks `ask` of both pipelines; each attacker learns what her pipeline
  // released. cellgate may refuse, never fail otherwise.
  void Both(const Ask& ask) {
    absl::StatusOr<v1::QueryResponse> base = world_->Baseline(ask);
    ASSERT_OK(base.status());
    baseline_->Learn(ToQuery(ask), base->table());
    absl::StatusOr<v1::QueryResponse> safe = world_->Cellgate(ask);
    EXPECT_THAT(std::string(safe.status().message()),
                ::testing::Not(::testing::HasSubstr(std::to_string(kDominant))));
    if (safe.ok()) {
      cellgate_->Learn(ToQuery(ask), safe->table());
      last_ = safe->table();
    } else {
      ASSERT_EQ(safe.status().code(), absl::StatusCode::kFailedPrecondition) << safe.status();
      last_.Clear();
    }
  }

  std::unique_ptr<AttackWorld> world_;
  std::unique_ptr<Attacker> baseline_;
  std::unique_ptr<Attacker> cellgate_;
  v1::ReleasedTable last_;
};

// (a) Sum differencing of nested filters: Stadtteil 1's days absent, then
// the same without school s4. The removed set has 4 pupils (k = 3: the
// counts are safe) but one dominant pupil.
TEST_F(SumAttackTest, SumDifferencingOfNestedFilters) {
  Both({.filters = {{"stadtteil", {"1"}}}, .sum = true});
  Both({.filters = {{"stadtteil", {"1"}}, {"schule", {"s1", "s2", "s3"}}}, .sum = true});
  const Set s4 = {{"stadtteil", {"1"}}, {"schule", {"s4"}}};
  const double s4_days = kDominant + 1 + 2 + 3;
  const Attacker::Bounds base = baseline_->SumOf(s4);
  EXPECT_EQ(base.lower, s4_days);  // pinned: 506 - 193
  EXPECT_EQ(base.upper, s4_days);
  EXPECT_FALSE(Open(base, s4_days, kDominant));
  EXPECT_TRUE(Open(cellgate_->SumOf(s4), s4_days, kDominant));
  // The counts never were the problem: 4 pupils can reach k either way.
  EXPECT_GE(baseline_->CountOf(s4).upper, kK);
  // The DPO sees that the sum, not a count, made the cell suppressed.
  ASSERT_OK_AND_ASSIGN(v1::AuditRecord record, world_->LastAuditRecord());
  EXPECT_THAT(record.ledger_audit().sum_columns(), ::testing::ElementsAre("fehltage"));
  EXPECT_EQ(record.ledger_audit().sums_suppressed(), 1);
  EXPECT_EQ(record.ledger_audit().ledger_suppressed(), 0);
  EXPECT_GT(record.ledger_audit().sensitive_sums(), 0);
  EXPECT_THAT(record.reason_codes(), ::testing::Contains("ledger"));
  ASSERT_EQ(last_.cells_size(), 1);
  EXPECT_EQ(last_.cells(0).values(1).status(), v1::SUPPRESSED);
}

// (b) Mean differencing over two releases (O15, for a group): the mean
// days absent of Stadtteil 1's girls, then of its girls outside s4. With
// the counts, n·mean - n'·mean' is the 4 s4 girls' sum.
TEST_F(SumAttackTest, MeanDifferencingOverTwoReleases) {
  const Ask girls = {.group_by = {"sex"}, .filters = {{"stadtteil", {"1"}}}, .totals = true,
                     .mean = true};
  const Ask girls_without_s4 = {.group_by = {"sex"},
                                .filters = {{"stadtteil", {"1"}}, {"schule", {"s1", "s2"}}},
                                .totals = true,
                                .mean = true};
  // The attack on the figures themselves, as O15 writes it.
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse all, world_->Baseline(girls));
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse rest, world_->Baseline(girls_without_s4));
  const v1::ReleasedCell& w_all = all.table().cells(1);
  const v1::ReleasedCell& w_rest = rest.table().cells(1);
  ASSERT_EQ(w_all.values(1).status(), v1::PUBLISHED);
  ASSERT_EQ(w_rest.values(1).status(), v1::PUBLISHED);
  const double s4_days = w_all.values(0).value() * w_all.values(1).value() -
                         w_rest.values(0).value() * w_rest.values(1).value();
  EXPECT_NEAR(s4_days, kDominant + 6, 1e-6);

  Both(girls);
  Both(girls_without_s4);
  const Set s4_girls = {{"stadtteil", {"1"}}, {"schule", {"s4"}}, {"sex", {"w"}}};
  EXPECT_FALSE(Open(baseline_->SumOf(s4_girls), kDominant + 6, kDominant));
  EXPECT_TRUE(Open(cellgate_->SumOf(s4_girls), kDominant + 6, kDominant));
  // cellgate published something of the second table: not a refusal.
  ASSERT_EQ(last_.cells_size(), 3);
  EXPECT_EQ(last_.cells(0).values(1).status(), v1::PUBLISHED);  // the boys
}

// (c) Many related releases of one population, counts and means, asked in
// a fixed random order: every describable set of 1 .. k-1 pupils can still
// hold k, and every atom and released cell whose sum is sensitive stays
// open by its level. The baseline gives some of both away.
TEST(SumScaleTest, ManyRelatedReleasesStayJointlySafe) {
  const v1::DisclosurePolicy policy = DominancePolicy();
  const std::vector<Pupil> pupils = Schulen();
  ASSERT_OK_AND_ASSIGN(auto world, AttackWorld::Create(pupils, &policy));
  Attacker baseline(world->schema()), cellgate(world->schema());
  const std::vector<std::string> dims = {"stadtteil", "schule", "sex", "nat"};
  const std::map<std::string, std::vector<std::string>> codes = {
      {"stadtteil", {"1", "2", "3", "4"}}, {"schule", {"s1", "s2", "s3", "s4"}},
      {"sex", {"m", "w"}}, {"nat", {"de", "nd"}}};
  std::mt19937 random(20261201);
  std::vector<std::pair<Ask, bool>> released;  // and whether cellgate answered
  constexpr int kReleases = 120;
  int answered = 0;
  for (int r = 0; r < kReleases; ++r) {
    Ask ask;
    ask.totals = random() % 2 == 0;
    ask.mean = random() % 2 == 0;
    const std::string by = dims[random() % dims.size()];
    ask.group_by.push_back(by);
    if (random() % 3 == 0) {
      const std::string second = dims[random() % dims.size()];
      if (second != by) ask.group_by.push_back(second);
    }
    // A filter on one other dimension: a random non-empty code set.
    const std::string filtered = dims[random() % dims.size()];
    std::vector<std::string> keep;
    for (const std::string& code : codes.at(filtered)) {
      if (random() % 3 != 0) keep.push_back(code);
    }
    if (!keep.empty() && keep.size() < codes.at(filtered).size()) ask.filters[filtered] = keep;
    ASSERT_OK_AND_ASSIGN(v1::QueryResponse base, world->Baseline(ask));
    baseline.Learn(ToQuery(ask), base.table());
    absl::StatusOr<v1::QueryResponse> safe = world->Cellgate(ask);
    if (safe.ok()) {
      cellgate.Learn(ToQuery(ask), safe->table());
      ++answered;
    } else {
      ASSERT_EQ(safe.status().code(), absl::StatusCode::kFailedPrecondition) << safe.status();
    }
  }
  EXPECT_GT(answered, kReleases / 2);  // the audit copes, mostly by suppression
  // The later audits saw many linked releases (a query asked again is
  // answered as released, without an audit: its record links one).
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::AuditRecord> records, world->AuditRecords());
  int64_t most_linked = 0;
  for (const v1::AuditRecord& r : records) {
    most_linked = std::max<int64_t>(most_linked, r.ledger_audit().linked_releases());
  }
  EXPECT_GT(most_linked, 30);

  // Every box of code sets (one non-empty set per dimension).
  auto subsets = [](const std::vector<std::string>& all) {
    std::vector<std::vector<std::string>> out;
    for (uint32_t mask = 1; mask < (1u << all.size()); ++mask) {
      std::vector<std::string> s;
      for (size_t i = 0; i < all.size(); ++i) {
        if (mask & (1u << i)) s.push_back(all[i]);
      }
      out.push_back(s);
    }
    return out;
  };
  auto inside = [](const Pupil& p, const Set& set) {
    auto has = [&](const std::string& d, const std::string& c) {
      const auto it = set.find(d);
      return it == set.end() || std::find(it->second.begin(), it->second.end(), c) != it->second.end();
    };
    return has("stadtteil", p.stadtteil) && has("schule", p.schule) && has("sex", p.sex) &&
           has("nat", p.nat);
  };
  int small_sets = 0, baseline_pinned = 0;
  for (const auto& st : subsets(codes.at("stadtteil"))) {
    for (const auto& school : subsets(codes.at("schule"))) {
      for (const auto& sex : subsets(codes.at("sex"))) {
        for (const auto& nat : subsets(codes.at("nat"))) {
          const Set set = {{"stadtteil", st}, {"schule", school}, {"sex", sex}, {"nat", nat}};
          int n = 0;
          for (const Pupil& p : pupils) n += inside(p, set);
          if (n == 0 || n >= kK) continue;
          ++small_sets;
          EXPECT_GE(cellgate.CountOf(set).upper, kK - 1e-6) << ::testing::PrintToString(set);
          baseline_pinned += baseline.CountOf(set).upper < kK;
        }
      }
    }
  }
  EXPECT_GT(small_sets, 0);
  EXPECT_GT(baseline_pinned, 0);  // without the ledger the releases give sets away

  // Sums: every combination of finest codes (an atom of the attacker's
  // LP) whose days absent are sensitive.
  int sensitive = 0, baseline_narrow = 0;
  for (const std::string& st : codes.at("stadtteil")) {
    for (const std::string& school : codes.at("schule")) {
      for (const std::string& sex : codes.at("sex")) {
        for (const std::string& nat : codes.at("nat")) {
          const Set set = {{"stadtteil", {st}}, {"schule", {school}}, {"sex", {sex}}, {"nat", {nat}}};
          int n = 0;
          double sum = 0, x1 = 0;
          for (const Pupil& p : pupils) {
            if (!inside(p, set)) continue;
            ++n;
            sum += p.fehltage;
            x1 = std::max<double>(x1, p.fehltage);
          }
          if (n == 0 || (n >= kK && x1 <= 0.85 * sum)) continue;
          ++sensitive;
          EXPECT_TRUE(Open(cellgate.SumOf(set), sum, x1)) << ::testing::PrintToString(set);
          baseline_narrow += !Open(baseline.SumOf(set), sum, x1);
        }
      }
    }
  }
  EXPECT_GT(sensitive, 0);
  EXPECT_GT(baseline_narrow, 0);
}

}  // namespace
}  // namespace cellgate::attacks
