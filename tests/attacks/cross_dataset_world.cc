#include "tests/attacks/cross_dataset_world.h"

#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "audit/verify/detail_reader.h"
#include "common/status_macros.h"
#include "common/textproto.h"
#include "gtest/gtest.h"
#include "policies/lp/linear_program.h"

namespace cellgate::attacks {
namespace {

// The stadtteil and sex dimensions with Stadtteile `codes` (in Sozialraum A
// for "1" and "2", else B).
std::string Dimensions(const std::vector<std::string>& codes) {
  std::string stadtteile;
  for (const std::string& code : codes) {
    absl::StrAppend(&stadtteile, "codes { code: \"", code, "\" label: \"Stadtteil ", code,
                    "\" parent: \"", code <= "2" ? "A" : "B", "\" }\n");
  }
  return absl::StrCat(R"pb(
                        columns { name: "key" label: "Schlüssel" kind: UNIT_ID }
                        columns { name: "stadtteil" label: "Stadtteil" kind: DIMENSION
                                  levels { name: "stadtteil" label: "Stadtteil")pb",
                      stadtteile, R"pb(}
                                       levels {
        name: "sozialraum" label: "Sozialraum"
        codes { code: "A" label: "Mitte" }
        codes { code: "B" label: "Außen" }
      }
    }
    columns {
      name: "sex" label: "Geschlecht" kind: DIMENSION
      levels { name: "sex" label: "Geschlecht" codes { code: "m" label: "männlich" } codes { code: "w" label: "weiblich" } }
    })pb");
}

std::string KinderSchema() {
  return absl::StrCat(R"pb(id: "kinder" title: "Kinder")pb", Dimensions({"1", "2", "3", "4"}));
}

std::string HilfeSchema() {
  return absl::StrCat(R"pb(id: "hilfe" title: "Kinder mit Hilfe")pb",
                      Dimensions({"1", "2", "3", "4"}), R"pb(
    columns {
      name: "typ"
      label: "Hilfeart"
      kind: DIMENSION
      levels {
        name: "typ"
        label: "Hilfeart"
        codes { code: "a" label: "A" }
        codes { code: "b" label: "B" }
      }
    })pb");
}

// Same dimension names as "kinder", but three Stadtteile.
std::string ViertelSchema() {
  return absl::StrCat(R"pb(id: "viertel" title: "Viertel")pb", Dimensions({"1", "2", "3"}));
}

std::string Csv(const CellCounts& counts, const CellCounts* typ_b) {
  std::string csv = typ_b == nullptr ? "key,stadtteil,sex\n" : "key,stadtteil,sex,typ\n";
  int key = 0;
  for (const auto& [cell, n] : counts) {
    int with_b = 0;
    if (typ_b != nullptr && typ_b->count(cell) > 0) with_b = typ_b->at(cell);
    for (int i = 0; i < n; ++i) {
      absl::StrAppend(&csv, "k", ++key, ",", cell.first, ",", cell.second);
      if (typ_b != nullptr) absl::StrAppend(&csv, ",", i < with_b ? "b" : "a");
      absl::StrAppend(&csv, "\n");
    }
  }
  return csv;
}

pipeline::RequestInfo Request(const std::string& department) {
  pipeline::RequestInfo request;
  request.requester.set_principal(department + "-analyst");
  request.requester.set_department(department);
  request.method = "/cellgate.v1.DataService/Query";
  return request;
}

void AddGrouping(v1::Query& query, const std::string& spec) {
  std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits('@', 1));
  v1::Grouping& g = *query.add_group_by();
  g.set_dimension(parts[0]);
  if (parts.size() > 1) g.set_level(parts[1]);
}

}  // namespace

v1::DisclosurePolicy PolicyFor(const std::string& dataset, int k, int min_group) {
  v1::DisclosurePolicy policy;
  policy.set_id(dataset);
  policy.set_version(1);
  policy.set_dataset(dataset);
  policy.mutable_threshold()->set_k(k);
  policy.mutable_group_disclosure()->set_min_group(min_group);
  return policy;
}

v1::Query Quote(const std::vector<std::string>& group_by, const std::string& denominator) {
  v1::Query query;
  query.set_dataset("hilfe");
  query.add_measures()->set_kind(v1::Measure::COUNT);
  for (v1::Measure::Kind kind : {v1::Measure::COUNT, v1::Measure::SHARE}) {
    v1::Measure& m = *query.add_measures();
    m.set_kind(kind);
    m.mutable_denominator()->set_dataset(denominator);
  }
  for (const std::string& spec : group_by) AddGrouping(query, spec);
  query.set_totals(true);
  query.set_purpose("jugendhilfeplanung");
  query.set_legal_basis("sgb8_80");
  return query;
}

v1::Query Counts(const std::string& dataset, const std::vector<std::string>& group_by,
                 const std::map<std::string, std::vector<std::string>>& filters) {
  v1::Query query;
  query.set_dataset(dataset);
  query.add_measures()->set_kind(v1::Measure::COUNT);
  for (const std::string& spec : group_by) AddGrouping(query, spec);
  for (const auto& [dimension, codes] : filters) {
    v1::Filter& f = *query.add_filters();
    std::vector<std::string> parts = absl::StrSplit(dimension, absl::MaxSplits('@', 1));
    f.set_dimension(parts[0]);
    if (parts.size() > 1) f.set_level(parts[1]);
    for (const std::string& code : codes) f.add_codes(code);
  }
  query.set_totals(true);
  query.set_purpose("jugendhilfeplanung");
  query.set_legal_basis("sgb8_80");
  return query;
}

CellCounts ByStadtteil(const std::vector<int>& per_stadtteil) {
  CellCounts counts;
  for (size_t s = 0; s < per_stadtteil.size(); ++s) {
    const std::string code = std::to_string(s + 1);
    const int n = per_stadtteil[s];
    if (n / 2 > 0) counts[{code, "m"}] = n / 2;
    if (n - n / 2 > 0) counts[{code, "w"}] = n - n / 2;
  }
  return counts;
}

void FilterStadtteil(v1::Query& query, const std::vector<std::string>& codes) {
  v1::Filter& f = *query.add_filters();
  f.set_dimension("stadtteil");
  for (const std::string& code : codes) f.add_codes(code);
}

const v1::ReleasedCell& CellOf(const v1::ReleasedTable& t, const std::string& code) {
  for (const v1::ReleasedCell& cell : t.cells()) {
    if (cell.codes(0) == code) return cell;
  }
  ADD_FAILURE() << "no cell " << code;
  return t.cells(0);
}

bool Shown(const v1::CellValue& v) {
  return v.status() == v1::PUBLISHED || v.status() == v1::ZERO || v.status() == v1::UNRELIABLE;
}

void NestedAttacker::Learn(const v1::Query& query, const v1::ReleasedTable& table) {
  std::set<int> allowed = {0, 1, 2, 3};
  for (const v1::Filter& f : query.filters()) {
    if (f.dimension() != "stadtteil") continue;
    std::set<int> in;
    for (const std::string& code : f.codes()) in.insert(std::stoi(code) - 1);
    allowed = in;
  }
  for (const v1::ReleasedCell& cell : table.cells()) {
    std::vector<int> leaves;
    for (int s : allowed) {
      if (cell.codes_size() == 0 || cell.codes(0) == "_T" ||
          cell.codes(0) == std::to_string(s + 1) || cell.codes(0) == (s < 2 ? "A" : "B")) {
        leaves.push_back(s);
      }
    }
    for (int m = 0; m < table.measures_size(); ++m) {
      const v1::Measure& measure = table.measures(m).measure();
      const bool d = query.dataset() == "kinder" || measure.has_denominator();
      const v1::CellValue& v = cell.values(m);
      if (measure.kind() == v1::Measure::SHARE) {
        if (Shown(v)) shares_.push_back({leaves, v.value()});
        continue;
      }
      if (Shown(v)) {
        rows_.push_back({leaves, d, v.value(), v.value()});
      } else if (v.status() == v1::SUPPRESSED) {
        rows_.push_back({leaves, d, 1, policies::kInfinity});
      }
    }
  }
}

NestedAttacker::Bounds NestedAttacker::Of(int s, bool denominator) const {
  policies::LinearProgram lp;
  for (int v = 0; v < 8; ++v) lp.AddVariable(0, policies::kInfinity);  // N0..3, D0..3
  for (int l = 0; l < 4; ++l) lp.AddRow({{l, 1.0}, {4 + l, -1.0}}, -policies::kInfinity, 0);
  for (const Row& row : rows_) {
    std::vector<std::pair<int, double>> terms;
    for (int l : row.leaves) terms.emplace_back((row.denominator ? 4 : 0) + l, 1.0);
    lp.AddRow(terms, row.lower, row.upper);
  }
  for (const Share& share : shares_) {
    std::vector<std::pair<int, double>> terms;
    for (int l : share.leaves) {
      terms.emplace_back(l, 100.0);
      terms.emplace_back(4 + l, -share.percent);
    }
    lp.AddRow(terms, -1e-6, 1e-6);
  }
  const std::vector<std::pair<int, double>> objective = {{(denominator ? 4 : 0) + s, 1.0}};
  Bounds b;
  absl::StatusOr<policies::LpSolution> low = lp.Solve(policies::LpSense::kMinimize, objective);
  absl::StatusOr<policies::LpSolution> high = lp.Solve(policies::LpSense::kMaximize, objective);
  b.lower = low.ok() ? low->objective : -1;
  b.upper = !high.ok()                                          ? -1
            : high->outcome == policies::LpSolution::kUnbounded ? policies::kInfinity
                                                                : high->objective;
  return b;
}

absl::StatusOr<std::unique_ptr<CrossDatasetWorld>> CrossDatasetWorld::Create(
    const CellCounts& kinder, const CellCounts& hilfe,
    const std::vector<v1::DisclosurePolicy>& given, const CellCounts& typ_b) {
  std::unique_ptr<CrossDatasetWorld> world(new CrossDatasetWorld());
  ASSIGN_OR_RETURN(store::SecretKey key, store::SecretKey::FromBytes(std::string(32, '\x24')));
  world->keys_ = std::make_unique<store::InMemoryKeySource>(std::move(key));
  store::StoreOptions store_options;
  store_options.path = world->dir_.File("store.db");
  // Fixed dataset secrets, one per dataset, so that record keys and noise
  // are the same in every run (test only: real ones come from the CSPRNG).
  auto made = std::make_shared<int>(0);
  store_options.random_bytes = [made](size_t n) -> absl::StatusOr<std::string> {
    return std::string(n, static_cast<char>(0x40 + (*made)++));
  };
  ASSIGN_OR_RETURN(world->store_, store::Store::Open(store_options, *world->keys_, world->clock_));
  audit::AuditLogOptions log_options;
  log_options.dir = world->dir_.File("audit");
  log_options.origin = "cellgate.test/cross-dataset/v1";
  ASSIGN_OR_RETURN(world->log_, audit::AuditLog::Open(log_options, world->clock_, nullptr));
  std::vector<v1::DisclosurePolicy> policies = given;
  policies.push_back(PolicyFor("*", 3));
  policies.back().set_id("default");
  ASSIGN_OR_RETURN(policies::PolicySet set, policies::PolicySet::FromPolicies(policies));
  world->policies_ = std::make_unique<policies::PolicySet>(std::move(set));
  ASSIGN_OR_RETURN(world->catalog_, pipeline::DatasetCatalog::Open(*world->store_));
  world->admin_ = std::make_unique<pipeline::AdminOperations>(*world->catalog_, *world->log_);
  ASSIGN_OR_RETURN(world->ledger_, ledger::ReleaseLedger::Open(*world->store_));
  world->cellgate_ = std::make_unique<pipeline::ReleasePipeline>(
      *world->catalog_, *world->policies_, *world->log_, pipeline::PipelineOptions(),
      world->ledger_.get());
  world->baseline_ = std::make_unique<pipeline::ReleasePipeline>(
      *world->catalog_, *world->policies_, *world->log_, pipeline::PipelineOptions());
  RETURN_IF_ERROR(world->Load(KinderSchema(), "kinder", Csv(kinder, nullptr)));
  RETURN_IF_ERROR(world->Load(HilfeSchema(), "hilfe", Csv(hilfe, &typ_b)));
  RETURN_IF_ERROR(
      world->Load(ViertelSchema(), "viertel", Csv({{{"1", "m"}, 5}, {{"3", "w"}, 5}}, nullptr)));
  return world;
}

absl::Status CrossDatasetWorld::Load(const std::string& schema_text, const std::string& dataset,
                                     const std::string& csv) {
  v1::DatasetSchema schema;
  RETURN_IF_ERROR(ParseTextProto(schema_text, "schema", schema));
  const pipeline::RequestInfo steward = Request("steward");
  RETURN_IF_ERROR(admin_->CreateDataset(steward, schema));
  ASSIGN_OR_RETURN(auto ingest, admin_->BeginIngest(steward, dataset, dataset + ".csv"));
  const absl::Status added = ingest->session().AddChunk(csv);
  return admin_->FinishIngest(steward, std::move(ingest), "sgb8_80", added).status();
}

absl::StatusOr<v1::QueryResponse> CrossDatasetWorld::Cellgate(const v1::Query& query) {
  return cellgate_->Release(Request("jugendamt"), query);
}

absl::StatusOr<v1::QueryResponse> CrossDatasetWorld::Baseline(const v1::Query& query) {
  return baseline_->Release(Request("jugendamt"), query);
}

absl::StatusOr<v1::AuditRecord> CrossDatasetWorld::LastAuditRecord() const {
  // The record as appended: its header with its details (the denominator,
  // the table, the audits) merged in.
  ASSIGN_OR_RETURN(std::vector<audit::DetailedRecord> log,
                   audit::ReadDetailedLog(dir_.File("audit"), nullptr));
  if (log.empty()) return absl::NotFoundError("the audit log is empty");
  return log.back().record;
}

}  // namespace cellgate::attacks
