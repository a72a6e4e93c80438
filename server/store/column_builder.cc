#include "server/store/column_builder.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/canonical.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"

namespace cellgate::store {
namespace {

constexpr size_t kMaxUnitIdBytes = 128;

void AppendLittleEndian(std::string& out, uint64_t value, uint32_t width) {
  char bytes[8];
  for (uint32_t i = 0; i < width; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  out.append(bytes, width);
}

void HashLengthPrefixed(crypto::Sha256Hasher& h, absl::string_view data) {
  std::string len;
  AppendLittleEndian(len, data.size(), 8);
  h.Update(len);
  h.Update(data);
}

}  // namespace

absl::StatusOr<int64_t> ParseScaledDecimal(absl::string_view text, int decimals,
                                           char decimal_separator) {
  if (text.empty()) return absl::InvalidArgumentError("empty number");
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (text[0] == '-' || text[0] == '+') ++i;
  int64_t value = 0;
  int digits = 0, fraction_digits = 0;
  bool in_fraction = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == decimal_separator && !in_fraction) {
      in_fraction = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a number"));
    }
    if (in_fraction && ++fraction_digits > decimals) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\" has more than ", decimals, " decimals"));
    }
    ++digits;
    if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, c - '0', &value)) {
      return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is out of range"));
    }
  }
  if (digits == 0) return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a number"));
  for (int k = fraction_digits; k < decimals; ++k) {
    if (__builtin_mul_overflow(value, 10, &value)) {
      return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is out of range"));
    }
  }
  return negative ? -value : value;
}

uint32_t DimensionWidth(const v1::ColumnSchema& column) {
  return column.levels(0).codes_size() <= 256 ? 1 : 2;
}

std::string VersionHash(const v1::DatasetSchema& schema,
                        const std::vector<v1::ColumnData>& columns) {
  crypto::Sha256Hasher h;
  HashLengthPrefixed(h, "cellgate-version-v1");
  HashLengthPrefixed(h, schema.id());
  HashLengthPrefixed(h, CanonicalBytes(schema));
  for (const v1::ColumnData& c : columns) {
    HashLengthPrefixed(h, c.name());
    std::string width;
    AppendLittleEndian(width, c.width(), 4);
    h.Update(width);
    HashLengthPrefixed(h, c.data());
  }
  return crypto::HexEncode(h.Finish());
}

ColumnBuilder::ColumnBuilder(const v1::DatasetSchema& schema, RecordKeyer* keyer)
    : schema_(schema), keyer_(keyer) {
  decimal_separator_ = schema.csv().decimal_separator() == "," ? ',' : '.';
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.kind() == v1::UNIT_ID) has_unit_id_ = true;
    if (column.kind() == v1::UNIT_ID) continue;
    v1::ColumnData& data = columns_.emplace_back();
    data.set_name(column.name());
    auto& dict = dictionaries_.emplace_back();
    if (column.kind() == v1::DIMENSION) {
      data.set_width(DimensionWidth(column));
      for (int i = 0; i < column.levels(0).codes_size(); ++i) {
        dict.emplace(column.levels(0).codes(i).code(), static_cast<uint32_t>(i));
      }
    } else {
      data.set_width(column.kind() == v1::CONTRIBUTOR ? kContributorWidth : 8);
    }
  }
  contributor_ids_.assign(columns_.size(), absl::string_view());
}

absl::Status ColumnBuilder::SetHeader(const std::vector<absl::string_view>& header,
                                      size_t* bad_column) {
  absl::flat_hash_map<std::string, int> by_name;
  for (int i = 0; i < schema_.columns_size(); ++i) by_name.emplace(schema_.columns(i).name(), i);
  absl::flat_hash_set<int> seen;
  for (size_t pos = 0; pos < header.size(); ++pos) {
    *bad_column = pos + 1;
    const auto it = by_name.find(header[pos]);
    if (it == by_name.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown column \"", header[pos], "\""));
    }
    if (!seen.insert(it->second).second) {
      return absl::InvalidArgumentError(absl::StrCat("column \"", header[pos], "\" appears twice"));
    }
    Slot slot;
    slot.schema_index = it->second;
    slot.kind = schema_.columns(it->second).kind();
    if (slot.kind != v1::UNIT_ID) {
      for (size_t k = 0; k < columns_.size(); ++k) {
        if (columns_[k].name() == header[pos]) slot.output_index = static_cast<int>(k);
      }
    }
    slots_.push_back(slot);
  }
  for (int i = 0; i < schema_.columns_size(); ++i) {
    if (!seen.contains(i)) {
      *bad_column = 1;
      return absl::InvalidArgumentError(
          absl::StrCat("header lacks column \"", schema_.columns(i).name(), "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status ColumnBuilder::FieldError(size_t pos, absl::string_view reason) const {
  return absl::InvalidArgumentError(absl::StrCat(
      "column \"", schema_.columns(slots_[pos].schema_index).name(), "\": ", reason));
}

absl::Status ColumnBuilder::AddRow(const std::vector<absl::string_view>& fields,
                                   size_t* bad_column) {
  if (fields.size() != slots_.size()) {
    *bad_column = std::min(fields.size(), slots_.size()) + 1;
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", slots_.size(), " fields, found ", fields.size()));
  }
  unit_ids_.clear();
  for (size_t pos = 0; pos < fields.size(); ++pos) {
    const Slot& slot = slots_[pos];
    const absl::string_view value = fields[pos];
    *bad_column = pos + 1;
    if (slot.kind == v1::UNIT_ID) {
      if (value.empty() || value.size() > kMaxUnitIdBytes) {
        return FieldError(pos, absl::StrCat("unit id must have 1 to ", kMaxUnitIdBytes, " bytes"));
      }
      unit_ids_.emplace_back(slot.schema_index, value);
      continue;
    }
    if (slot.kind == v1::CONTRIBUTOR) {
      RETURN_IF_ERROR(AppendContributor(pos, slot.output_index, value));
      continue;
    }
    std::string& out = *columns_[slot.output_index].mutable_data();
    if (slot.kind == v1::DIMENSION) {
      const auto& dict = dictionaries_[slot.output_index];
      const auto it = dict.find(value);
      if (it == dict.end()) return FieldError(pos, absl::StrCat("unknown code \"", value, "\""));
      AppendLittleEndian(out, it->second, columns_[slot.output_index].width());
    } else {
      const v1::ColumnSchema& column = schema_.columns(slot.schema_index);
      absl::StatusOr<int64_t> parsed =
          ParseScaledDecimal(value, column.decimals(), decimal_separator_);
      if (!parsed.ok()) return FieldError(pos, parsed.status().message());
      AppendLittleEndian(out, static_cast<uint64_t>(*parsed), 8);
    }
  }
  ++rows_;
  if (keyer_ != nullptr) AppendRecordKey();
  return absl::OkStatus();
}

void ColumnBuilder::AppendRecordKey() {
  // Canonical input: independent of the CSV's column order, so the same
  // unit (or, without unit ids, the same record) gets the same key in
  // every version.
  unit_scratch_.clear();
  if (has_unit_id_) {
    std::sort(unit_ids_.begin(), unit_ids_.end());
    for (const auto& [index, value] : unit_ids_) {
      AppendLittleEndian(unit_scratch_, value.size(), 8);
      unit_scratch_.append(value.data(), value.size());
    }
    AppendLittleEndian(record_keys_, keyer_->ForUnit(unit_scratch_), 4);
    return;
  }
  for (size_t k = 0; k < columns_.size(); ++k) {
    const v1::ColumnData& column = columns_[k];
    if (const absl::string_view id = contributor_ids_[k]; !id.empty()) {
      // The id itself, not its index: the index depends on the rows before.
      AppendLittleEndian(unit_scratch_, id.size(), 8);
      unit_scratch_.append(id.data(), id.size());
      continue;
    }
    unit_scratch_.append(column.data(), column.data().size() - column.width(), column.width());
  }
  AppendLittleEndian(record_keys_, keyer_->ForContent(unit_scratch_), 4);
}

absl::Status ColumnBuilder::AppendContributor(size_t pos, int output_index, absl::string_view id) {
  if (id.empty() || id.size() > kMaxUnitIdBytes) {
    return FieldError(pos, absl::StrCat("contributor id must have 1 to ", kMaxUnitIdBytes, " bytes"));
  }
  // Dense indices in order of first appearance; the ids are not kept.
  auto& dict = dictionaries_[output_index];
  auto it = dict.find(id);
  if (it == dict.end()) it = dict.emplace(std::string(id), static_cast<uint32_t>(dict.size())).first;
  AppendLittleEndian(*columns_[output_index].mutable_data(), it->second, kContributorWidth);
  contributor_ids_[output_index] = id;
  return absl::OkStatus();
}

std::vector<v1::ColumnData> ColumnBuilder::TakeColumns() { return std::move(columns_); }

}  // namespace cellgate::store
