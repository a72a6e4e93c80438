#include "tests/attacks/attack_world.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "audit/verify/detail_reader.h"
#include "common/status_macros.h"
#include "common/textproto.h"
#include "policies/lp/linear_program.h"

namespace cellgate::attacks {
namespace {

constexpr char kSchema[] = R"pb(
  id: "schueler"
  title: "Schülerinnen und Schüler"
  columns { name: "pupil_key" label: "Schlüssel" kind: UNIT_ID }
  columns {
    name: "stadtteil" label: "Stadtteil" kind: DIMENSION
    levels {
      name: "stadtteil" label: "Stadtteil"
      codes { code: "1" label: "Altstadt" parent: "A" }
      codes { code: "2" label: "Hafen" parent: "A" }
      codes { code: "3" label: "Nord" parent: "B" }
      codes { code: "4" label: "Süd" parent: "B" }
    }
    levels {
      name: "sozialraum" label: "Sozialraum"
      codes { code: "A" label: "Mitte" }
      codes { code: "B" label: "Außen" }
    }
  }
  columns {
    name: "schule" label: "Schule" kind: DIMENSION
    levels {
      name: "schule" label: "Schule"
      codes { code: "s1" label: "GS 1" } codes { code: "s2" label: "GS 2" }
      codes { code: "s3" label: "GS 3" } codes { code: "s4" label: "GS 4" }
    }
  }
  columns {
    name: "sex" label: "Geschlecht" kind: DIMENSION
    levels { name: "sex" label: "Geschlecht" codes { code: "m" label: "männlich" } codes { code: "w" label: "weiblich" } }
  }
  columns {
    name: "nat" label: "Staatsangehörigkeit" kind: DIMENSION
    levels { name: "nat" label: "Staatsangehörigkeit" codes { code: "de" label: "deutsch" } codes { code: "nd" label: "nichtdeutsch" } }
  }
  columns { name: "fehltage" label: "Fehltage" kind: MEASURE decimals: 0 }
)pb";

std::string Csv(const std::vector<Pupil>& pupils) {
  std::string csv = "pupil_key,stadtteil,schule,sex,nat,fehltage\n";
  for (size_t i = 0; i < pupils.size(); ++i) {
    const Pupil& p = pupils[i];
    absl::StrAppend(&csv, "p", i, ",", p.stadtteil, ",", p.schule, ",", p.sex, ",", p.nat, ",",
                    p.fehltage, "\n");
  }
  return csv;
}

pipeline::RequestInfo RequestFor(const std::string& department) {
  pipeline::RequestInfo request;
  request.requester.set_principal(department + "-analyst");
  request.requester.set_department(department);
  request.method = "/cellgate.v1.DataService/Query";
  return request;
}

// "dimension@level" -> {dimension, level}.
std::pair<std::string, std::string> DimensionAndLevel(const std::string& spec) {
  std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits('@', 1));
  return {parts[0], parts.size() > 1 ? parts[1] : ""};
}

}  // namespace

v1::Query ToQuery(const Ask& ask) {
  v1::Query query;
  query.set_dataset("schueler");
  query.add_measures()->set_kind(v1::Measure::COUNT);
  if (ask.mean) {
    v1::Measure& mean = *query.add_measures();
    mean.set_kind(v1::Measure::MEAN);
    mean.set_column("fehltage");
  }
  if (ask.sum) {
    v1::Measure& sum = *query.add_measures();
    sum.set_kind(v1::Measure::SUM);
    sum.set_column("fehltage");
  }
  if (!ask.share_of.first.empty()) {
    v1::Measure& share = *query.add_measures();
    share.set_kind(v1::Measure::SHARE);
    share.mutable_share_of()->set_dimension(ask.share_of.first);
    for (const std::string& code : ask.share_of.second) share.mutable_share_of()->add_codes(code);
  }
  for (const std::string& spec : ask.group_by) {
    const auto [dimension, level] = DimensionAndLevel(spec);
    v1::Grouping& grouping = *query.add_group_by();
    grouping.set_dimension(dimension);
    grouping.set_level(level);
  }
  for (const auto& [spec, codes] : ask.filters) {
    const auto [dimension, level] = DimensionAndLevel(spec);
    v1::Filter& filter = *query.add_filters();
    filter.set_dimension(dimension);
    filter.set_level(level);
    for (const std::string& code : codes) filter.add_codes(code);
  }
  query.set_totals(ask.totals);
  query.set_channel(ask.channel);
  query.set_purpose("bildungsbericht");
  query.set_legal_basis("schulg_67");
  return query;
}

absl::StatusOr<std::unique_ptr<AttackWorld>> AttackWorld::Create(
    const std::vector<Pupil>& pupils, const v1::DisclosurePolicy* given) {
  std::unique_ptr<AttackWorld> world(new AttackWorld());
  RETURN_IF_ERROR(ParseTextProto(kSchema, "schema", world->schema_));
  ASSIGN_OR_RETURN(store::SecretKey key, store::SecretKey::FromBytes(std::string(32, '\x42')));
  world->keys_ = std::make_unique<store::InMemoryKeySource>(std::move(key));
  audit::AuditLogOptions log_options;
  log_options.dir = world->dir_.File("audit");
  log_options.origin = "cellgate.test/attacks/v1";
  ASSIGN_OR_RETURN(world->log_, audit::AuditLog::Open(log_options, world->clock_, nullptr));
  v1::DisclosurePolicy policy;
  policy.set_id("default");
  policy.set_version(1);
  policy.set_dataset("*");
  policy.mutable_threshold()->set_k(3);
  if (given != nullptr) policy = *given;
  ASSIGN_OR_RETURN(policies::PolicySet set, policies::PolicySet::FromPolicies({policy}));
  world->policies_ = std::make_unique<policies::PolicySet>(std::move(set));
  RETURN_IF_ERROR(world->OpenServer());
  RETURN_IF_ERROR(world->admin_->CreateDataset(RequestFor("steward"), world->schema_));
  RETURN_IF_ERROR(world->Ingest(pupils));
  return world;
}

absl::Status AttackWorld::Ingest(const std::vector<Pupil>& pupils) {
  const pipeline::RequestInfo steward = RequestFor("steward");
  ASSIGN_OR_RETURN(auto ingest, admin_->BeginIngest(steward, "schueler", "schueler.csv"));
  const absl::Status added = ingest->session().AddChunk(Csv(pupils));
  return admin_->FinishIngest(steward, std::move(ingest), "schulg_67", added).status();
}

absl::Status AttackWorld::Reingest(const std::vector<Pupil>& pupils) { return Ingest(pupils); }

absl::Status AttackWorld::OpenServer() {
  store::StoreOptions store_options;
  store_options.path = dir_.File("store.db");
  // A fixed dataset secret, so that record keys and noise are the same in
  // every run (test only: a real secret comes from the OS CSPRNG).
  store_options.random_bytes = [](size_t n) -> absl::StatusOr<std::string> {
    return std::string(n, '\x5c');
  };
  ASSIGN_OR_RETURN(store_, store::Store::Open(store_options, *keys_, clock_));
  ASSIGN_OR_RETURN(catalog_, pipeline::DatasetCatalog::Open(*store_));
  admin_ = std::make_unique<pipeline::AdminOperations>(*catalog_, *log_);
  ASSIGN_OR_RETURN(ledger_, ledger::ReleaseLedger::Open(*store_));
  cellgate_ = std::make_unique<pipeline::ReleasePipeline>(
      *catalog_, *policies_, *log_, pipeline::PipelineOptions(), ledger_.get());
  baseline_ = std::make_unique<pipeline::ReleasePipeline>(*catalog_, *policies_, *log_,
                                                          pipeline::PipelineOptions());
  return absl::OkStatus();
}

absl::Status AttackWorld::Restart() {
  baseline_.reset();
  cellgate_.reset();
  ledger_.reset();
  admin_.reset();
  catalog_.reset();
  store_.reset();
  return OpenServer();
}

absl::StatusOr<v1::QueryResponse> AttackWorld::Ask(pipeline::ReleasePipeline& pipeline,
                                                   const struct Ask& ask,
                                                   const std::string& department,
                                                   int64_t version) {
  v1::Query query = ToQuery(ask);
  query.set_version(version);
  return pipeline.Release(RequestFor(department), query);
}

absl::StatusOr<v1::QueryResponse> AttackWorld::Cellgate(const struct Ask& ask,
                                                        const std::string& department,
                                                        int64_t version) {
  return Ask(*cellgate_, ask, department, version);
}

absl::StatusOr<v1::QueryResponse> AttackWorld::Baseline(const struct Ask& ask,
                                                        const std::string& department,
                                                        int64_t version) {
  return Ask(*baseline_, ask, department, version);
}

absl::StatusOr<v1::AuditRecord> AttackWorld::LastAuditRecord() const {
  // The record as appended: its header with its details merged in.
  ASSIGN_OR_RETURN(std::vector<audit::DetailedRecord> log,
                   audit::ReadDetailedLog(dir_.File("audit"), nullptr));
  if (log.empty()) return absl::NotFoundError("the audit log is empty");
  return log.back().record;
}

absl::StatusOr<std::vector<v1::AuditRecord>> AttackWorld::AuditRecords() const {
  // Whole records, details merged in: a check of what the log holds must
  // see the blobs too, not only the headers.
  ASSIGN_OR_RETURN(std::vector<audit::DetailedRecord> log,
                   audit::ReadDetailedLog(dir_.File("audit"), nullptr));
  std::vector<v1::AuditRecord> records;
  for (audit::DetailedRecord& full : log) records.push_back(std::move(full.record));
  return records;
}

Attacker::Attacker(const v1::DatasetSchema& schema) {
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.kind() != v1::DIMENSION) continue;
    Dimension d;
    d.name = column.name();
    for (const v1::Code& code : column.levels(0).codes()) d.finest.push_back(code.code());
    // Walk parents level by level: code at level l of each finest code.
    std::vector<std::string> current = d.finest;
    for (int l = 0; l < column.levels_size(); ++l) {
      if (l > 0) {
        for (std::string& code : current) {
          for (const v1::Code& c : column.levels(l - 1).codes()) {
            if (c.code() == code) {
              code = c.parent();
              break;
            }
          }
        }
      }
      d.code_at[column.levels(l).name()] = current;
    }
    d.code_at[""] = d.finest;
    atoms_ *= static_cast<int>(d.finest.size());
    dimensions_.push_back(std::move(d));
  }
}

std::vector<int> Attacker::AtomsWhere(
    const std::function<bool(size_t, const std::string&)>& keep) const {
  std::vector<int> atoms;
  for (int atom = 0; atom < atoms_; ++atom) {
    int rest = atom;
    bool inside = true;
    for (size_t d = dimensions_.size(); d-- > 0;) {
      const int size = static_cast<int>(dimensions_[d].finest.size());
      inside = inside && keep(d, dimensions_[d].finest[rest % size]);
      rest /= size;
    }
    if (inside) atoms.push_back(atom);
  }
  return atoms;
}

void Attacker::Learn(const v1::Query& query, const v1::ReleasedTable& table) {
  int count = -1;
  for (int m = 0; m < table.measures_size(); ++m) {
    if (table.measures(m).measure().kind() == v1::Measure::COUNT) count = m;
  }
  if (count < 0) return;
  auto index_of = [&](const std::string& name) {
    for (size_t d = 0; d < dimensions_.size(); ++d) {
      if (dimensions_[d].name == name) return d;
    }
    return dimensions_.size();
  };
  for (const v1::ReleasedCell& cell : table.cells()) {
    auto keep = [&](size_t d, const std::string& finest) {
      const Dimension& dimension = dimensions_[d];
      const size_t f = std::find(dimension.finest.begin(), dimension.finest.end(), finest) -
                       dimension.finest.begin();
      for (const v1::Filter& filter : query.filters()) {
        if (index_of(filter.dimension()) != d) continue;
        const std::string& code = dimension.code_at.at(filter.level())[f];
        if (std::find(filter.codes().begin(), filter.codes().end(), code) == filter.codes().end()) {
          return false;
        }
      }
      for (int a = 0; a < table.axes_size(); ++a) {
        if (index_of(table.axes(a).dimension()) != d || cell.codes(a) == "_T") continue;
        std::string level;
        for (const v1::AxisEntry& entry : table.axes(a).entries()) {
          if (entry.code() == cell.codes(a)) level = entry.level();
        }
        if (dimension.code_at.at(level)[f] != cell.codes(a)) return false;
      }
      return true;
    };
    const v1::CellValue& value = cell.values(count);
    const std::vector<int> atoms = AtomsWhere(keep);
    Row row{atoms, 0, 0};
    if (value.status() == v1::PUBLISHED || value.status() == v1::ZERO) {
      row.lower = row.upper = value.value();
    } else if (value.status() == v1::SUPPRESSED) {
      row.lower = 1;
      row.upper = policies::kInfinity;
    } else {
      continue;
    }
    rows_.push_back(std::move(row));
    // Sums: a published sum, a published mean times the published count,
    // and none in a cell known to be empty.
    if (value.status() == v1::ZERO) sum_rows_.push_back({atoms, 0, 0});
    for (int m = 0; m < table.measures_size(); ++m) {
      const v1::Measure& measure = table.measures(m).measure();
      const v1::CellValue& figure = cell.values(m);
      if (measure.column() != "fehltage" || figure.status() != v1::PUBLISHED) continue;
      double sum = figure.value();
      if (measure.kind() == v1::Measure::MEAN) {
        if (value.status() != v1::PUBLISHED) continue;
        sum *= value.value();
      } else if (measure.kind() != v1::Measure::SUM) {
        continue;
      }
      sum = std::round(sum);  // days are whole; a mean times its count is a sum
      sum_rows_.push_back({atoms, sum, sum});
    }
  }
}

Attacker::Bounds Attacker::CountOf(
    const std::map<std::string, std::vector<std::string>>& set) const {
  return BoundsOf(rows_, set);
}

Attacker::Bounds Attacker::SumOf(const std::map<std::string, std::vector<std::string>>& set) const {
  return BoundsOf(sum_rows_, set);
}

Attacker::Bounds Attacker::BoundsOf(
    const std::vector<Row>& rows, const std::map<std::string, std::vector<std::string>>& set) const {
  policies::LinearProgram lp;
  for (int atom = 0; atom < atoms_; ++atom) lp.AddVariable(0, policies::kInfinity);
  for (const Row& row : rows) {
    std::vector<std::pair<int, double>> terms;
    for (int atom : row.atoms) terms.emplace_back(atom, 1.0);
    if (!terms.empty()) lp.AddRow(terms, row.lower, row.upper);
  }
  std::vector<std::pair<int, double>> objective;
  for (int atom : AtomsWhere([&](size_t d, const std::string& finest) {
         const auto codes = set.find(dimensions_[d].name);
         return codes == set.end() ||
                std::find(codes->second.begin(), codes->second.end(), finest) != codes->second.end();
       })) {
    objective.emplace_back(atom, 1.0);
  }
  Bounds bounds;
  absl::StatusOr<policies::LpSolution> low = lp.Solve(policies::LpSense::kMinimize, objective);
  absl::StatusOr<policies::LpSolution> high = lp.Solve(policies::LpSense::kMaximize, objective);
  bounds.lower = low.ok() ? low->objective : -1;
  bounds.upper = !high.ok() ? -1
                 : high->outcome == policies::LpSolution::kUnbounded ? policies::kInfinity
                                                                      : high->objective;
  return bounds;
}

}  // namespace cellgate::attacks
