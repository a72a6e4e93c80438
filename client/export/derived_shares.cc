#include "client/export/derived_shares.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/export/table_grid.h"
#include "client/render/table_cells.h"

namespace cellgate::client {
namespace {

// Higher is less certain; a share is as uncertain as its less certain count.
int Uncertainty(v1::CellStatus status) {
  switch (status) {
    case v1::UNRELIABLE: return 3;
    case v1::PERTURBED: return 2;
    case v1::ROUNDED: return 1;
    default: return 0;
  }
}

double Figure(const v1::CellValue& v) { return v.status() == v1::ZERO ? 0.0 : v.value(); }

bool HasFigure(const v1::CellValue& v) {
  return v.status() == v1::ZERO || CarriesValue(v.status());
}

absl::Status Missing(const v1::PulledTable& pulled, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("table \"", pulled.table().id(), "\": the answer has ", what));
}

int AxisOf(const v1::ReleasedTable& t, absl::string_view dimension) {
  for (int a = 0; a < t.axes_size(); ++a) {
    if (t.axes(a).dimension() == dimension) return a;
  }
  return -1;
}

// The columns the server answers for `share`: a share_of share's SHARE; a
// share across datasets' SHARE, after its denominator's COUNT if labelled.
int ServerColumns(const v1::ShareMeasure& share) {
  if (share.has_share_of()) return 1;
  if (share.denominator_dataset().empty()) return 0;
  return share.denominator_label().empty() ? 1 : 2;
}

int FirstCount(const v1::ReleasedTable& t, int measures) {
  for (int m = 0; m < measures && m < t.measures_size(); ++m) {
    if (t.measures(m).measure().kind() == v1::Measure::COUNT) return m;
  }
  return -1;
}

// Appends the derived share of `share.of_dimension()` to every cell of
// `out`, from column `count` of `in`.
absl::Status AppendDerived(const v1::PulledTable& pulled, const v1::ShareMeasure& share,
                           int count, v1::ReleasedTable& out) {
  const v1::ReleasedTable& in = pulled.response().table();
  const int axis = AxisOf(in, share.of_dimension());
  if (axis < 0) return Missing(pulled, absl::StrCat("no axis \"", share.of_dimension(), "\""));
  const TableGrid grid(in);
  const int total = grid.TotalEntry(axis);
  if (total < 0) {
    return Missing(pulled, absl::StrCat("no total of \"", share.of_dimension(), "\""));
  }
  if (count < 0) return Missing(pulled, "no COUNT measure");
  v1::MeasureFacts& facts = *out.add_measures();
  facts.mutable_measure()->set_kind(v1::Measure::SHARE);
  facts.mutable_measure()->mutable_share_of()->set_dimension(share.of_dimension());
  // The level as the manifest groups by it (empty: the finest), so that the
  // id reads as the manifest does, e.g. "share:to_schulart".
  for (const v1::Grouping& g : pulled.table().group_by()) {
    if (g.dimension() == share.of_dimension()) {
      facts.mutable_measure()->mutable_share_of()->set_level(g.level());
    }
  }
  const v1::Axis& a = in.axes(axis);
  facts.set_label(!share.label().empty()
                      ? share.label()
                      : absl::StrCat("Anteil an ", a.label().empty() ? a.dimension() : a.label(),
                                     " insgesamt in %"));
  facts.set_decimals(1);
  for (int i = 0; i < in.cells_size(); ++i) {
    std::vector<int> entries = EntriesOfCell(in, i);
    entries[axis] = total;
    const v1::ReleasedCell* whole = grid.Cell(entries);
    v1::CellValue* value = out.mutable_cells(i)->add_values();
    if (whole == nullptr || count >= whole->values_size() ||
        count >= in.cells(i).values_size()) {
      value->set_status(v1::NOT_APPLICABLE);
      continue;
    }
    *value = DerivedShare(in.cells(i).values(count), whole->values(count));
  }
  return absl::OkStatus();
}

}  // namespace

v1::CellValue DerivedShare(const v1::CellValue& count, const v1::CellValue& total) {
  v1::CellValue share;
  if (count.status() == v1::SUPPRESSED || total.status() == v1::SUPPRESSED) {
    share.set_status(v1::SUPPRESSED);
    return share;
  }
  if (!HasFigure(total) || Figure(total) == 0.0 || !HasFigure(count)) {
    share.set_status(v1::NOT_APPLICABLE);
    return share;
  }
  const v1::CellStatus status =
      Uncertainty(count.status()) >= Uncertainty(total.status()) ? count.status() : total.status();
  share.set_status(Uncertainty(status) == 0 ? v1::PUBLISHED : status);
  share.set_value(100.0 * Figure(count) / Figure(total));
  return share;
}

absl::StatusOr<v1::PulledTable> ExportView(const v1::PulledTable& pulled) {
  if (pulled.table().shares().empty()) return pulled;
  const v1::ReleasedTable& in = pulled.response().table();
  const int measures = pulled.table().measures_size();
  int server_shares = 0;
  for (const v1::ShareMeasure& share : pulled.table().shares()) {
    server_shares += ServerColumns(share);
  }
  if (in.measures_size() != measures + server_shares) {
    return Missing(pulled, absl::StrCat(in.measures_size(), " measures, the manifest asks for ",
                                        measures + server_shares));
  }
  v1::PulledTable view = pulled;
  v1::ReleasedTable& out = *view.mutable_response()->mutable_table();
  // Rebuilt below in manifest order: measures, then shares.
  out.clear_measures();
  for (v1::ReleasedCell& cell : *out.mutable_cells()) cell.clear_values();
  auto copy_column = [&](int from, const std::string& label) {
    v1::MeasureFacts& facts = *out.add_measures();
    facts = in.measures(from);
    if (!label.empty()) facts.set_label(label);
    for (int i = 0; i < in.cells_size(); ++i) {
      v1::CellValue* value = out.mutable_cells(i)->add_values();
      if (from < in.cells(i).values_size()) {
        *value = in.cells(i).values(from);
      } else {
        value->set_status(v1::CELL_STATUS_UNSPECIFIED);
      }
    }
  };
  for (int m = 0; m < measures; ++m) copy_column(m, "");
  int next_server = measures;
  for (const v1::ShareMeasure& share : pulled.table().shares()) {
    if (!share.denominator_dataset().empty() && !share.denominator_label().empty()) {
      copy_column(next_server++, share.denominator_label());  // the denominator's count
    }
    if (ServerColumns(share) > 0) {
      copy_column(next_server++, share.label());
    } else {
      absl::Status derived = AppendDerived(pulled, share, FirstCount(in, measures), out);
      if (!derived.ok()) return derived;
    }
  }
  return view;
}

}  // namespace cellgate::client
