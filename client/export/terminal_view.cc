#include "client/export/terminal_view.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/export/pivot_layout.h"
#include "client/export/provenance.h"
#include "client/export/symbols.h"
#include "client/render/number_format.h"
#include "client/render/table_cells.h"
#include "client/render/text_table.h"

namespace cellgate::client {
namespace {

// Digits of the version hash shown, as in `cellgate query`.
constexpr size_t kShortHash = 12;

// Returns `key` padded to `indent` columns, then `text` wrapped to `width`
// with its following lines indented as far.
std::string Hanging(const std::string& key, size_t indent, absl::string_view text, size_t width) {
  const size_t room = width > indent + 10 ? width - indent : 10;
  std::string out;
  for (absl::string_view line : absl::StrSplit(WrapWords(text, room), '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, out.empty() ? key : "",
                    std::string(indent - (out.empty() ? DisplayWidth(key) : 0), ' '), line, "\n");
  }
  return out;
}

// The figures, or symbols, and the statuses that appear (for the legend).
TextTable Table(const PivotLayout& layout, const v1::ReleasedTable& t, v1::SymbolSet symbols,
                std::set<v1::CellStatus>& statuses) {
  TextTable text;
  for (int a = 0; a < layout.down_axes(); ++a) text.AddColumn(layout.AxisHeading(a));
  for (const PivotColumn& column : layout.columns()) {
    if (layout.across_axis() < 0) {
      text.AddColumn(layout.MeasureHeading(column.measure), TextTable::Align::kRight);
    } else {
      text.AddColumn(layout.EntryHeading(column), TextTable::Align::kRight,
                     layout.MeasureHeading(column.measure));
    }
  }
  for (size_t r = 0; r < layout.rows().size(); ++r) {
    std::vector<std::string> row;
    for (int a = 0; a < layout.down_axes(); ++a) {
      const int entry = layout.rows()[r][a];
      row.push_back(absl::StrCat(std::string(2 * EntryDepth(t.axes(a), entry), ' '),
                                 EntryLabel(t.axes(a).entries(entry))));
    }
    for (const PivotColumn& column : layout.columns()) {
      const v1::ReleasedCell* cell = layout.Cell(r, column);
      const bool has = cell != nullptr && column.measure < cell->values_size();
      const v1::CellStatus status =
          has ? cell->values(column.measure).status() : v1::CELL_STATUS_UNSPECIFIED;
      const std::string symbol = CellSymbol(status, symbols);
      statuses.insert(status);
      row.push_back(!symbol.empty() ? symbol
                                    : FormatGermanNumber(cell->values(column.measure).value(),
                                                         DisplayDecimals(t.measures(column.measure))));
    }
    text.AddRow(std::move(row));
  }
  return text;
}

std::string Notes(const v1::PulledTable& pulled, size_t width) {
  std::string out;
  for (const std::string& note : pulled.table().footnotes()) {
    absl::StrAppend(&out, WrapWords(note, width, 2));
  }
  const v1::ReleasedTable& t = pulled.response().table();
  for (const v1::MeasureFacts& m : t.measures()) {
    if (!IsClientDerivedShare(m.measure())) continue;
    absl::StrAppend(&out, WrapWords(absl::StrCat(m.label(),
                                                 ": beim Abruf aus den veröffentlichten, bereits "
                                                 "geschützten Anzahlen berechnet"),
                                    width, 2));
  }
  return out;
}

std::string Sources(const v1::PulledTable& pulled, const ExportOptions& options, size_t width) {
  std::map<std::string, std::string> p;
  for (ProvenanceField& f : Provenance(pulled)) p[f.key] = std::move(f.value);
  std::vector<std::pair<std::string, std::string>> lines;
  if (!options.publisher.empty()) lines.emplace_back("Quelle", options.publisher);
  lines.emplace_back("Release-ID", p["release_id"]);
  lines.emplace_back("Freigabeprotokoll", absl::StrCat("Eintrag ", p["audit_seq"]));
  lines.emplace_back("Datensatz", absl::StrCat(p["dataset"], ", Version ", p["dataset_version"],
                                               " (", p["dataset_version_hash"].substr(0, kShortHash),
                                               ")"));
  lines.emplace_back("Regelwerk", absl::StrCat(p["policy_id"], ", Version ", p["policy_version"]));
  size_t key_width = 0;
  for (const auto& [key, value] : lines) key_width = std::max(key_width, DisplayWidth(key));
  std::string out;
  for (const auto& [key, value] : lines) {
    absl::StrAppend(&out, Hanging(key, key_width + 2, value, width));
  }
  return out;
}

std::string Legend(const std::set<v1::CellStatus>& statuses, v1::SymbolSet symbols,
                   size_t width) {
  std::string out;
  for (const LegendEntry& e : SymbolLegend(symbols)) {
    if (statuses.count(e.status) == 0) continue;
    if (out.empty()) out = "Zeichenerklärung\n";
    absl::StrAppend(&out, Hanging(absl::StrCat("  ", e.symbol), 5, e.meaning, width));
  }
  return out;
}

}  // namespace

std::string RenderTerminalView(const v1::PulledTable& pulled, const ExportOptions& options,
                               size_t width) {
  const v1::ReleasedTable& t = pulled.response().table();
  const PivotLayout layout(t);
  std::set<v1::CellStatus> statuses;
  const TextTable table = Table(layout, t, options.symbols, statuses);
  std::string out = WrapWords(pulled.table().title(), width);
  absl::StrAppend(&out, "\n", table.Render(width, layout.down_axes()), "\n");
  const std::string notes = Notes(pulled, width);
  if (!notes.empty()) absl::StrAppend(&out, notes, "\n");
  absl::StrAppend(&out, Sources(pulled, options, width));
  const std::string legend = Legend(statuses, options.symbols, width);
  if (!legend.empty()) absl::StrAppend(&out, "\n", legend);
  return out;
}

}  // namespace cellgate::client
