// The cell key method: consistent noise on counts. A cell's key is the sum
// of its records' keys mod 1 (the engine computes it, ComputedTable.
// cell_key); the perturbation table (ptable) maps (count, cell key) to the
// published count, so the same cell gets the same value in every table and
// for every requester. Keys and ptable bounds are fixed-point fractions in
// units of 2^-32; lookup convention lb <= key < ub (cellKey, τ-Argus).
// docs/adr/0004-cell-key-method.md. Immutable after Create; thread-safe.
#ifndef CELLGATE_POLICIES_CELL_KEY_PERTURBATION_H_
#define CELLGATE_POLICIES_CELL_KEY_PERTURBATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "cellgate/v1/policy.pb.h"
#include "cellgate/v1/query.pb.h"
#include "cellgate/v1/table.pb.h"

namespace cellgate::policies {

// Returns `fraction` (in [0, 1]) in units of 2^-32, rounded to the nearest
// unit (1 gives 2^32). Cell keys and ptable bounds go through the same
// conversion, so a key written as 0.7 meets a bound written as 0.7 exactly.
uint64_t FractionToFixed(double fraction);

class CellKeyPerturbation {
 public:
  // The rule id recorded with perturbed releases.
  static constexpr char kId[] = "cell_key";

  // Validates `config` against the rules of policy.proto (PerturbationRow)
  // and builds the lookup. `threshold_k`: no count 1 .. threshold_k - 1 may
  // be published unchanged with certainty. INVALID_ARGUMENT naming the
  // field (e.g. `perturbation.ptable.rows[7].p_int_lb`) and the rule, never
  // a value of the ptable (it is secret).
  static absl::StatusOr<CellKeyPerturbation> Create(const v1::CellKeyPerturbation& config,
                                                    int64_t threshold_k);

  // True if tables released to `channel` are perturbed (UNSPECIFIED counts
  // as INTERNAL).
  bool AppliesTo(v1::Channel channel) const;

  // Returns the published count of a cell with `count` records and cell key
  // `cell_key`: 0 for 0, else j of the row of count min(count, max i) whose
  // interval holds the key, plus count - max i beyond the table.
  int64_t Perturb(int64_t count, uint32_t cell_key) const;

  // Returns the released value of a count with `count` records and cell
  // key `cell_key`: ZERO for an empty cell; otherwise PERTURBED with
  // Perturb(count, cell_key), or ZERO where the noise takes the count to 0,
  // so that it looks like an empty cell.
  v1::CellValue CountValue(int64_t count, uint32_t cell_key) const;

 private:
  // The rows of one count: upper bounds (units of 2^-32, increasing, the
  // last 2^32) and the noise j - i of each.
  struct Block {
    std::vector<uint64_t> upper;
    std::vector<int64_t> noise;
  };
  CellKeyPerturbation(std::vector<Block> blocks, std::vector<v1::Channel> channels)
      : blocks_(std::move(blocks)), channels_(std::move(channels)) {}

  std::vector<Block> blocks_;  // by count i, 0 .. max i
  std::vector<v1::Channel> channels_;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_CELL_KEY_PERTURBATION_H_
