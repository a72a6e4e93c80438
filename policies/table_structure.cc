#include "policies/table_structure.h"

#include "absl/strings/str_cat.h"

namespace cellgate::policies {

absl::StatusOr<TableStructure> StructureOf(
    const google::protobuf::RepeatedPtrField<v1::Axis>& axes) {
  const int dims = axes.size();
  TableStructure structure;
  structure.cells = 1;
  std::vector<int64_t> size(dims);
  std::vector<int64_t> stride(dims);
  for (int a = dims - 1; a >= 0; --a) {
    size[a] = axes[a].entries_size();
    stride[a] = structure.cells;
    if (__builtin_mul_overflow(structure.cells, size[a], &structure.cells) ||
        structure.cells > (int64_t{1} << 31)) {
      return absl::InternalError("table too large for its structure");
    }
  }
  structure.axes.resize(dims);
  for (int a = 0; a < dims; ++a) {
    AxisShape& shape = structure.axes[a];
    shape.stride = stride[a];
    // children[p] = entries of axis a that add into entry p.
    std::vector<std::vector<int32_t>>& children = shape.children;
    children.resize(size[a]);
    for (int e = 0; e < size[a]; ++e) {
      const int32_t parent = axes[a].entries(e).parent();
      if (parent < -1 || parent >= size[a] || parent == e) {
        return absl::InternalError(absl::StrCat("axis ", axes[a].dimension(), " entry ", e,
                                                " has parent ", parent));
      }
      if (parent >= 0) children[parent].push_back(e);
      shape.parent.push_back(parent);
    }
    // Every cell whose coordinate on axis a is 0 starts a line along a.
    for (int64_t cell = 0; cell < structure.cells; ++cell) {
      if ((cell / stride[a]) % size[a] != 0) continue;
      for (int32_t p = 0; p < size[a]; ++p) {
        if (children[p].empty()) continue;
        Additivity& eq = structure.equations.emplace_back();
        eq.total = static_cast<int32_t>(cell + p * stride[a]);
        for (int32_t child : children[p]) {
          eq.parts.push_back(static_cast<int32_t>(cell + child * stride[a]));
        }
      }
    }
  }
  return structure;
}

}  // namespace cellgate::policies
