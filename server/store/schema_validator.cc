#include "server/store/schema_validator.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::store {
namespace {

constexpr int kMaxColumns = 64;
constexpr int kMaxLevels = 4;
constexpr int kMaxCodesPerLevel = 65535;
constexpr size_t kMaxLabelBytes = 200;

bool IsName(absl::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsCode(absl::string_view s) {
  if (s.empty() || s.size() > 32 || s[0] == '_') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '+' || c == '/' || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::Status Bad(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

absl::Status ValidateLevels(const v1::ColumnSchema& column, absl::string_view where) {
  if (column.levels_size() < 1 || column.levels_size() > kMaxLevels) {
    return Bad(where, absl::StrCat("a dimension needs 1 to ", kMaxLevels, " levels"));
  }
  absl::flat_hash_set<std::string> level_names;
  for (int i = 0; i < column.levels_size(); ++i) {
    const v1::Level& level = column.levels(i);
    const std::string at = absl::StrCat(where, " level \"", level.name(), "\"");
    if (!IsName(level.name())) return Bad(at, "level name must match [a-z][a-z0-9_]{0,63}");
    if (!level_names.insert(level.name()).second) return Bad(at, "level name used twice");
    if (level.codes_size() == 0) return Bad(at, "level has no codes");
    if (level.codes_size() > kMaxCodesPerLevel) {
      return Bad(at, absl::StrCat("more than ", kMaxCodesPerLevel, " codes"));
    }
    absl::flat_hash_set<std::string> parents;
    if (i + 1 < column.levels_size()) {
      for (const v1::Code& c : column.levels(i + 1).codes()) parents.insert(c.code());
    }
    absl::flat_hash_set<std::string> codes;
    for (const v1::Code& code : level.codes()) {
      const std::string c = absl::StrCat("code \"", code.code(), "\"");
      if (!IsCode(code.code())) {
        return Bad(at, absl::StrCat(c, " must be 1-32 of [A-Za-z0-9_.+/-], not starting with _"));
      }
      if (!codes.insert(code.code()).second) return Bad(at, absl::StrCat(c, " appears twice"));
      if (code.label().empty() || code.label().size() > kMaxLabelBytes) {
        return Bad(at, absl::StrCat(c, " needs a label of 1 to ", kMaxLabelBytes, " bytes"));
      }
      if (code.parent().empty()) continue;
      if (i + 1 == column.levels_size()) {
        return Bad(at, absl::StrCat(c, " has a parent but this is the coarsest level"));
      }
      if (!parents.contains(code.parent())) {
        return Bad(at, absl::StrCat(c, " has unknown parent \"", code.parent(), "\""));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateColumn(const v1::ColumnSchema& column) {
  const std::string where = absl::StrCat("column \"", column.name(), "\"");
  if (!IsName(column.name())) return Bad(where, "name must match [a-z][a-z0-9_]{0,63}");
  switch (column.kind()) {
    case v1::DIMENSION:
      return ValidateLevels(column, where);
    case v1::MEASURE:
      if (column.levels_size() != 0) return Bad(where, "a measure has no levels");
      if (column.decimals() < 0 || column.decimals() > 6) {
        return Bad(where, absl::StrCat("decimals must be 0 to 6, got ", column.decimals()));
      }
      return absl::OkStatus();
    case v1::UNIT_ID:
      if (column.levels_size() != 0) return Bad(where, "a unit id has no levels");
      return absl::OkStatus();
    case v1::CONTRIBUTOR:
      if (column.levels_size() != 0) return Bad(where, "a contributor id has no levels");
      return absl::OkStatus();
    default:
      return Bad(where, "kind must be DIMENSION, MEASURE, UNIT_ID or CONTRIBUTOR");
  }
}

// A measure's contributor names a CONTRIBUTOR or DIMENSION column of the
// schema, and every CONTRIBUTOR column is named by a measure (an id column
// nothing uses would be stored for nothing).
absl::Status ValidateContributors(const v1::DatasetSchema& schema) {
  absl::flat_hash_set<std::string> named;
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.contributor().empty()) continue;
    const std::string where = absl::StrCat("column \"", column.name(), "\"");
    if (column.kind() != v1::MEASURE) return Bad(where, "only a measure names a contributor");
    const v1::ColumnSchema* target = nullptr;
    for (const v1::ColumnSchema& c : schema.columns()) {
      if (c.name() == column.contributor()) target = &c;
    }
    const std::string what = absl::StrCat("contributor \"", column.contributor(), "\"");
    if (target == nullptr) return Bad(where, absl::StrCat(what, " is not a column of the dataset"));
    if (target->kind() != v1::CONTRIBUTOR && target->kind() != v1::DIMENSION) {
      return Bad(where, absl::StrCat(what, " must be a CONTRIBUTOR or DIMENSION column"));
    }
    named.insert(column.contributor());
  }
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.kind() == v1::CONTRIBUTOR && !named.contains(column.name())) {
      return Bad(absl::StrCat("column \"", column.name(), "\""),
                 "no measure names this contributor column");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateSchema(const v1::DatasetSchema& schema) {
  if (!IsName(schema.id())) {
    return absl::InvalidArgumentError(
        absl::StrCat("dataset id \"", schema.id(), "\" must match [a-z][a-z0-9_]{0,63}"));
  }
  if (schema.columns_size() == 0 || schema.columns_size() > kMaxColumns) {
    return absl::InvalidArgumentError(
        absl::StrCat("dataset \"", schema.id(), "\" needs 1 to ", kMaxColumns, " columns"));
  }
  absl::flat_hash_set<std::string> names;
  bool has_dimension = false;
  for (const v1::ColumnSchema& column : schema.columns()) {
    RETURN_IF_ERROR(ValidateColumn(column));
    if (!names.insert(column.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("column \"", column.name(), "\" appears twice"));
    }
    has_dimension |= column.kind() == v1::DIMENSION;
  }
  if (!has_dimension) {
    return absl::InvalidArgumentError(
        absl::StrCat("dataset \"", schema.id(), "\" needs at least one dimension"));
  }
  RETURN_IF_ERROR(ValidateContributors(schema));
  const std::string& delim = schema.csv().delimiter();
  const std::string& dec = schema.csv().decimal_separator();
  if (!(delim.empty() || delim == "," || delim == ";")) {
    return absl::InvalidArgumentError("csv.delimiter must be \",\" or \";\"");
  }
  if (!(dec.empty() || dec == "." || dec == ",")) {
    return absl::InvalidArgumentError("csv.decimal_separator must be \".\" or \",\"");
  }
  if ((delim.empty() ? "," : delim) == (dec.empty() ? "." : dec)) {
    return absl::InvalidArgumentError("csv.delimiter and csv.decimal_separator must differ");
  }
  return absl::OkStatus();
}

}  // namespace cellgate::store
