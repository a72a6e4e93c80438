// The cell key method against the published oracles O11 (SDC Handbook) and
// O12 (τ-Argus ptable), with the ptables as test data under
// tests/data/ptables/, and the validation of ptables in policy files.
#include "policies/cell_key_perturbation.h"

#include <cstdlib>
#include <set>
#include <string>

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "policies/policy_loader.h"
#include "policies/table_protector.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

v1::CellKeyPerturbation Load(const std::string& name) {
  v1::CellKeyPerturbation config;
  const absl::Status parsed = ParseTextProtoFile(
      absl::StrCat(CELLGATE_SOURCE_DIR, "/tests/data/ptables/", name), *config.mutable_ptable());
  EXPECT_OK(parsed);
  return config;
}

CellKeyPerturbation Create(const v1::CellKeyPerturbation& config, int64_t k = 3) {
  absl::StatusOr<CellKeyPerturbation> created = CellKeyPerturbation::Create(config, k);
  EXPECT_OK(created.status());
  return std::move(created).value();
}

// A record or cell key written as a fraction of 1.
uint32_t Key(double fraction) { return static_cast<uint32_t>(FractionToFixed(fraction)); }

TEST(CellKeyPerturbationTest, HandbookExampleCellKeyIsTheSumOfRecordKeysModOne) {
  // O11: record keys 0.9, 0.3 and 0.6 sum to 1.8, so the cell key is 0.8:
  // uint32 arithmetic wraps at 2^32, exactly "mod 1".
  const uint32_t cell_key = Key(0.9) + Key(0.3) + Key(0.6);
  EXPECT_EQ(cell_key, Key(0.8));
  const CellKeyPerturbation ckm = Create(Load("handbook.textproto"));
  EXPECT_EQ(ckm.Perturb(3, cell_key), 4);
}

TEST(CellKeyPerturbationTest, HandbookBoundaryKeyAtTheUpperBoundBelongsToTheNextRow) {
  // Pinned convention lb <= key < ub (cellKey, τ-Argus): a cell key of
  // exactly 0.7 with count 3 gives +1; the Handbook's lb < key <= ub would
  // give 0. One unit of 2^-32 below it is still in [0.3, 0.7).
  const CellKeyPerturbation ckm = Create(Load("handbook.textproto"));
  EXPECT_EQ(ckm.Perturb(3, Key(0.7)), 4);
  EXPECT_EQ(ckm.Perturb(3, Key(0.7) - 1), 3);
  EXPECT_EQ(ckm.Perturb(3, Key(0.3)), 3);
  EXPECT_EQ(ckm.Perturb(3, Key(0.3) - 1), 2);
  EXPECT_EQ(ckm.Perturb(3, 0), 2);
  EXPECT_EQ(ckm.Perturb(3, UINT32_MAX), 4);
  EXPECT_EQ(ckm.Perturb(1, Key(0.5) - 1), 0);
  EXPECT_EQ(ckm.Perturb(1, Key(0.5)), 2);
  EXPECT_EQ(ckm.Perturb(2, Key(0.8) - 1), 2);
  EXPECT_EQ(ckm.Perturb(2, Key(0.8)), 3);
  // Counts above the table use the block of its largest count.
  EXPECT_EQ(ckm.Perturb(100, Key(0.1)), 99);
  EXPECT_EQ(ckm.Perturb(100, Key(0.5)), 100);
  EXPECT_EQ(ckm.Perturb(100, Key(0.9)), 101);
}

TEST(CellKeyPerturbationTest, TauArgusCountOneFollowsTheListedThresholds) {
  // O12: count 1 -> 0 below 0.7751, 3 below 0.8624, 4 below 0.9132, 5
  // below 0.9455, 6 below 0.9681, 7 below 0.9854, else 8.
  const CellKeyPerturbation ckm = Create(Load("tau_argus_testw.textproto"));
  const struct {
    double key;
    int64_t published;
  } cases[] = {{0.0, 0},    {0.7750, 0}, {0.7752, 3}, {0.8623, 3}, {0.8625, 4},
               {0.9131, 4}, {0.9133, 5}, {0.9454, 5}, {0.9456, 6}, {0.9680, 6},
               {0.9682, 7}, {0.9853, 7}, {0.9855, 8}, {0.99999, 8}};
  for (const auto& c : cases) EXPECT_EQ(ckm.Perturb(1, Key(c.key)), c.published) << c.key;
}

TEST(CellKeyPerturbationTest, TauArgusNeverPublishesOneOrTwoAndKeepsZero) {
  const CellKeyPerturbation ckm = Create(Load("tau_argus_testw.textproto"));
  std::set<int64_t> published_from_one;
  for (int64_t n = 1; n <= 30; ++n) {
    for (uint64_t step = 0; step < 4096; ++step) {
      const uint32_t key = static_cast<uint32_t>(step << 20 | step);
      const int64_t j = ckm.Perturb(n, key);
      EXPECT_NE(j, 1) << n;
      EXPECT_NE(j, 2) << n;
      EXPECT_LE(std::abs(j - n), 7) << n;
      if (n == 1) published_from_one.insert(j);
    }
    EXPECT_EQ(ckm.Perturb(0, Key(0.5)), 0);
  }
  EXPECT_EQ(published_from_one, (std::set<int64_t>{0, 3, 4, 5, 6, 7, 8}));
}

TEST(CellKeyPerturbationTest, TauArgusLargeCountsUseTheBlockOfTen) {
  // O12: counts >= 10 use the i = 10 block; noise 0 for keys in
  // [0.4004, 0.5996), -7 at the bottom, +7 at the top.
  const CellKeyPerturbation ckm = Create(Load("tau_argus_testw.textproto"));
  EXPECT_EQ(ckm.Perturb(25, Key(0.4003)), 24);
  EXPECT_EQ(ckm.Perturb(25, Key(0.4005)), 25);
  EXPECT_EQ(ckm.Perturb(25, Key(0.5995)), 25);
  EXPECT_EQ(ckm.Perturb(25, Key(0.5997)), 26);
  EXPECT_EQ(ckm.Perturb(25, Key(0.0001)), 18);
  EXPECT_EQ(ckm.Perturb(25, Key(0.99999)), 32);
  EXPECT_EQ(ckm.Perturb(10, Key(0.5)), 10);
}

TEST(CellKeyPerturbationTest, CountValueShowsANoisyZeroLikeAnEmptyCell) {
  const CellKeyPerturbation ckm = Create(Load("handbook.textproto"));
  EXPECT_EQ(ckm.CountValue(0, Key(0.9)).status(), v1::ZERO);
  const v1::CellValue zeroed = ckm.CountValue(1, Key(0.1));
  EXPECT_EQ(zeroed.status(), v1::ZERO);
  EXPECT_EQ(zeroed.value(), 0);
  const v1::CellValue raised = ckm.CountValue(1, Key(0.9));
  EXPECT_EQ(raised.status(), v1::PERTURBED);
  EXPECT_EQ(raised.value(), 2);
}

TEST(CellKeyPerturbationTest, ChannelsDefaultToPublic) {
  v1::CellKeyPerturbation config = Load("handbook.textproto");
  const CellKeyPerturbation public_only = Create(config);
  EXPECT_TRUE(public_only.AppliesTo(v1::PUBLIC));
  EXPECT_FALSE(public_only.AppliesTo(v1::INTERNAL));
  EXPECT_FALSE(public_only.AppliesTo(v1::CHANNEL_UNSPECIFIED));
  config.add_channels(v1::INTERNAL);
  const CellKeyPerturbation internal = Create(config);
  EXPECT_TRUE(internal.AppliesTo(v1::CHANNEL_UNSPECIFIED));
  EXPECT_FALSE(internal.AppliesTo(v1::PUBLIC));
}

// A policy file around a ptable, as the steward writes it.
std::string PolicyText(const v1::CellKeyPerturbation& config) {
  v1::DisclosurePolicy policy;
  policy.set_id("population");
  policy.set_version(1);
  policy.set_dataset("population");
  *policy.mutable_perturbation() = config;
  std::string text;
  google::protobuf::TextFormat::PrintToString(policy, &text);
  return text;
}

// Parses the policy around `config` as file "population.textproto".
absl::Status Validate(const v1::CellKeyPerturbation& config) {
  return ParsePolicy(PolicyText(config), "policies/population.textproto").status();
}

// Every ptable error names the file, the policy and the field, and never
// carries a number of the ptable (it is secret): the seeded probability
// 0.123456789 and its digits appear in none of them.
void ExpectSecretError(const v1::CellKeyPerturbation& config, const std::string& field) {
  const absl::Status s = Validate(config);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("policies/population.textproto"),
                                HasSubstr("policy \"population\""), HasSubstr(field))));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("123456")));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("876543")));
}

// The handbook ptable with count 3's first two rows at a seeded split.
v1::CellKeyPerturbation Seeded() {
  v1::CellKeyPerturbation config = Load("handbook.textproto");
  v1::PerturbationRow& first = *config.mutable_ptable()->mutable_rows(5);
  v1::PerturbationRow& second = *config.mutable_ptable()->mutable_rows(6);
  first.set_p(0.123456789);
  first.set_p_int_ub(0.123456789);
  second.set_p_int_lb(0.123456789);
  second.set_p(0.7 - 0.123456789);
  return config;
}

TEST(CellKeyPerturbationTest, SeededPtableLoads) {
  EXPECT_OK(Validate(Seeded()));
  EXPECT_OK(Validate(Load("tau_argus_testw.textproto")));
}

TEST(CellKeyPerturbationTest, IntervalsMustBeContiguous) {
  v1::CellKeyPerturbation config = Seeded();
  config.mutable_ptable()->mutable_rows(6)->set_p_int_lb(0.2);
  config.mutable_ptable()->mutable_rows(6)->set_p(0.5);
  ExpectSecretError(config, "perturbation.ptable.rows[6].p_int_lb must be the p_int_ub of the row before");
}

TEST(CellKeyPerturbationTest, FirstIntervalMustStartAtZero) {
  v1::CellKeyPerturbation config = Seeded();
  config.mutable_ptable()->mutable_rows(5)->set_p_int_lb(0.000002);
  config.mutable_ptable()->mutable_rows(5)->set_p(0.123456789 - 0.000002);
  ExpectSecretError(config, "perturbation.ptable.rows[5].p_int_lb must be 0");
}

TEST(CellKeyPerturbationTest, ProbabilitiesOfABlockMustSumToOne) {
  // The last row of count 3 ends below 1: its block covers less than [0, 1).
  v1::CellKeyPerturbation config = Seeded();
  config.mutable_ptable()->mutable_rows(7)->set_p_int_ub(0.876543);
  config.mutable_ptable()->mutable_rows(7)->set_p(0.876543 - 0.7);
  ExpectSecretError(config, "perturbation.ptable.rows[7] is the last row of its count and must "
                            "end at p_int_ub 1");
}

TEST(CellKeyPerturbationTest, ProbabilityMustBeTheWidthOfItsInterval) {
  v1::CellKeyPerturbation config = Seeded();
  config.mutable_ptable()->mutable_rows(6)->set_p(0.5);
  ExpectSecretError(config, "perturbation.ptable.rows[6].p must be p_int_ub - p_int_lb");
}

TEST(CellKeyPerturbationTest, NoPerturbedValueIsNegative) {
  v1::CellKeyPerturbation config = Seeded();
  config.mutable_ptable()->mutable_rows(1)->set_j(-1);
  config.mutable_ptable()->mutable_rows(1)->set_v(-2);
  ExpectSecretError(config, "perturbation.ptable.rows[1].j must be 0 or more");
}

TEST(CellKeyPerturbationTest, NoiseMustBeTheDifferenceOfTheCounts) {
  v1::CellKeyPerturbation config = Seeded();
  config.mutable_ptable()->mutable_rows(2)->set_v(2);
  ExpectSecretError(config, "perturbation.ptable.rows[2].v must be j - i");
}

TEST(CellKeyPerturbationTest, ZeroMapsOnlyToZero) {
  v1::CellKeyPerturbation config = Seeded();
  config.mutable_ptable()->mutable_rows(0)->set_j(1);
  config.mutable_ptable()->mutable_rows(0)->set_v(1);
  ExpectSecretError(config, "perturbation.ptable.rows[0]: a count of 0 must stay 0");
}

TEST(CellKeyPerturbationTest, EveryCountUpToTheLargestNeedsRows) {
  v1::CellKeyPerturbation config = Seeded();
  auto* rows = config.mutable_ptable()->mutable_rows();
  rows->erase(rows->begin() + 3, rows->begin() + 5);  // count 2
  ExpectSecretError(config, "perturbation.ptable lacks the rows of a count");
}

TEST(CellKeyPerturbationTest, RowsOfACountStayTogether) {
  v1::CellKeyPerturbation config = Seeded();
  *config.mutable_ptable()->add_rows() = config.ptable().rows(1);
  ExpectSecretError(config, "perturbation.ptable.rows[8] continues a count");
}

TEST(CellKeyPerturbationTest, SmallCountsMustNotBePublishedUnchanged) {
  v1::CellKeyPerturbation config;
  v1::PerturbationRow& one = *config.mutable_ptable()->add_rows();
  one.set_i(1);
  one.set_j(1);
  one.set_p(1);
  one.set_p_int_ub(1);
  ExpectSecretError(config, "perturbation.ptable publishes a count below threshold.k 3 unchanged");
}

TEST(CellKeyPerturbationTest, ChannelsMustBeNamedOnce) {
  v1::CellKeyPerturbation config = Seeded();
  config.add_channels(v1::PUBLIC);
  config.add_channels(v1::PUBLIC);
  ExpectSecretError(config, "perturbation.channels[1] names a channel twice");
  config.clear_channels();
  config.add_channels(v1::CHANNEL_UNSPECIFIED);
  ExpectSecretError(config, "perturbation.channels[0] must be INTERNAL or PUBLIC");
}

TEST(CellKeyPerturbationTest, ChannelsWithoutPtableAreRejected) {
  v1::CellKeyPerturbation config;
  config.add_channels(v1::PUBLIC);
  ExpectSecretError(config, "perturbation.ptable has no rows");
}

TEST(CellKeyPerturbationTest, PerturbationAndRoundingExcludeEachOther) {
  v1::DisclosurePolicy policy;
  policy.set_id("population");
  policy.set_version(1);
  policy.set_dataset("population");
  *policy.mutable_perturbation() = Seeded();
  policy.mutable_rounding()->set_base(5);
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("perturbation and rounding.base exclude each other")));
}

TEST(CellKeyPerturbationTest, DefaultChannelIsWrittenIntoThePolicySoBothSpellingsHashAlike) {
  v1::DisclosurePolicy implicit;
  implicit.set_id("population");
  implicit.set_version(1);
  implicit.set_dataset("population");
  *implicit.mutable_perturbation() = Seeded();
  v1::DisclosurePolicy spelled = implicit;
  spelled.mutable_perturbation()->add_channels(v1::PUBLIC);
  ASSERT_OK(ValidatePolicy(implicit));
  ASSERT_OK(ValidatePolicy(spelled));
  EXPECT_EQ(PolicyHash(implicit), PolicyHash(spelled));
}

// A one-axis count table: Stadtteil 1, 2 and the total, with cell keys.
v1::ComputedTable CountTable(std::vector<int64_t> counts, std::vector<uint32_t> keys) {
  v1::ComputedTable table;
  table.set_dataset("population");
  table.set_dataset_version(1);
  v1::Axis& axis = *table.add_axes();
  axis.set_dimension("stadtteil");
  for (const char* code : {"1", "2", "_T"}) axis.add_entries()->set_code(code);
  axis.mutable_entries(0)->set_parent(2);
  axis.mutable_entries(1)->set_parent(2);
  axis.mutable_entries(2)->set_is_total(true);
  axis.mutable_entries(2)->set_parent(-1);
  table.add_measures()->mutable_measure()->set_kind(v1::Measure::COUNT);
  table.mutable_record_count()->Assign(counts.begin(), counts.end());
  table.mutable_cell_key()->Assign(keys.begin(), keys.end());
  return table;
}

TableProtector Protector() {
  v1::DisclosurePolicy policy;
  policy.set_id("population");
  policy.set_version(1);
  policy.set_dataset("population");
  *policy.mutable_perturbation() = Load("handbook.textproto");
  absl::StatusOr<TableProtector> protector = TableProtector::Create(policy);
  EXPECT_OK(protector.status());
  return std::move(protector).value();
}

TEST(TableProtectorPerturbationTest, PerturbsEveryCountAndSuppressesNothing) {
  const TableProtector protector = Protector();
  EXPECT_NE(protector.PerturbationFor(v1::PUBLIC), nullptr);
  EXPECT_EQ(protector.PerturbationFor(v1::INTERNAL), nullptr);
  // O11 keys: count 3 at key 0.8 -> 4; count 1 at 0.1 -> 0 (shown as an
  // empty cell); the total, 4 at 0.9, -> 5.
  ASSERT_OK_AND_ASSIGN(const v1::ReleaseDecision d,
                       protector.Perturb(CountTable({3, 1, 4}, {Key(0.8), Key(0.1), Key(0.9)})));
  ASSERT_EQ(d.table().cells_size(), 3);
  EXPECT_EQ(d.table().cells(0).values(0).status(), v1::PERTURBED);
  EXPECT_EQ(d.table().cells(0).values(0).value(), 4);
  EXPECT_EQ(d.table().cells(1).values(0).status(), v1::ZERO);
  EXPECT_EQ(d.table().cells(2).values(0).value(), 5);
  EXPECT_EQ(d.counts().perturbed(), 3);
  EXPECT_EQ(d.counts().published(), 0);
  EXPECT_THAT(d.rule_ids(), ::testing::ElementsAre("cell_key"));
  EXPECT_EQ(d.audit_size(), 0);
}

TEST(TableProtectorPerturbationTest, RefusesAVersionWithoutRecordKeys) {
  EXPECT_THAT(Protector().Perturb(CountTable({3, 1, 4}, {})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("version 1 has no record keys")));
}

TEST(TableProtectorPerturbationTest, PerturbPublishedLeavesSuppressedCellsAlone) {
  const TableProtector protector = Protector();
  const v1::ComputedTable table = CountTable({3, 1, 4}, {Key(0.8), Key(0.1), Key(0.9)});
  ASSERT_OK_AND_ASSIGN(v1::ReleaseDecision d, protector.Protect(table));
  ASSERT_EQ(d.table().cells(1).values(0).status(), v1::SUPPRESSED);
  ASSERT_OK(protector.PerturbPublished(table, d));
  for (int c : {0, 1}) EXPECT_EQ(d.table().cells(c).values(0).status(), v1::SUPPRESSED) << c;
  EXPECT_EQ(d.table().cells(2).values(0).status(), v1::PERTURBED);
  EXPECT_EQ(d.table().cells(2).values(0).value(), 5);
  EXPECT_EQ(d.counts().perturbed(), 1);
  EXPECT_EQ(d.counts().published(), 0);
}

}  // namespace
}  // namespace cellgate::policies
