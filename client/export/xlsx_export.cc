#include "client/export/xlsx_export.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/export/pivot_layout.h"
#include "client/export/provenance.h"
#include "client/export/symbols.h"
#include "client/export/xlsx_sheet_names.h"
#include "client/render/number_format.h"
#include "client/render/table_cells.h"
#include "client/render/text_table.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "xlsxwriter.h"

namespace cellgate::client {
namespace {

// Excel's limit on the characters of a text cell.
constexpr size_t kMaxTextCharacters = 32767;
// A workbook of a whole report is a few megabytes.
constexpr int64_t kMaxWorkbookBytes = int64_t{1} << 30;
// Rows 0..3: title, blank, the measure headings, the entry headings.
constexpr lxw_row_t kGroupRow = 2;
constexpr lxw_row_t kHeaderRow = 3;
constexpr lxw_row_t kFirstDataRow = 4;
// Deeper hierarchy levels share the last indentation.
constexpr int kMaxIndent = 3;
// Column widths in characters: a figure column is at least kMinFigureWidth
// wide and grows with its heading up to kMaxFigureWidth, beyond which the
// heading wraps; no column is wider than kMaxColumnWidth.
constexpr double kMinFigureWidth = 10;
constexpr double kMaxFigureWidth = 18;
constexpr double kMaxColumnWidth = 68;  // a SHA-256 in hex fits
// Excel's default row height, in points.
constexpr double kLineHeight = 15;

// The width of a column whose widest text is `characters` wide, with a
// margin.
double ColumnWidth(double characters) { return std::min(characters + 2, kMaxColumnWidth); }

std::string ChannelLabel(v1::Channel channel) {
  return channel == v1::PUBLIC ? "öffentlich" : "intern";
}

// The formats of one workbook; the workbook owns them.
struct Formats {
  lxw_format* title = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* group = nullptr;   // measure heading over its columns
  lxw_format* header = nullptr;  // axis and entry headings
  lxw_format* symbol = nullptr;  // a withheld value: right-aligned text
  lxw_format* integer = nullptr; // ids and versions: "0"
  lxw_format* labels[kMaxIndent + 1] = {};
  std::map<int, lxw_format*> numbers;  // by decimals
};

// Writes one workbook; every call checks libxlsxwriter's result.
class WorkbookWriter {
 public:
  WorkbookWriter(lxw_workbook* workbook, const ExportOptions& options)
      : workbook_(workbook), options_(options) {
    MakeFormats();
  }

  absl::Status TableSheet(const std::string& name, const v1::PulledTable& pulled);
  absl::Status ReleaseSheet(const std::vector<ReportEntry>& entries,
                            const std::vector<std::string>& names);

 private:
  void MakeFormats();
  lxw_format* NumberFormat(int decimals);
  absl::Status Check(lxw_error error, lxw_row_t row, lxw_col_t col) const;
  absl::Status Text(lxw_row_t row, lxw_col_t col, absl::string_view text, lxw_format* format);
  absl::Status Number(lxw_row_t row, lxw_col_t col, double value, lxw_format* format);
  absl::Status Headers(const PivotLayout& layout, std::vector<double>& widths);
  absl::Status DataRows(const PivotLayout& layout, const v1::ReleasedTable& t,
                        std::vector<double>& widths);
  absl::Status Value(lxw_row_t row, lxw_col_t col, const v1::ReleasedCell* cell,
                     const v1::ReleasedTable& t, const PivotColumn& column);
  absl::Status Notes(lxw_row_t& row, const v1::PulledTable& pulled);
  absl::Status Sources(lxw_row_t& row, const v1::PulledTable& pulled);
  absl::Status ProvenanceValue(lxw_row_t row, lxw_col_t col, const ProvenanceField& f);
  absl::Status Legend(lxw_row_t& row);
  absl::Status Widths(const std::vector<double>& widths);
  absl::Status HeaderHeight(const PivotLayout& layout, const std::vector<double>& widths);

  lxw_workbook* workbook_;  // not owned
  const ExportOptions& options_;
  Formats f_;
  lxw_worksheet* sheet_ = nullptr;  // the sheet being written; not owned
  std::string sheet_name_;
};

void WorkbookWriter::MakeFormats() {
  f_.title = workbook_add_format(workbook_);
  format_set_bold(f_.title);
  format_set_font_size(f_.title, 13);
  f_.bold = workbook_add_format(workbook_);
  format_set_bold(f_.bold);
  f_.group = workbook_add_format(workbook_);
  format_set_bold(f_.group);
  format_set_align(f_.group, LXW_ALIGN_CENTER);
  f_.header = workbook_add_format(workbook_);
  format_set_bold(f_.header);
  format_set_text_wrap(f_.header);
  format_set_align(f_.header, LXW_ALIGN_VERTICAL_BOTTOM);
  format_set_bottom(f_.header, LXW_BORDER_THIN);
  f_.symbol = workbook_add_format(workbook_);
  format_set_align(f_.symbol, LXW_ALIGN_RIGHT);
  f_.integer = workbook_add_format(workbook_);
  format_set_num_format(f_.integer, "0");
  format_set_align(f_.integer, LXW_ALIGN_LEFT);
  for (int i = 0; i <= kMaxIndent; ++i) {
    f_.labels[i] = workbook_add_format(workbook_);
    if (i > 0) format_set_indent(f_.labels[i], static_cast<uint8_t>(i));
  }
}

// "#,##0" with `decimals` zeros after the point: Excel shows it with the
// reader's separators, "1.234,5" in German Excel.
lxw_format* WorkbookWriter::NumberFormat(int decimals) {
  auto it = f_.numbers.find(decimals);
  if (it != f_.numbers.end()) return it->second;
  lxw_format* format = workbook_add_format(workbook_);
  const std::string code =
      decimals > 0 ? absl::StrCat("#,##0.", std::string(decimals, '0')) : "#,##0";
  format_set_num_format(format, code.c_str());
  f_.numbers[decimals] = format;
  return format;
}

absl::Status WorkbookWriter::Check(lxw_error error, lxw_row_t row, lxw_col_t col) const {
  if (error == LXW_NO_ERROR) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("xlsx sheet \"", sheet_name_, "\" row ", row + 1,
                                          " column ", col + 1, ": ", lxw_strerror(error)));
}

absl::Status WorkbookWriter::Text(lxw_row_t row, lxw_col_t col, absl::string_view text,
                                  lxw_format* format) {
  if (text.empty()) return absl::OkStatus();
  size_t characters = 0;
  for (char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (characters > kMaxTextCharacters) {
    return absl::InvalidArgumentError(
        absl::StrCat("xlsx sheet \"", sheet_name_, "\" row ", row + 1, ": a text of ",
                     characters, " characters is longer than Excel allows (",
                     kMaxTextCharacters, ")"));
  }
  // A string cell is never evaluated, so a label starting with "=" stays a
  // label here (unlike in csv-de, which needs SpreadsheetText).
  const std::string copy(text);
  return Check(worksheet_write_string(sheet_, row, col, copy.c_str(), format), row, col);
}

absl::Status WorkbookWriter::Number(lxw_row_t row, lxw_col_t col, double value,
                                    lxw_format* format) {
  return Check(worksheet_write_number(sheet_, row, col, value, format), row, col);
}

absl::Status WorkbookWriter::TableSheet(const std::string& name, const v1::PulledTable& pulled) {
  sheet_name_ = name;
  sheet_ = workbook_add_worksheet(workbook_, name.c_str());
  if (sheet_ == nullptr) {
    return absl::InternalError(absl::StrCat("cannot add xlsx sheet \"", name, "\""));
  }
  const v1::ReleasedTable& t = pulled.response().table();
  const PivotLayout layout(t);
  RETURN_IF_ERROR(Text(0, 0, pulled.table().title(), f_.title));
  std::vector<double> widths(layout.down_axes() + layout.columns().size(), 8);
  RETURN_IF_ERROR(Headers(layout, widths));
  RETURN_IF_ERROR(DataRows(layout, t, widths));
  lxw_row_t row = kFirstDataRow + static_cast<lxw_row_t>(layout.rows().size()) + 1;
  RETURN_IF_ERROR(Notes(row, pulled));
  RETURN_IF_ERROR(Sources(row, pulled));
  RETURN_IF_ERROR(Legend(row));
  RETURN_IF_ERROR(Widths(widths));
  RETURN_IF_ERROR(HeaderHeight(layout, widths));
  worksheet_freeze_panes(sheet_, kFirstDataRow, static_cast<lxw_col_t>(layout.down_axes()));
  RETURN_IF_ERROR(Check(worksheet_repeat_rows(sheet_, kGroupRow, kHeaderRow), kGroupRow, 0));
  worksheet_set_landscape(sheet_);
  worksheet_fit_to_pages(sheet_, 1, 0);
  return absl::OkStatus();
}

// Row 2: each measure's heading over its columns; row 3: the down axes'
// headings over the labels and the across entries over the figures.
absl::Status WorkbookWriter::Headers(const PivotLayout& layout, std::vector<double>& widths) {
  const int down = layout.down_axes();
  for (int a = 0; a < down; ++a) {
    RETURN_IF_ERROR(Text(kHeaderRow, a, layout.AxisHeading(a), f_.header));
    widths[a] = std::max<double>(widths[a], DisplayWidth(layout.AxisHeading(a)));
  }
  const std::vector<PivotColumn>& columns = layout.columns();
  for (size_t begin = 0; begin < columns.size();) {
    size_t end = begin + 1;
    while (end < columns.size() && columns[end].measure == columns[begin].measure) ++end;
    const std::string heading = layout.MeasureHeading(columns[begin].measure);
    const lxw_col_t first = static_cast<lxw_col_t>(down + begin);
    const lxw_col_t last = static_cast<lxw_col_t>(down + end - 1);
    const lxw_row_t row = layout.across_axis() >= 0 ? kGroupRow : kHeaderRow;
    lxw_format* format = row == kGroupRow ? f_.group : f_.header;
    if (last > first) {
      RETURN_IF_ERROR(Check(
          worksheet_merge_range(sheet_, row, first, row, last, heading.c_str(), format), row,
          first));
    } else {
      RETURN_IF_ERROR(Text(row, first, heading, format));
    }
    // The heading spreads over its columns.
    const double each = static_cast<double>(DisplayWidth(heading)) / (end - begin);
    for (size_t c = begin; c < end; ++c) {
      const std::string entry = layout.EntryHeading(columns[c]);
      if (!entry.empty()) RETURN_IF_ERROR(Text(kHeaderRow, down + c, entry, f_.header));
      const double wanted = std::min<double>(DisplayWidth(entry), kMaxFigureWidth);
      widths[down + c] = std::max({widths[down + c], each, kMinFigureWidth, wanted});
    }
    begin = end;
  }
  return absl::OkStatus();
}

absl::Status WorkbookWriter::DataRows(const PivotLayout& layout, const v1::ReleasedTable& t,
                                      std::vector<double>& widths) {
  const int down = layout.down_axes();
  for (size_t r = 0; r < layout.rows().size(); ++r) {
    const lxw_row_t row = kFirstDataRow + static_cast<lxw_row_t>(r);
    for (int a = 0; a < down; ++a) {
      const int entry = layout.rows()[r][a];
      const int depth = std::min(EntryDepth(t.axes(a), entry), kMaxIndent);
      const std::string label = EntryLabel(t.axes(a).entries(entry));
      RETURN_IF_ERROR(Text(row, a, label, f_.labels[depth]));
      widths[a] = std::max<double>(widths[a], DisplayWidth(label) + 2 * depth);
    }
    for (size_t c = 0; c < layout.columns().size(); ++c) {
      const PivotColumn& column = layout.columns()[c];
      RETURN_IF_ERROR(Value(row, down + c, layout.Cell(r, column), t, column));
    }
  }
  return absl::OkStatus();
}

// A figure is a number, rounded to the decimals people are shown (as in
// csv-de and html), so that the file holds no more than the other exports
// show; a withheld value is its symbol as text.
absl::Status WorkbookWriter::Value(lxw_row_t row, lxw_col_t col, const v1::ReleasedCell* cell,
                                   const v1::ReleasedTable& t, const PivotColumn& column) {
  const v1::CellStatus status = cell != nullptr && column.measure < cell->values_size()
                                    ? cell->values(column.measure).status()
                                    : v1::CELL_STATUS_UNSPECIFIED;
  const std::string symbol = CellSymbol(status, options_.symbols);
  if (!symbol.empty()) return Text(row, col, symbol, f_.symbol);
  const int decimals = DisplayDecimals(t.measures(column.measure));
  double shown = 0;
  if (!absl::SimpleAtod(FormatPlainNumber(cell->values(column.measure).value(), decimals),
                        &shown)) {
    return Text(row, col, CellSymbol(v1::CELL_STATUS_UNSPECIFIED, options_.symbols), f_.symbol);
  }
  return Number(row, col, shown, NumberFormat(decimals));
}

// Provenance values that are numbers are written as numbers, so that Excel
// does not flag them as numbers stored as text.
absl::Status WorkbookWriter::ProvenanceValue(lxw_row_t row, lxw_col_t col,
                                             const ProvenanceField& f) {
  const bool numeric =
      f.key == "audit_seq" || f.key == "dataset_version" || f.key == "policy_version";
  double number = 0;
  if (numeric && absl::SimpleAtod(f.value, &number)) return Number(row, col, number, f_.integer);
  return Text(row, col, f.value, nullptr);
}

absl::Status WorkbookWriter::Notes(lxw_row_t& row, const v1::PulledTable& pulled) {
  bool any = false;
  for (const std::string& note : pulled.table().footnotes()) {
    RETURN_IF_ERROR(Text(row++, 0, note, nullptr));
    any = true;
  }
  const v1::ReleasedTable& t = pulled.response().table();
  for (int m = 0; m < t.measures_size(); ++m) {
    if (!IsClientDerivedShare(t.measures(m).measure())) continue;
    const std::string label = t.measures(m).label();
    RETURN_IF_ERROR(Text(row++, 0,
                         absl::StrCat(label, ": beim Abruf aus den veröffentlichten, bereits "
                                             "geschützten Anzahlen berechnet (Anzahl / Anzahl "
                                             "insgesamt × 100)"),
                         nullptr));
    any = true;
  }
  if (any) ++row;
  return absl::OkStatus();
}

absl::Status WorkbookWriter::Sources(lxw_row_t& row, const v1::PulledTable& pulled) {
  if (!options_.publisher.empty()) {
    RETURN_IF_ERROR(Text(row, 0, "Quelle", f_.bold));
    RETURN_IF_ERROR(Text(row++, 1, options_.publisher, nullptr));
  }
  for (const ProvenanceField& f : client::Provenance(pulled)) {
    RETURN_IF_ERROR(Text(row, 0, f.label, f_.bold));
    RETURN_IF_ERROR(ProvenanceValue(row++, 1, f));
  }
  RETURN_IF_ERROR(Text(row, 0, "Freigabekanal", f_.bold));
  RETURN_IF_ERROR(Text(row++, 1, ChannelLabel(options_.channel), nullptr));
  ++row;
  return absl::OkStatus();
}

absl::Status WorkbookWriter::Legend(lxw_row_t& row) {
  RETURN_IF_ERROR(Text(row++, 0, "Zeichenerklärung", f_.bold));
  for (const LegendEntry& e : SymbolLegend(options_.symbols)) {
    RETURN_IF_ERROR(Text(row, 0, e.symbol, nullptr));
    RETURN_IF_ERROR(Text(row++, 1, e.meaning, nullptr));
  }
  return absl::OkStatus();
}

// Excel does not grow a row for wrapped text by itself: the header row gets
// the height of its longest heading, wrapped at its column's width.
absl::Status WorkbookWriter::HeaderHeight(const PivotLayout& layout,
                                          const std::vector<double>& widths) {
  size_t lines = 1;
  for (size_t c = 0; c < widths.size(); ++c) {
    const int down = layout.down_axes();
    const std::string heading = static_cast<int>(c) < down
                                    ? layout.AxisHeading(static_cast<int>(c))
                                    : layout.EntryHeading(layout.columns()[c - down]);
    const std::string wrapped =
        WrapWords(heading, static_cast<size_t>(ColumnWidth(widths[c])) - 1);
    lines = std::max<size_t>(lines, std::count(wrapped.begin(), wrapped.end(), '\n'));
  }
  if (lines == 1) return absl::OkStatus();
  return Check(worksheet_set_row(sheet_, kHeaderRow, kLineHeight * lines, nullptr), kHeaderRow, 0);
}

absl::Status WorkbookWriter::Widths(const std::vector<double>& widths) {
  for (size_t c = 0; c < widths.size(); ++c) {
    const double width = ColumnWidth(widths[c]);
    const lxw_col_t col = static_cast<lxw_col_t>(c);
    RETURN_IF_ERROR(Check(worksheet_set_column(sheet_, col, col, width, nullptr), 0, col));
  }
  return absl::OkStatus();
}

// One row per entry: its sheet (a link), title, provenance and channel, or
// why it has no sheet.
absl::Status WorkbookWriter::ReleaseSheet(const std::vector<ReportEntry>& entries,
                                          const std::vector<std::string>& names) {
  sheet_name_ = std::string(kReleaseSheetName);
  sheet_ = workbook_add_worksheet(workbook_, sheet_name_.c_str());
  if (sheet_ == nullptr) return absl::InternalError("cannot add the xlsx sheet of release ids");
  RETURN_IF_ERROR(Text(0, 0, absl::StrCat("Release-IDs: ", options_.manifest_title), f_.title));
  RETURN_IF_ERROR(Text(1, 0,
                       "Jede Zahl dieser Arbeitsmappe ist über die Release-ID ihrer Tabelle im "
                       "Freigabeprotokoll nachprüfbar (cellgate audit list, audit show).",
                       nullptr));
  // One column per provenance field any entry has, in the order they come
  // (a share over another dataset adds the denominator's fields).
  std::vector<std::string> headings = {"Tabellenblatt", "Titel"};
  absl::flat_hash_map<std::string, lxw_col_t> column_of;
  auto add_columns = [&](const v1::PulledTable& pulled) {
    for (const ProvenanceField& f : client::Provenance(pulled)) {
      if (column_of.emplace(f.key, static_cast<lxw_col_t>(headings.size())).second) {
        headings.push_back(f.label);
      }
    }
  };
  add_columns(v1::PulledTable());
  for (const ReportEntry& e : entries) {
    if (e.pulled != nullptr) add_columns(*e.pulled);
  }
  const lxw_col_t channel_column = static_cast<lxw_col_t>(headings.size());
  headings.insert(headings.end(), {"Freigabekanal", "Hinweis"});
  std::vector<double> widths(headings.size(), 8);
  for (size_t c = 0; c < headings.size(); ++c) {
    RETURN_IF_ERROR(Text(kHeaderRow, c, headings[c], f_.header));
    widths[c] = std::max<double>(widths[c], DisplayWidth(headings[c]));
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const lxw_row_t row = kFirstDataRow + static_cast<lxw_row_t>(i);
    std::vector<std::string> texts(headings.size());
    texts[1] = entries[i].table.title();
    if (entries[i].pulled != nullptr) {
      texts[0] = names[i];
      const std::string url = absl::StrCat("internal:'", names[i], "'!A1");
      RETURN_IF_ERROR(Check(worksheet_write_url_opt(sheet_, row, 0, url.c_str(), nullptr,
                                                    names[i].c_str(), nullptr),
                            row, 0));
      for (const ProvenanceField& f : client::Provenance(*entries[i].pulled)) {
        const lxw_col_t col = column_of.at(f.key);
        texts[col] = f.value;
        RETURN_IF_ERROR(ProvenanceValue(row, col, f));
      }
      texts[channel_column] = ChannelLabel(options_.channel);
    }
    // A table that failed now but was pulled earlier keeps its sheet, with
    // the failure noted.
    texts.back() = entries[i].missing_reason;
    for (size_t c = 1; c < texts.size(); ++c) {
      if (c < 2 || c >= headings.size() - 2) RETURN_IF_ERROR(Text(row, c, texts[c], nullptr));
    }
    for (size_t c = 0; c < texts.size(); ++c) {
      widths[c] = std::max<double>(widths[c], DisplayWidth(texts[c]));
    }
  }
  worksheet_freeze_panes(sheet_, kFirstDataRow, 1);
  return Widths(widths);
}

// The sheet name of each entry ("" for an entry without a pulled table).
absl::StatusOr<std::vector<std::string>> SheetNames(const std::vector<ReportEntry>& entries) {
  std::vector<std::string> names;
  for (const ReportEntry& e : entries) {
    names.push_back(SheetNameOf(e.table.id()));
    if (e.pulled == nullptr) continue;
    const absl::Status valid = CheckSheetName(names.back());
    if (!valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("table \"", e.table.id(), "\": ", valid.message()));
    }
  }
  int earlier = -1;
  if (const int clash = FindSheetNameClash(names, earlier); clash >= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table \"", entries[clash].table.id(), "\": xlsx sheet name \"", names[clash],
        "\" is already taken by ",
        earlier < 0 ? "the sheet of release ids"
                    : absl::StrCat("table \"", entries[earlier].table.id(), "\"")));
  }
  return names;
}

absl::Status WriteSheets(lxw_workbook* workbook, const std::vector<ReportEntry>& entries,
                         const std::vector<std::string>& names, const ExportOptions& options) {
  WorkbookWriter writer(workbook, options);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].pulled != nullptr) {
      RETURN_IF_ERROR(writer.TableSheet(names[i], *entries[i].pulled));
    }
  }
  return writer.ReleaseSheet(entries, names);
}

}  // namespace

absl::StatusOr<std::string> ExportXlsx(const std::vector<ReportEntry>& entries,
                                       const ExportOptions& options, const XlsxOptions& xlsx) {
  ASSIGN_OR_RETURN(const std::vector<std::string> names, SheetNames(entries));
  // libxlsxwriter writes a file by name: a fresh private one in scratch_dir,
  // read back and removed whatever happens.
  std::string path = absl::StrCat(xlsx.scratch_dir, "/.xlsx-XXXXXX");
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create a temporary file in ", xlsx.scratch_dir, ": ", std::strerror(errno)));
  }
  ::close(fd);
  absl::Cleanup remove = [&path] { ::unlink(path.c_str()); };
  std::string tmpdir = xlsx.scratch_dir;
  lxw_workbook_options workbook_options{};
  workbook_options.tmpdir = tmpdir.data();
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &workbook_options);
  if (workbook == nullptr) return absl::InternalError("cannot start the xlsx workbook");
  std::string title = options.manifest_title;
  std::string author = options.publisher;
  lxw_doc_properties properties{};
  properties.title = title.data();
  properties.author = author.data();
  properties.company = author.data();
  properties.created = static_cast<time_t>(std::max<int64_t>(xlsx.created_unix_seconds, 1));
  workbook_set_properties(workbook, &properties);
  const absl::Status written = WriteSheets(workbook, entries, names, options);
  // Closing writes the file and frees the workbook; it must run either way.
  const lxw_error closed = workbook_close(workbook);
  RETURN_IF_ERROR(written);
  if (closed != LXW_NO_ERROR) {
    return absl::InternalError(
        absl::StrCat("cannot write the xlsx workbook: ", lxw_strerror(closed)));
  }
  return ReadFileBounded(path, kMaxWorkbookBytes);
}

}  // namespace cellgate::client
