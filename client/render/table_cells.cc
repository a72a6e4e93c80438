#include "client/render/table_cells.h"

#include "absl/strings/ascii.h"

namespace cellgate::client {

std::vector<int> EntriesOfCell(const v1::ReleasedTable& table, int cell_index) {
  const int axes = table.axes_size();
  std::vector<int> entries(axes, -1);
  if (cell_index < 0 || cell_index >= table.cells_size()) return entries;
  const v1::ReleasedCell& cell = table.cells(cell_index);
  int64_t rest = cell_index;
  // Row-major: the last axis varies fastest.
  for (int a = axes - 1; a >= 0; --a) {
    const v1::Axis& axis = table.axes(a);
    const std::string& code = a < cell.codes_size() ? cell.codes(a) : "";
    const int size = axis.entries_size();
    const int expected = size > 0 ? static_cast<int>(rest % size) : -1;
    if (size > 0) rest /= size;
    if (expected >= 0 && axis.entries(expected).code() == code) {
      entries[a] = expected;
      continue;
    }
    for (int e = 0; e < size; ++e) {
      if (axis.entries(e).code() == code) {
        entries[a] = e;
        break;
      }
    }
  }
  return entries;
}

std::string EntryLabel(const v1::AxisEntry& entry) {
  if (!entry.label().empty()) return entry.label();
  if (entry.is_total()) return "Insgesamt";
  return entry.code();
}

int EntryDepth(const v1::Axis& axis, int index) {
  int depth = 0;
  // Bounded by the axis size, so a malformed parent cycle cannot loop.
  for (int step = 0; step < axis.entries_size(); ++step) {
    if (index < 0 || index >= axis.entries_size()) break;
    index = axis.entries(index).parent();
    if (index < 0 || index >= axis.entries_size() || axis.entries(index).is_total()) break;
    ++depth;
  }
  return depth;
}

int DisplayDecimals(const v1::MeasureFacts& measure) {
  switch (measure.measure().kind()) {
    case v1::Measure::SUM:
      return measure.decimals();
    case v1::Measure::MEAN:
    case v1::Measure::SHARE:
      return 1;
    default:
      return 0;
  }
}

bool IsClientDerivedShare(const v1::Measure& measure) {
  return measure.kind() == v1::Measure::SHARE && measure.share_of().codes().empty() &&
         !measure.has_denominator();
}

bool CarriesValue(v1::CellStatus status) {
  return status == v1::PUBLISHED || status == v1::PERTURBED || status == v1::ROUNDED ||
         status == v1::UNRELIABLE;
}

std::string StatusSymbol(v1::CellStatus status) {
  switch (status) {
    case v1::PUBLISHED:
    case v1::PERTURBED:
    case v1::ROUNDED:
      return "";
    case v1::ZERO:
      return "–";
    case v1::SUPPRESSED:
      return ".";
    case v1::NOT_APPLICABLE:
      return "x";
    case v1::UNRELIABLE:
      return "/";
    default:
      return "?";
  }
}

std::string SymbolMeaning(v1::CellStatus status) {
  switch (status) {
    case v1::ZERO:
      return "zero (no records)";
    case v1::SUPPRESSED:
      return "suppressed to protect individuals";
    case v1::NOT_APPLICABLE:
      return "not applicable (the figure is undefined)";
    case v1::UNRELIABLE:
      return "unreliable (too uncertain to show)";
    case v1::PUBLISHED:
    case v1::PERTURBED:
    case v1::ROUNDED:
      return "";
    default:
      return "unknown status";
  }
}

std::string StatusName(v1::CellStatus status) {
  if (!v1::CellStatus_IsValid(status) || status == v1::CELL_STATUS_UNSPECIFIED) {
    return "unspecified";
  }
  return absl::AsciiStrToLower(v1::CellStatus_Name(status));
}

}  // namespace cellgate::client
