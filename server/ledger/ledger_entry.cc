#include "server/ledger/ledger_entry.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/engine/partition_counter.h"

namespace cellgate::ledger {
namespace {

// The finest codes whose entry at `level` has one of `codes`.
absl::StatusOr<v1::CodeSet> FinestCodes(const engine::DimensionLevels& d,
                                        const std::string& level,
                                        const absl::flat_hash_set<std::string>& codes) {
  const int l = d.LevelIndex(level);
  if (l < 0) {
    return absl::InternalError(
        absl::StrCat("dimension \"", d.name, "\" has no level \"", level, "\""));
  }
  v1::CodeSet set;
  for (size_t f = 0; f < d.entry_of[l].size(); ++f) {
    const int32_t e = d.entry_of[l][f];
    if (e >= 0 && codes.contains(d.entries[l][e].code)) set.add_codes(static_cast<uint32_t>(f));
  }
  return set;
}

}  // namespace

absl::StatusOr<v1::LedgerRelease> LedgerEntryOf(const engine::LoadedVersion& version,
                                                const v1::Query& query,
                                                const v1::ComputedTable& table,
                                                const v1::ReleaseDecision& decision) {
  v1::LedgerRelease entry;
  entry.set_dataset(table.dataset());
  entry.set_dataset_version(table.dataset_version());
  entry.set_dataset_version_hash(table.dataset_version_hash());
  entry.set_policy_version(decision.table().policy_version());
  entry.set_released_at(absl::ToUnixSeconds(absl::Now()));
  for (const v1::Filter& filter : query.filters()) {
    const engine::DimensionLevels* d = version.FindDimension(filter.dimension());
    if (d == nullptr) return absl::InternalError("filter on an unknown dimension");
    absl::flat_hash_set<std::string> codes(filter.codes().begin(), filter.codes().end());
    absl::StatusOr<v1::CodeSet> set = FinestCodes(*d, filter.level(), codes);
    if (!set.ok()) return set.status();
    v1::LedgerFilter& out = *entry.add_filters();
    out.set_dimension(filter.dimension());
    *out.mutable_codes() = std::move(*set);
  }
  for (const v1::Axis& axis : table.axes()) {
    const engine::DimensionLevels* d = version.FindDimension(axis.dimension());
    if (d == nullptr) return absl::InternalError("axis on an unknown dimension");
    v1::LedgerAxis& out = *entry.add_axes();
    out.set_dimension(axis.dimension());
    for (const v1::AxisEntry& e : axis.entries()) {
      if (e.is_total()) {
        out.add_entries()->set_all(true);
        continue;
      }
      absl::flat_hash_set<std::string> codes(e.codes().begin(), e.codes().end());
      if (codes.empty()) codes.insert(e.code());
      absl::StatusOr<v1::CodeSet> set = FinestCodes(*d, e.level(), codes);
      if (!set.ok()) return set.status();
      *out.add_entries() = std::move(*set);
    }
  }
  if (decision.table().cells_size() != table.record_count_size()) {
    return absl::InternalError("decision and computed table differ in size");
  }
  for (int c = 0; c < table.record_count_size(); ++c) {
    entry.add_counts(table.record_count(c));
    const v1::ReleasedCell& cell = decision.table().cells(c);
    entry.add_suppressed(cell.values_size() > 0 && cell.values(0).status() == v1::SUPPRESSED);
  }
  // Every column published as a sum or mean, once.
  for (const v1::MeasureFacts& facts : table.measures()) {
    const v1::Measure& measure = facts.measure();
    if (measure.kind() != v1::Measure::SUM && measure.kind() != v1::Measure::MEAN) continue;
    const bool seen = std::any_of(entry.sums().begin(), entry.sums().end(),
                                  [&](const v1::LedgerSums& s) { return s.column() == measure.column(); });
    if (seen) continue;
    if (facts.sum_size() != table.record_count_size()) {
      return absl::InternalError("a computed table lacks the sums of a measure");
    }
    v1::LedgerSums& sums = *entry.add_sums();
    sums.set_column(measure.column());
    *sums.mutable_values() = facts.sum();
  }
  return entry;
}

absl::flat_hash_map<std::string, int> DimensionSizesOf(const engine::LoadedVersion& version) {
  absl::flat_hash_map<std::string, int> sizes;
  for (const v1::ColumnSchema& column : version.schema().columns()) {
    const engine::DimensionLevels* d = version.FindDimension(column.name());
    if (d != nullptr) sizes[column.name()] = static_cast<int>(d->entries[0].size());
  }
  return sizes;
}

policies::AtomCounter AtomCounterFor(const engine::LoadedVersion& version) {
  return [&version](const policies::AtomSpace& space, int c) {
    const policies::Clique& clique = space.cliques()[c];
    std::vector<engine::CodePartition> partition;
    for (size_t j = 0; j < clique.dimensions.size(); ++j) {
      const policies::DimensionBlocks& d = space.dimensions()[clique.dimensions[j]];
      partition.push_back({d.dimension, d.block_of, clique.strides[j]});
    }
    return engine::CountByPartition(version, partition, clique.atoms);
  };
}

}  // namespace cellgate::ledger
