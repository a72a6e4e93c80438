// Deterministic synthetic count tables of the kind the offline tools were
// measured on (SDC-ORACLES.md, "How lean and how fast the best offline tool
// is"): pupils by school, nested Total > 40 districts > 120 schools, by 5
// nationality groups and optionally by sex (3 values), with every margin and
// subtotal. Pupils are drawn one by one from a fixed-seed SplitMix64 stream
// (no standard-library distribution), so the table is the same on every
// machine. For benchmarks and tests only. Pure; thread-safe.
#ifndef CELLGATE_POLICIES_TESTING_SCHOOL_TABLES_H_
#define CELLGATE_POLICIES_TESTING_SCHOOL_TABLES_H_

#include <cstdint>

#include "cellgate/v1/table.pb.h"

namespace cellgate::policies::testing {

struct SchoolTableOptions {
  // Adds a third axis, sex (3 values and a total): 3,864 instead of 966 cells.
  bool with_sex = false;
  uint64_t seed = 2026;
};

// Returns the table with one COUNT measure. Axis "school": the total, then
// each district followed by its 3 schools (161 entries); axis "nationality":
// 5 groups and the total; axis "sex" (if asked): 3 values and the total.
// With the default seed and k = 4: 191 of the 966 cells are below k and 46
// are empty; with sex, 1,120 of the 3,864 cells are below k.
v1::ComputedTable SchoolTable(const SchoolTableOptions& options = {});

}  // namespace cellgate::policies::testing

#endif  // CELLGATE_POLICIES_TESTING_SCHOOL_TABLES_H_
