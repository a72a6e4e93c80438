// The vocabulary of secondary suppression and its audit: one additive table
// of values per measure (counts, or the sums of one column), the protection
// each primary cell needs, and the interval an attacker can derive for a
// suppressed cell. Plain data.
#ifndef CELLGATE_POLICIES_PROTECTION_H_
#define CELLGATE_POLICIES_PROTECTION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace cellgate::policies {

// A primary cell with value x is protected if an attacker cannot exclude
// x - lower nor x + upper: both must lie in its feasibility interval.
struct Protection {
  int32_t cell = 0;
  double lower = 0;
  double upper = 0;
};

// The values of one measure over all cells of a table (row-major), and what
// its primary cells need.
struct MeasureTable {
  // "count", or "sum:<column>".
  std::string name;
  std::vector<double> values;
  // What the attacker knows of every suppressed cell: value >= floor. 1 for
  // counts (empty cells are published as zero, never suppressed), 0 for
  // sums of a non-negative column, -kInfinity if nothing is known.
  double floor = 0;
  std::vector<Protection> required;
};

// What an attacker can derive for a suppressed cell from everything
// published in the table: lower <= value <= upper (upper may be infinite).
struct Interval {
  int32_t cell = 0;
  double lower = 0;
  double upper = 0;
};

// Returns true if `interval` leaves the protection of a cell with `value`
// open (with a tolerance for LP round-off).
bool LeavesOpen(const Interval& interval, double value, const Protection& protection);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_PROTECTION_H_
