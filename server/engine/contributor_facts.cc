#include "server/engine/contributor_facts.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "server/engine/code_scan.h"

namespace cellgate::engine {
namespace {

constexpr int64_t kNone = INT64_MIN;

uint32_t IdAt(const ContributorIds& ids, int64_t row) {
  switch (ids.width) {
    case 1:
      return static_cast<uint8_t>(ids.ids[row]);
    case 2: {
      uint16_t v;
      std::memcpy(&v, ids.ids + row * 2, 2);
      return v;
    }
    default: {
      uint32_t v;
      std::memcpy(&v, ids.ids + row * 4, 4);
      return v;
    }
  }
}

// The full table's shape: per axis and cell the cell it adds into along
// that axis (-1 if none), and the full cell of each leaf cell.
struct Cube {
  std::vector<std::vector<int32_t>> parent_cell;  // [axis][cell]
  std::vector<uint32_t> full_of_leaf;
};

Cube CubeOf(const QueryPlan& plan) {
  Cube cube;
  const size_t dims = plan.axes.size();
  std::vector<int64_t> stride(dims, 1);
  for (size_t d = dims; d-- > 1;) stride[d - 1] = stride[d] * plan.axes[d].entries_size();
  cube.parent_cell.resize(dims);
  for (size_t d = 0; d < dims; ++d) {
    const v1::Axis& axis = plan.axes[d];
    cube.parent_cell[d].resize(static_cast<size_t>(plan.cells));
    for (int64_t x = 0; x < plan.cells; ++x) {
      const int64_t e = (x / stride[d]) % axis.entries_size();
      const int32_t p = axis.entries(static_cast<int>(e)).parent();
      cube.parent_cell[d][x] = p < 0 ? -1 : static_cast<int32_t>(x + (p - e) * stride[d]);
    }
  }
  // Leaf offsets are row-major over the leaf entries (the first entries of
  // each axis), with the last axis fastest, as the plan's scan makes them.
  cube.full_of_leaf.resize(static_cast<size_t>(plan.leaf_cells));
  std::vector<int> digit(dims, 0);
  for (int64_t leaf = 0; leaf < plan.leaf_cells; ++leaf) {
    int64_t full = 0;
    for (size_t d = 0; d < dims; ++d) full += digit[d] * stride[d];
    cube.full_of_leaf[leaf] = static_cast<uint32_t>(full);
    for (size_t d = dims; d-- > 0;) {
      if (++digit[d] < plan.leaf_counts[d]) break;
      digit[d] = 0;
    }
  }
  return cube;
}

// The rows that pass the query's filters, grouped by contributor (a
// counting sort): contributor c's rows are [begin[c], end[c]), in row
// order, each with its full cell and its value of each measure column.
struct RowsByContributor {
  std::vector<uint32_t> begin, end;
  std::vector<uint32_t> cell;
  std::vector<std::vector<int64_t>> values;  // [column][grouped row]
};

// Places every row the query's filters keep: one pass over the codes, its
// contributor's slots counted beforehand over all rows (filtered rows
// leave their slots unused). The values are copied in row order, so the
// per-contributor work reads them in sequence.
RowsByContributor GroupRows(const LoadedVersion& version, const QueryPlan& plan,
                            const ContributorIds& ids,
                            const std::vector<const MeasureColumn*>& columns, const Cube& cube) {
  const int64_t rows = version.row_count();
  RowsByContributor out;
  out.begin.assign(static_cast<size_t>(ids.count) + 1, 0);
  for (int64_t r = 0; r < rows; ++r) ++out.begin[IdAt(ids, r) + 1];
  for (size_t c = 1; c < out.begin.size(); ++c) out.begin[c] += out.begin[c - 1];
  out.end.assign(out.begin.begin(), out.begin.end() - 1);
  out.cell.resize(static_cast<size_t>(rows));
  out.values.assign(columns.size(), std::vector<int64_t>(static_cast<size_t>(rows)));
  std::vector<uint32_t> offs(kScanBlockRows);
  const uint32_t excluded = static_cast<uint32_t>(plan.leaf_cells);
  for (int64_t start = 0; start < rows; start += kScanBlockRows) {
    const int64_t n = std::min(kScanBlockRows, rows - start);
    std::fill(offs.begin(), offs.begin() + n, 0);
    for (const ScanDimension& s : plan.scan) {
      AddCodeOffsets(*s.dimension, start, n, s.offset_of.data(), offs.data());
    }
    for (int64_t i = 0; i < n; ++i) {
      if (offs[i] >= excluded) continue;  // a code the filters exclude
      const uint32_t at = out.end[IdAt(ids, start + i)]++;
      out.cell[at] = cube.full_of_leaf[offs[i]];
      for (size_t k = 0; k < columns.size(); ++k) {
        std::memcpy(&out.values[k][at], columns[k]->values + (start + i) * 8, 8);
      }
    }
  }
  return out;
}

struct Facts {
  std::vector<int64_t> contributors, largest, second;
};

inline void Offer(int64_t v, int64_t& first, int64_t& second) {
  if (v > first) {
    second = first;
    first = v;
  } else if (v > second) {
    second = v;
  }
}

// Per contributor: its totals in the leaf cells it has records in, then
// added up along each axis into every margin it reaches (a cell precedes
// its parent in `touched` along the axis being added, because along that
// axis all cells start at the leaf level and each parent is created by its
// first child). Each cell then sees each of its contributors' totals once.
// False on overflow.
bool ComputeFacts(const RowsByContributor& rows, size_t column, const Cube& cube, int64_t cells,
                  Facts& facts) {
  facts.contributors.assign(cells, 0);
  facts.largest.assign(cells, kNone);
  facts.second.assign(cells, kNone);
  std::vector<int64_t> total(cells, 0);
  std::vector<uint8_t> seen(cells, 0);
  std::vector<uint32_t> touched;
  bool overflow = false;
  auto add = [&](uint32_t cell, int64_t v) {
    if (!seen[cell]) {
      seen[cell] = 1;
      touched.push_back(cell);
    }
    overflow |= __builtin_add_overflow(total[cell], v, &total[cell]);
  };
  const std::vector<int64_t>& values = rows.values[column];
  for (size_t c = 0; c < rows.end.size(); ++c) {
    if (rows.begin[c] == rows.end[c]) continue;
    touched.clear();
    for (uint32_t i = rows.begin[c]; i < rows.end[c]; ++i) add(rows.cell[i], values[i]);
    for (const std::vector<int32_t>& parent_of : cube.parent_cell) {
      for (size_t k = 0; k < touched.size(); ++k) {
        const uint32_t x = touched[k];
        if (parent_of[x] >= 0) add(static_cast<uint32_t>(parent_of[x]), total[x]);
      }
    }
    for (uint32_t x : touched) {
      ++facts.contributors[x];
      Offer(total[x], facts.largest[x], facts.second[x]);
      total[x] = 0;
      seen[x] = 0;
    }
  }
  return !overflow;
}

void WriteFacts(const Facts& facts, v1::MeasureFacts& out) {
  out.mutable_contributors()->Assign(facts.contributors.begin(), facts.contributors.end());
  out.clear_largest_contributor();
  out.clear_second_largest_contributor();
  for (size_t c = 0; c < facts.largest.size(); ++c) {
    out.add_largest_contributor(facts.largest[c] == kNone ? 0 : facts.largest[c]);
    out.add_second_largest_contributor(facts.second[c] == kNone ? 0 : facts.second[c]);
  }
}

}  // namespace

absl::Status AddContributorFacts(const LoadedVersion& version, const QueryPlan& plan,
                                 v1::ComputedTable& table) {
  const auto has = [](const MeasurePlan& m) {
    return m.column != nullptr && m.column->contributor != nullptr;
  };
  if (std::none_of(plan.measures.begin(), plan.measures.end(), has)) return absl::OkStatus();
  if (table.measures_size() != static_cast<int>(plan.measures.size()) ||
      table.record_count_size() != plan.cells) {
    return absl::InternalError("the computed table does not match its plan");
  }
  constexpr int64_t kMaxIndex = std::numeric_limits<uint32_t>::max();
  if (version.row_count() >= kMaxIndex || plan.cells >= kMaxIndex) {
    return absl::OutOfRangeError("contributor facts need fewer than 2^32 rows and cells");
  }
  const Cube cube = CubeOf(plan);
  // Per contributor column, one grouping of the rows with the values of
  // every measure column it is the contributor of; a SUM and a MEAN of the
  // same column share their facts.
  std::vector<const ContributorIds*> contributor_columns;
  std::vector<std::vector<const MeasureColumn*>> columns_of;
  for (const MeasurePlan& m : plan.measures) {
    if (!has(m)) continue;
    const ContributorIds* ids = m.column->contributor;
    auto at = std::find(contributor_columns.begin(), contributor_columns.end(), ids);
    if (at == contributor_columns.end()) {
      contributor_columns.push_back(ids);
      columns_of.emplace_back();
      at = contributor_columns.end() - 1;
    }
    std::vector<const MeasureColumn*>& columns = columns_of[at - contributor_columns.begin()];
    if (std::find(columns.begin(), columns.end(), m.column) == columns.end()) {
      columns.push_back(m.column);
    }
  }
  for (size_t g = 0; g < contributor_columns.size(); ++g) {
    const RowsByContributor rows =
        GroupRows(version, plan, *contributor_columns[g], columns_of[g], cube);
    for (size_t k = 0; k < columns_of[g].size(); ++k) {
      Facts facts;
      if (!ComputeFacts(rows, k, cube, plan.cells, facts)) {
        return absl::OutOfRangeError("a contributor's sum exceeds the range of 64-bit integers");
      }
      for (size_t m = 0; m < plan.measures.size(); ++m) {
        if (plan.measures[m].column == columns_of[g][k]) {
          WriteFacts(facts, *table.mutable_measures(static_cast<int>(m)));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace cellgate::engine
