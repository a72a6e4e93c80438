// The release pipeline with the real store, engine, policies and audit log
// on a temporary directory.
#include "server/pipeline/release_pipeline.h"

#include <algorithm>
#include <thread>

#include "audit/testing/failing_log_file_system.h"
#include "audit/verify/detail_reader.h"
#include "audit/verify/log_reader.h"
#include "common/canonical.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/pipeline/admin_operations.h"
#include "server/store/testing/store_write_lock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::pipeline {
namespace {


using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kSchema[] = R"pb(
  id: "kita"
  title: "Kinder in Kitas"
  columns { name: "child_key" label: "Schlüssel" kind: UNIT_ID }
  columns {
    name: "stadtteil"
    label: "Stadtteil"
    kind: DIMENSION
    levels {
      name: "stadtteil"
      label: "Stadtteil"
      codes { code: "01" label: "Altstadt" }
      codes { code: "02" label: "Hafen" }
    }
  }
  columns { name: "stunden" label: "Wochenstunden" kind: MEASURE decimals: 1 }
)pb";

// Altstadt: 4 children; Hafen: 2 children (below k = 3).
constexpr char kCsv[] =
    "child_key,stadtteil,stunden\n"
    "c1,01,35.0\nc2,01,45.5\nc3,01,25.0\nc4,01,35.0\nc5,02,45.0\nc6,02,20.0\n";

class ReleasePipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(nullptr); }

  void Open(std::unique_ptr<audit::LogFileSystem> fs) {
    auto key = store::SecretKey::FromBytes(std::string(32, '\x11'));
    ASSERT_TRUE(key.ok());
    keys_ = std::make_unique<store::InMemoryKeySource>(std::move(*key));
    store::StoreOptions options;
    options.path = dir_.File("store.db");
    ASSERT_OK_AND_ASSIGN(store_, store::Store::Open(options, *keys_, clock_));
    audit::AuditLogOptions log_options;
    log_options.dir = dir_.File("audit");
    log_options.origin = "cellgate.test/audit/v1";
    ASSERT_OK_AND_ASSIGN(log_, audit::AuditLog::Open(log_options, clock_, std::move(fs)));
    v1::DisclosurePolicy policy;
    policy.set_id("default");
    policy.set_version(1);
    policy.set_dataset("*");
    policy.mutable_threshold()->set_k(3);
    ASSERT_OK_AND_ASSIGN(policies::PolicySet set, policies::PolicySet::FromPolicies({policy}));
    policies_ = std::make_unique<policies::PolicySet>(std::move(set));
    ASSERT_OK_AND_ASSIGN(catalog_, DatasetCatalog::Open(*store_));
    admin_ = std::make_unique<AdminOperations>(*catalog_, *log_);
    pipeline_ = std::make_unique<ReleasePipeline>(*catalog_, *policies_, *log_, PipelineOptions());
    request_.requester.set_principal("jugendamt-analyst");
    request_.requester.set_department("jugendamt");
    request_.method = "/cellgate.v1.DataService/Query";
  }

  void Load() {
    v1::DatasetSchema schema;
    ASSERT_OK(ParseTextProto(kSchema, "schema", schema));
    ASSERT_OK(admin_->CreateDataset(request_, schema));
    ASSERT_OK_AND_ASSIGN(auto ingest, admin_->BeginIngest(request_, "kita", "kita.csv"));
    ASSERT_OK(ingest->session().AddChunk(kCsv));
    ASSERT_OK(admin_->FinishIngest(request_, std::move(ingest), "sgb8_80", absl::OkStatus())
                  .status());
  }

  static v1::Query ByStadtteil() {
    v1::Query q;
    q.set_dataset("kita");
    q.add_measures()->set_kind(v1::Measure::COUNT);
    v1::Measure* mean = q.add_measures();
    mean->set_kind(v1::Measure::MEAN);
    mean->set_column("stunden");
    q.add_group_by()->set_dimension("stadtteil");
    q.set_totals(true);
    q.set_purpose("jugendhilfeplanung");
    q.set_legal_basis("sgb8_80");
    return q;
  }

  // The records as appended: each header with its details merged in.
  std::vector<audit::StoredRecord> Records() {
    auto log = audit::ReadLog(dir_.File("audit"));
    auto full = audit::ReadDetailedLog(dir_.File("audit"), nullptr);
    EXPECT_TRUE(log.ok() && full.ok()) << log.status() << full.status();
    if (!log.ok() || !full.ok()) return {};
    for (size_t i = 0; i < log->records.size(); ++i) log->records[i].record = (*full)[i].record;
    return log->records;
  }

  testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<store::KeySource> keys_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<policies::PolicySet> policies_;
  std::unique_ptr<DatasetCatalog> catalog_;
  std::unique_ptr<AdminOperations> admin_;
  std::unique_ptr<ReleasePipeline> pipeline_;
  RequestInfo request_;
};

TEST_F(ReleasePipelineTest, ReleasesProtectedTableAfterItsRecordIsDurable) {
  Load();
  ASSERT_OK_AND_ASSIGN(v1::QueryResponse answer, pipeline_->Release(request_, ByStadtteil()));
  const v1::ReleasedTable& t = answer.table();
  ASSERT_EQ(t.cells_size(), 3);
  // Hafen (2 children) is suppressed, and Altstadt with it: 6 - 4 would
  // give Hafen away.
  EXPECT_EQ(t.cells(0).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(t.cells(1).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(t.cells(1).values(1).status(), v1::SUPPRESSED);
  EXPECT_EQ(t.cells(2).values(0).value(), 6);
  EXPECT_DOUBLE_EQ(t.cells(2).values(1).value(), 34.25);
  // The receipt names a RELEASE record whose table digest matches.
  const auto records = Records();
  ASSERT_GT(records.size(), answer.receipt().seq());
  const audit::StoredRecord& stored = records[answer.receipt().seq()];
  EXPECT_EQ(stored.record.record_type(), v1::RELEASE);
  EXPECT_EQ(stored.record.release_id(), answer.receipt().release_id());
  EXPECT_EQ(stored.record.released_table_sha256(), CanonicalSha256Hex(t));
  EXPECT_EQ(stored.record.counts().suppressed_primary(), 1);
  EXPECT_EQ(stored.record.counts().suppressed_secondary(), 1);
  EXPECT_EQ(stored.record.requester().principal(), "jugendamt-analyst");
  EXPECT_EQ(stored.record.policy_id(), "default");
  EXPECT_EQ(stored.record.dataset_version(), 1);
  EXPECT_THAT(stored.record.reason_codes(), ::testing::ElementsAre("threshold", "secondary"));
  // The DPO sees what an attacker could derive for Hafen: the count lies in
  // [1, 5] (Altstadt is not empty), so "fewer than 3" cannot be proven; the
  // requester never sees these intervals.
  ASSERT_EQ(stored.record.suppression_audit_size(), 2);  // count, sum:stunden
  const v1::SuppressedCellAudit& count = stored.record.suppression_audit(0);
  EXPECT_EQ(count.cell(), 1);
  EXPECT_EQ(count.measure(), "count");
  EXPECT_DOUBLE_EQ(count.lower(), 1);
  EXPECT_DOUBLE_EQ(count.upper(), 5);
  EXPECT_EQ(stored.record.suppression_audit(1).measure(), "sum:stunden");
}

TEST_F(ReleasePipelineTest, RecordsRefusalOfMalformedQueryAndReturnsClearError) {
  Load();
  v1::Query q = ByStadtteil();
  q.mutable_group_by(0)->set_dimension("stadtteill");
  const size_t before = Records().size();
  EXPECT_THAT(pipeline_->Release(request_, q),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("stadtteill")));
  const auto records = Records();
  ASSERT_EQ(records.size(), before + 1);
  EXPECT_EQ(records.back().record.record_type(), v1::REFUSAL);
  EXPECT_THAT(records.back().record.reason_codes(), ::testing::ElementsAre("invalid_argument"));
  EXPECT_FALSE(records.back().record.has_released_table());
}

TEST_F(ReleasePipelineTest, UnknownDatasetIsNotFound) {
  Load();
  v1::Query q = ByStadtteil();
  q.set_dataset("schulen");
  EXPECT_THAT(pipeline_->Release(request_, q), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReleasePipelineTest, RefuseRecordsTheAuthorizationDenial) {
  const absl::Status denied = absl::PermissionDeniedError("purpose \"x\" is not granted");
  EXPECT_EQ(pipeline_->Refuse(request_, ByStadtteil(), denied), denied);
  EXPECT_EQ(Records().back().record.record_type(), v1::REFUSAL);
  EXPECT_EQ(Records().back().record.reason(), "purpose \"x\" is not granted");
}

TEST_F(ReleasePipelineTest, WithholdsTheTableWhenTheAuditLogCannotSync) {
  log_.reset();
  pipeline_.reset();
  admin_.reset();
  auto failing = std::make_unique<audit::FailingLogFileSystem>();
  audit::FailingLogFileSystem* control = failing.get();
  Open(std::move(failing));
  Load();
  control->FailNextSync();
  EXPECT_THAT(pipeline_->Release(request_, ByStadtteil()),
              StatusIs(absl::StatusCode::kUnavailable));
  // Latched: later requests fail too, without touching the disk again.
  EXPECT_THAT(pipeline_->Release(request_, ByStadtteil()),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(log_->healthy());
}

TEST_F(ReleasePipelineTest, FilteredPopulationBelowThePolicyMinimumIsRefused) {
  Load();
  v1::DisclosurePolicy policy;
  policy.set_id("kita");
  policy.set_version(1);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(3);
  policy.mutable_shape()->set_min_population(5);
  ASSERT_OK_AND_ASSIGN(policies::PolicySet set, policies::PolicySet::FromPolicies({policy}));
  ReleasePipeline pipeline(*catalog_, set, *log_, PipelineOptions());
  v1::Query hafen = ByStadtteil();
  v1::Filter& filter = *hafen.add_filters();
  filter.set_dimension("stadtteil");
  filter.add_codes("02");  // 2 children
  EXPECT_THAT(pipeline.Release(request_, hafen),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("minimum of 5")));
  EXPECT_EQ(Records().back().record.record_type(), v1::REFUSAL);
  filter.add_codes("01");  // 6 children
  EXPECT_OK(pipeline.Release(request_, hafen).status());
  EXPECT_OK(pipeline.Release(request_, ByStadtteil()).status());  // no filter: the whole dataset
}

// The engine keeps the largest contributions only for a policy with a
// magnitude rule: such a policy must still see them.
TEST_F(ReleasePipelineTest, MagnitudeRuleSeesTheLargestContributions) {
  Load();
  v1::DisclosurePolicy policy;
  policy.set_id("kita");
  policy.set_version(1);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(3);
  // Altstadt: 45.5 of its 140.5 hours (32 %) come from one child.
  policy.mutable_magnitude()->mutable_dominance()->set_n(1);
  policy.mutable_magnitude()->mutable_dominance()->set_k(30);
  ASSERT_OK_AND_ASSIGN(policies::PolicySet set, policies::PolicySet::FromPolicies({policy}));
  ReleasePipeline pipeline(*catalog_, set, *log_, PipelineOptions());
  v1::Query altstadt = ByStadtteil();
  v1::Filter& filter = *altstadt.add_filters();
  filter.set_dimension("stadtteil");
  filter.add_codes("01");  // 4 children: the threshold passes
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse answer, pipeline.Release(request_, altstadt));
  EXPECT_EQ(answer.table().cells(0).values(1).status(), v1::SUPPRESSED);
  EXPECT_THAT(Records().back().record.reason_codes(), ::testing::Contains("dominance"));
}

TEST_F(ReleasePipelineTest, RepeatedQueryGetsTheReleasedTableAndARecordOfItsOwn) {
  Load();
  ASSERT_OK_AND_ASSIGN(auto ledger, ledger::ReleaseLedger::Open(*store_));
  ReleasePipeline pipeline(*catalog_, *policies_, *log_, PipelineOptions(), ledger.get());
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse first, pipeline.Release(request_, ByStadtteil()));
  v1::Query again = ByStadtteil();
  again.set_justification("noch einmal");  // request fields do not change the table
  again.set_client_request_id("r2");
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse second, pipeline.Release(request_, again));
  EXPECT_EQ(second.table().SerializeAsString(), first.table().SerializeAsString());
  EXPECT_NE(second.receipt().release_id(), first.receipt().release_id());
  // Nothing new for the ledger; the DPO sees which release it repeats.
  EXPECT_EQ(ledger->size(), 1);
  const std::vector<audit::StoredRecord> records = Records();
  ASSERT_FALSE(records.empty());
  const v1::AuditRecord& record = records.back().record;
  EXPECT_EQ(record.record_type(), v1::RELEASE);
  EXPECT_EQ(record.release_id(), second.receipt().release_id());
  EXPECT_THAT(record.ledger_audit().linked_release_ids(),
              ::testing::ElementsAre(first.receipt().release_id()));
  EXPECT_THAT(record.ledger_audit().note(), HasSubstr("repeat of release"));
  EXPECT_EQ(record.released_table_sha256(), CanonicalSha256Hex(second.table()));
  // Another table is audited and kept.
  v1::Query other = ByStadtteil();
  other.set_totals(false);
  ASSERT_OK(pipeline.Release(request_, other).status());
  EXPECT_EQ(ledger->size(), 2);
}

TEST_F(ReleasePipelineTest, WithholdsTheTableWhenTheLedgerCannotKeepIt) {
  Load();
  ASSERT_OK_AND_ASSIGN(auto ledger, ledger::ReleaseLedger::Open(*store_));
  ReleasePipeline pipeline(*catalog_, *policies_, *log_, PipelineOptions(), ledger.get());
  ASSERT_OK(pipeline.KeepPolicies());  // the ledger is the only write left
  {
    store::StoreWriteLock busy(dir_.File("store.db"), *keys_->Load(),
                               store::StoreOptions().page_size);
    ASSERT_OK(busy.status());
    EXPECT_THAT(pipeline.Release(request_, ByStadtteil()),
                StatusIs(absl::StatusCode::kUnavailable,
                         HasSubstr("the release ledger cannot record the release")));
  }
  EXPECT_EQ(ledger->size(), 0);
  // The refusal is recorded, with no table in it.
  std::vector<audit::StoredRecord> records = Records();
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back().record.record_type(), v1::REFUSAL);
  EXPECT_FALSE(records.back().record.has_released_table());
  EXPECT_THAT(records.back().record.reason(), HasSubstr("release ledger"));
  // Nothing was cached or kept half: the same query is audited and kept now.
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse kept, pipeline.Release(request_, ByStadtteil()));
  EXPECT_EQ(ledger->size(), 1);
  records = Records();
  EXPECT_EQ(records.back().record.release_id(), kept.receipt().release_id());
  EXPECT_TRUE(records.back().record.ledger_audit().repeat_of().empty());
}

TEST_F(ReleasePipelineTest, ConcurrentReleasesOfADatasetAreEachAuditedAgainstAllBefore) {
  Load();
  ASSERT_OK_AND_ASSIGN(auto ledger, ledger::ReleaseLedger::Open(*store_));
  PipelineOptions uncached;  // every release is audited and kept
  uncached.release_cache_bytes = 0;
  ReleasePipeline pipeline(*catalog_, *policies_, *log_, uncached, ledger.get());
  constexpr int kReleases = 8;
  std::vector<std::thread> threads;
  std::vector<absl::Status> results(kReleases);
  for (int i = 0; i < kReleases; ++i) {
    threads.emplace_back([&, i] { results[i] = pipeline.Release(request_, ByStadtteil()).status(); });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& status : results) EXPECT_OK(status);
  EXPECT_EQ(ledger->size(), kReleases);
  // The k-th release kept saw the k-1 before it in the ledger: had one
  // been audited before the previous entry was stored, two would have
  // seen the same number.
  std::vector<int> linked;
  for (const audit::StoredRecord& r : Records()) {
    if (r.record.record_type() == v1::RELEASE) linked.push_back(r.record.ledger_audit().linked_releases());
  }
  std::sort(linked.begin(), linked.end());
  std::vector<int> expected(kReleases);
  for (int i = 0; i < kReleases; ++i) expected[i] = i;
  EXPECT_EQ(linked, expected);
}

TEST_F(ReleasePipelineTest, RepeatFromTheCacheIsTheTableTheLedgerGives) {
  Load();
  ASSERT_OK_AND_ASSIGN(auto ledger, ledger::ReleaseLedger::Open(*store_));
  PipelineOptions uncached;
  uncached.release_cache_bytes = 0;
  ReleasePipeline slow(*catalog_, *policies_, *log_, uncached, ledger.get());
  ReleasePipeline fast(*catalog_, *policies_, *log_, PipelineOptions(), ledger.get());
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse first, fast.Release(request_, ByStadtteil()));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse cached, fast.Release(request_, ByStadtteil()));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse audited, slow.Release(request_, ByStadtteil()));
  EXPECT_EQ(cached.table().SerializeAsString(), audited.table().SerializeAsString());
  EXPECT_EQ(ledger->size(), 2);  // the uncached repeat went through the ledger
}

TEST(ReleaseCacheTest, KeyIsWhatDeterminesTheTable) {
  v1::Query q;
  q.set_dataset("kita");
  q.add_group_by()->set_dimension("stadtteil");
  const std::string key = ReleaseCache::KeyOf(q, 1, "v1hash", "p1hash");
  v1::Query asked = q;
  asked.set_purpose("x");
  asked.set_legal_basis("y");
  asked.set_justification("z");
  asked.set_client_request_id("r");
  asked.set_version(1);
  EXPECT_EQ(ReleaseCache::KeyOf(asked, 1, "v1hash", "p1hash"), key);
  EXPECT_NE(ReleaseCache::KeyOf(q, 1, "v2hash", "p1hash"), key);
  EXPECT_NE(ReleaseCache::KeyOf(q, 1, "v1hash", "p2hash"), key);
  // An identical re-ingest has the same hash, but its own version number.
  EXPECT_NE(ReleaseCache::KeyOf(q, 2, "v1hash", "p1hash"), key);
  v1::Query other = q;
  other.set_totals(true);
  EXPECT_NE(ReleaseCache::KeyOf(other, 1, "v1hash", "p1hash"), key);
  other = q;
  other.set_channel(v1::PUBLIC);
  EXPECT_NE(ReleaseCache::KeyOf(other, 1, "v1hash", "p1hash"), key);
}

TEST(ReleaseCacheTest, KeepsRecentDecisionsWithinItsBytes) {
  v1::ReleaseDecision d;
  d.add_rule_ids("threshold");
  auto decision = std::make_shared<const v1::ReleaseDecision>(d);
  const size_t one = ReleaseCache::BytesOf(d, "a");  // keys of one byte
  ReleaseCache cache(2 * one);
  cache.Insert("a", decision, "r1", true);
  cache.Insert("b", decision, "r2", true);
  ASSERT_TRUE(cache.Find("a").has_value());  // now a is the most recent
  cache.Insert("c", decision, "r3", true);          // b goes
  EXPECT_FALSE(cache.Find("b").has_value());
  ASSERT_TRUE(cache.Find("a").has_value());
  EXPECT_EQ(cache.Find("c")->release_id, "r3");
  ReleaseCache none(0);
  none.Insert("a", decision, "r1", true);
  EXPECT_FALSE(none.Find("a").has_value());
}

TEST_F(ReleasePipelineTest, QueryOverItsTimeBudgetIsRefusedAndRecorded) {
  Load();
  PipelineOptions options;
  options.max_query_time = absl::Seconds(-1);  // already over: deterministic
  ReleasePipeline pipeline(*catalog_, *policies_, *log_, options);
  EXPECT_THAT(pipeline.Release(request_, ByStadtteil()),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("fewer cells")));
  EXPECT_EQ(Records().back().record.record_type(), v1::REFUSAL);
  EXPECT_THAT(Records().back().record.reason_codes(),
              ::testing::ElementsAre("deadline_exceeded"));
}

TEST_F(ReleasePipelineTest, FailedIngestStoresNothingAndIsRecorded) {
  Load();
  ASSERT_OK_AND_ASSIGN(auto ingest, admin_->BeginIngest(request_, "kita", "bad.csv"));
  const absl::Status bad = ingest->session().AddChunk("child_key,stadtteil,stunden\nc9,99,1.0\n");
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad.csv:2:")));
  EXPECT_THAT(admin_->FinishIngest(request_, std::move(ingest), "sgb8_80", bad),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(auto versions, admin_->ListVersions("kita"));
  EXPECT_EQ(versions.size(), 1u);
  EXPECT_EQ(Records().back().record.record_type(), v1::INGEST);
  EXPECT_EQ(Records().back().record.decision(), v1::REFUSED);
}

}  // namespace
}  // namespace cellgate::pipeline
