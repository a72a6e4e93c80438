#include "server/pipeline/table_difference.h"

#include <algorithm>

#include "common/canonical.h"

namespace cellgate::pipeline {
namespace {

constexpr int kMaxListedDifferences = 100;

bool SameLayout(const v1::ReleasedTable& a, const v1::ReleasedTable& b) {
  if (a.axes_size() != b.axes_size() || a.measures_size() != b.measures_size() ||
      a.cells_size() != b.cells_size()) {
    return false;
  }
  for (int i = 0; i < a.axes_size(); ++i) {
    if (CanonicalBytes(a.axes(i)) != CanonicalBytes(b.axes(i))) return false;
  }
  for (int i = 0; i < a.measures_size(); ++i) {
    if (CanonicalBytes(a.measures(i).measure()) != CanonicalBytes(b.measures(i).measure())) {
      return false;
    }
  }
  for (int c = 0; c < a.cells_size(); ++c) {
    if (!std::equal(a.cells(c).codes().begin(), a.cells(c).codes().end(),
                    b.cells(c).codes().begin(), b.cells(c).codes().end()) ||
        a.cells(c).values_size() != b.cells(c).values_size()) {
      return false;
    }
  }
  return true;
}

// Statuses whose cell shows a figure.
bool CarriesFigure(v1::CellStatus s) {
  return s == v1::PUBLISHED || s == v1::PERTURBED || s == v1::ROUNDED || s == v1::UNRELIABLE;
}

}  // namespace

void CompareReleasedTables(const v1::ReleasedTable& recorded, const v1::ReleasedTable& replayed,
                           v1::ReplayReleaseResponse& out) {
  if (!SameLayout(recorded, replayed)) {
    out.set_layout_differs(true);
    return;
  }
  for (int c = 0; c < recorded.cells_size(); ++c) {
    const v1::ReleasedCell& was = recorded.cells(c);
    const v1::ReleasedCell& now = replayed.cells(c);
    for (int m = 0; m < was.values_size(); ++m) {
      const v1::CellStatus before = was.values(m).status();
      const v1::CellStatus after = now.values(m).status();
      if (before != after) {
        out.set_status_difference_count(out.status_difference_count() + 1);
        if (out.status_differences_size() < kMaxListedDifferences) {
          v1::CellStatusDifference* d = out.add_status_differences();
          *d->mutable_codes() = was.codes();
          d->set_measure(m);
          d->set_recorded(before);
          d->set_replayed(after);
        }
      } else if (CarriesFigure(before) && was.values(m).value() != now.values(m).value()) {
        out.set_value_difference_count(out.value_difference_count() + 1);
      }
    }
  }
}

}  // namespace cellgate::pipeline
