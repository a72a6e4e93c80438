#include "server/engine/loaded_version.h"

#include <linux/mman.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::engine {
namespace {

absl::Status Damaged(absl::string_view column, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("column \"", column, "\": ", what));
}

// The largest code index in a column of `rows` codes of type Code: one
// branch-free pass (a load time cost, not a query time one).
template <typename Code>
uint32_t MaxCodeOfWidth(const char* codes, int64_t rows) {
  Code most = 0;
  for (int64_t r = 0; r < rows; ++r) {
    Code c;
    std::memcpy(&c, codes + r * sizeof(Code), sizeof(Code));
    most = std::max(most, c);
  }
  return most;
}

uint32_t MaxCode(const char* codes, uint32_t width, int64_t rows) {
  return width == 1 ? MaxCodeOfWidth<uint8_t>(codes, rows) : MaxCodeOfWidth<uint16_t>(codes, rows);
}

int64_t MaxAbs(const char* values, int64_t rows) {
  int64_t most = 0;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t v;
    std::memcpy(&v, values + r * 8, 8);
    most = std::max(most, v == INT64_MIN ? INT64_MAX : (v < 0 ? -v : v));
  }
  return most;
}

// Moves the whole 2 MiB pages of `bytes` onto transparent huge pages
// (MADV_COLLAPSE, Linux 6.1): a scan reads several columns at once, and on
// 4 KiB pages their TLB misses cost it some 15 % (ADR 0012). Columns below
// 8 MiB are left alone. Best effort: on an older kernel, with THP off or
// no free huge pages the column stays as it is; the contents never change.
void CollapseIntoHugePages(const std::string& bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  if (bytes.size() < 4 * kHuge) return;
  const uintptr_t start = reinterpret_cast<uintptr_t>(bytes.data());
  const uintptr_t begin = (start + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (start + bytes.size()) & ~(kHuge - 1);
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_COLLAPSE);
}

// Resolves the hierarchy of `column` into per-level entries.
DimensionLevels BuildLevels(const v1::ColumnSchema& column) {
  DimensionLevels d;
  d.name = column.name();
  d.label = column.label();
  d.sensitive = column.sensitive();
  const int levels = column.levels_size();
  d.entries.resize(levels);
  d.entry_of.resize(levels);
  for (int l = 0; l < levels; ++l) {
    d.level_names.push_back(column.levels(l).name());
    d.level_labels.push_back(column.levels(l).label());
    for (const v1::Code& c : column.levels(l).codes()) {
      d.entries[l].push_back(LevelEntry{c.code(), c.label(), false, -1});
    }
  }
  // Carry codes without a parent up as pass-through entries and link parents.
  for (int l = 0; l + 1 < levels; ++l) {
    absl::flat_hash_map<std::string, int32_t> next;
    for (int32_t i = 0; i < column.levels(l + 1).codes_size(); ++i) {
      next.emplace(column.levels(l + 1).codes(i).code(), i);
    }
    for (size_t i = 0; i < d.entries[l].size(); ++i) {
      LevelEntry& e = d.entries[l][i];
      const bool real = !e.pass_through && static_cast<int>(i) < column.levels(l).codes_size();
      const std::string parent = real ? column.levels(l).codes(static_cast<int>(i)).parent() : "";
      if (!parent.empty()) {
        e.parent = next.at(parent);
      } else {
        e.parent = static_cast<int32_t>(d.entries[l + 1].size());
        d.entries[l + 1].push_back(LevelEntry{e.code, e.label, true, -1});
      }
    }
  }
  const size_t finest = d.entries[0].size();
  for (int l = 0; l < levels; ++l) d.entry_of[l].resize(finest);
  for (size_t f = 0; f < finest; ++f) {
    int32_t e = static_cast<int32_t>(f);
    d.entry_of[0][f] = e;
    for (int l = 1; l < levels; ++l) {
      e = d.entries[l - 1][e].parent;
      d.entry_of[l][f] = e;
    }
  }
  return d;
}

// Returns the number of distinct contributors of a CONTRIBUTOR column's
// `rows` indices, checking that they are in order of first appearance.
absl::StatusOr<uint32_t> CountContributors(const v1::ColumnData& c, int64_t rows) {
  uint32_t count = 0;
  for (int64_t r = 0; r < rows; ++r) {
    uint32_t id;
    std::memcpy(&id, c.data().data() + r * 4, 4);
    if (id > count) return Damaged(c.name(), "contributor index out of order");
    if (id == count) ++count;
  }
  return count;
}

uint32_t ExpectedWidth(const v1::ColumnSchema& column) {
  switch (column.kind()) {
    case v1::MEASURE:
      return 8;
    case v1::CONTRIBUTOR:
      return 4;
    default:
      return column.levels(0).codes_size() <= 256 ? 1 : 2;
  }
}

}  // namespace

int DimensionLevels::LevelIndex(absl::string_view level) const {
  if (level.empty()) return 0;
  for (size_t i = 0; i < level_names.size(); ++i) {
    if (level_names[i] == level) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<std::shared_ptr<const LoadedVersion>> LoadedVersion::Create(
    v1::DatasetSchema schema, v1::VersionData data) {
  std::shared_ptr<LoadedVersion> version(new LoadedVersion(std::move(schema), std::move(data)));
  RETURN_IF_ERROR(version->Index());
  for (const v1::ColumnData& c : version->data_.columns()) CollapseIntoHugePages(c.data());
  return version;
}

absl::Status LoadedVersion::Index() {
  const int64_t rows = data_.info().row_count();
  if (rows < 0) return absl::DataLossError("negative row count");
  int next = 0;
  for (const v1::ColumnSchema& column : schema_.columns()) {
    if (column.kind() != v1::DIMENSION && column.kind() != v1::MEASURE &&
        column.kind() != v1::CONTRIBUTOR) {
      continue;
    }
    if (next >= data_.columns_size()) return Damaged(column.name(), "missing");
    const v1::ColumnData& c = data_.columns(next++);
    if (c.name() != column.name()) return Damaged(column.name(), "out of order");
    if (c.width() != ExpectedWidth(column)) return Damaged(column.name(), "wrong width");
    if (c.data().size() != static_cast<size_t>(rows) * c.width()) {
      return Damaged(column.name(), "wrong size");
    }
    if (column.kind() == v1::MEASURE) {
      MeasureColumn measure{column.name(), column.label(), column.decimals(), c.data().data()};
      measure.max_abs = MaxAbs(c.data().data(), rows);
      measures_.push_back(std::move(measure));
      continue;
    }
    if (column.kind() == v1::CONTRIBUTOR) {
      ASSIGN_OR_RETURN(const uint32_t count, CountContributors(c, rows));
      contributors_.push_back(ContributorIds{column.name(), c.width(), c.data().data(), count});
      continue;
    }
    DimensionLevels d = BuildLevels(column);
    d.width = c.width();
    d.codes = c.data().data();
    const uint32_t limit = static_cast<uint32_t>(column.levels(0).codes_size());
    if (rows > 0 && MaxCode(d.codes, d.width, rows) >= limit) {
      return Damaged(column.name(), "code index out of range");
    }
    dimensions_.push_back(std::move(d));
  }
  if (next != data_.columns_size()) return absl::DataLossError("more columns than the schema");
  RETURN_IF_ERROR(LinkContributors());
  if (!data_.record_keys().empty() && data_.record_keys().size() != static_cast<size_t>(rows) * 4) {
    return absl::DataLossError("record keys of the wrong size");
  }
  return absl::OkStatus();
}

absl::Status LoadedVersion::LinkContributors() {
  // A dimension serves as contributor through its finest code indices.
  for (const v1::ColumnSchema& column : schema_.columns()) {
    if (column.kind() != v1::MEASURE || column.contributor().empty()) continue;
    const DimensionLevels* d = FindDimension(column.contributor());
    if (d == nullptr) continue;
    const bool listed = std::any_of(contributors_.begin(), contributors_.end(),
                                    [&](const ContributorIds& c) { return c.name == d->name; });
    if (listed) continue;
    contributors_.push_back(ContributorIds{d->name, d->width, d->codes,
                                           static_cast<uint32_t>(d->entries[0].size())});
  }
  for (const v1::ColumnSchema& column : schema_.columns()) {
    if (column.kind() != v1::MEASURE || column.contributor().empty()) continue;
    const auto ids =
        std::find_if(contributors_.begin(), contributors_.end(),
                     [&](const ContributorIds& c) { return c.name == column.contributor(); });
    if (ids == contributors_.end()) {
      return Damaged(column.name(), "its contributor column is missing");
    }
    for (MeasureColumn& m : measures_) {
      if (m.name == column.name()) m.contributor = &*ids;
    }
  }
  return absl::OkStatus();
}

size_t LoadedVersion::memory_bytes() const {
  size_t bytes = 0;
  for (const v1::ColumnData& c : data_.columns()) bytes += c.data().size();
  bytes += data_.record_keys().size();
  for (const DimensionLevels& d : dimensions_) {
    for (const auto& m : d.entry_of) bytes += m.size() * sizeof(int32_t);
  }
  return bytes;
}

const DimensionLevels* LoadedVersion::FindDimension(absl::string_view name) const {
  for (const DimensionLevels& d : dimensions_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

const MeasureColumn* LoadedVersion::FindMeasure(absl::string_view name) const {
  for (const MeasureColumn& m : measures_) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool LoadedVersion::HasColumn(absl::string_view name) const {
  for (const v1::ColumnSchema& c : schema_.columns()) {
    if (c.name() == name) return true;
  }
  return false;
}

}  // namespace cellgate::engine
