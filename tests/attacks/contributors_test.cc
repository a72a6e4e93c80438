// Magnitude attacks by a contributor (issue #3, primary rules): a Kursleiter
// who teaches many courses in one cell dominates its teaching hours though
// no single course does. With records as the contributors the cell is
// published and the second largest Kursleiter, who knows her own hours,
// estimates the first one's within p %; with the dataset's contributor
// column the cell is suppressed, and secondary suppression keeps every
// attacker's interval open to the p% rule's upper protection level. The
// rules' secret parameters never leave. Through the real store, engine,
// pipeline, release ledger and audit log; the attacker solves her own LP.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/audit_log.h"
#include "audit/verify/detail_reader.h"
#include "common/clock.h"
#include "common/status_macros.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/lp/linear_program.h"
#include "policies/policy_loader.h"
#include "policies/policy_set.h"
#include "server/ledger/release_ledger.h"
#include "server/pipeline/admin_operations.h"
#include "server/pipeline/dataset_catalog.h"
#include "server/pipeline/release_pipeline.h"
#include "server/store/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::attacks {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Fixture(const std::string& name) {
  return testing::ReadTestFile(
      absl::StrCat(CELLGATE_SOURCE_DIR, "/tests/data/contributors/", name));
}

v1::DatasetSchema KurseSchema() {
  v1::DatasetSchema schema;
  EXPECT_OK(ParseTextProto(Fixture("vhs_kurse.schema.textproto"), "schema", schema));
  return schema;
}

// The same dataset without its contributor column: records (courses) are
// the contributors, as before contributor columns existed.
v1::DatasetSchema RecordsSchema() {
  v1::DatasetSchema schema = KurseSchema();
  for (int c = schema.columns_size(); c-- > 0;) {
    if (schema.columns(c).kind() == v1::CONTRIBUTOR) schema.mutable_columns()->DeleteSubrange(c, 1);
  }
  for (v1::ColumnSchema& column : *schema.mutable_columns()) column.clear_contributor();
  return schema;
}

v1::DisclosurePolicy KursePolicy() {
  absl::StatusOr<v1::DisclosurePolicy> policy =
      policies::ParsePolicy(Fixture("vhs_kurse.policy.textproto"), "vhs_kurse.policy.textproto");
  EXPECT_OK(policy.status());
  v1::DisclosurePolicy out = policy.ok() ? *policy : v1::DisclosurePolicy();
  // A weak percentage level, so that the p% rule's own level is what
  // protection must reach (with the default 10 % it would be exceeded).
  out.mutable_protection()->set_sum_percent(1);
  return out;
}

struct Kurs {
  std::string bereich, stadtteil, kursleitung;
  int ustd = 0;
};

// The attacked cell, Sprachen in the Altstadt: Kursleitung "A" gives 25
// courses of 20 hours (500), "B" 49 of 10 (490), "C" and "D" one of 5 each:
// X = 1,000, and no course has more than 20 hours. Sprachen in the Hafen:
// three courses of 7, 7 and 6 hours, too little to hide 40 hours of the
// Altstadt's. Every other cell: five Kursleitungen with totals 90, 80, 70,
// 60 and 50 in three courses each.
constexpr double kA = 500, kB = 490, kCell = 1000, kP = 10;

std::vector<Kurs> Kurse() {
  std::vector<Kurs> kurse;
  for (int i = 0; i < 25; ++i) kurse.push_back({"sp", "1", "A", 20});
  for (int i = 0; i < 49; ++i) kurse.push_back({"sp", "1", "B", 10});
  kurse.push_back({"sp", "1", "C", 5});
  kurse.push_back({"sp", "1", "D", 5});
  kurse.push_back({"sp", "2", "E", 7});
  kurse.push_back({"sp", "2", "F", 7});
  kurse.push_back({"sp", "2", "G", 6});
  for (const char* bereich : {"sp", "ge", "kg"}) {
    for (const char* stadtteil : {"1", "2", "3"}) {
      if (std::string(bereich) == "sp" && std::string(stadtteil) != "3") continue;
      for (int k = 0; k < 5; ++k) {
        const std::string who = absl::StrCat(bereich, stadtteil, "-", k);
        const int total = 90 - 10 * k;
        kurse.push_back({bereich, stadtteil, who, total / 3});
        kurse.push_back({bereich, stadtteil, who, total / 3});
        kurse.push_back({bereich, stadtteil, who, total - 2 * (total / 3)});
      }
    }
  }
  return kurse;
}

std::string Csv(const v1::DatasetSchema& schema, const std::vector<Kurs>& kurse) {
  const bool contributors = schema.columns_size() == KurseSchema().columns_size();
  std::string csv = contributors ? "kurs_id,programmbereich,stadtteil,kursleitung,ustd\n"
                                 : "kurs_id,programmbereich,stadtteil,ustd\n";
  for (size_t i = 0; i < kurse.size(); ++i) {
    const Kurs& k = kurse[i];
    absl::StrAppend(&csv, "k", i, ",", k.bereich, ",", k.stadtteil, ",",
                    contributors ? k.kursleitung + "," : "", k.ustd, "\n");
  }
  return csv;
}

pipeline::RequestInfo As(const std::string& department) {
  pipeline::RequestInfo request;
  request.requester.set_principal(department + "-analyst");
  request.requester.set_department(department);
  request.method = "/cellgate.v1.DataService/Query";
  return request;
}

// A store with one dataset and the release pipeline with its ledger.
class KurseWorld {
 public:
  static absl::StatusOr<std::unique_ptr<KurseWorld>> Create(const v1::DatasetSchema& schema,
                                                            v1::DisclosurePolicy policy,
                                                            const std::vector<Kurs>& kurse) {
    std::unique_ptr<KurseWorld> w(new KurseWorld());
    ASSIGN_OR_RETURN(store::SecretKey key, store::SecretKey::FromBytes(std::string(32, '\x42')));
    w->keys_ = std::make_unique<store::InMemoryKeySource>(std::move(key));
    audit::AuditLogOptions log_options;
    log_options.dir = w->dir_.File("audit");
    log_options.origin = "cellgate.test/contributors/v1";
    ASSIGN_OR_RETURN(w->log_, audit::AuditLog::Open(log_options, w->clock_, nullptr));
    policy.set_dataset(schema.id());
    ASSIGN_OR_RETURN(policies::PolicySet set, policies::PolicySet::FromPolicies({policy}));
    w->policies_ = std::make_unique<policies::PolicySet>(std::move(set));
    store::StoreOptions store_options;
    store_options.path = w->dir_.File("store.db");
    store_options.random_bytes = [](size_t n) -> absl::StatusOr<std::string> {
      return std::string(n, '\x5c');  // test only: fixed, so runs repeat
    };
    ASSIGN_OR_RETURN(w->store_, store::Store::Open(store_options, *w->keys_, w->clock_));
    ASSIGN_OR_RETURN(w->catalog_, pipeline::DatasetCatalog::Open(*w->store_));
    w->admin_ = std::make_unique<pipeline::AdminOperations>(*w->catalog_, *w->log_);
    ASSIGN_OR_RETURN(w->ledger_, ledger::ReleaseLedger::Open(*w->store_));
    w->pipeline_ = std::make_unique<pipeline::ReleasePipeline>(
        *w->catalog_, *w->policies_, *w->log_, pipeline::PipelineOptions(), w->ledger_.get());
    w->schema_ = schema;
    RETURN_IF_ERROR(w->admin_->CreateDataset(As("steward"), schema));
    RETURN_IF_ERROR(w->Ingest(kurse));
    return w;
  }

  absl::Status Ingest(const std::vector<Kurs>& kurse) {
    ASSIGN_OR_RETURN(auto ingest, admin_->BeginIngest(As("steward"), schema_.id(), "kurse.csv"));
    const absl::Status added = ingest->session().AddChunk(Csv(schema_, kurse));
    return admin_->FinishIngest(As("steward"), std::move(ingest), "vhsg_5", added).status();
  }

  // COUNT and SUM ustd (and MEAN ustd if `mean`) by Programmbereich and
  // Stadtteil with totals; by a dimension that does not exist if `bad`.
  absl::StatusOr<v1::QueryResponse> Ask(bool mean = false, bool bad = false) {
    v1::Query q;
    q.set_dataset(schema_.id());
    q.set_purpose("bildungsbericht");
    q.set_legal_basis("vhsg_5");
    q.add_measures()->set_kind(v1::Measure::COUNT);
    v1::Measure& sum = *q.add_measures();
    sum.set_kind(v1::Measure::SUM);
    sum.set_column("ustd");
    if (mean) {
      v1::Measure& m = *q.add_measures();
      m.set_kind(v1::Measure::MEAN);
      m.set_column("ustd");
    }
    q.add_group_by()->set_dimension("programmbereich");
    q.add_group_by()->set_dimension(bad ? "nosuchdimension" : "stadtteil");
    q.set_totals(true);
    return pipeline_->Release(As("vhs"), q);
  }

  // COUNT and SUM ustd of Sprachen in the Stadtteile `stadtteile`, one cell.
  absl::StatusOr<v1::QueryResponse> AskSprachenIn(const std::vector<std::string>& stadtteile) {
    v1::Query q;
    q.set_dataset(schema_.id());
    q.set_purpose("bildungsbericht");
    q.set_legal_basis("vhsg_5");
    q.add_measures()->set_kind(v1::Measure::COUNT);
    v1::Measure& sum = *q.add_measures();
    sum.set_kind(v1::Measure::SUM);
    sum.set_column("ustd");
    v1::Filter& bereich = *q.add_filters();
    bereich.set_dimension("programmbereich");
    bereich.add_codes("sp");
    v1::Filter& where = *q.add_filters();
    where.set_dimension("stadtteil");
    for (const std::string& code : stadtteile) where.add_codes(code);
    return pipeline_->Release(As("vhs"), q);
  }

  absl::StatusOr<std::vector<v1::AuditRecord>> AuditRecords() const {
    // Whole records, details merged in: the suppression audit and the
    // released table live in the detail blobs, and the secrecy test must
    // search them too.
    ASSIGN_OR_RETURN(std::vector<audit::DetailedRecord> log,
                     audit::ReadDetailedLog(dir_.File("audit"), nullptr));
    std::vector<v1::AuditRecord> records;
    for (audit::DetailedRecord& full : log) records.push_back(std::move(full.record));
    return records;
  }

 private:
  KurseWorld() = default;

  testing::TempDir dir_;
  SystemClock clock_;
  v1::DatasetSchema schema_;
  std::unique_ptr<store::KeySource> keys_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<policies::PolicySet> policies_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<pipeline::DatasetCatalog> catalog_;
  std::unique_ptr<pipeline::AdminOperations> admin_;
  std::unique_ptr<ledger::ReleaseLedger> ledger_;
  std::unique_ptr<pipeline::ReleasePipeline> pipeline_;
};

// The attacker of the sums: she knows the table's structure (a total is
// the sum of its cells), that hours are never negative, and every sum
// published; she bounds one cell's sum by her own LP over the leaf cells.
struct Bounds {
  double lower = 0, upper = 0;
};

Bounds SumOf(const v1::ReleasedTable& table, const std::string& bereich,
             const std::string& stadtteil) {
  int sum = -1;
  for (int m = 0; m < table.measures_size(); ++m) {
    if (table.measures(m).measure().kind() == v1::Measure::SUM) sum = m;
  }
  std::vector<std::string> rows, cols;
  for (const v1::AxisEntry& e : table.axes(0).entries()) {
    if (!e.is_total()) rows.push_back(e.code());
  }
  for (const v1::AxisEntry& e : table.axes(1).entries()) {
    if (!e.is_total()) cols.push_back(e.code());
  }
  policies::LinearProgram lp;
  for (size_t a = 0; a < rows.size() * cols.size(); ++a) lp.AddVariable(0, policies::kInfinity);
  auto atoms = [&](const std::string& r, const std::string& c) {
    std::vector<std::pair<int, double>> terms;
    for (size_t i = 0; i < rows.size(); ++i) {
      for (size_t j = 0; j < cols.size(); ++j) {
        if ((r == "_T" || r == rows[i]) && (c == "_T" || c == cols[j])) {
          terms.emplace_back(static_cast<int>(i * cols.size() + j), 1.0);
        }
      }
    }
    return terms;
  };
  for (const v1::ReleasedCell& cell : table.cells()) {
    const v1::CellValue& v = cell.values(sum);
    if (v.status() == v1::PUBLISHED || v.status() == v1::ZERO) {
      lp.AddEqualityRow(atoms(cell.codes(0), cell.codes(1)), v.value());
    }
  }
  const auto target = atoms(bereich, stadtteil);
  absl::StatusOr<policies::LpSolution> low = lp.Solve(policies::LpSense::kMinimize, target);
  absl::StatusOr<policies::LpSolution> high = lp.Solve(policies::LpSense::kMaximize, target);
  Bounds b;
  b.lower = low.ok() ? low->objective : -1;
  b.upper = !high.ok() ? -1
            : high->outcome == policies::LpSolution::kUnbounded ? policies::kInfinity
                                                                 : high->objective;
  return b;
}

const v1::ReleasedCell& CellOf(const v1::ReleasedTable& table, const std::string& bereich,
                               const std::string& stadtteil) {
  for (const v1::ReleasedCell& cell : table.cells()) {
    if (cell.codes(0) == bereich && cell.codes(1) == stadtteil) return cell;
  }
  std::abort();
}

// B knows her own 490 hours and that nobody's are negative: A has at most
// the cell's largest feasible sum minus 490. The p% rule asks that this
// estimate stays more than p % above A's true 500.
bool EstimatesAWithinP(const Bounds& cell) {
  const double a_at_most = cell.upper - kB;
  return a_at_most < (1 + kP / 100) * kA;
}

TEST(ContributorAttackTest, RecordsAsContributorsLetTheSecondKursleitungEstimateTheFirst) {
  ASSERT_OK_AND_ASSIGN(auto world, KurseWorld::Create(RecordsSchema(), KursePolicy(), Kurse()));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse answer, world->Ask());
  // No course has more than 20 of the 1,000 hours: every rule passes.
  const v1::ReleasedCell& cell = CellOf(answer.table(), "sp", "1");
  ASSERT_EQ(cell.values(1).status(), v1::PUBLISHED);
  EXPECT_DOUBLE_EQ(cell.values(1).value(), kCell);
  const Bounds b = SumOf(answer.table(), "sp", "1");
  EXPECT_DOUBLE_EQ(b.upper, kCell);
  EXPECT_TRUE(EstimatesAWithinP(b));  // 510 for 500: within 2 %
}

TEST(ContributorAttackTest, ContributorColumnSuppressesAndProtectsToTheUpperLevel) {
  ASSERT_OK_AND_ASSIGN(auto world, KurseWorld::Create(KurseSchema(), KursePolicy(), Kurse()));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse answer, world->Ask());
  const v1::ReleasedCell& cell = CellOf(answer.table(), "sp", "1");
  EXPECT_EQ(cell.values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(cell.values(1).status(), v1::SUPPRESSED);
  // The p% rule's upper protection level: p/100 · x1 − (X − x1 − x2) = 40.
  const double level = kP / 100 * kA - (kCell - kA - kB);
  const Bounds b = SumOf(answer.table(), "sp", "1");
  EXPECT_GE(b.upper, kCell + level - 1e-6);
  EXPECT_LE(b.lower, kCell - level + 1e-6);
  EXPECT_FALSE(EstimatesAWithinP(b));
  // The Hafen's 20 hours alone could not hide 40: levels computed from the
  // courses instead would let 1,020 through, and B's estimate with it. The
  // DPO's record names the rule and the interval the release audit proved.
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::AuditRecord> records, world->AuditRecords());
  const v1::AuditRecord& last = records.back();
  EXPECT_THAT(last.reason_codes(), ::testing::Contains("p_percent"));
  bool audited = false;
  for (const v1::SuppressedCellAudit& a : last.suppression_audit()) {
    if (a.measure() == "sum:ustd" && a.primary()) {
      audited = true;
      EXPECT_GE(a.upper(), kCell + level - 1e-6);
    }
  }
  EXPECT_TRUE(audited);
}

// Across releases the contributors count too: Sprachen in Stadtteile 1-3
// (1,370 hours: A's 500 and B's 490 are far from dominating it), then in
// 2 and 3 only (370). Each alone passes every rule; their difference is
// the Altstadt's 1,000, where B estimates A to within 2 %. No course has
// more than 20 hours, so a ledger that took the records as contributors
// found nothing to protect in the difference and published both.
TEST(ContributorAttackTest, DifferencingSumsAcrossReleasesCountsKursleitungenNotCourses) {
  ASSERT_OK_AND_ASSIGN(auto world, KurseWorld::Create(KurseSchema(), KursePolicy(), Kurse()));
  ASSERT_OK_AND_ASSIGN(const v1::QueryResponse all, world->AskSprachenIn({"1", "2", "3"}));
  ASSERT_EQ(all.table().cells(0).values(1).status(), v1::PUBLISHED);
  ASSERT_EQ(all.table().cells(0).values(1).value(), 1370);
  absl::StatusOr<v1::QueryResponse> rest = world->AskSprachenIn({"2", "3"});
  if (rest.ok()) {
    const v1::CellValue& sum = rest->table().cells(0).values(1);
    // Published, it would give the Altstadt's 1,000: A at most 510 for 500.
    EXPECT_NE(sum.status(), v1::PUBLISHED) << "the difference is " << 1370 - sum.value();
  } else {
    EXPECT_EQ(rest.status().code(), absl::StatusCode::kFailedPrecondition) << rest.status();
  }
}

// The rules' parameters are secret: seeded with digits found nowhere else,
// they must appear in no answer, no status message and no audit record
// (reasons, ledger notes, released tables), whatever was asked; nor may a
// requester learn which magnitude rule hid a cell.
TEST(ContributorSecretTest, MagnitudeParametersNeverLeave) {
  v1::DisclosurePolicy policy = KursePolicy();
  policy.mutable_magnitude()->mutable_p_percent()->set_p(11.35792468);
  policy.mutable_magnitude()->mutable_dominance()->set_k(86.24681357);
  policy.mutable_magnitude()->set_min_contributors(4);
  const std::vector<std::string> seeded = {"35792468", "24681357"};
  EXPECT_THAT(policy.DebugString(), HasSubstr(seeded[0]));
  EXPECT_THAT(policy.DebugString(), HasSubstr(seeded[1]));
  const std::vector<std::string> rules = {"p_percent", "dominance", "min_contributors",
                                          "magnitude"};
  ASSERT_OK_AND_ASSIGN(auto world, KurseWorld::Create(KurseSchema(), policy, Kurse()));
  int answered = 0;
  for (const auto& answer :
       {world->Ask(), world->Ask(/*mean=*/true), world->Ask(false, /*bad=*/true)}) {
    const std::string seen = answer.ok() ? answer->DebugString() : answer.status().ToString();
    answered += answer.ok();
    for (const std::string& s : seeded) EXPECT_THAT(seen, Not(HasSubstr(s)));
    for (const std::string& r : rules) EXPECT_THAT(seen, Not(HasSubstr(r)));
  }
  EXPECT_EQ(answered, 2);
  ASSERT_OK(world->Ingest(Kurse()));
  ASSERT_OK(world->Ask().status());  // on the new version, linked to the old
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::AuditRecord> records, world->AuditRecords());
  ASSERT_GE(records.size(), 6u);
  bool suppressed_by_magnitude = false;
  for (const v1::AuditRecord& record : records) {
    for (const std::string& s : seeded) EXPECT_THAT(record.DebugString(), Not(HasSubstr(s)));
    for (const std::string& id : record.reason_codes()) {
      suppressed_by_magnitude |= id == "p_percent";
    }
  }
  EXPECT_TRUE(suppressed_by_magnitude);  // the rules did run with these values
}

}  // namespace
}  // namespace cellgate::attacks
