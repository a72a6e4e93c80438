// The additivity of a computed table: every entry that has children along
// an axis (a total, or a hierarchy subtotal) equals the sum of its children,
// for every combination of the other axes' entries. These equations are
// what an attacker knows about the table's structure. Pure; thread-safe.
#ifndef CELLGATE_POLICIES_TABLE_STRUCTURE_H_
#define CELLGATE_POLICIES_TABLE_STRUCTURE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "cellgate/v1/table.pb.h"

namespace cellgate::policies {

// cell[total] = Σ cell[parts], cells by row-major index.
struct Additivity {
  int32_t total = 0;
  std::vector<int32_t> parts;
};

// One axis of the table: its entries' parents (-1 for the top entry) and
// the row-major stride of its coordinate.
struct AxisShape {
  std::vector<int32_t> parent;
  std::vector<std::vector<int32_t>> children;
  int64_t stride = 1;
  int32_t size() const { return static_cast<int32_t>(parent.size()); }
};

struct TableStructure {
  int64_t cells = 0;
  std::vector<AxisShape> axes;
  std::vector<Additivity> equations;

  // Returns the coordinate of `cell` on axis `a`.
  int32_t Coordinate(int64_t cell, int a) const {
    return static_cast<int32_t>((cell / axes[a].stride) % axes[a].size());
  }
};

// Returns the equations of a table with `axes` (row-major, last axis
// fastest). INTERNAL if an entry's parent index is out of range or the
// product of the axis sizes overflows.
absl::StatusOr<TableStructure> StructureOf(
    const google::protobuf::RepeatedPtrField<v1::Axis>& axes);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_TABLE_STRUCTURE_H_
