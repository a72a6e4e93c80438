// The attack suite's world: a small school dataset in a real store, the
// real release pipeline once with the release ledger (cellgate) and once
// without it (the baseline: same data, same rules per table), and an
// attacker who learns every released table and solves her own LP.
#ifndef CELLGATE_TESTS_ATTACKS_ATTACK_WORLD_H_
#define CELLGATE_TESTS_ATTACKS_ATTACK_WORLD_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/audit_log.h"
#include "cellgate/v1/data_service.pb.h"
#include "common/clock.h"
#include "policies/policy_set.h"
#include "server/ledger/release_ledger.h"
#include "server/pipeline/admin_operations.h"
#include "server/pipeline/dataset_catalog.h"
#include "server/pipeline/release_pipeline.h"
#include "server/store/store.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::attacks {

// One pupil: codes of stadtteil ("1".."4"; Sozialraum A = 1, 2 and
// B = 3, 4), schule ("s1".."s4"), sex ("m", "w"), nat ("de", "nd"), and
// days absent.
struct Pupil {
  std::string stadtteil, schule, sex, nat;
  int fehltage = 0;
};

// A query in a few words: COUNT (and MEAN fehltage if `mean`, SUM
// fehltage if `sum`, a SHARE if `share_of`), grouped by
// `group_by` ("dimension" or "dimension@level"), filtered by `filters`
// (dimension@level -> codes), with totals if asked.
struct Ask {
  std::vector<std::string> group_by = {};
  std::map<std::string, std::vector<std::string>> filters = {};
  bool totals = false;
  bool mean = false;
  // A SUM of fehltage (after COUNT and MEAN).
  bool sum = false;
  // A SHARE measure of the records whose `dimension` code is in `codes`
  // (after COUNT); empty: none.
  std::pair<std::string, std::vector<std::string>> share_of = {};
  // Where the table goes (a policy may perturb one channel).
  v1::Channel channel = v1::INTERNAL;
};

v1::Query ToQuery(const Ask& ask);

class AttackWorld {
 public:
  // Creates the dataset and ingests `pupils` as version 1. The policy is
  // `policy` if given, else the default with k = 3.
  static absl::StatusOr<std::unique_ptr<AttackWorld>> Create(
      const std::vector<Pupil>& pupils, const v1::DisclosurePolicy* policy = nullptr);

  // Ingests `pupils` as the next version (a corrected re-ingest).
  absl::Status Reingest(const std::vector<Pupil>& pupils);

  // Closes store, catalog, ledger and pipelines and opens them again on
  // the same files, as a server restart does.
  absl::Status Restart();

  // Asks as `department` (any string) through the pipeline with the
  // ledger, or through the baseline without it; `version` 0 = latest.
  absl::StatusOr<v1::QueryResponse> Cellgate(const Ask& ask, const std::string& department = "schulamt",
                                             int64_t version = 0);
  absl::StatusOr<v1::QueryResponse> Baseline(const Ask& ask, const std::string& department = "schulamt",
                                             int64_t version = 0);

  const v1::DatasetSchema& schema() const { return schema_; }
  // The last record of the audit log, as the DPO reads it.
  absl::StatusOr<v1::AuditRecord> LastAuditRecord() const;
  // Every record of the audit log, oldest first, with its details.
  absl::StatusOr<std::vector<v1::AuditRecord>> AuditRecords() const;

 private:
  AttackWorld() = default;
  absl::Status Ingest(const std::vector<Pupil>& pupils);
  // Opens store, catalog, ledger and both pipelines on dir_.
  absl::Status OpenServer();
  absl::StatusOr<v1::QueryResponse> Ask(pipeline::ReleasePipeline& pipeline, const struct Ask& ask,
                                        const std::string& department, int64_t version);

  testing::TempDir dir_;
  SystemClock clock_;
  v1::DatasetSchema schema_;
  std::unique_ptr<store::KeySource> keys_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<policies::PolicySet> policies_;
  std::unique_ptr<pipeline::DatasetCatalog> catalog_;
  std::unique_ptr<pipeline::AdminOperations> admin_;
  std::unique_ptr<ledger::ReleaseLedger> ledger_;
  std::unique_ptr<pipeline::ReleasePipeline> cellgate_;
  std::unique_ptr<pipeline::ReleasePipeline> baseline_;
};

// The attacker: knows the schema (codes and hierarchy are public), learns
// released tables, and bounds the count of any set of pupils described per
// dimension by its finest codes, by her own LP over all combinations of
// finest codes. Published counts are equations, suppressed ones are >= 1.
class Attacker {
 public:
  explicit Attacker(const v1::DatasetSchema& schema);

  void Learn(const v1::Query& query, const v1::ReleasedTable& table);

  struct Bounds {
    double lower = 0;
    double upper = 0;  // infinity if unbounded
  };
  // Bounds of the number of pupils whose finest code lies in `set` on every
  // dimension it names (others unrestricted).
  Bounds CountOf(const std::map<std::string, std::vector<std::string>>& set) const;
  // Bounds of their days absent (fehltage): from every published SUM, and
  // every published MEAN times its cell's published count; days are >= 0,
  // and a set the attacker knows to be empty has none.
  Bounds SumOf(const std::map<std::string, std::vector<std::string>>& set) const;

 private:
  struct Dimension {
    std::string name;
    std::vector<std::string> finest;  // finest codes in order
    // level name -> finest code -> code at that level
    std::map<std::string, std::vector<std::string>> code_at;
  };
  // Bounds of Σ over the atoms in `set` of an LP with one variable per
  // atom (>= 0) and `rows`.
  struct Row;
  Bounds BoundsOf(const std::vector<Row>& rows,
                  const std::map<std::string, std::vector<std::string>>& set) const;
  // The atoms (indices) whose finest code on each dimension passes `keep`.
  std::vector<int> AtomsWhere(
      const std::function<bool(size_t dimension, const std::string& finest)>& keep) const;

  std::vector<Dimension> dimensions_;
  int atoms_ = 1;
  struct Row {
    std::vector<int> atoms;
    double lower, upper;
  };
  std::vector<Row> rows_;
  std::vector<Row> sum_rows_;  // fehltage
};

}  // namespace cellgate::attacks

#endif  // CELLGATE_TESTS_ATTACKS_ATTACK_WORLD_H_
