// Builds the columns of one ingest from CSV records: dictionary codes for
// dimensions (1 or 2 bytes little-endian), scaled int64 for measures, dense
// uint32 indices for contributor ids, checks for unit ids, and each
// record's key for the cell key method. Also defines
// the version hash over the finished columns. Not thread-safe.
#ifndef CELLGATE_SERVER_STORE_COLUMN_BUILDER_H_
#define CELLGATE_SERVER_STORE_COLUMN_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "cellgate/v1/dataset.pb.h"
#include "server/store/record_keys.h"

namespace cellgate::store {

// Parses a decimal such as "-12.5" (with `decimal_separator`) into an
// integer scaled by 10^decimals. INVALID_ARGUMENT with a reason (no input
// echo beyond the value itself) for empty, malformed, too many decimals or
// out-of-range values.
absl::StatusOr<int64_t> ParseScaledDecimal(absl::string_view text, int decimals,
                                           char decimal_separator);

// Returns the hex version hash of a dataset version (docs/store-format.md):
// SHA-256 over the dataset id, the schema's canonical bytes and each
// column's name, width and data, length-prefixed.
std::string VersionHash(const v1::DatasetSchema& schema,
                        const std::vector<v1::ColumnData>& columns);

// Returns the stored width of a dimension column: 1 if its finest level has
// at most 256 codes, else 2.
uint32_t DimensionWidth(const v1::ColumnSchema& column);

// The stored width of a CONTRIBUTOR column: a little-endian uint32 index.
inline constexpr uint32_t kContributorWidth = 4;

class ColumnBuilder {
 public:
  // With a `keyer`, every row also gets its record key (record_keys.h);
  // `keyer` must outlive the builder.
  explicit ColumnBuilder(const v1::DatasetSchema& schema, RecordKeyer* keyer = nullptr);

  // Maps the header record onto the schema. INVALID_ARGUMENT naming an
  // unknown, duplicate or missing column; the error has no file position
  // (the caller adds it).
  absl::Status SetHeader(const std::vector<absl::string_view>& header, size_t* bad_column);
  // Appends one data record. On error `bad_column` (1-based) is set.
  absl::Status AddRow(const std::vector<absl::string_view>& fields, size_t* bad_column);

  int64_t rows() const { return rows_; }
  // Moves the finished columns out (DIMENSION, MEASURE and CONTRIBUTOR
  // columns, schema order).
  std::vector<v1::ColumnData> TakeColumns();
  // Moves the record keys out: one little-endian uint32 per row; empty
  // without a keyer.
  std::string TakeRecordKeys() { return std::move(record_keys_); }

 private:
  struct Slot {
    v1::ColumnKind kind = v1::COLUMN_KIND_UNSPECIFIED;
    int schema_index = -1;
    int output_index = -1;  // into columns_, -1 for UNIT_ID
  };

  // Appends the record key of the row just added, from unit_ids_.
  void AppendRecordKey();
  // The error of field `pos`: `column "<name>": <reason>`.
  absl::Status FieldError(size_t pos, absl::string_view reason) const;
  // Appends contributor `id`'s index (order of first appearance) to column
  // `output_index`. INVALID_ARGUMENT naming field `pos` if `id` is empty or
  // too long. `id` must live until the row's record key is made.
  absl::Status AppendContributor(size_t pos, int output_index, absl::string_view id);

  const v1::DatasetSchema& schema_;
  char decimal_separator_;
  std::vector<Slot> slots_;  // by CSV position
  std::vector<v1::ColumnData> columns_;
  // By output index: a dimension's codes, or a contributor column's ids
  // seen so far (growing, for the ingest only).
  std::vector<absl::flat_hash_map<std::string, uint32_t>> dictionaries_;
  // By output index: the current row's contributor id (a view of its
  // field), empty for other columns (a contributor id is never empty).
  std::vector<absl::string_view> contributor_ids_;
  int64_t rows_ = 0;
  RecordKeyer* keyer_;  // not owned; may be null
  bool has_unit_id_ = false;
  std::string record_keys_;
  std::string unit_scratch_;
  // The unit ids of the row being added, by schema position.
  std::vector<std::pair<int, absl::string_view>> unit_ids_;
};

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_COLUMN_BUILDER_H_
