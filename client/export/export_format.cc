#include "client/export/export_format.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace cellgate::client {
namespace {

struct FormatInfo {
  ExportFormat format;
  absl::string_view name;
  absl::string_view suffix;  // after the table id
};

constexpr FormatInfo kFormats[] = {
    {ExportFormat::kCsv, "csv", ".csv"},
    {ExportFormat::kCsvDe, "csv-de", ".de.csv"},
    {ExportFormat::kJson, "json", ".json"},
    {ExportFormat::kFfcsv, "ffcsv", ".ffcsv.csv"},
    {ExportFormat::kHtml, "html", ".html"},
    {ExportFormat::kXlsx, "xlsx", ".xlsx"},
};

}  // namespace

ExportOptions OptionsOf(const v1::Manifest& manifest) {
  return {manifest.id(), manifest.title(), manifest.publisher(), manifest.symbols()};
}

std::optional<ExportFormat> ParseExportFormat(absl::string_view name) {
  for (const FormatInfo& info : kFormats) {
    if (info.name == name) return info.format;
  }
  return std::nullopt;
}

std::string ExportFormatName(ExportFormat format) {
  for (const FormatInfo& info : kFormats) {
    if (info.format == format) return std::string(info.name);
  }
  return "unknown";
}

std::vector<std::string> ExportFormatNames() {
  std::vector<std::string> names;
  for (const FormatInfo& info : kFormats) names.emplace_back(info.name);
  return names;
}

bool IsManifestWide(ExportFormat format) {
  return format == ExportFormat::kHtml || format == ExportFormat::kXlsx;
}

std::string ExportFileName(ExportFormat format, absl::string_view table_id,
                           absl::string_view manifest_id) {
  for (const FormatInfo& info : kFormats) {
    if (info.format != format) continue;
    if (IsManifestWide(format)) return absl::StrCat(manifest_id, info.suffix);
    return absl::StrCat(table_id, info.suffix);
  }
  return std::string(table_id);
}

}  // namespace cellgate::client
