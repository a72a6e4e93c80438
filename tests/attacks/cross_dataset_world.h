// The world of the attacks on shares across datasets (docs/adr/0008): two
// datasets in a real store — "kinder" (children by stadtteil and sex, the
// denominator) and "hilfe" (the children among them who receive a benefit,
// with its type: the numerator) — plus "viertel", whose stadtteil codes
// differ, and the real release pipeline once with the release ledger
// (cellgate) and once without it (the baseline); fixed dataset secrets, so
// that cell-key noise is the same in every run. Also the attacker's LP over
// the nesting (NestedAttacker). TESTONLY.
#ifndef CELLGATE_TESTS_ATTACKS_CROSS_DATASET_WORLD_H_
#define CELLGATE_TESTS_ATTACKS_CROSS_DATASET_WORLD_H_

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

// Records per (stadtteil, sex) cell, e.g. {{"1", "m"}, 4}; stadtteil codes
// "1".."4" (Sozialraum A = 1, 2 and B = 3, 4), sex "m", "w". Benefit
// recipients all have typ "a" unless listed in `typ_b`.
using CellCounts = std::map<std::pair<std::string, std::string>, int>;

class CrossDatasetWorld {
 public:
  // Ingests `kinder` and `hilfe` (and a small "viertel"). `policies`
  // govern their datasets; every other dataset has the default, k = 3.
  static absl::StatusOr<std::unique_ptr<CrossDatasetWorld>> Create(
      const CellCounts& kinder, const CellCounts& hilfe,
      const std::vector<v1::DisclosurePolicy>& policies = {}, const CellCounts& typ_b = {});

  // Asks `query` through the pipeline with the ledger, or the baseline.
  absl::StatusOr<v1::QueryResponse> Cellgate(const v1::Query& query);
  absl::StatusOr<v1::QueryResponse> Baseline(const v1::Query& query);

  // The last record of the audit log, as the DPO reads it.
  absl::StatusOr<v1::AuditRecord> LastAuditRecord() const;
  const ledger::ReleaseLedger& ledger() const { return *ledger_; }

 private:
  CrossDatasetWorld() = default;
  absl::Status Load(const std::string& schema, const std::string& dataset, const std::string& csv);

  testing::TempDir dir_;
  SystemClock clock_;
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

// A policy for `dataset` with threshold `k` (and `min_group` for group
// disclosure).
v1::DisclosurePolicy PolicyFor(const std::string& dataset, int k, int min_group = 0);

// The share of "hilfe" children in "kinder" by `group_by` (each
// "dimension" or "dimension@level"), with totals: COUNT, the denominator's
// COUNT and the SHARE, in that order.
v1::Query Quote(const std::vector<std::string>& group_by,
                const std::string& denominator = "kinder");
// A COUNT of `dataset` by `group_by`, with totals and `filters`
// (dimension -> codes).
v1::Query Counts(const std::string& dataset, const std::vector<std::string>& group_by,
                 const std::map<std::string, std::vector<std::string>>& filters = {});

// The measures of Quote(): the numerator's count, the denominator's, the share.
inline constexpr int kCount = 0, kDenominatorCount = 1, kShare = 2;

// Per Stadtteil 1..4: n/2 boys and the rest girls.
CellCounts ByStadtteil(const std::vector<int>& per_stadtteil);
// Adds a filter on Stadtteile `codes` to `query`.
void FilterStadtteil(v1::Query& query, const std::vector<std::string>& codes);
// The cell of `t` whose first code is `code` (a test failure if none).
const v1::ReleasedCell& CellOf(const v1::ReleasedTable& t, const std::string& code);
// True if `v` shows its exact figure (published, zero or unreliable).
bool Shown(const v1::CellValue& v);

// The attacker: knows that every "hilfe" child is a "kinder" child of the
// same Stadtteil (the numerator nests in the denominator), learns every
// released table by Stadtteil or Sozialraum, and bounds the count of one
// Stadtteil by her own LP: variables N_s, D_s per Stadtteil with
// 0 <= N_s <= D_s, published counts as equations, suppressed ones >= 1, a
// published share p as 100 N = p D over the cell. A perturbed figure (or a
// share from one) pins nothing and is left out.
class NestedAttacker {
 public:
  // Learns `table`, the answer to `query` (on "hilfe" or "kinder").
  void Learn(const v1::Query& query, const v1::ReleasedTable& table);

  struct Bounds {
    double lower = 0, upper = 0;
  };
  // Bounds on the numerator (or, with `denominator`, the denominator) of
  // Stadtteil `s` (0..3).
  Bounds Of(int s, bool denominator) const;

 private:
  struct Row {
    std::vector<int> leaves;
    bool denominator;
    double lower, upper;
  };
  struct Share {
    std::vector<int> leaves;
    double percent;
  };
  std::vector<Row> rows_;
  std::vector<Share> shares_;
};

}  // namespace cellgate::attacks

#endif  // CELLGATE_TESTS_ATTACKS_CROSS_DATASET_WORLD_H_
