// The attacker LP on hand-made sets: rows implied by others are dropped
// without changing what the attacker can derive, and goals and repairs
// come out as an attacker would find them.
#include "policies/linked/attacker_lp.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

// One dimension "d" with four codes, each its own block: a release with
// one cell per code and one per pair {0,1}, {2,3}, and the total.
class AttackerLpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    release_.set_release_id("r");
    v1::LedgerAxis& axis = *release_.add_axes();
    axis.set_dimension("d");
    for (std::vector<uint32_t> codes :
         std::vector<std::vector<uint32_t>>{{0}, {1}, {2}, {3}, {0, 1}, {2, 3}}) {
      v1::CodeSet& entry = *axis.add_entries();
      for (uint32_t c : codes) entry.add_codes(c);
    }
    axis.add_entries()->set_all(true);
    const v1::LedgerRelease* releases[] = {&release_};
    absl::StatusOr<AtomSpace> space = AtomSpace::Build(releases, {{"d", 4}}, 1000);
    ASSERT_TRUE(space.ok()) << space.status();
    space_ = std::make_unique<AtomSpace>(std::move(*space));
    ASSERT_EQ(space_->atoms(), 4);
  }

  // The set of cell `cell` (0..3 single codes, 4 = {0,1}, 5 = {2,3}, 6 =
  // all), published as `value` (or bounded below by it).
  KnownSet Set(int cell, double value, bool exact = true, bool movable = false) const {
    const Restriction restriction = space_->RestrictionOf(release_, cell);
    KnownSet set{0, space_->AtomsOf(0, restriction), BoxOf(*space_, 0, restriction)};
    set.exact = exact;
    set.value = value;
    set.movable = movable;
    return set;
  }

  // Any set of codes of the one dimension, published as `value`.
  static KnownSet Codes(std::vector<int64_t> codes, double value) {
    uint64_t word = 0;
    for (int64_t c : codes) word |= uint64_t{1} << c;
    KnownSet set{0, std::move(codes), {word}};
    set.exact = true;
    set.value = value;
    return set;
  }

  absl::StatusOr<std::unique_ptr<AttackerLp>> Build(std::vector<KnownSet> sets) const {
    return AttackerLp::Build(*space_, std::move(sets), std::vector<bool>(4, true), 0,
                             absl::InfiniteFuture());
  }

  v1::LedgerRelease release_;
  std::unique_ptr<AtomSpace> space_;
};

TEST_F(AttackerLpTest, UnionsOfPublishedSetsAreDroppedAsImplied) {
  // {0,1} = 5 and {2,3} = 7 make the total (12) and each other implied.
  ASSERT_OK_AND_ASSIGN(auto lp, Build({Set(6, 12), Set(4, 5), Set(5, 7), Set(0, 2)}));
  EXPECT_EQ(lp->implied(), 1);  // the total
  EXPECT_EQ(lp->rows(), 3);
  // What the attacker derives is unchanged: code 1 holds exactly 3.
  const int one = lp->AddTarget({1});
  ASSERT_OK_AND_ASSIGN(std::vector<Verdict> v,
                       lp->Reach({{one, 3, true}, {one, 3.5, true}, {one, 3, false}}, 8));
  EXPECT_THAT(v, ElementsAre(Verdict::kOpen, Verdict::kNarrow, Verdict::kOpen));
}

TEST_F(AttackerLpTest, AContainedRowBecomesTheDifferenceAndKeepsItsMeaning) {
  // Total 12 and {0,1} = 5: the LP keeps {2,3} = 7, so code 2 can reach 7
  // but not 8, and the pair {2,3} cannot move at all.
  ASSERT_OK_AND_ASSIGN(auto lp, Build({Set(6, 12), Set(4, 5)}));
  EXPECT_EQ(lp->implied(), 0);
  const int two = lp->AddTarget({2});
  const int pair = lp->AddTarget({2, 3});
  ASSERT_OK_AND_ASSIGN(std::vector<Verdict> v,
                       lp->Reach({{two, 7, true}, {pair, 7.5, true}, {pair, 6.5, false}}, 8));
  EXPECT_THAT(v, ElementsAre(Verdict::kOpen, Verdict::kNarrow, Verdict::kNarrow));
}

TEST_F(AttackerLpTest, ContradictingReleasesAreAnError) {
  EXPECT_THAT(Build({Set(6, 12), Set(4, 5), Set(5, 8)}),
              StatusIs(absl::StatusCode::kInternal));
}

TEST_F(AttackerLpTest, ALowerBoundInsideAPublishedSetIsImplied) {
  // "{0,1} is not empty" says nothing once code 0 is known to hold 2.
  ASSERT_OK_AND_ASSIGN(auto lp, Build({Set(0, 2), Set(4, 1, /*exact=*/false)}));
  EXPECT_EQ(lp->implied(), 1);
}

TEST_F(AttackerLpTest, ManyGoalsAreProvenInOneBatch) {
  // Only the total is known: every code can take what it needs at once.
  ASSERT_OK_AND_ASSIGN(auto lp, Build({Set(6, 12)}));
  std::vector<Goal> goals;
  for (int64_t code = 0; code < 4; ++code) goals.push_back({lp->AddTarget({code}), 3, true});
  ASSERT_OK_AND_ASSIGN(std::vector<Verdict> v, lp->Reach(goals, 8));
  EXPECT_THAT(v, ElementsAre(Verdict::kOpen, Verdict::kOpen, Verdict::kOpen, Verdict::kOpen));
  EXPECT_EQ(lp->solves(), 1);
}

TEST_F(AttackerLpTest, ACapOnOneTargetDoesNotHideAnothersRoom) {
  // {0,2} = 4 and {1,2} = 4: codes 0 and 1 rise together (2 each now).
  // Code 0 can reach 3 (code 2 at 1), but only with code 1 at 3 as well,
  // above the level 2.5 its own goal caps it at in the batch.
  ASSERT_OK_AND_ASSIGN(auto lp, Build({Codes({0, 2}, 4), Codes({1, 2}, 4)}));
  const int zero = lp->AddTarget({0});
  const int one = lp->AddTarget({1});
  ASSERT_OK_AND_ASSIGN(std::vector<Verdict> v, lp->Reach({{zero, 3, true}, {one, 2.5, true}}, 8));
  EXPECT_THAT(v, ElementsAre(Verdict::kOpen, Verdict::kOpen));
}

TEST_F(AttackerLpTest, FailuresBeyondTheBudgetStayUnchecked) {
  // Every code is published: none can move.
  ASSERT_OK_AND_ASSIGN(auto lp, Build({Set(0, 1), Set(1, 1), Set(2, 1), Set(3, 1)}));
  std::vector<Goal> goals;
  for (int64_t code = 0; code < 4; ++code) goals.push_back({lp->AddTarget({code}), 3, true});
  ASSERT_OK_AND_ASSIGN(std::vector<Verdict> v, lp->Reach(goals, 2));
  EXPECT_THAT(v, ElementsAre(Verdict::kNarrow, Verdict::kNarrow, Verdict::kUnchecked,
                             Verdict::kUnchecked));
}

TEST_F(AttackerLpTest, RepairMovesOnlyTheMovableSets) {
  // {0,1} = 5 known before; the candidate publishes code 0 = 2 (movable),
  // pinning code 1 at 3. To let code 1 reach 4, code 0 must be able to be
  // one smaller.
  ASSERT_OK_AND_ASSIGN(auto lp, Build({Set(4, 5), Set(0, 2, true, /*movable=*/true)}));
  const int one = lp->AddTarget({1});
  ASSERT_OK_AND_ASSIGN(std::vector<Verdict> v, lp->Reach({{one, 4, true}}, 8));
  ASSERT_THAT(v, ElementsAre(Verdict::kNarrow));
  ASSERT_OK_AND_ASSIGN(auto changes, lp->Repair({one, 4, true}));
  ASSERT_TRUE(changes.has_value());
  EXPECT_THAT(*changes, ElementsAre(Pair(1u, -1.0)));  // set 1 (code 0) one smaller
  // Nothing movable can let the pair {0,1} (5, known before) reach 6.
  const int pair = lp->AddTarget({0, 1});
  ASSERT_OK_AND_ASSIGN(auto none, lp->Repair({pair, 6, true}));
  EXPECT_FALSE(none.has_value());
}

}  // namespace
}  // namespace cellgate::policies
