#include "client/commands/pull_command.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/exit_codes.h"
#include "client/export/csv_export.h"
#include "client/export/derived_shares.h"
#include "client/export/export_format.h"
#include "client/export/html_report.h"
#include "client/export/json_export.h"
#include "client/export/terminal_view.h"
#include "client/export/xlsx_export.h"
#include "client/manifest.h"
#include "client/render/text_table.h"
#include "client/terminal_width.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace cellgate::client {
namespace {

// A pulled table of the demo report is a few hundred kilobytes.
constexpr int64_t kMaxRecordBytes = int64_t{256} << 20;
constexpr char kRecordDir[] = ".pull";
// Narrower than this, no table is readable.
constexpr int kMinShowWidth = 20;

// The flags of one pull, checked.
struct PullPlan {
  LoadedManifest manifest;
  std::filesystem::path dir;
  std::vector<std::string> formats;  // empty: each table's own
  std::set<std::string> only;        // empty: every table
  bool resume = false;
  std::vector<std::string> show;     // tables to print in the terminal
  int width = kDefaultTerminalWidth; // of the terminal, for --show
};

// What became of one table.
struct TableOutcome {
  enum class Kind { kWritten, kSkipped, kPending, kFailed, kNotSelected };
  Kind kind = Kind::kNotSelected;
  std::optional<v1::PulledTable> pulled;
  absl::Status error;  // kFailed
  std::string reason;  // kPending
};

std::vector<std::string> CommaList(const std::string& text) {
  return absl::StrSplit(text, ',', absl::SkipWhitespace());
}

absl::StatusOr<PullPlan> Plan(const CommandLine& line) {
  PullPlan plan;
  absl::StatusOr<LoadedManifest> manifest = LoadManifest(line.args.at(0));
  if (!manifest.ok()) return AsUsageError(manifest.status(), "cannot load the manifest");
  plan.manifest = std::move(*manifest);
  plan.dir = line.Value("out");
  plan.resume = line.Has("resume");
  for (const std::string& f : CommaList(line.Value("formats"))) {
    if (!ParseExportFormat(f).has_value()) {
      return UsageError(absl::StrCat("flag --formats has an unknown format \"", f, "\" (known: ",
                                     absl::StrJoin(ExportFormatNames(), ", "), ")"));
    }
    plan.formats.push_back(f);
  }
  std::set<std::string> ids;
  for (const v1::ManifestTable& t : plan.manifest.manifest.tables()) ids.insert(t.id());
  for (const std::string& id : CommaList(line.Value("tables"))) {
    if (ids.count(id) == 0) {
      return UsageError(absl::StrCat("flag --tables names \"", id, "\", which is not a table of ",
                                     plan.manifest.name));
    }
    plan.only.insert(id);
  }
  for (const std::string& id : CommaList(line.Value("show"))) {
    if (ids.count(id) == 0) {
      return UsageError(absl::StrCat("flag --show names \"", id, "\", which is not a table of ",
                                     plan.manifest.name));
    }
    plan.show.push_back(id);
  }
  plan.width = TerminalWidth(line.global.columns, STDOUT_FILENO);
  if (line.Has("width")) {
    if (!absl::SimpleAtoi(line.Value("width"), &plan.width) || plan.width < kMinShowWidth) {
      return UsageError(absl::StrCat("flag --width has a bad value \"", line.Value("width"),
                                     "\": expected a whole number of columns, at least ",
                                     kMinShowWidth));
    }
  }
  if (absl::c_linear_search(plan.formats, ExportFormatName(ExportFormat::kXlsx))) {
    // The manifest's own xlsx tables were checked when it was loaded.
    absl::Status sheets = CheckXlsxSheetNames(plan.manifest, /*every_table=*/true);
    if (!sheets.ok()) return AsUsageError(sheets, "cannot write --formats xlsx");
  }
  const std::string symbols = line.Value("symbols", "din");
  if (symbols == "letters") {
    plan.manifest.manifest.set_symbols(v1::SYMBOL_SET_LETTERS);
  } else if (symbols == "din") {
    plan.manifest.manifest.set_symbols(v1::SYMBOL_SET_DIN_55301);
  } else {
    return UsageError(absl::StrCat("flag --symbols has a bad value \"", symbols,
                                   "\": expected din or letters"));
  }
  return plan;
}

std::vector<std::string> FormatsOf(const PullPlan& plan, const v1::ManifestTable& table) {
  if (!plan.formats.empty()) return plan.formats;
  return {table.formats().begin(), table.formats().end()};
}

std::filesystem::path RecordPath(const PullPlan& plan, const std::string& id) {
  return plan.dir / kRecordDir / absl::StrCat(id, ".pb");
}

// Returns the record of an earlier pull of `table`, if it is from the same
// manifest entry.
std::optional<v1::PulledTable> EarlierPull(const PullPlan& plan, const v1::ManifestTable& table) {
  absl::StatusOr<std::string> bytes =
      ReadFileBounded(RecordPath(plan, table.id()).string(), kMaxRecordBytes);
  v1::PulledTable pulled;
  if (!bytes.ok() || !pulled.ParseFromString(*bytes)) return std::nullopt;
  if (pulled.table_sha256() != TableSha256(table)) return std::nullopt;
  return pulled;
}

// --resume: the earlier pull is of the dataset version the server has now
// (and of the version of its shares' other dataset), and all of its files
// are still there.
bool CanSkip(const PullPlan& plan, const v1::PulledTable& earlier, const std::string& version_hash,
             const std::map<std::string, v1::DatasetSummary>& datasets) {
  if (version_hash.empty() || earlier.response().table().dataset_version_hash() != version_hash) {
    return false;
  }
  for (const v1::MeasureFacts& m : earlier.response().table().measures()) {
    if (!m.measure().has_denominator()) continue;
    const auto listed = datasets.find(m.measure().denominator().dataset());
    if (listed == datasets.end() ||
        listed->second.latest_version_hash() != m.measure().denominator().version_hash()) {
      return false;
    }
  }
  for (const std::string& file : earlier.files()) {
    std::error_code error;
    if (!std::filesystem::exists(plan.dir / file, error)) return false;
  }
  return true;
}

// Writes the table's files (with its shares, derived_shares.h), then its
// record (the server's answer as it came).
absl::Status WriteTable(const PullPlan& plan, v1::PulledTable& pulled) {
  const ExportOptions options = OptionsOf(plan.manifest.manifest);
  ASSIGN_OR_RETURN(const v1::PulledTable view, ExportView(pulled));
  for (const std::string& name : FormatsOf(plan, pulled.table())) {
    const ExportFormat format = *ParseExportFormat(name);
    std::string content;
    switch (format) {
      case ExportFormat::kCsv: content = ExportCsv(view); break;
      case ExportFormat::kCsvDe: content = ExportCsvDe(view, options); break;
      case ExportFormat::kJson: content = ExportJson(view, options); break;
      case ExportFormat::kFfcsv: content = ExportFfcsv(view, options); break;
      case ExportFormat::kHtml:
      case ExportFormat::kXlsx: continue;  // one file for all tables, at the end
    }
    const std::string file = ExportFileName(format, pulled.table().id(), options.manifest_id);
    RETURN_IF_ERROR(WriteFileAtomically((plan.dir / file).string(), content));
    pulled.add_files(file);
  }
  return WriteFileAtomically(RecordPath(plan, pulled.table().id()).string(),
                             pulled.SerializeAsString());
}

int SuppressedCells(const v1::PulledTable& pulled) {
  int n = 0;
  for (const v1::ReleasedCell& cell : pulled.response().table().cells()) {
    for (const v1::CellValue& v : cell.values()) {
      if (v.status() == v1::SUPPRESSED) {
        ++n;
        break;
      }
    }
  }
  return n;
}

// Pulls one table: skip, query, write.
TableOutcome PullTable(const PullPlan& plan, const v1::ManifestTable& table,
                       const std::map<std::string, v1::DatasetSummary>& datasets,
                       Connection& connection) {
  TableOutcome outcome;
  if (!table.pending_reason().empty()) {
    outcome.kind = TableOutcome::Kind::kPending;
    outcome.reason = table.pending_reason();
    return outcome;
  }
  auto listed = datasets.find(table.dataset());
  int64_t version = table.dataset_version();
  std::string version_hash;
  if (listed != datasets.end() && version == 0) {
    version = listed->second.latest_version();  // one version for the whole pull
    version_hash = listed->second.latest_version_hash();
  }
  if (plan.resume) {
    std::optional<v1::PulledTable> earlier = EarlierPull(plan, table);
    if (earlier.has_value() && CanSkip(plan, *earlier, version_hash, datasets)) {
      outcome.kind = TableOutcome::Kind::kSkipped;
      outcome.pulled = std::move(earlier);
      return outcome;
    }
  }
  const v1::Manifest& m = plan.manifest.manifest;
  v1::QueryRequest request =
      TableQuery(table, version, m.justification(), absl::StrCat(m.id(), "/", table.id()));
  // A share over another dataset counts the version of it listed now, the
  // same for every table of the pull.
  for (v1::Measure& measure : *request.mutable_query()->mutable_measures()) {
    if (!measure.has_denominator()) continue;
    const auto other = datasets.find(measure.denominator().dataset());
    if (other != datasets.end() && table.dataset_version() == 0) {
      measure.mutable_denominator()->set_version(other->second.latest_version());
    }
  }
  absl::StatusOr<v1::QueryResponse> response = connection.Query(request);
  v1::PulledTable pulled;
  *pulled.mutable_table() = table;
  pulled.set_table_sha256(TableSha256(table));
  pulled.set_manifest_sha256(plan.manifest.sha256);
  absl::Status status = response.status();
  if (status.ok()) {
    *pulled.mutable_response() = std::move(*response);
    status = WriteTable(plan, pulled);
  }
  if (!status.ok()) {
    outcome.kind = TableOutcome::Kind::kFailed;
    outcome.error = status;
    return outcome;
  }
  outcome.kind = TableOutcome::Kind::kWritten;
  outcome.pulled = std::move(pulled);
  return outcome;
}

std::string ProgressText(const TableOutcome& o) {
  switch (o.kind) {
    case TableOutcome::Kind::kWritten:
      return absl::StrCat("written, ", o.pulled->response().table().cells_size(), " cells, ",
                          SuppressedCells(*o.pulled), " suppressed, release ",
                          o.pulled->response().receipt().release_id());
    case TableOutcome::Kind::kSkipped:
      return "skipped, already written from this manifest entry and dataset version";
    case TableOutcome::Kind::kPending:
      return absl::StrCat("pending: ", o.reason);
    case TableOutcome::Kind::kFailed:
      return absl::StrCat("FAILED: ", absl::StatusCodeToString(o.error.code()), ": ",
                          o.error.message());
    case TableOutcome::Kind::kNotSelected:
      break;
  }
  return "";
}

bool Wants(const PullPlan& plan, const v1::ManifestTable& table, ExportFormat format) {
  return absl::c_linear_search(FormatsOf(plan, table), ExportFormatName(format));
}

bool AnyWants(const PullPlan& plan, ExportFormat format) {
  for (const v1::ManifestTable& t : plan.manifest.manifest.tables()) {
    if (!plan.only.empty() && plan.only.count(t.id()) == 0) continue;
    if (Wants(plan, t, format)) return true;
  }
  return false;
}

// Returns the table `index` as pulled now, or else as pulled earlier into
// the same directory from the same manifest entry (loaded into `o`), or
// null. A pending table has neither.
const v1::PulledTable* PulledOrEarlier(const PullPlan& plan, int index, TableOutcome& o) {
  if (!o.pulled.has_value() && o.kind != TableOutcome::Kind::kPending) {
    o.pulled = EarlierPull(plan, plan.manifest.manifest.tables(index));
  }
  return o.pulled.has_value() ? &*o.pulled : nullptr;
}

// The tables of a report file (html, xlsx) as exported; entries point into
// `views`, which is never resized after they are made.
struct Report {
  std::vector<std::optional<v1::PulledTable>> views;
  std::vector<ReportEntry> entries;
};

// Collects the tables of a report: every table of the manifest, or only
// those whose formats include `format`.
absl::StatusOr<Report> Collect(const PullPlan& plan, std::vector<TableOutcome>& outcomes,
                               ExportFormat format, bool every_table) {
  const v1::Manifest& m = plan.manifest.manifest;
  Report report;
  report.views.resize(m.tables_size());
  for (int i = 0; i < m.tables_size(); ++i) {
    if (!every_table && !Wants(plan, m.tables(i), format)) continue;
    TableOutcome& o = outcomes[i];
    if (const v1::PulledTable* pulled = PulledOrEarlier(plan, i, o)) {
      ASSIGN_OR_RETURN(report.views[i], ExportView(*pulled));
    }
    ReportEntry entry{m.tables(i), report.views[i].has_value() ? &*report.views[i] : nullptr, ""};
    if (!m.tables(i).pending_reason().empty()) entry.missing_reason = m.tables(i).pending_reason();
    if (o.kind == TableOutcome::Kind::kFailed) {
      entry.missing_reason = absl::StrCat("nicht abgerufen (", o.error.message(), ")");
    }
    if (entry.pulled == nullptr && entry.missing_reason.empty()) {
      entry.missing_reason = "noch nicht abgerufen";
    }
    report.entries.push_back(std::move(entry));
  }
  return report;
}

// The report page holds every table of the manifest: pulled now, or earlier
// into the same directory from the same manifest entry.
absl::Status WriteReport(const PullPlan& plan, std::vector<TableOutcome>& outcomes) {
  const v1::Manifest& m = plan.manifest.manifest;
  ASSIGN_OR_RETURN(const Report report, Collect(plan, outcomes, ExportFormat::kHtml, true));
  const std::string file = ExportFileName(ExportFormat::kHtml, "", m.id());
  return WriteFileAtomically((plan.dir / file).string(),
                             RenderHtmlReport(report.entries, OptionsOf(m)));
}

// The workbook holds the tables that ask for xlsx, pulled now or earlier.
// libxlsxwriter's scratch files go to DIR/.pull, next to the records.
absl::Status WriteWorkbook(const PullPlan& plan, std::vector<TableOutcome>& outcomes) {
  const v1::Manifest& m = plan.manifest.manifest;
  ASSIGN_OR_RETURN(const Report report, Collect(plan, outcomes, ExportFormat::kXlsx, false));
  const XlsxOptions xlsx{(plan.dir / kRecordDir).string(), absl::ToUnixSeconds(absl::Now())};
  ASSIGN_OR_RETURN(const std::string bytes, ExportXlsx(report.entries, OptionsOf(m), xlsx));
  const std::string file = ExportFileName(ExportFormat::kXlsx, "", m.id());
  return WriteFileAtomically((plan.dir / file).string(), bytes);
}

// --show: each named table in the terminal, as pulled now or earlier.
absl::Status ShowTables(const PullPlan& plan, std::vector<TableOutcome>& outcomes,
                        std::ostream& out) {
  const v1::Manifest& m = plan.manifest.manifest;
  for (const std::string& id : plan.show) {
    for (int i = 0; i < m.tables_size(); ++i) {
      if (m.tables(i).id() != id) continue;
      out << "\n";
      const v1::PulledTable* pulled = PulledOrEarlier(plan, i, outcomes[i]);
      if (pulled == nullptr) {
        const std::string& reason = m.tables(i).pending_reason();
        out << id << ": nicht verfügbar (" << (reason.empty() ? "nicht abgerufen" : reason)
            << ")\n";
        continue;
      }
      ASSIGN_OR_RETURN(const v1::PulledTable view, ExportView(*pulled));
      out << RenderTerminalView(view, OptionsOf(m), static_cast<size_t>(plan.width));
    }
  }
  return absl::OkStatus();
}

std::string Summary(const PullPlan& plan, const std::vector<TableOutcome>& outcomes) {
  TextTable table;
  table.AddColumn("table");
  table.AddColumn("result");
  table.AddColumn("cells", TextTable::Align::kRight);
  table.AddColumn("suppressed", TextTable::Align::kRight);
  table.AddColumn("release / reason");
  std::map<TableOutcome::Kind, int> counts;
  const v1::Manifest& m = plan.manifest.manifest;
  for (int i = 0; i < m.tables_size(); ++i) {
    const TableOutcome& o = outcomes[i];
    if (o.kind == TableOutcome::Kind::kNotSelected) continue;
    ++counts[o.kind];
    const bool has_table = o.pulled.has_value() && o.kind != TableOutcome::Kind::kFailed;
    const char* result[] = {"written", "skipped", "pending", "FAILED", ""};
    table.AddRow({m.tables(i).id(), result[static_cast<int>(o.kind)],
                  has_table ? absl::StrCat(o.pulled->response().table().cells_size()) : "",
                  has_table ? absl::StrCat(SuppressedCells(*o.pulled)) : "",
                  has_table ? o.pulled->response().receipt().release_id()
                  : o.kind == TableOutcome::Kind::kFailed
                      ? absl::StrCat(absl::StatusCodeToString(o.error.code()), ": ",
                                     o.error.message())
                      : o.reason});
  }
  using K = TableOutcome::Kind;
  return absl::StrCat("\n", table.Render(), "\n", counts[K::kWritten], " written, ",
                      counts[K::kSkipped], " skipped, ", counts[K::kPending], " pending, ",
                      counts[K::kFailed], " failed; files in ", plan.dir.string(), "\n");
}

}  // namespace

absl::Status RunPull(const CommandLine& line, Connection& connection, std::ostream& out,
                     std::ostream& progress) {
  ASSIGN_OR_RETURN(const PullPlan plan, Plan(line));
  std::error_code error;
  std::filesystem::create_directories(plan.dir / kRecordDir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", plan.dir.string(), ": ", error.message()));
  }
  ASSIGN_OR_RETURN(const v1::ListDatasetsResponse listed,
                   connection.ListDatasets(v1::ListDatasetsRequest()));
  std::map<std::string, v1::DatasetSummary> datasets;
  for (const v1::DatasetSummary& d : listed.datasets()) datasets[d.id()] = d;

  const v1::Manifest& m = plan.manifest.manifest;
  const int selected = plan.only.empty() ? m.tables_size() : static_cast<int>(plan.only.size());
  std::vector<TableOutcome> outcomes(m.tables_size());
  std::vector<std::string> failed;
  absl::Status first_failure;
  for (int i = 0, n = 0; i < m.tables_size(); ++i) {
    const v1::ManifestTable& t = m.tables(i);
    if (!plan.only.empty() && plan.only.count(t.id()) == 0) continue;
    progress << "[" << ++n << "/" << selected << "] " << t.id() << " (" << t.title() << ") ... "
             << std::flush;
    outcomes[i] = PullTable(plan, t, datasets, connection);
    progress << ProgressText(outcomes[i]) << "\n" << std::flush;
    if (outcomes[i].kind == TableOutcome::Kind::kFailed) {
      failed.push_back(t.id());
      if (first_failure.ok()) first_failure = outcomes[i].error;
    }
  }
  if (AnyWants(plan, ExportFormat::kHtml)) RETURN_IF_ERROR(WriteReport(plan, outcomes));
  if (AnyWants(plan, ExportFormat::kXlsx)) RETURN_IF_ERROR(WriteWorkbook(plan, outcomes));
  RETURN_IF_ERROR(ShowTables(plan, outcomes, out));
  out << Summary(plan, outcomes);
  if (failed.empty()) return absl::OkStatus();
  return absl::Status(first_failure.code(),
                      absl::StrCat(failed.size(), " of ", selected, " tables failed (",
                                   absl::StrJoin(failed, ", "), "); first: ",
                                   first_failure.message()));
}

}  // namespace cellgate::client
