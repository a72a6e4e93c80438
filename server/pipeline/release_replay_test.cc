// ReleasePipeline::Replay with the real store, engine, policies, ledger and
// audit log on a temporary directory. Records are read back as the
// AuditService reads them: the header with its detail blobs merged in.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/detail_reader.h"
#include "audit/verify/log_reader.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/policy_loader.h"
#include "server/pipeline/admin_operations.h"
#include "server/pipeline/release_pipeline.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::pipeline {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
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
)pb";

// Version 1: Altstadt 4 children, Hafen 2 (below k = 3).
constexpr char kVersion1[] = "child_key,stadtteil\nc1,01\nc2,01\nc3,01\nc4,01\nc5,02\nc6,02\n";
// Version 2: one more child in Altstadt.
constexpr char kVersion2[] =
    "child_key,stadtteil\nc1,01\nc2,01\nc3,01\nc4,01\nc7,01\nc5,02\nc6,02\n";
// Version 3: Altstadt shrank to 2.
constexpr char kVersion3[] = "child_key,stadtteil\nc1,01\nc2,01\nc5,02\nc6,02\n";

v1::DisclosurePolicy Policy(int64_t version, int64_t k) {
  v1::DisclosurePolicy policy;
  policy.set_id("default");
  policy.set_version(version);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(k);
  return policy;
}

class ReleaseReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = store::SecretKey::FromBytes(std::string(32, '\x22'));
    ASSERT_TRUE(key.ok());
    keys_ = std::make_unique<store::InMemoryKeySource>(std::move(*key));
    store::StoreOptions options;
    options.path = dir_.File("store.db");
    ASSERT_OK_AND_ASSIGN(store_, store::Store::Open(options, *keys_, clock_));
    audit::AuditLogOptions log_options;
    log_options.dir = dir_.File("audit");
    log_options.origin = "cellgate.test/audit/v1";
    ASSERT_OK_AND_ASSIGN(log_, audit::AuditLog::Open(log_options, clock_));
    ASSERT_OK_AND_ASSIGN(catalog_, DatasetCatalog::Open(*store_));
    ASSERT_OK_AND_ASSIGN(ledger_, ledger::ReleaseLedger::Open(*store_));
    admin_ = std::make_unique<AdminOperations>(*catalog_, *log_);
    StartPipeline({Policy(1, 3)});
    analyst_.requester.set_principal("jugendamt-analyst");
    analyst_.requester.set_department("jugendamt");
    analyst_.method = "/cellgate.v1.DataService/Query";
    dpo_.requester.set_principal("dpo");
    dpo_.requester.set_role("dpo");
    dpo_.method = "/cellgate.v1.AuditService/ReplayRelease";
    v1::DatasetSchema schema;
    ASSERT_OK(ParseTextProto(kSchema, "schema", schema));
    ASSERT_OK(admin_->CreateDataset(analyst_, schema));
    Ingest(kVersion1);
  }

  // A server start with `policies` in its policy files.
  void StartPipeline(std::vector<v1::DisclosurePolicy> policies) {
    pipeline_.reset();
    ASSERT_OK_AND_ASSIGN(policies::PolicySet set,
                         policies::PolicySet::FromPolicies(std::move(policies)));
    policies_ = std::make_unique<policies::PolicySet>(std::move(set));
    pipeline_ = std::make_unique<ReleasePipeline>(*catalog_, *policies_, *log_, PipelineOptions(),
                                                  ledger_.get());
  }

  void Ingest(const char* csv, const std::string& dataset = "kita") {
    ASSERT_OK_AND_ASSIGN(auto ingest, admin_->BeginIngest(analyst_, dataset, dataset + ".csv"));
    ASSERT_OK(ingest->session().AddChunk(csv));
    ASSERT_OK(admin_->FinishIngest(analyst_, std::move(ingest), "sgb8_80", absl::OkStatus()).status());
  }

  // Count by Stadtteil, without totals, on `version` (0: the latest).
  static v1::Query ByStadtteil(int64_t version = 0) {
    v1::Query q;
    q.set_dataset("kita");
    q.set_version(version);
    q.add_measures()->set_kind(v1::Measure::COUNT);
    q.add_group_by()->set_dimension("stadtteil");
    q.set_purpose("jugendhilfeplanung");
    q.set_legal_basis("sgb8_80");
    return q;
  }

  // Every record, with its details (written without a content key).
  std::vector<audit::StoredRecord> Records() {
    auto log = audit::ReadLog(dir_.File("audit"));
    auto full = audit::ReadDetailedLog(dir_.File("audit"), nullptr);
    EXPECT_TRUE(log.ok() && full.ok()) << log.status() << full.status();
    if (!log.ok() || !full.ok()) return {};
    for (size_t i = 0; i < log->records.size(); ++i) {
      log->records[i].record = std::move((*full)[i].record);
    }
    return log->records;
  }

  // Replays `release`, a record read back whole (its content present).
  absl::StatusOr<v1::ReplayReleaseResponse> Replay(const v1::AuditRecord& release) {
    return pipeline_->Replay(dpo_, release, {});
  }

  // The record of release `id` exactly as stored.
  v1::AuditRecord RecordOf(const std::string& id) {
    for (const audit::StoredRecord& r : Records()) {
      if (r.record.release_id() == id) return r.record;
    }
    ADD_FAILURE() << "no record of release " << id;
    return v1::AuditRecord();
  }

  int64_t Count(v1::RecordType type) {
    const std::vector<audit::StoredRecord> records = Records();
    return std::count_if(records.begin(), records.end(),
                         [&](const audit::StoredRecord& r) { return r.record.record_type() == type; });
  }

  int64_t StoredLedgerEntries() {
    int64_t n = 0;
    EXPECT_OK(store_->ReadLedger([&](v1::LedgerRelease) {
      ++n;
      return absl::OkStatus();
    }));
    return n;
  }

  v1::AuditRecord Release(const v1::Query& query) {
    absl::StatusOr<v1::QueryResponse> answer = pipeline_->Release(analyst_, query);
    EXPECT_TRUE(answer.ok()) << answer.status();
    return answer.ok() ? RecordOf(answer->receipt().release_id()) : v1::AuditRecord();
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{testing::UtcDay(2026, 6, 1)};
  std::unique_ptr<store::KeySource> keys_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<DatasetCatalog> catalog_;
  std::unique_ptr<ledger::ReleaseLedger> ledger_;
  std::unique_ptr<policies::PolicySet> policies_;
  std::unique_ptr<AdminOperations> admin_;
  std::unique_ptr<ReleasePipeline> pipeline_;
  RequestInfo analyst_;
  RequestInfo dpo_;
};

TEST_F(ReleaseReplayTest, AnUntouchedReleaseReplaysToTheSameDigest) {
  const v1::AuditRecord release = Release(ByStadtteil());
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(release));
  EXPECT_TRUE(replay.match());
  EXPECT_EQ(replay.replayed_digest(), release.released_table_sha256());
  EXPECT_EQ(replay.dataset_version(), 1);
  EXPECT_EQ(replay.dataset_version_hash(), release.dataset_version_hash());
  EXPECT_EQ(replay.policy_source(), "loaded");
  EXPECT_TRUE(replay.ledger_audited());
  EXPECT_EQ(replay.ledger_releases_before(), 0);
  EXPECT_FALSE(replay.recorded_table_inconsistent());
  EXPECT_EQ(replay.status_difference_count(), 0);
}

TEST_F(ReleaseReplayTest, AReplayIsRecordedAsAuditAccessAndNeverAsARelease) {
  const v1::AuditRecord release = Release(ByStadtteil());
  const int64_t releases = Count(v1::RELEASE);
  const int64_t ledger_size = ledger_->size();
  const int64_t stored = StoredLedgerEntries();
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(release));
  EXPECT_EQ(Count(v1::RELEASE), releases);
  EXPECT_EQ(ledger_->size(), ledger_size);
  EXPECT_EQ(StoredLedgerEntries(), stored);
  const std::vector<audit::StoredRecord> records = Records();
  const auto access = std::find_if(records.begin(), records.end(), [](const audit::StoredRecord& r) {
    return r.record.record_type() == v1::AUDIT_ACCESS;
  });
  ASSERT_NE(access, records.end());
  EXPECT_EQ(access->seq, replay.audit_seq());
  EXPECT_EQ(access->record.requester().principal(), "dpo");
  EXPECT_EQ(access->record.method(), "/cellgate.v1.AuditService/ReplayRelease");
  EXPECT_THAT(access->record.reason_codes(), ElementsAre("replay", "match"));
  EXPECT_THAT(access->record.detail(), HasSubstr(release.release_id()));
  EXPECT_FALSE(access->record.has_released_table());
}

TEST_F(ReleaseReplayTest, AReplayAfterTheLedgerGrewSeesOnlyWhatCameBefore) {
  // Released on version 1: Altstadt 4 published, Hafen suppressed.
  const v1::AuditRecord first = Release(ByStadtteil());
  ASSERT_EQ(first.released_table().cells(0).values(0).status(), v1::PUBLISHED);
  // Version 2 has one more child in Altstadt. Its release is linked to the
  // first through the versions rule, which suppresses Altstadt there: a
  // change of 1 would give the new child away.
  Ingest(kVersion2);
  const v1::AuditRecord later = Release(ByStadtteil());
  ASSERT_EQ(later.dataset_version(), 2);
  ASSERT_EQ(later.released_table().cells(0).values(0).status(), v1::SUPPRESSED);
  // The same again on version 1, after both: answered with the table
  // released first (a repeat adds nothing, so no ledger entry).
  const v1::AuditRecord repeat = Release(ByStadtteil(1));
  EXPECT_THAT(repeat.ledger_audit().linked_release_ids(),
              ::testing::ElementsAre(first.release_id()));
  ASSERT_EQ(ledger_->size(), 2);
  // A replay that saw the later releases would link version 2 and
  // suppress Altstadt; the ledger as of the first release has neither.
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(first));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_TRUE(replay.ledger_audited());
  EXPECT_EQ(replay.ledger_releases_before(), 0);
  EXPECT_EQ(replay.replayed_linked_releases(), replay.recorded_linked_releases());
  // And the later release, replayed, saw the first one.
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse again, Replay(later));
  EXPECT_TRUE(again.match()) << again.DebugString();
  EXPECT_EQ(again.ledger_releases_before(), 1);
  EXPECT_EQ(ledger_->size(), 2);  // replays append nothing
}

TEST_F(ReleaseReplayTest, ChangedDataOfTheRecordedVersionIsAMismatchNamingCellsNotFigures) {
  v1::AuditRecord release = Release(ByStadtteil());
  Ingest(kVersion2);
  Ingest(kVersion3);
  // The record's version, pointed at other data: first one more child in
  // Altstadt (same statuses, another figure), then Altstadt below k.
  release.set_dataset_version(2);
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse figure, Replay(release));
  EXPECT_FALSE(figure.match());
  EXPECT_NE(figure.dataset_version_hash(), figure.recorded_dataset_version_hash());
  EXPECT_EQ(figure.status_difference_count(), 0);
  EXPECT_EQ(figure.value_difference_count(), 1);

  release.set_dataset_version(3);
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse status, Replay(release));
  EXPECT_FALSE(status.match());
  EXPECT_EQ(status.status_difference_count(), 1);
  ASSERT_EQ(status.status_differences_size(), 1);
  EXPECT_THAT(status.status_differences(0).codes(), ElementsAre("01"));
  EXPECT_EQ(status.status_differences(0).recorded(), v1::PUBLISHED);
  EXPECT_EQ(status.status_differences(0).replayed(), v1::SUPPRESSED);
  EXPECT_EQ(Count(v1::AUDIT_ACCESS), 2);
}

// The answer's type has no field that could hold a figure: no number
// other than counts, sizes and versions, and no table or cell value.
TEST(ReplayResponseTest, CannotCarryAFigure) {
  std::vector<const google::protobuf::Descriptor*> todo = {
      v1::ReplayReleaseResponse::descriptor()};
  while (!todo.empty()) {
    const google::protobuf::Descriptor* d = todo.back();
    todo.pop_back();
    for (int i = 0; i < d->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* f = d->field(i);
      EXPECT_NE(f->cpp_type(), google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE) << f->full_name();
      EXPECT_NE(f->cpp_type(), google::protobuf::FieldDescriptor::CPPTYPE_FLOAT) << f->full_name();
      if (f->message_type() != nullptr) todo.push_back(f->message_type());
    }
    EXPECT_NE(d->full_name(), "cellgate.v1.ReleasedTable");
    EXPECT_NE(d->full_name(), "cellgate.v1.CellValue");
  }
}

TEST_F(ReleaseReplayTest, ACorruptedDigestIsAMismatchWithTheSameCells) {
  v1::AuditRecord release = Release(ByStadtteil());
  release.set_released_table_sha256(std::string(64, '0'));
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(release));
  EXPECT_FALSE(replay.match());
  EXPECT_TRUE(replay.recorded_table_inconsistent());
  EXPECT_EQ(replay.status_difference_count(), 0);
  EXPECT_EQ(replay.value_difference_count(), 0);
  EXPECT_FALSE(replay.layout_differs());
}

TEST_F(ReleaseReplayTest, AReleaseReplaysUnderItsKeptPolicyAfterThePolicyChanged) {
  const v1::AuditRecord release = Release(ByStadtteil());
  StartPipeline({Policy(2, 5)});  // a restart with new policy files
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(release));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_EQ(replay.policy_source(), "kept");
  EXPECT_EQ(replay.policy_version(), 1);
}

TEST_F(ReleaseReplayTest, AStartKeepsEveryLoadedPolicyBeforeAnyRelease) {
  // A restart with new policy files: the new version is in the store
  // before it decides anything, as the server keeps them at start.
  StartPipeline({Policy(2, 5)});
  const std::string hash = policies::PolicyHash(**policies_->ForDataset("kita"));
  EXPECT_THAT(store_->KeptPolicy(hash).status(), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK(pipeline_->KeepPolicies());
  ASSERT_OK_AND_ASSIGN(const v1::DisclosurePolicy kept, store_->KeptPolicy(hash));
  EXPECT_EQ(kept.version(), 2);
  EXPECT_EQ(Count(v1::RELEASE), 0);
}

TEST_F(ReleaseReplayTest, APolicyNeitherRunNorKeptIsNamedAndTheAttemptRecorded) {
  v1::AuditRecord release = Release(ByStadtteil());
  release.set_policy_hash(std::string(64, 'f'));
  release.set_policy_version(7);
  EXPECT_THAT(Replay(release),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("policy \"default\" v7 (sha256 ffffffffffffffff")));
  const std::vector<audit::StoredRecord> records = Records();
  EXPECT_EQ(records.back().record.record_type(), v1::AUDIT_ACCESS);
  EXPECT_THAT(records.back().record.reason_codes(), ElementsAre("replay", "failed"));
}

TEST_F(ReleaseReplayTest, AReleaseDecidedWithoutTheLedgerIsReplayedWithoutIt) {
  ReleasePipeline alone(*catalog_, *policies_, *log_, PipelineOptions(), nullptr);
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse answer, alone.Release(analyst_, ByStadtteil()));
  const v1::AuditRecord release = RecordOf(answer.receipt().release_id());
  ASSERT_FALSE(release.has_ledger_audit());
  const int64_t ledger_size = ledger_->size();
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(release));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_FALSE(replay.ledger_audited());
  EXPECT_EQ(ledger_->size(), ledger_size);
}

// Format 2 (ADR 0005): the query and the table are in the release's
// content detail. Once retention deleted it, the header alone holds
// digests, not inputs: the replay runs nothing, says why, and is recorded.
TEST_F(ReleaseReplayTest, AReleaseWhoseContentWasDeletedByRetentionSaysSoAndRunsNothing) {
  const v1::AuditRecord release = Release(ByStadtteil());
  clock_.Set(testing::UtcDay(2028, 1, 2));
  ASSERT_OK(log_->RedactDetails(v1::CONTENT, 2026, "content kept one year (test)").status());
  ASSERT_OK_AND_ASSIGN(const audit::ReadResult log, audit::ReadLog(dir_.File("audit")));
  audit::RedactionIndex redactions;
  for (const audit::StoredRecord& r : log.records) redactions.Add(r);
  ASSERT_OK_AND_ASSIGN(const audit::DetailedRecord read,
                       audit::DetailReader(dir_.File("audit"), nullptr)
                           .Read(log.records.at(release.seq()), redactions, v1::CONTENT));
  ASSERT_FALSE(read.record.has_query());
  const int64_t accesses = Count(v1::AUDIT_ACCESS);
  EXPECT_THAT(pipeline_->Replay(dpo_, read.record, read.details),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(release.release_id()), HasSubstr("deleted by retention"),
                             HasSubstr("content kept one year (test)"))));
  EXPECT_EQ(Count(v1::AUDIT_ACCESS), accesses + 1);
  const std::vector<audit::StoredRecord> records = Records();
  EXPECT_THAT(records.back().record.reason_codes(), ElementsAre("replay", "failed"));
  EXPECT_THAT(records.back().record.detail(), HasSubstr("deleted by retention"));
}

TEST_F(ReleaseReplayTest, AReleaseWhoseContentCannotBeReadSaysSo) {
  const v1::AuditRecord release = Release(ByStadtteil());
  const std::string file = dir_.File("audit/" + audit::DetailFileName(v1::CONTENT, 2026));
  std::string bytes = testing::ReadTestFile(file);
  bytes[bytes.size() - 20] ^= 0x01;  // inside the last blob: the release's
  testing::WriteTestFile(file, bytes);
  ASSERT_OK_AND_ASSIGN(const audit::ReadResult log, audit::ReadLog(dir_.File("audit")));
  ASSERT_OK_AND_ASSIGN(const audit::DetailedRecord read,
                       audit::DetailReader(dir_.File("audit"), nullptr)
                           .Read(log.records.at(release.seq()), audit::RedactionIndex()));
  EXPECT_THAT(pipeline_->Replay(dpo_, read.record, read.details),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("cannot be read"), HasSubstr("does not match its hash"))));
}

TEST_F(ReleaseReplayTest, OnlyReleasesInTheLedgerCanBeReplayed) {
  v1::Query unknown = ByStadtteil();
  unknown.set_dataset("nope");
  EXPECT_FALSE(pipeline_->Release(analyst_, unknown).ok());
  const std::vector<audit::StoredRecord> records = Records();
  const v1::AuditRecord refusal = records.back().record;
  ASSERT_EQ(refusal.record_type(), v1::REFUSAL);
  EXPECT_THAT(Replay(refusal),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is a refusal")));

  v1::AuditRecord stranger = Release(ByStadtteil());
  stranger.set_release_id("0123456789abcdef0123456789abcdef");
  EXPECT_THAT(Replay(stranger),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not in the release ledger")));
}

// ---------------------------------------------------------------------------
// Shares across datasets (docs/adr/0008): "hilfe" over "kinder", each a
// release of its own dataset, audited against its own ledger.

// Stadtteile "1".."4" under Sozialraum A (1, 2) and B (3, 4).
std::string ChildrenSchema(const std::string& id) {
  return absl::StrCat("id: \"", id, "\" title: \"", id, R"pb("
    columns { name: "key" label: "Schlüssel" kind: UNIT_ID }
    columns {
      name: "stadtteil"
      label: "Stadtteil"
      kind: DIMENSION
      levels {
        name: "stadtteil"
        label: "Stadtteil"
        codes { code: "1" label: "Eins" parent: "A" }
        codes { code: "2" label: "Zwei" parent: "A" }
        codes { code: "3" label: "Drei" parent: "B" }
        codes { code: "4" label: "Vier" parent: "B" }
      }
      levels {
        name: "sozialraum"
        label: "Sozialraum"
        codes { code: "A" label: "Mitte" }
        codes { code: "B" label: "Außen" }
      }
    })pb");
}

// `per_stadtteil[s]` records in Stadtteil s + 1, keys `prefix`1, 2, ...
std::string ChildrenCsv(const std::string& prefix, const std::vector<int>& per_stadtteil) {
  std::string csv = "key,stadtteil\n";
  int key = 0;
  for (size_t s = 0; s < per_stadtteil.size(); ++s) {
    for (int i = 0; i < per_stadtteil[s]; ++i) absl::StrAppend(&csv, prefix, ++key, ",", s + 1, "\n");
  }
  return csv;
}

v1::DisclosurePolicy PolicyOf(const std::string& dataset, int64_t version, int64_t k) {
  v1::DisclosurePolicy policy = Policy(version, k);
  policy.set_id(dataset);
  policy.set_dataset(dataset);
  return policy;
}

// `dataset`'s policy with a small ptable on the public channel: 1 and 2
// become 0 or 3, larger counts move by -1, 0 or +1.
v1::DisclosurePolicy PerturbingPolicyOf(const std::string& dataset) {
  v1::DisclosurePolicy policy = PolicyOf(dataset, 1, 3);
  EXPECT_OK(ParseTextProto(R"pb(
                             channels: PUBLIC
                             ptable {
                               rows { i: 0 j: 0 p: 1 v: 0 p_int_lb: 0 p_int_ub: 1 }
                               rows { i: 1 j: 0 p: 0.5 v: -1 p_int_lb: 0 p_int_ub: 0.5 }
                               rows { i: 1 j: 3 p: 0.5 v: 2 p_int_lb: 0.5 p_int_ub: 1 }
                               rows { i: 2 j: 0 p: 0.5 v: -2 p_int_lb: 0 p_int_ub: 0.5 }
                               rows { i: 2 j: 3 p: 0.5 v: 1 p_int_lb: 0.5 p_int_ub: 1 }
                               rows { i: 3 j: 2 p: 0.25 v: -1 p_int_lb: 0 p_int_ub: 0.25 }
                               rows { i: 3 j: 3 p: 0.5 v: 0 p_int_lb: 0.25 p_int_ub: 0.75 }
                               rows { i: 3 j: 4 p: 0.25 v: 1 p_int_lb: 0.75 p_int_ub: 1 }
                             })pb",
                           "perturbation", *policy.mutable_perturbation()));
  return policy;
}

class CrossDatasetReplayTest : public ReleaseReplayTest {
 protected:
  // "kinder" (the denominator) and "hilfe" (the children among them with
  // a benefit, the numerator), governed by `policies` and the default.
  void Load(const std::vector<int>& kinder, const std::vector<int>& hilfe,
            std::vector<v1::DisclosurePolicy> policies = {}) {
    policies.push_back(Policy(1, 3));
    StartPipeline(std::move(policies));
    for (const char* id : {"kinder", "hilfe"}) {
      v1::DatasetSchema schema;
      ASSERT_OK(ParseTextProto(ChildrenSchema(id), "schema", schema));
      ASSERT_OK(admin_->CreateDataset(analyst_, schema));
    }
    Ingest(ChildrenCsv("k", kinder).c_str(), "kinder");
    Ingest(ChildrenCsv("k", hilfe).c_str(), "hilfe");
  }

  // The share of "hilfe" in "kinder" by Stadtteil with totals, in
  // Stadtteile `only` (all if empty).
  static v1::Query Quote(const std::vector<std::string>& only = {},
                         v1::Channel channel = v1::INTERNAL) {
    v1::Query q = Counts("hilfe", "stadtteil");
    for (v1::Measure::Kind kind : {v1::Measure::COUNT, v1::Measure::SHARE}) {
      v1::Measure& m = *q.add_measures();
      m.set_kind(kind);
      m.mutable_denominator()->set_dataset("kinder");
    }
    if (!only.empty()) {
      v1::Filter& f = *q.add_filters();
      f.set_dimension("stadtteil");
      for (const std::string& code : only) f.add_codes(code);
    }
    q.set_channel(channel);
    return q;
  }

  // A count of `dataset` by `level` of the Stadtteil, with totals.
  static v1::Query Counts(const std::string& dataset, const std::string& level) {
    v1::Query q = ByStadtteil();
    q.set_dataset(dataset);
    q.mutable_group_by(0)->set_level(level);
    q.set_totals(true);
    return q;
  }

  // The status of the first value of cell `code` in `record`'s table.
  static v1::CellStatus StatusOf(const v1::AuditRecord& record, const std::string& code,
                                 int measure = 0) {
    for (const v1::ReleasedCell& cell : record.released_table().cells()) {
      if (cell.codes(0) == code) return cell.values(measure).status();
    }
    ADD_FAILURE() << "no cell " << code;
    return v1::CELL_STATUS_UNSPECIFIED;
  }
};

TEST_F(CrossDatasetReplayTest, AShareAcrossDatasetsReplaysToTheSameDigest) {
  Load({10, 6, 20, 20}, {4, 3, 8, 9});
  const v1::AuditRecord release = Release(Quote());
  ASSERT_TRUE(release.has_denominator());
  ASSERT_EQ(ledger_->size(), 2);
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(release));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_TRUE(replay.ledger_audited());
  EXPECT_EQ(replay.ledger_releases_before(), 0);
  EXPECT_EQ(ledger_->size(), 2);
}

TEST_F(CrossDatasetReplayTest, ItReplaysUnderTheDenominatorsKeptPolicyAfterThatPolicyChanged) {
  // Stadtteil 1: 4 recipients, published under the joint k = 3.
  Load({10, 6, 20, 20}, {4, 3, 8, 9}, {PolicyOf("kinder", 1, 3)});
  const v1::AuditRecord release = Release(Quote());
  ASSERT_EQ(StatusOf(release, "1"), v1::PUBLISHED);
  // A restart with kinder's k raised to 5: the joint k would be 5 too.
  StartPipeline({PolicyOf("kinder", 2, 5), Policy(1, 3)});
  ASSERT_EQ(StatusOf(Release(Quote()), "1"), v1::SUPPRESSED);
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(release));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_EQ(replay.policy_source(), "loaded");  // the numerator's, unchanged
}

// Kinder: Sozialraum A = 10 + 2 children. Released by Sozialraum first,
// a published denominator of Stadtteil 1 would give Stadtteil 2's two
// children away, so kinder's ledger has the share suppress it.
TEST_F(CrossDatasetReplayTest, AfterMoreReleasesOfEitherDatasetItStillMatches) {
  Load({10, 2, 20, 20}, {8, 2, 9, 10});
  Release(Counts("kinder", "sozialraum"));
  const v1::AuditRecord share = Release(Quote({"1", "3"}));
  ASSERT_EQ(StatusOf(share, "1", 1), v1::SUPPRESSED);  // by the denominator's ledger
  ASSERT_EQ(share.denominator().ledger_audit().linked_releases(), 1);
  ASSERT_EQ(ledger_->size(), 3);  // kinder, then the share's hilfe and kinder sides
  // More of both datasets, and another share.
  Release(Counts("kinder", "stadtteil"));
  Release(Counts("hilfe", "stadtteil"));
  Release(Counts("hilfe", "sozialraum"));
  const v1::AuditRecord later = Release(Quote());
  ASSERT_EQ(ledger_->size(), 8);
  // The view as of the share holds kinder's release before it: neither
  // its own two entries nor anything later.
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(share));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_EQ(replay.ledger_releases_before(), 1);
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse again, Replay(later));
  EXPECT_TRUE(again.match()) << again.DebugString();
  EXPECT_EQ(again.ledger_releases_before(), 6);
  EXPECT_EQ(ledger_->size(), 8);
}

// On the public channel with a perturbed denominator: the numerator is
// audited against hilfe's ledger (Sozialraum A = 8 + 2 recipients), the
// denominator stays out of kinder's.
TEST_F(CrossDatasetReplayTest, AShareWithAPerturbedDenominatorReplaysToMatch) {
  Load({10, 2, 20, 20}, {8, 2, 9, 10}, {PerturbingPolicyOf("kinder")});
  Release(Counts("hilfe", "sozialraum"));
  const v1::AuditRecord share = Release(Quote({"1", "3"}, v1::PUBLIC));
  ASSERT_EQ(StatusOf(share, "1", 0), v1::SUPPRESSED);  // by the numerator's ledger
  ASSERT_EQ(StatusOf(share, "1", 1), v1::PERTURBED);
  ASSERT_FALSE(share.denominator().has_ledger_audit());
  Release(Counts("hilfe", "stadtteil"));
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(share));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_TRUE(replay.ledger_audited());
  EXPECT_EQ(replay.ledger_releases_before(), 1);
}

// With a perturbed numerator only the denominator's side has a ledger
// entry ("<release id>/denominator"): the replay's view is as of that one.
TEST_F(CrossDatasetReplayTest, AShareWithAPerturbedNumeratorReplaysAgainstTheDenominatorsLedger) {
  Load({10, 2, 20, 20}, {8, 2, 9, 10}, {PerturbingPolicyOf("hilfe")});
  Release(Counts("kinder", "sozialraum"));
  const v1::AuditRecord share = Release(Quote({"1", "3"}, v1::PUBLIC));
  ASSERT_EQ(StatusOf(share, "1", 0), v1::PERTURBED);
  ASSERT_EQ(StatusOf(share, "1", 1), v1::SUPPRESSED);  // by the denominator's ledger
  ASSERT_FALSE(share.has_ledger_audit());
  ASSERT_TRUE(share.denominator().has_ledger_audit());
  ASSERT_EQ(ledger_->size(), 2);
  Release(Counts("kinder", "stadtteil"));
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(share));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_TRUE(replay.ledger_audited());
  EXPECT_EQ(replay.ledger_releases_before(), 1);
}

// A repeat is answered with the table released first, without an audit
// (ReleaseCache); replayed, it is decided anew as of the release it
// repeats: the same table, whatever came later.
TEST_F(ReleaseReplayTest, ARepeatReplaysToTheTableItRepeated) {
  const v1::AuditRecord first = Release(ByStadtteil());
  const v1::AuditRecord repeat = Release(ByStadtteil());
  ASSERT_THAT(repeat.ledger_audit().linked_release_ids(),
              ::testing::ElementsAre(first.release_id()));
  ASSERT_EQ(repeat.ledger_audit().repeat_of(), first.release_id());
  ASSERT_EQ(ledger_->size(), 1);
  v1::Query with_total = ByStadtteil();
  with_total.set_totals(true);
  Release(with_total);  // the ledger grows after the repeat
  ASSERT_EQ(ledger_->size(), 2);
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(repeat));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_EQ(replay.ledger_releases_before(), 0);  // as of the release it repeats
}

// A share over another dataset is never a repeat from the cache: its table
// depends on the denominator's version too. Asked again after kinder was
// corrected, it is computed on kinder's new version and audited anew.
TEST_F(CrossDatasetReplayTest, AShareAskedAgainAfterTheDenominatorChangedUsesItsNewVersion) {
  Load({10, 6, 20, 20}, {4, 3, 8, 9});
  const v1::AuditRecord before = Release(Quote());
  ASSERT_EQ(before.denominator().dataset_version(), 1);
  Ingest(ChildrenCsv("k", {12, 6, 20, 20}).c_str(), "kinder");
  const v1::AuditRecord after = Release(Quote());
  EXPECT_EQ(after.denominator().dataset_version(), 2);
  EXPECT_NE(after.denominator().dataset_version_hash(), before.denominator().dataset_version_hash());
  EXPECT_THAT(after.ledger_audit().note(), ::testing::Not(::testing::HasSubstr("repeat")));
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(after));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
}

// An identical re-ingest has the same content hash, but it is another
// version: the query on it is no repeat of the release on version 1.
TEST_F(ReleaseReplayTest, AfterAnIdenticalReingestTheQueryIsReleasedOnTheNewVersion) {
  const v1::AuditRecord first = Release(ByStadtteil());
  Ingest(kVersion1);
  const v1::AuditRecord later = Release(ByStadtteil());
  ASSERT_EQ(later.dataset_version(), 2);
  ASSERT_EQ(later.dataset_version_hash(), first.dataset_version_hash());
  EXPECT_EQ(later.ledger_audit().repeat_of(), "");
  EXPECT_EQ(ledger_->size(), 2);  // in version 2's part of the ledger
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(later));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
}

// A perturbed count table stays out of the ledger; its repeat does too, and
// replays without it, like the original.
TEST_F(ReleaseReplayTest, ARepeatOfAPerturbedTableReplaysWithoutTheLedger) {
  StartPipeline({PerturbingPolicyOf("kita")});
  v1::Query public_table = ByStadtteil();
  public_table.set_channel(v1::PUBLIC);
  const v1::AuditRecord first = Release(public_table);
  ASSERT_FALSE(first.has_ledger_audit());
  const v1::AuditRecord repeat = Release(public_table);
  EXPECT_FALSE(repeat.has_ledger_audit());
  EXPECT_EQ(repeat.released_table_sha256(), first.released_table_sha256());
  EXPECT_EQ(ledger_->size(), 0);
  ASSERT_OK_AND_ASSIGN(const v1::ReplayReleaseResponse replay, Replay(repeat));
  EXPECT_TRUE(replay.match()) << replay.DebugString();
  EXPECT_FALSE(replay.ledger_audited());
}

}  // namespace
}  // namespace cellgate::pipeline
