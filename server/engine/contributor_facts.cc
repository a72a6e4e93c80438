#include "server/engine/contributor_facts.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <utility>
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

// The full table's shape: per axis the stride, size and parents, and the
// full cell of each leaf cell.
struct Cube {
  std::vector<int64_t> stride, size;
  std::vector<std::vector<int32_t>> parent;  // [axis][entry]
  std::vector<uint32_t> full_of_leaf;
};

Cube CubeOf(const QueryPlan& plan) {
  Cube cube;
  const size_t dims = plan.axes.size();
  cube.stride.assign(dims, 1);
  cube.size.resize(dims);
  cube.parent.resize(dims);
  for (size_t d = 0; d < dims; ++d) {
    cube.size[d] = plan.axes[d].entries_size();
    for (const v1::AxisEntry& e : plan.axes[d].entries()) cube.parent[d].push_back(e.parent());
  }
  for (size_t d = dims; d-- > 1;) cube.stride[d - 1] = cube.stride[d] * cube.size[d];
  // Leaf offsets are row-major over the leaf entries (the first entries of
  // each axis), with the last axis fastest, as the plan's scan makes them.
  cube.full_of_leaf.resize(static_cast<size_t>(plan.leaf_cells));
  std::vector<int> digit(dims, 0);
  for (int64_t leaf = 0; leaf < plan.leaf_cells; ++leaf) {
    int64_t full = 0;
    for (size_t d = 0; d < dims; ++d) full += digit[d] * cube.stride[d];
    cube.full_of_leaf[leaf] = static_cast<uint32_t>(full);
    for (size_t d = dims; d-- > 0;) {
      if (++digit[d] < plan.leaf_counts[d]) break;
      digit[d] = 0;
    }
  }
  return cube;
}

// The rows that pass the query's filters, grouped by contributor (a
// counting sort): contributor c's rows are row[begin[c] .. begin[c + 1]),
// in row order, each with its full cell.
struct RowsByContributor {
  std::vector<uint32_t> begin;
  std::vector<uint32_t> row;
  std::vector<uint32_t> cell;
};

// Calls visit(row, leaf offset) for every row the query's filters keep.
template <typename Visit>
void ForEachRow(const LoadedVersion& version, const QueryPlan& plan, Visit visit) {
  const int64_t rows = version.row_count();
  std::vector<int64_t> offs(kScanBlockRows);
  for (int64_t start = 0; start < rows; start += kScanBlockRows) {
    const int64_t n = std::min(kScanBlockRows, rows - start);
    std::fill(offs.begin(), offs.begin() + n, 0);
    for (const ScanDimension& s : plan.scan) {
      AddCodeOffsets(*s.dimension, start, n, s.offset_of.data(), offs.data());
    }
    for (int64_t i = 0; i < n; ++i) {
      if (offs[i] >= 0) visit(start + i, offs[i]);
    }
  }
}

// Two passes over the codes (count, then place) instead of one that keeps
// every row's contributor: 8 bytes per row instead of 12 at the peak.
RowsByContributor GroupRows(const LoadedVersion& version, const QueryPlan& plan,
                            const ContributorIds& ids, const Cube& cube) {
  RowsByContributor out;
  out.begin.assign(static_cast<size_t>(ids.count) + 1, 0);
  ForEachRow(version, plan, [&](int64_t row, int64_t) { ++out.begin[IdAt(ids, row) + 1]; });
  for (size_t c = 1; c < out.begin.size(); ++c) out.begin[c] += out.begin[c - 1];
  out.row.resize(out.begin.back());
  out.cell.resize(out.begin.back());
  std::vector<uint32_t> next(out.begin.begin(), out.begin.end() - 1);
  ForEachRow(version, plan, [&](int64_t row, int64_t leaf) {
    const uint32_t at = next[IdAt(ids, row)]++;
    out.row[at] = static_cast<uint32_t>(row);
    out.cell[at] = cube.full_of_leaf[leaf];
  });
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
bool ComputeFacts(const RowsByContributor& rows, const MeasureColumn& column, const Cube& cube,
                  int64_t cells, Facts& facts) {
  facts.contributors.assign(cells, 0);
  facts.largest.assign(cells, kNone);
  facts.second.assign(cells, kNone);
  std::vector<int64_t> total(cells, 0);
  std::vector<bool> seen(cells, false);
  std::vector<uint32_t> touched;
  bool overflow = false;
  auto add = [&](uint32_t cell, int64_t v) {
    if (!seen[cell]) {
      seen[cell] = true;
      touched.push_back(cell);
    }
    overflow |= __builtin_add_overflow(total[cell], v, &total[cell]);
  };
  for (size_t c = 0; c + 1 < rows.begin.size(); ++c) {
    if (rows.begin[c] == rows.begin[c + 1]) continue;
    touched.clear();
    for (uint32_t i = rows.begin[c]; i < rows.begin[c + 1]; ++i) {
      int64_t v;
      std::memcpy(&v, column.values + static_cast<int64_t>(rows.row[i]) * 8, 8);
      add(rows.cell[i], v);
    }
    for (size_t d = 0; d < cube.stride.size(); ++d) {
      for (size_t k = 0; k < touched.size(); ++k) {
        const uint32_t x = touched[k];
        const int64_t e = (x / cube.stride[d]) % cube.size[d];
        const int32_t p = cube.parent[d][e];
        if (p >= 0) add(static_cast<uint32_t>(x + (p - e) * cube.stride[d]), total[x]);
      }
    }
    for (uint32_t x : touched) {
      ++facts.contributors[x];
      Offer(total[x], facts.largest[x], facts.second[x]);
      total[x] = 0;
      seen[x] = false;
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
  // Grouped rows per contributor column, facts per (column, contributor):
  // a SUM and a MEAN of the same column share them.
  std::map<const ContributorIds*, RowsByContributor> grouped;
  std::map<std::pair<const MeasureColumn*, const ContributorIds*>, Facts> computed;
  for (size_t m = 0; m < plan.measures.size(); ++m) {
    if (!has(plan.measures[m])) continue;
    const MeasureColumn& column = *plan.measures[m].column;
    const ContributorIds& ids = *column.contributor;
    auto [facts, fresh] = computed.try_emplace({&column, &ids});
    if (fresh) {
      auto rows = grouped.find(&ids);
      if (rows == grouped.end()) {
        rows = grouped.emplace(&ids, GroupRows(version, plan, ids, cube)).first;
      }
      if (!ComputeFacts(rows->second, column, cube, plan.cells, facts->second)) {
        return absl::OutOfRangeError("a contributor's sum exceeds the range of 64-bit integers");
      }
    }
    WriteFacts(facts->second, *table.mutable_measures(static_cast<int>(m)));
  }
  return absl::OkStatus();
}

}  // namespace cellgate::engine
