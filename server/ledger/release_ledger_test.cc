// The ledger's index: which earlier releases an audit must read.
#include "server/ledger/release_ledger.h"

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::ledger {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A one-cell release of schueler version `version` filtered to `filters`
// (dimension -> finest codes).
v1::LedgerRelease Release(const std::string& id, int64_t version,
                          const std::vector<std::pair<std::string, std::vector<uint32_t>>>& filters) {
  v1::LedgerRelease release;
  release.set_release_id(id);
  release.set_dataset("schueler");
  release.set_dataset_version(version);
  for (const auto& [dimension, codes] : filters) {
    v1::LedgerFilter& filter = *release.add_filters();
    filter.set_dimension(dimension);
    for (uint32_t c : codes) filter.mutable_codes()->add_codes(c);
  }
  release.add_counts(10);
  release.add_suppressed(false);
  return release;
}

std::vector<std::string> Ids(const std::vector<std::shared_ptr<const v1::LedgerRelease>>& releases) {
  std::vector<std::string> ids;
  for (const auto& r : releases) ids.push_back(r->release_id());
  return ids;
}

class ReleaseLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    ledger_.reset();
    store_.reset();
    auto key = store::SecretKey::FromBytes(std::string(32, 'k'));
    ASSERT_TRUE(key.ok());
    store::InMemoryKeySource keys(std::move(*key));
    store::StoreOptions options;
    options.path = dir_.File("store.db");
    ASSERT_OK_AND_ASSIGN(store_, store::Store::Open(options, keys, clock_));
    ASSERT_OK_AND_ASSIGN(ledger_, ReleaseLedger::Open(*store_));
  }

  testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ReleaseLedger> ledger_;
};

TEST_F(ReleaseLedgerTest, LinksOverlappingPopulationsAndLeavesDisjointOnesOut) {
  ASSERT_OK(ledger_->Append(Release("year24", 1, {{"jahr", {24}}})));
  ASSERT_OK(ledger_->Append(Release("year25", 1, {{"jahr", {25}}})));
  ASSERT_OK(ledger_->Append(Release("year25_st3", 1, {{"jahr", {25}}, {"stadtteil", {3}}})));
  ASSERT_OK(ledger_->Append(Release("all_years", 1, {})));
  ASSERT_OK(ledger_->Append(Release("v2_year25", 2, {{"jahr", {25}}})));
  // A Stadtteil-4 table of 2025 shares units with the 2025 table and the
  // all-years table, not with 2024's (directly) nor Stadtteil 3's ...
  const auto linked = ledger_->Linked(Release("new", 1, {{"jahr", {25}}, {"stadtteil", {4}}}));
  // ... but the all-years table links it to every release of version 1.
  EXPECT_THAT(Ids(linked), ElementsAre("year24", "year25", "year25_st3", "all_years"));
}

TEST_F(ReleaseLedgerTest, ATurnHoldsTheDatasetUntilItsEntryIsStoredAndGivenUp) {
  LedgerTurn first;
  first.Take(*ledger_, "schueler");
  first.Keep(Release("first", 1, {}));
  // The next release of the dataset waits for the turn; then it sees the
  // first release in the ledger.
  std::atomic<bool> second_took{false};
  size_t second_saw = 99;
  std::thread second([&] {
    LedgerTurn turn;
    turn.Take(*ledger_, "schueler");
    second_took = true;
    second_saw = ledger_->Linked(Release("second", 1, {})).size();
  });
  // Another dataset's turn does not wait.
  LedgerTurn other;
  other.Take(*ledger_, "kita");
  other.GiveUp();
  ASSERT_OK(first.Store());
  EXPECT_FALSE(second_took);  // stored, but the turn is still held
  EXPECT_EQ(ledger_->size(), 1);
  first.GiveUp();
  first.GiveUp();  // idempotent
  second.join();
  EXPECT_TRUE(second_took);
  EXPECT_EQ(second_saw, 1u);
  // Nothing kept, nothing to store.
  LedgerTurn empty;
  empty.Take(*ledger_, "schueler");
  EXPECT_THAT(empty.Store(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ReleaseLedgerTest, UnrelatedReleasesStayOutWithoutALinkingTable) {
  ASSERT_OK(ledger_->Append(Release("year24", 1, {{"jahr", {24}}})));
  ASSERT_OK(ledger_->Append(Release("year25_st3", 1, {{"jahr", {25}}, {"stadtteil", {3}}})));
  ASSERT_OK(ledger_->Append(Release("year25_st4_school", 1,
                                    {{"jahr", {25}}, {"stadtteil", {4}}, {"schule", {7}}})));
  EXPECT_THAT(Ids(ledger_->Linked(Release("new", 1, {{"jahr", {25}}, {"stadtteil", {4}}}))),
              ElementsAre("year25_st4_school"));
  EXPECT_THAT(Ids(ledger_->Linked(Release("other", 1, {{"jahr", {23}}}))), IsEmpty());
  // Another version's releases are audited by their own version.
  EXPECT_THAT(Ids(ledger_->Linked(Release("v2", 2, {}))), IsEmpty());
}

TEST_F(ReleaseLedgerTest, SurvivesARestartAndKeepsIdsUnique) {
  ASSERT_OK(ledger_->Append(Release("a", 1, {{"jahr", {25}}})));
  EXPECT_FALSE(ledger_->Append(Release("a", 1, {{"jahr", {25}}})).ok());
  EXPECT_EQ(ledger_->size(), 1);  // the failed append left the index unchanged
  Reopen();
  EXPECT_EQ(ledger_->size(), 1);
  EXPECT_THAT(Ids(ledger_->Linked(Release("b", 1, {}))), ElementsAre("a"));
}

TEST_F(ReleaseLedgerTest, AViewAsOfAReleaseHoldsOnlyWhatCameBeforeIt) {
  ASSERT_OK(ledger_->Append(Release("first", 1, {{"jahr", {25}}})));
  v1::LedgerRelease other = Release("other_dataset", 1, {});
  other.set_dataset("kita");
  ASSERT_OK(ledger_->Append(other));
  ASSERT_OK(ledger_->Append(Release("v2_before", 2, {{"jahr", {25}}})));
  ASSERT_OK(ledger_->Append(Release("target", 1, {{"jahr", {25}}})));
  ASSERT_OK(ledger_->Append(Release("later", 1, {{"jahr", {25}}})));
  ASSERT_OK(ledger_->Append(Release("v3_later", 3, {{"jahr", {25}}})));

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReleaseLedger> view, ledger_->AsOf("target"));
  EXPECT_EQ(view->size(), 2);  // first and v2_before: not kita, not itself, nothing later
  const v1::LedgerRelease candidate = Release("target", 1, {{"jahr", {25}}});
  EXPECT_THAT(Ids(view->Linked(candidate)), ElementsAre("first"));
  EXPECT_THAT(view->OtherVersionsLinked(candidate), ElementsAre(2));
  // The live ledger sees everything.
  EXPECT_THAT(Ids(ledger_->Linked(candidate)), ElementsAre("first", "target", "later"));
  EXPECT_THAT(ledger_->OtherVersionsLinked(candidate), ElementsAre(2, 3));
}

// A share across datasets: its numerator entry "share", then its
// denominator's "share/denominator" in the other dataset.
TEST_F(ReleaseLedgerTest, AViewAsOfAShareHoldsBothDatasetsBeforeItAndNeitherOfItsEntries) {
  auto of = [](v1::LedgerRelease release, const std::string& dataset) {
    release.set_dataset(dataset);
    return release;
  };
  ASSERT_OK(ledger_->Append(of(Release("kinder_before", 1, {}), "kinder")));
  ASSERT_OK(ledger_->Append(Release("schueler_before", 1, {})));
  ASSERT_OK(ledger_->Append(of(Release("kita_before", 1, {}), "kita")));
  ASSERT_OK(ledger_->Append(Release("share", 1, {})));
  ASSERT_OK(ledger_->Append(of(Release("share/denominator", 1, {}), "kinder")));
  ASSERT_OK(ledger_->Append(of(Release("kinder_later", 1, {}), "kinder")));

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReleaseLedger> view, ledger_->AsOf("share", {"kinder"}));
  EXPECT_EQ(view->size(), 2);  // kinder_before and schueler_before
  v1::LedgerRelease candidate = of(Release("share/denominator", 1, {}), "kinder");
  EXPECT_THAT(Ids(view->Linked(candidate)), ElementsAre("kinder_before"));
  EXPECT_THAT(Ids(view->Linked(Release("share", 1, {}))), ElementsAre("schueler_before"));
  // Without the other dataset, the view is the numerator's alone.
  ASSERT_OK_AND_ASSIGN(view, ledger_->AsOf("share"));
  EXPECT_EQ(view->size(), 1);
  // A share whose numerator stayed out of its ledger: as of its
  // denominator's entry.
  ASSERT_OK_AND_ASSIGN(view, ledger_->AsOf("share/denominator", {"schueler"}));
  EXPECT_THAT(Ids(view->Linked(candidate)), ElementsAre("kinder_before"));
}

TEST_F(ReleaseLedgerTest, AViewIsReadOnlyAndAnUnknownReleaseHasNone) {
  ASSERT_OK(ledger_->Append(Release("a", 1, {})));
  ASSERT_OK(ledger_->Append(Release("b", 1, {})));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReleaseLedger> view, ledger_->AsOf("b"));
  EXPECT_THAT(view->Append(Release("c", 1, {})),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("read-only")));
  EXPECT_EQ(view->size(), 1);
  EXPECT_EQ(ledger_->size(), 2);
  EXPECT_THAT(ledger_->AsOf("nope").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("\"nope\"")));
}

TEST_F(ReleaseLedgerTest, AViewAfterARestartIsTheSame) {
  ASSERT_OK(ledger_->Append(Release("a", 1, {{"jahr", {25}}})));
  ASSERT_OK(ledger_->Append(Release("b", 1, {{"jahr", {25}}})));
  ASSERT_OK(ledger_->Append(Release("c", 1, {{"jahr", {25}}})));
  Reopen();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ReleaseLedger> view, ledger_->AsOf("c"));
  EXPECT_THAT(Ids(view->Linked(Release("c", 1, {{"jahr", {25}}}))), ElementsAre("a", "b"));
}

}  // namespace
}  // namespace cellgate::ledger
