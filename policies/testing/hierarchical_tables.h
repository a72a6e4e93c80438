// Random count tables with hierarchies on any axis, for property tests of
// secondary suppression, and an attacker LP written independently of
// table_structure.cc and attacker_audit.cc: it derives the table's
// equations itself from the parent lists. Deterministic (fixed seeds, raw
// mt19937_64 outputs). For tests only. Thread-compatible.
#ifndef CELLGATE_POLICIES_TESTING_HIERARCHICAL_TABLES_H_
#define CELLGATE_POLICIES_TESTING_HIERARCHICAL_TABLES_H_

#include <cstdint>
#include <vector>

#include "cellgate/v1/table.pb.h"
#include "policies/protection.h"
#include "policies/protection_lp.h"

namespace cellgate::policies::testing {

// A dense table: per axis the parent of each entry (-1 for the top), and
// one value per cell, row-major (last axis fastest), margins included.
struct TestTable {
  std::vector<std::vector<int32_t>> parents;
  std::vector<double> values;

  int64_t Cells() const;
  std::vector<int32_t> Coords(int64_t cell) const;
  int64_t Index(const std::vector<int32_t>& coords) const;
  // The axes as the engine would send them (codes "a<axis>e<entry>").
  google::protobuf::RepeatedPtrField<v1::Axis> Axes() const;
};

// Returns the parents of an axis Total > groups > leaves: one group per
// element of `leaves_per_group` with that many leaves. Entry 0 is the total.
std::vector<int32_t> ThreeLevelAxis(const std::vector<int>& leaves_per_group);
// Returns the parents of an axis Total > `leaves` leaves (entry 0 the total).
std::vector<int32_t> FlatAxis(int leaves);

// Returns a table over `parents` with random leaf counts (a fifth empty, a
// third of 1 or 2, the rest 3..22) and every margin and subtotal summed.
TestTable RandomCounts(std::vector<std::vector<int32_t>> parents, uint64_t seed);

// Returns a sum over the records of `counts`: each leaf's count times a
// random mean of 5..24, with every margin and subtotal summed.
TestTable RandomSums(const TestTable& counts, uint64_t seed);

// Returns the count table with the threshold rule k: cells with 0 < n < k
// are required, with protection up to max(n + 1, k) and none below; sets
// `suppressed` to exactly those cells.
MeasureTable ThresholdPrimaries(const TestTable& table, int k, std::vector<bool>& suppressed);

// Returns costs of 1 + value per unit; empty cells may not be suppressed.
SuppressionCosts CostsOf(const std::vector<double>& values);

// The attacker: every entry with children is the sum of its children along
// its axis, for every combination of the other coordinates; suppressed
// cells are >= table.floor. Returns the required cells of `table` whose
// protection interval the attacker can narrow (empty if the pattern is
// safe); a required cell that is not suppressed counts as narrowed.
std::vector<int32_t> IndependentAttack(const TestTable& shape, const MeasureTable& table,
                                       const std::vector<bool>& suppressed);

}  // namespace cellgate::policies::testing

#endif  // CELLGATE_POLICIES_TESTING_HIERARCHICAL_TABLES_H_
