#include "client/commands/dataset_commands.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/commands/command_util.h"
#include "client/render/number_format.h"
#include "client/render/text_table.h"
#include "common/status_macros.h"

namespace cellgate::client {
namespace {

constexpr size_t kShortHash = 12;

// Returns `text` with `spaces` spaces before every line.
std::string Indent(const std::string& text, int spaces) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, std::string(spaces, ' '), line, "\n");
  }
  return out;
}

std::string KindName(v1::ColumnKind kind) {
  switch (kind) {
    case v1::DIMENSION:
      return "dimension";
    case v1::MEASURE:
      return "measure";
    case v1::UNIT_ID:
      return "unit id";
    case v1::CONTRIBUTOR:
      return "contributor id";
    default:
      return "unspecified";
  }
}

std::string ColumnTable(const v1::DatasetSchema& schema) {
  TextTable table;
  table.AddColumn("name");
  table.AddColumn("kind");
  table.AddColumn("label");
  for (const v1::ColumnSchema& column : schema.columns()) {
    table.AddRow({column.name(), KindName(column.kind()), column.label()});
  }
  return table.Render();
}

std::string DimensionSection(const v1::ColumnSchema& column) {
  std::string out = absl::StrCat("Dimension ", column.name(), " \"", column.label(), "\"",
                                 column.sensitive() ? " (sensitive)" : "", "\n");
  for (const v1::Level& level : column.levels()) {
    absl::StrAppend(&out, "  level ", level.name(), " \"", level.label(),
                    "\": ", FormatGermanInteger(level.codes_size()),
                    level.codes_size() == 1 ? " code\n" : " codes\n");
    TextTable codes;
    codes.AddColumn("code");
    codes.AddColumn("label");
    codes.AddColumn("parent");
    for (const v1::Code& code : level.codes()) {
      codes.AddRow({code.code(), code.label(), code.parent()});
    }
    absl::StrAppend(&out, Indent(codes.Render(), 4));
  }
  return out;
}

std::string MeasureTable(const v1::DatasetSchema& schema) {
  // The contributor column only where a measure names one.
  const bool contributors =
      std::any_of(schema.columns().begin(), schema.columns().end(),
                  [](const v1::ColumnSchema& c) { return !c.contributor().empty(); });
  TextTable table;
  table.AddColumn("name");
  table.AddColumn("label");
  table.AddColumn("unit");
  table.AddColumn("decimals", TextTable::Align::kRight);
  if (contributors) table.AddColumn("contributor");
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.kind() != v1::MEASURE) continue;
    std::vector<std::string> row = {column.name(), column.label(), column.unit(),
                                    absl::StrCat(column.decimals())};
    if (contributors) row.push_back(column.contributor());
    table.AddRow(std::move(row));
  }
  return table.Render();
}

std::string VersionTable(const v1::DescribeDatasetResponse& response) {
  TextTable table;
  table.AddColumn("version", TextTable::Align::kRight);
  table.AddColumn("rows", TextTable::Align::kRight);
  table.AddColumn("created");
  table.AddColumn("version hash");
  for (const v1::DatasetVersionInfo& v : response.versions()) {
    table.AddRow({absl::StrCat(v.version()), FormatGermanInteger(v.row_count()), v.created_utc(),
                  v.version_hash().substr(0, kShortHash)});
  }
  return table.Render();
}

}  // namespace

std::string RenderDatasetList(const v1::ListDatasetsResponse& response) {
  TextTable table;
  table.AddColumn("id");
  table.AddColumn("title");
  table.AddColumn("source office");
  table.AddColumn("latest version", TextTable::Align::kRight);
  table.AddColumn("rows", TextTable::Align::kRight);
  for (const v1::DatasetSummary& d : response.datasets()) {
    table.AddRow({d.id(), d.title(), d.source_office(),
                  d.latest_version() == 0 ? "-" : absl::StrCat(d.latest_version()),
                  FormatGermanInteger(d.row_count())});
  }
  return table.Render();
}

std::string RenderDatasetDescription(const v1::DescribeDatasetResponse& response) {
  const v1::DatasetSchema& schema = response.schema();
  std::string out = absl::StrCat("Dataset ", schema.id(), ": ", schema.title(), "\n");
  if (!schema.source_office().empty()) {
    absl::StrAppend(&out, "Source office: ", schema.source_office(), "\n");
  }
  if (!schema.description().empty()) absl::StrAppend(&out, schema.description(), "\n");
  absl::StrAppend(&out, "\nColumns\n", ColumnTable(schema));
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.kind() == v1::DIMENSION) absl::StrAppend(&out, "\n", DimensionSection(column));
  }
  absl::StrAppend(&out, "\nMeasures\n", MeasureTable(schema));
  absl::StrAppend(&out, "\nVersions\n", VersionTable(response));
  return out;
}

absl::Status RunDatasets(const CommandLine& line, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  ASSIGN_OR_RETURN(const v1::ListDatasetsResponse response,
                   connection.ListDatasets(v1::ListDatasetsRequest()));
  if (format == OutputFormat::kJson) return WriteJson(response, out);
  out << RenderDatasetList(response);
  return absl::OkStatus();
}

absl::Status RunDescribe(const CommandLine& line, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  v1::DescribeDatasetRequest request;
  request.set_dataset(line.args.at(0));
  ASSIGN_OR_RETURN(const v1::DescribeDatasetResponse response, connection.DescribeDataset(request));
  if (format == OutputFormat::kJson) return WriteJson(response, out);
  out << RenderDatasetDescription(response);
  return absl::OkStatus();
}

}  // namespace cellgate::client
