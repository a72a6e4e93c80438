// A dataset version in memory: dictionary-coded dimension columns, scaled
// int64 measure columns, dense contributor indices, and each dimension's
// hierarchy resolved into
// per-level entries with a map from finest code to entry. Immutable after
// Create; thread-safe.
#ifndef CELLGATE_SERVER_ENGINE_LOADED_VERSION_H_
#define CELLGATE_SERVER_ENGINE_LOADED_VERSION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellgate/v1/dataset.pb.h"

namespace cellgate::engine {

// One entry of a level: a code of that level, or a code carried up from a
// finer level because it lies outside the hierarchy (e.g. "98 außerhalb").
struct LevelEntry {
  std::string code;
  std::string label;
  bool pass_through = false;
  // Index of the entry at the next coarser level this one adds into; -1 if
  // none (coarsest level, or outside the hierarchy).
  int32_t parent = -1;
};

struct DimensionLevels {
  std::string name;      // column name
  std::string label;     // column label
  bool sensitive = false;
  uint32_t width = 1;    // bytes per code in `codes`
  const char* codes = nullptr;  // row_count codes, little-endian; not owned
  std::vector<std::string> level_names;
  std::vector<std::string> level_labels;
  // entries[level] in display order.
  std::vector<std::vector<LevelEntry>> entries;
  // entry_of[level][finest code] -> index into entries[level].
  std::vector<std::vector<int32_t>> entry_of;

  // Returns the level index of `name` ("" = 0), or -1.
  int LevelIndex(absl::string_view name) const;
};

// Who contributed each row's value of a measure: a dense index per row,
// from a CONTRIBUTOR column (order of first appearance) or a DIMENSION
// (its finest code index).
struct ContributorIds {
  std::string name;           // column name
  uint32_t width = 4;         // bytes per index: 4, or a dimension's 1 or 2
  const char* ids = nullptr;  // row_count little-endian indices; not owned
  uint32_t count = 0;         // every index is below count
};

struct MeasureColumn {
  std::string name;
  std::string label;
  int32_t decimals = 0;
  const char* values = nullptr;  // row_count little-endian int64; not owned
  // The column's contributors (ColumnSchema.contributor); null: every
  // record is its own contributor. Not owned.
  const ContributorIds* contributor = nullptr;
  // The largest |value| of the column (INT64_MAX for INT64_MIN): a scan of
  // n rows whose n * max_abs fits in int64 cannot overflow a sum.
  int64_t max_abs = 0;
};

class LoadedVersion {
 public:
  // Takes ownership of `data` and checks it against `schema`: one column per
  // DIMENSION/MEASURE/CONTRIBUTOR column in schema order, matching names and
  // widths, sizes equal to row_count * width, code indices in range,
  // contributor indices in order of first appearance, record keys absent or
  // 4 bytes per row. DATA_LOSS naming the column otherwise.
  static absl::StatusOr<std::shared_ptr<const LoadedVersion>> Create(v1::DatasetSchema schema,
                                                                     v1::VersionData data);

  const v1::DatasetSchema& schema() const { return schema_; }
  const v1::DatasetVersionInfo& info() const { return data_.info(); }
  int64_t row_count() const { return data_.info().row_count(); }
  // The record keys, row_count little-endian uint32 (fractions of 1 in
  // units of 2^-32), or nullptr for a version ingested without them.
  const char* record_keys() const {
    return data_.record_keys().empty() ? nullptr : data_.record_keys().data();
  }
  // Bytes held by the columns and the hierarchy maps.
  size_t memory_bytes() const;

  // Returns the dimension named `name`, or nullptr.
  const DimensionLevels* FindDimension(absl::string_view name) const;
  // Returns the measure column named `name`, or nullptr.
  const MeasureColumn* FindMeasure(absl::string_view name) const;
  // True if `name` is a column of the schema at all.
  bool HasColumn(absl::string_view name) const;

 private:
  LoadedVersion(v1::DatasetSchema schema, v1::VersionData data)
      : schema_(std::move(schema)), data_(std::move(data)) {}
  absl::Status Index();
  // Points each measure with a contributor at its ContributorIds.
  absl::Status LinkContributors();

  v1::DatasetSchema schema_;
  v1::VersionData data_;
  std::vector<DimensionLevels> dimensions_;
  std::vector<MeasureColumn> measures_;
  std::vector<ContributorIds> contributors_;  // fixed before measures_ link to it
};

}  // namespace cellgate::engine

#endif  // CELLGATE_SERVER_ENGINE_LOADED_VERSION_H_
