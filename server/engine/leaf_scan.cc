#include "server/engine/leaf_scan.h"

#include <pthread.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <thread>

#include "server/engine/code_scan.h"

namespace cellgate::engine {
namespace {

// One measure's accumulators in one scan range. A measure whose sums
// cannot overflow int64 (rows × largest |value| fits) adds into `sum`;
// any other adds exactly into `wide`.
struct MeasurePartial {
  const MeasureColumn* column = nullptr;  // null for COUNT
  bool wide = false;
  std::vector<int64_t> sum;
  std::vector<__int128> wide_sum;
  std::vector<int64_t> largest, second;
};

// The accumulators of one range of rows, over the leaf cells plus one
// "dump" cell (index leaf_cells) that takes the rows the filters exclude,
// or over the product of the scanned dimensions' codes (ProductTable).
struct Partial {
  std::vector<int64_t> counts;
  std::vector<uint32_t> keys;
  std::vector<MeasurePartial> measures;
};

bool SumsFitInt64(const MeasureColumn& column, int64_t rows) {
  int64_t bound = 0;
  return !__builtin_mul_overflow(column.max_abs, rows, &bound);
}

// What a row of the fused passes adds into its cell. kCount: the count.
// kCountSum: the count, and the first measure into its own sum. kPacked:
// one 64-bit word per cell holds both (Packing), so a row does one
// read-modify-write instead of two.
enum class Acc { kCount, kCountSum, kPacked };

// The packed word of a cell: count << shift plus the sum of v + max_abs
// over its rows. Each v + max_abs lies in [0, 2 max_abs], so with at most
// `rows` rows the sum stays below 2^shift and the count below 2^(64 -
// shift): both are exact, and a row adds the constant `row_add` plus v
// (mod 2^64).
struct Packing {
  int shift = 0;
  int64_t max_abs = 0;
  uint64_t row_add = 0;  // (1 << shift) + max_abs
};

// The packing for sums of `column` over at most `rows` rows; false if the
// count and the biased sum do not both fit in 64 bits.
bool PackingFor(const MeasureColumn& column, int64_t rows, Packing& out) {
  if (rows < 1 || column.max_abs > (INT64_MAX >> 1)) return false;
  const int shift = 64 - std::bit_width(static_cast<uint64_t>(rows));
  const unsigned __int128 biased_bound =
      static_cast<unsigned __int128>(rows) * static_cast<uint64_t>(2 * column.max_abs);
  if (biased_bound >= (static_cast<unsigned __int128>(1) << shift)) return false;
  out.shift = shift;
  out.max_abs = column.max_abs;
  out.row_add = (uint64_t{1} << shift) + static_cast<uint64_t>(column.max_abs);
  return true;
}

// Adds the packed words `packed` into `counts` and `sums`, cell by cell.
void Unpack(const std::vector<uint64_t>& packed, const Packing& packing, int64_t* counts,
            int64_t* sums) {
  const uint64_t low = (uint64_t{1} << packing.shift) - 1;
  for (size_t c = 0; c < packed.size(); ++c) {
    const int64_t n = static_cast<int64_t>(packed[c] >> packing.shift);
    counts[c] += n;
    sums[c] += static_cast<int64_t>(packed[c] & low) - n * packing.max_abs;
  }
}

// Adds row i of a block, in cell `c`, whose first measure is values[i].
template <Acc kAcc>
inline void AddRow(size_t c, const char* values, int64_t i, uint64_t row_add,
                   int64_t* __restrict count, int64_t* __restrict sum) {
  if constexpr (kAcc == Acc::kPacked) {
    uint64_t v;
    std::memcpy(&v, values + i * 8, 8);
    reinterpret_cast<uint64_t*>(count)[c] += v + row_add;
  } else {
    ++count[c];
    if constexpr (kAcc == Acc::kCountSum) {
      int64_t v;
      std::memcpy(&v, values + i * 8, 8);
      sum[c] += v;
    }
  }
}

Partial NewPartial(const QueryPlan& plan, const LeafScanOptions& options, int64_t rows,
                   size_t cells) {
  Partial p;
  p.counts.assign(cells, 0);
  if (options.keys) p.keys.assign(cells, 0);
  for (const MeasurePlan& m : plan.measures) {
    MeasurePartial& mp = p.measures.emplace_back();
    mp.column = m.column;
    if (m.column == nullptr) continue;
    mp.wide = !SumsFitInt64(*m.column, rows);
    if (mp.wide) {
      mp.wide_sum.assign(cells, 0);
    } else {
      mp.sum.assign(cells, 0);
    }
    if (options.largest) {
      mp.largest.assign(cells, kNoValue);
      mp.second.assign(cells, kNoValue);
    }
  }
  return p;
}

template <typename Sum>
void AddSums(const uint32_t* cell, const char* values, int64_t n, Sum* sum) {
  for (int64_t i = 0; i < n; ++i) {
    int64_t v;
    std::memcpy(&v, values + i * 8, 8);
    sum[cell[i]] += v;
  }
}

// Branch-free top two: largest' = max(largest, v), second' = max(second,
// min(largest, v)), the same as comparing v with each in turn.
void AddLargest(const uint32_t* cell, const char* values, int64_t n, int64_t* largest,
                int64_t* second) {
  for (int64_t i = 0; i < n; ++i) {
    int64_t v;
    std::memcpy(&v, values + i * 8, 8);
    const uint32_t c = cell[i];
    const int64_t a = largest[c];
    second[c] = std::max(second[c], std::min(a, v));
    largest[c] = std::max(a, v);
  }
}

// The fused pass of the common case: up to four dimensions of one-byte
// codes. Per row it adds the offsets in registers, clamps excluded rows to
// the dump cell (kClamp), and adds the row into its cell (kAcc; `counts`
// holds the packed words for Acc::kPacked); the cells go to `cell` for the
// passes of further facts (kStore).
template <int kDims, bool kClamp, Acc kAcc, bool kStore>
void FusedBlock(const uint8_t* const* codes, const uint32_t* const* offset_of, uint32_t dump,
                int64_t n, const char* values, uint64_t row_add, uint32_t* cell, int64_t* counts,
                int64_t* sums) {
  // Locals, so that the stores into the accumulators cannot alias them.
  const uint8_t* __restrict c0 = codes[0];
  const uint8_t* __restrict c1 = kDims > 1 ? codes[1] : nullptr;
  const uint8_t* __restrict c2 = kDims > 2 ? codes[2] : nullptr;
  const uint8_t* __restrict c3 = kDims > 3 ? codes[3] : nullptr;
  const uint32_t* __restrict o0 = offset_of[0];
  const uint32_t* __restrict o1 = kDims > 1 ? offset_of[1] : nullptr;
  const uint32_t* __restrict o2 = kDims > 2 ? offset_of[2] : nullptr;
  const uint32_t* __restrict o3 = kDims > 3 ? offset_of[3] : nullptr;
  uint32_t* __restrict out = cell;
  int64_t* __restrict count = counts;
  int64_t* __restrict sum = sums;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t c = o0[c0[i]];
    if constexpr (kDims > 1) c += o1[c1[i]];
    if constexpr (kDims > 2) c += o2[c2[i]];
    if constexpr (kDims > 3) c += o3[c3[i]];
    if constexpr (kClamp) c = std::min(c, dump);
    if constexpr (kStore) out[i] = c;
    AddRow<kAcc>(c, values, i, row_add, count, sum);
  }
}

using FusedFn = void (*)(const uint8_t* const*, const uint32_t* const*, uint32_t, int64_t,
                         const char*, uint64_t, uint32_t*, int64_t*, int64_t*);

// The product of the scanned dimensions' codes as the scan's cell space:
// a row adds into c0 * stride[0] + c1 * stride[1] + ... + c_last, computed
// from its codes alone (no lookup, no clamp); after the scan each product
// cell is added into its leaf (`cell`, excluded ones into the dump cell).
// Product cells are 16-bit in the scan.
constexpr int64_t kMaxProductTable = int64_t{1} << 16;

struct ProductTable {
  std::vector<uint32_t> cell;
  uint32_t stride[4] = {};
};

// Builds the product table for `plan`; false if it would have more than
// `max_cells` entries.
bool BuildProductTable(const QueryPlan& plan, int64_t max_cells, ProductTable& t) {
  max_cells = std::min(max_cells, kMaxProductTable);
  int64_t size = 1;
  for (size_t d = plan.scan.size(); d-- > 0;) {
    t.stride[d] = static_cast<uint32_t>(size);
    size *= static_cast<int64_t>(plan.scan[d].offset_of.size());
    if (size > max_cells) return false;
  }
  const uint32_t dump = static_cast<uint32_t>(plan.leaf_cells);
  t.cell.assign(static_cast<size_t>(size), 0);
  for (int64_t index = 0; index < size; ++index) {
    uint32_t c = 0;
    for (size_t d = 0; d < plan.scan.size(); ++d) {
      const auto& offsets = plan.scan[d].offset_of;
      c += offsets[static_cast<size_t>(index / t.stride[d]) % offsets.size()];
    }
    t.cell[static_cast<size_t>(index)] = std::min(c, dump);
  }
  return true;
}

// The product cells of a block's rows. A full block has a constant trip
// count, so that the compiler vectorizes the loop (16-bit lanes: products
// stay below kMaxProductTable); a short last block runs the same loop.
template <int kDims, int64_t kRows>
void ProductIndices(const uint8_t* const* codes, const uint32_t* stride, int64_t n,
                    uint16_t* __restrict index) {
  const uint8_t* __restrict c0 = codes[0];
  const uint8_t* __restrict c1 = kDims > 1 ? codes[1] : nullptr;
  const uint8_t* __restrict c2 = kDims > 2 ? codes[2] : nullptr;
  const uint8_t* __restrict c3 = kDims > 3 ? codes[3] : nullptr;
  const uint16_t s0 = static_cast<uint16_t>(stride[0]);
  const uint16_t s1 = static_cast<uint16_t>(stride[1]);
  const uint16_t s2 = static_cast<uint16_t>(stride[2]);
  const int64_t rows = kRows > 0 ? kRows : n;
  for (int64_t i = 0; i < rows; ++i) {
    // The last dimension's stride is 1.
    uint16_t c = c0[i];
    if constexpr (kDims > 1) c = static_cast<uint16_t>(c * s0 + c1[i]);
    if constexpr (kDims > 2) c = static_cast<uint16_t>(c0[i] * s0 + c1[i] * s1 + c2[i]);
    if constexpr (kDims > 3) {
      c = static_cast<uint16_t>(c0[i] * s0 + c1[i] * s1 + c2[i] * s2 + c3[i]);
    }
    index[i] = c;
  }
}

template <int kDims, Acc kAcc, bool kStore>
void ProductBlock(const uint8_t* const* codes, const uint32_t* stride, int64_t n,
                  const char* values, uint64_t row_add, uint32_t* cell, int64_t* counts,
                  int64_t* sums) {
  uint16_t index[kScanBlockRows];
  if (n == kScanBlockRows) {
    ProductIndices<kDims, kScanBlockRows>(codes, stride, n, index);
  } else {
    ProductIndices<kDims, 0>(codes, stride, n, index);
  }
  uint32_t* __restrict out = cell;
  int64_t* __restrict count = counts;
  int64_t* __restrict sum = sums;
  for (int64_t i = 0; i < n; ++i) {
    const size_t c = index[i];
    if constexpr (kStore) out[i] = static_cast<uint32_t>(c);
    AddRow<kAcc>(c, values, i, row_add, count, sum);
  }
}

using ProductFn = void (*)(const uint8_t* const*, const uint32_t*, int64_t, const char*, uint64_t,
                           uint32_t*, int64_t*, int64_t*);

template <int kDims, Acc kAcc>
ProductFn ProductFor(bool store) {
  return store ? ProductBlock<kDims, kAcc, true> : ProductBlock<kDims, kAcc, false>;
}

template <int kDims>
ProductFn ProductFor(Acc acc, bool store) {
  switch (acc) {
    case Acc::kCount: return ProductFor<kDims, Acc::kCount>(store);
    case Acc::kCountSum: return ProductFor<kDims, Acc::kCountSum>(store);
    default: return ProductFor<kDims, Acc::kPacked>(store);
  }
}

ProductFn ProductPassFor(size_t dims, Acc acc, bool store) {
  switch (dims) {
    case 1: return ProductFor<1>(acc, store);
    case 2: return ProductFor<2>(acc, store);
    case 3: return ProductFor<3>(acc, store);
    default: return ProductFor<4>(acc, store);
  }
}

template <int kDims, bool kClamp, Acc kAcc>
FusedFn FusedFor(bool store) {
  return store ? FusedBlock<kDims, kClamp, kAcc, true> : FusedBlock<kDims, kClamp, kAcc, false>;
}

template <int kDims, bool kClamp>
FusedFn FusedFor(Acc acc, bool store) {
  switch (acc) {
    case Acc::kCount: return FusedFor<kDims, kClamp, Acc::kCount>(store);
    case Acc::kCountSum: return FusedFor<kDims, kClamp, Acc::kCountSum>(store);
    default: return FusedFor<kDims, kClamp, Acc::kPacked>(store);
  }
}

template <int kDims>
FusedFn FusedFor(bool clamp, Acc acc, bool store) {
  return clamp ? FusedFor<kDims, true>(acc, store) : FusedFor<kDims, false>(acc, store);
}

// True if the fused passes apply: one to four scanned dimensions, all of
// one-byte codes.
bool FusedApplies(const QueryPlan& plan) {
  if (plan.scan.empty() || plan.scan.size() > 4) return false;
  for (const ScanDimension& s : plan.scan) {
    if (s.dimension->width != 1) return false;
  }
  return true;
}

// The fused pass for `plan`, or null if it does not apply. `store`: later
// passes need the cells.
FusedFn FusedPassFor(const QueryPlan& plan, Acc acc, bool store) {
  if (!FusedApplies(plan)) return nullptr;
  bool clamp = false;
  for (const ScanDimension& s : plan.scan) {
    for (const uint32_t o : s.offset_of) clamp |= o >= static_cast<uint32_t>(plan.leaf_cells);
  }
  switch (plan.scan.size()) {
    case 1: return FusedFor<1>(clamp, acc, store);
    case 2: return FusedFor<2>(clamp, acc, store);
    case 3: return FusedFor<3>(clamp, acc, store);
    default: return FusedFor<4>(clamp, acc, store);
  }
}

// Scans rows [begin, end) into `p`, over the product space if `product`;
// `pack`: the fused passes may pack the count and the first sum.
void ScanRange(const LoadedVersion& version, const QueryPlan& plan, const ProductTable* product,
               bool pack, int64_t begin, int64_t end, Partial& p) {
  const uint32_t dump = static_cast<uint32_t>(plan.leaf_cells);
  const char* record_keys = version.record_keys();
  // The fused pass also adds the first measure if it has int64 sums.
  MeasurePartial* first = nullptr;
  for (MeasurePartial& m : p.measures) {
    if (m.column != nullptr) {
      if (!m.wide) first = &m;
      break;
    }
  }
  // Later passes: keys, the top two, measures beyond the first.
  bool later = !p.keys.empty();
  for (const MeasurePartial& m : p.measures) {
    later |= m.column != nullptr && (&m != first || !m.largest.empty());
  }
  // The count and the first sum share a word per cell where they fit.
  Packing packing;
  const bool packed =
      first != nullptr && pack && PackingFor(*first->column, version.row_count(), packing);
  const Acc acc = packed ? Acc::kPacked : first != nullptr ? Acc::kCountSum : Acc::kCount;
  const FusedFn fused = FusedPassFor(plan, acc, later);
  const ProductFn by_product =
      product != nullptr ? ProductPassFor(plan.scan.size(), acc, later) : nullptr;
  std::vector<uint64_t> words(fused != nullptr && packed ? p.counts.size() : 0, 0);
  int64_t* counts = words.empty() ? p.counts.data() : reinterpret_cast<int64_t*>(words.data());
  const uint8_t* codes[4] = {};
  const uint32_t* offsets[4] = {};
  for (size_t d = 0; fused != nullptr && d < plan.scan.size(); ++d) {
    codes[d] = reinterpret_cast<const uint8_t*>(plan.scan[d].dimension->codes);
    offsets[d] = plan.scan[d].offset_of.data();
  }
  uint32_t cell[kScanBlockRows];
  for (int64_t start = begin; start < end; start += kScanBlockRows) {
    const int64_t n = std::min(kScanBlockRows, end - start);
    if (fused != nullptr) {
      const uint8_t* block[4];
      for (int d = 0; d < 4; ++d) block[d] = codes[d] == nullptr ? nullptr : codes[d] + start;
      const char* values = first == nullptr ? nullptr : first->column->values + start * 8;
      int64_t* sums = first == nullptr ? nullptr : first->sum.data();
      if (by_product != nullptr) {
        by_product(block, product->stride, n, values, packing.row_add, cell, counts, sums);
      } else {
        fused(block, offsets, dump, n, values, packing.row_add, cell, counts, sums);
      }
    } else {
      if (plan.scan.empty()) std::fill(cell, cell + n, 0u);
      for (size_t d = 0; d < plan.scan.size(); ++d) {
        ApplyCodeOffsets(*plan.scan[d].dimension, start, n, plan.scan[d].offset_of.data(), cell,
                         d == 0);
      }
      // An excluded code maps to `dump`, so a row with one lands at or past
      // it; clamping sends it to the dump cell without a branch.
      for (int64_t i = 0; i < n; ++i) {
        const uint32_t c = std::min(cell[i], dump);
        cell[i] = c;
        ++counts[c];
      }
    }
    if (!p.keys.empty()) {
      uint32_t* keys = p.keys.data();
      const char* k = record_keys + start * 4;
      for (int64_t i = 0; i < n; ++i) {
        uint32_t key;
        std::memcpy(&key, k + i * 4, 4);
        keys[cell[i]] += key;  // wraps: the sum mod 1
      }
    }
    for (MeasurePartial& m : p.measures) {
      if (m.column == nullptr) continue;
      const char* values = m.column->values + start * 8;
      if (m.wide) {
        AddSums(cell, values, n, m.wide_sum.data());
      } else if (&m != first || fused == nullptr) {
        AddSums(cell, values, n, m.sum.data());
      }
      if (!m.largest.empty()) AddLargest(cell, values, n, m.largest.data(), m.second.data());
    }
  }
  if (!words.empty()) Unpack(words, packing, p.counts.data(), first->sum.data());
}

// Adds cell `from_cell` of `from` into cell `to_cell` of `into`.
void AddCell(const Partial& from, size_t from_cell, Partial& into, size_t to_cell) {
  into.counts[to_cell] += from.counts[from_cell];
  if (!into.keys.empty()) into.keys[to_cell] += from.keys[from_cell];
  for (size_t m = 0; m < into.measures.size(); ++m) {
    MeasurePartial& to = into.measures[m];
    const MeasurePartial& add = from.measures[m];
    if (!to.sum.empty()) to.sum[to_cell] += add.sum[from_cell];
    if (!to.wide_sum.empty()) to.wide_sum[to_cell] += add.wide_sum[from_cell];
    if (to.largest.empty()) continue;
    for (const int64_t v : {add.largest[from_cell], add.second[from_cell]}) {
      to.second[to_cell] = std::max(to.second[to_cell], std::min(to.largest[to_cell], v));
      to.largest[to_cell] = std::max(to.largest[to_cell], v);
    }
  }
}

// Adds `from` into `into` cell by cell (same cell space).
void Merge(const Partial& from, Partial& into) {
  for (size_t c = 0; c < into.counts.size(); ++c) AddCell(from, c, into, c);
}

struct RangeTask {
  const LoadedVersion* version;
  const QueryPlan* plan;
  const ProductTable* product;  // null: the leaf space
  bool pack;
  int64_t begin, end;
  Partial* partial;
};

void* RunRange(void* arg) {
  const RangeTask& t = *static_cast<const RangeTask*>(arg);
  ScanRange(*t.version, *t.plan, t.product, t.pack, t.begin, t.end, *t.partial);
  return nullptr;
}

}  // namespace

int ScanThreadsFor(int64_t rows, int limit, int64_t min_rows) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int most = limit > 0 ? limit : cores;
  const int64_t by_rows = std::max<int64_t>(1, rows / std::max<int64_t>(1, min_rows));
  return static_cast<int>(std::min<int64_t>(most, by_rows));
}

absl::StatusOr<LeafCells> ScanLeaves(const LoadedVersion& version, const QueryPlan& plan,
                                     const LeafScanOptions& options) {
  const int64_t rows = version.row_count();
  const int threads = std::max(1, options.threads);
  // Ranges of whole blocks, one per thread.
  const int64_t blocks = (rows + kScanBlockRows - 1) / kScanBlockRows;
  const int64_t blocks_per = (blocks + threads - 1) / threads;
  const size_t leaf_space = static_cast<size_t>(plan.leaf_cells) + 1;
  ProductTable product_table;
  const bool by_product = FusedApplies(plan) &&
                          BuildProductTable(plan, options.max_product_cells, product_table);
  const ProductTable* product = by_product ? &product_table : nullptr;
  const size_t space = by_product ? product_table.cell.size() : leaf_space;
  std::vector<Partial> partials;
  std::vector<RangeTask> tasks;
  for (int t = 0; t < threads; ++t) {
    const int64_t begin = std::min(rows, t * blocks_per * kScanBlockRows);
    const int64_t end = std::min(rows, (t + 1) * blocks_per * kScanBlockRows);
    partials.push_back(NewPartial(plan, options, rows, space));
    tasks.push_back(RangeTask{&version, &plan, product, options.pack_counts_and_sums, begin, end, nullptr});
  }
  for (int t = 0; t < threads; ++t) tasks[t].partial = &partials[t];
  // Threads 1.. run beside the calling thread, which scans range 0. A
  // thread that cannot be started leaves its range to the caller.
  std::vector<pthread_t> started(threads);
  std::vector<bool> running(threads, false);
  for (int t = 1; t < threads; ++t) {
    running[t] = pthread_create(&started[t], nullptr, RunRange, &tasks[t]) == 0;
  }
  for (int t = 0; t < threads; ++t) {
    if (!running[t]) RunRange(&tasks[t]);
  }
  for (int t = 1; t < threads; ++t) {
    if (running[t]) pthread_join(started[t], nullptr);
  }
  for (int t = 1; t < threads; ++t) Merge(partials[t], partials[0]);
  if (by_product) {
    // Each product cell into its leaf (or the dump cell).
    Partial leaves = NewPartial(plan, options, rows, leaf_space);
    for (size_t c = 0; c < space; ++c) AddCell(partials[0], c, leaves, product_table.cell[c]);
    partials[0] = std::move(leaves);
  }

  Partial& all = partials[0];
  const size_t leaves = static_cast<size_t>(plan.leaf_cells);
  LeafCells out;
  out.counts.assign(all.counts.begin(), all.counts.begin() + leaves);
  if (!all.keys.empty()) out.keys.assign(all.keys.begin(), all.keys.begin() + leaves);
  for (MeasurePartial& m : all.measures) {
    ValueAccumulators& acc = out.values.emplace_back();
    if (m.column == nullptr) continue;
    if (m.wide) {
      acc.sum.resize(leaves);
      for (size_t c = 0; c < leaves; ++c) {
        if (m.wide_sum[c] > INT64_MAX || m.wide_sum[c] < INT64_MIN) {
          return absl::OutOfRangeError("a sum exceeds the range of 64-bit integers");
        }
        acc.sum[c] = static_cast<int64_t>(m.wide_sum[c]);
      }
    } else {
      m.sum.resize(leaves);
      acc.sum = std::move(m.sum);
    }
    if (!m.largest.empty()) {
      m.largest.resize(leaves);
      m.second.resize(leaves);
      acc.largest = std::move(m.largest);
      acc.second = std::move(m.second);
    }
  }
  return out;
}

}  // namespace cellgate::engine
