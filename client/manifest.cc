#include "client/manifest.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/export/export_format.h"
#include "common/canonical.h"
#include "common/crypto/sha256.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/textproto.h"

namespace cellgate::client {
namespace {

constexpr int64_t kMaxManifestBytes = 1 << 20;
constexpr int kMaxDimensions = 4;
constexpr int kMaxMeasures = 8;
constexpr size_t kMaxJustificationBytes = 500;

// [a-z][a-z0-9_]{0,63}, plus "-" where `allow_dash`.
bool IsId(absl::string_view id, bool allow_dash = false) {
  if (id.empty() || id.size() > 64 || !absl::ascii_islower(id[0])) return false;
  for (char c : id) {
    const bool ok = absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
                    (allow_dash && c == '-');
    if (!ok) return false;
  }
  return true;
}

std::string Quoted(absl::string_view value) { return absl::StrCat("\"", value, "\""); }

// Names the file, the table (by id, or by position if it has no usable id)
// and the field.
class ErrorContext {
 public:
  ErrorContext(absl::string_view file, std::string table)
      : file_(file), table_(std::move(table)) {}

  absl::Status Error(absl::string_view field, absl::string_view message) const {
    if (table_.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_, ": field ", Quoted(field), ": ", message));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(file_, ": table ", table_, ": field ", Quoted(field), ": ", message));
  }

 private:
  absl::string_view file_;
  std::string table_;
};

std::string Indexed(absl::string_view field, int index) {
  return absl::StrCat(field, "[", index, "]");
}

absl::Status CheckFormats(const google::protobuf::RepeatedPtrField<std::string>& formats,
                          const ErrorContext& ctx) {
  for (int i = 0; i < formats.size(); ++i) {
    if (!ParseExportFormat(formats[i]).has_value()) {
      return ctx.Error(Indexed("formats", i),
                       absl::StrCat("unknown export format ", Quoted(formats[i]), " (known: ",
                                    absl::StrJoin(ExportFormatNames(), ", "), ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckYears(const v1::ManifestTable& t, const ErrorContext& ctx) {
  if (!t.has_years() || t.years().dimension().empty()) {
    return ctx.Error("years.dimension", "is required (e.g. \"schuljahr\")");
  }
  if (t.years().codes().empty()) return ctx.Error("years.codes", "needs at least one year");
  std::set<std::string> seen;
  for (int i = 0; i < t.years().codes_size(); ++i) {
    const std::string& code = t.years().codes(i);
    if (code.empty()) return ctx.Error(Indexed("years.codes", i), "is empty");
    if (!seen.insert(code).second) {
      return ctx.Error(Indexed("years.codes", i), absl::StrCat("repeats ", Quoted(code)));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckGroupings(const v1::ManifestTable& t, const ErrorContext& ctx) {
  std::set<std::string> seen = {t.years().dimension()};
  for (int i = 0; i < t.group_by_size(); ++i) {
    const std::string& dim = t.group_by(i).dimension();
    const std::string field = Indexed("group_by", i) + ".dimension";
    if (dim.empty()) return ctx.Error(field, "is empty");
    if (!seen.insert(dim).second) {
      return ctx.Error(field, absl::StrCat(Quoted(dim), " is grouped twice (years count too)"));
    }
  }
  if (1 + t.group_by_size() > kMaxDimensions) {
    return ctx.Error("group_by", absl::StrCat("has ", t.group_by_size(),
                                              " dimensions; with the years at most ",
                                              kMaxDimensions - 1));
  }
  return absl::OkStatus();
}

absl::Status CheckMeasures(const v1::ManifestTable& t, const ErrorContext& ctx) {
  if (t.shares_size() > 0) {
    return ctx.Error("shares[0]", absl::StrCat("share ", Quoted(t.shares(0).label()),
                                               ": shares are not yet supported by the server; "
                                               "pull the counts and derive the share"));
  }
  if (t.measures().empty()) return ctx.Error("measures", "needs at least one measure");
  if (t.measures_size() > kMaxMeasures) {
    return ctx.Error("measures", absl::StrCat("has ", t.measures_size(), " measures, at most ",
                                              kMaxMeasures));
  }
  for (int i = 0; i < t.measures_size(); ++i) {
    const v1::Measure& m = t.measures(i);
    if (m.kind() == v1::Measure::KIND_UNSPECIFIED) {
      return ctx.Error(Indexed("measures", i) + ".kind", "must be COUNT, SUM or MEAN");
    }
    if (m.kind() == v1::Measure::COUNT && !m.column().empty()) {
      return ctx.Error(Indexed("measures", i) + ".column",
                       absl::StrCat("COUNT takes no column, got ", Quoted(m.column())));
    }
    if (m.kind() != v1::Measure::COUNT && m.column().empty()) {
      return ctx.Error(Indexed("measures", i) + ".column",
                       absl::StrCat(v1::Measure::Kind_Name(m.kind()), " needs a column"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckFilters(const v1::ManifestTable& t, const ErrorContext& ctx) {
  for (int i = 0; i < t.filters_size(); ++i) {
    const v1::Filter& f = t.filters(i);
    if (f.dimension().empty()) return ctx.Error(Indexed("filters", i) + ".dimension", "is empty");
    if (f.dimension() == t.years().dimension()) {
      return ctx.Error(Indexed("filters", i) + ".dimension",
                       absl::StrCat(Quoted(f.dimension()), " is the year dimension; use years"));
    }
    if (f.codes().empty()) return ctx.Error(Indexed("filters", i) + ".codes", "needs a code");
    for (int c = 0; c < f.codes_size(); ++c) {
      if (f.codes(c).empty()) {
        return ctx.Error(Indexed(Indexed("filters", i) + ".codes", c), "is empty");
      }
    }
  }
  return absl::OkStatus();
}

// Checks one table and fills in the defaults of `manifest`.
absl::Status CheckTable(const v1::Manifest& manifest, int index, v1::ManifestTable& t,
                        std::set<std::string>& ids, absl::string_view file) {
  const bool id_ok = IsId(t.id());
  const ErrorContext ctx(file, id_ok ? Quoted(t.id()) : absl::StrCat("#", index + 1));
  if (!id_ok) {
    return ctx.Error("id", absl::StrCat(Quoted(t.id()), " is not an id ([a-z][a-z0-9_]{0,63})"));
  }
  if (!ids.insert(t.id()).second) return ctx.Error("id", absl::StrCat(Quoted(t.id()), " repeats"));
  if (t.title().empty()) return ctx.Error("title", "is required");
  if (!IsId(t.dataset())) {
    return ctx.Error("dataset", absl::StrCat(Quoted(t.dataset()), " is not a dataset id"));
  }
  if (t.dataset_version() < 0) {
    return ctx.Error("dataset_version", absl::StrCat(t.dataset_version(), " is negative"));
  }
  RETURN_IF_ERROR(CheckYears(t, ctx));
  RETURN_IF_ERROR(CheckGroupings(t, ctx));
  RETURN_IF_ERROR(CheckMeasures(t, ctx));
  RETURN_IF_ERROR(CheckFilters(t, ctx));
  if (t.purpose().empty()) t.set_purpose(manifest.purpose());
  if (t.legal_basis().empty()) t.set_legal_basis(manifest.legal_basis());
  if (t.formats().empty()) *t.mutable_formats() = manifest.formats();
  if (t.purpose().empty()) return ctx.Error("purpose", "is required (here or in the manifest)");
  if (t.legal_basis().empty()) {
    return ctx.Error("legal_basis", "is required (here or in the manifest)");
  }
  if (t.formats().empty()) return ctx.Error("formats", "is required (here or in the manifest)");
  return CheckFormats(t.formats(), ctx);
}

const v1::ColumnSchema* FindColumn(const v1::DatasetSchema& schema, absl::string_view name) {
  for (const v1::ColumnSchema& column : schema.columns()) {
    if (column.name() == name) return &column;
  }
  return nullptr;
}

// Returns the level `level` of `column` (empty: the finest), or null.
const v1::Level* FindLevel(const v1::ColumnSchema& column, absl::string_view level) {
  if (column.levels().empty()) return nullptr;
  if (level.empty()) return &column.levels(0);
  for (const v1::Level& l : column.levels()) {
    if (l.name() == level) return &l;
  }
  return nullptr;
}

bool HasCode(const v1::Level& level, absl::string_view code) {
  for (const v1::Code& c : level.codes()) {
    if (c.code() == code) return true;
  }
  return false;
}

// Returns the level of dimension `dim` at `level`, or an error naming `field`.
absl::StatusOr<const v1::Level*> DimensionLevel(const v1::DatasetSchema& schema,
                                                absl::string_view dim, absl::string_view level,
                                                absl::string_view field,
                                                const ErrorContext& ctx) {
  const v1::ColumnSchema* column = FindColumn(schema, dim);
  if (column == nullptr || column->kind() != v1::DIMENSION) {
    return ctx.Error(absl::StrCat(field, ".dimension"),
                     absl::StrCat(Quoted(dim), " is not a dimension of dataset ",
                                  Quoted(schema.id())));
  }
  const v1::Level* found = FindLevel(*column, level);
  if (found == nullptr) {
    return ctx.Error(absl::StrCat(field, ".level"),
                     absl::StrCat(Quoted(level), " is not a level of dimension ", Quoted(dim)));
  }
  return found;
}

}  // namespace

absl::StatusOr<LoadedManifest> ParseManifest(absl::string_view text, absl::string_view name) {
  LoadedManifest loaded;
  loaded.name = std::string(name);
  loaded.sha256 = crypto::HexEncode(crypto::Sha256(text));
  v1::Manifest& m = loaded.manifest;
  RETURN_IF_ERROR(ParseTextProto(text, name, m));
  const ErrorContext ctx(name, "");
  if (!IsId(m.id(), /*allow_dash=*/true)) {
    return ctx.Error("id", absl::StrCat(Quoted(m.id()), " is not an id ([a-z][a-z0-9_-]{0,63})"));
  }
  if (m.title().empty()) return ctx.Error("title", "is required");
  if (m.justification().size() > kMaxJustificationBytes) {
    return ctx.Error("justification", absl::StrCat("has ", m.justification().size(),
                                                    " bytes, at most ", kMaxJustificationBytes));
  }
  RETURN_IF_ERROR(CheckFormats(m.formats(), ctx));
  if (m.tables().empty()) return ctx.Error("tables", "needs at least one table");
  std::set<std::string> ids;
  for (int i = 0; i < m.tables_size(); ++i) {
    RETURN_IF_ERROR(CheckTable(m, i, *m.mutable_tables(i), ids, name));
  }
  return loaded;
}

absl::StatusOr<LoadedManifest> LoadManifest(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadFileBounded(path, kMaxManifestBytes));
  return ParseManifest(text, path);
}

absl::Status CheckTableAgainstSchema(const v1::ManifestTable& table,
                                     const v1::DatasetSchema& schema, absl::string_view file) {
  const ErrorContext ctx(file, Quoted(table.id()));
  if (table.dataset() != schema.id()) {
    return ctx.Error("dataset", absl::StrCat(Quoted(table.dataset()), " is checked against ",
                                             Quoted(schema.id())));
  }
  ASSIGN_OR_RETURN(const v1::Level* years,
                   DimensionLevel(schema, table.years().dimension(), "", "years", ctx));
  for (int i = 0; i < table.years().codes_size(); ++i) {
    if (!HasCode(*years, table.years().codes(i))) {
      return ctx.Error(Indexed("years.codes", i),
                       absl::StrCat(Quoted(table.years().codes(i)), " is not a code of ",
                                    Quoted(table.years().dimension())));
    }
  }
  for (int i = 0; i < table.group_by_size(); ++i) {
    const v1::Grouping& g = table.group_by(i);
    RETURN_IF_ERROR(
        DimensionLevel(schema, g.dimension(), g.level(), Indexed("group_by", i), ctx).status());
  }
  for (int i = 0; i < table.filters_size(); ++i) {
    const v1::Filter& f = table.filters(i);
    const std::string field = Indexed("filters", i);
    ASSIGN_OR_RETURN(const v1::Level* level,
                     DimensionLevel(schema, f.dimension(), f.level(), field, ctx));
    for (int c = 0; c < f.codes_size(); ++c) {
      if (!HasCode(*level, f.codes(c))) {
        return ctx.Error(Indexed(field + ".codes", c),
                         absl::StrCat(Quoted(f.codes(c)), " is not a code of level ",
                                      Quoted(level->name())));
      }
    }
  }
  for (int i = 0; i < table.measures_size(); ++i) {
    const v1::Measure& m = table.measures(i);
    if (m.kind() == v1::Measure::COUNT) continue;
    const v1::ColumnSchema* column = FindColumn(schema, m.column());
    if (column == nullptr || column->kind() != v1::MEASURE) {
      return ctx.Error(Indexed("measures", i) + ".column",
                       absl::StrCat(Quoted(m.column()), " is not a MEASURE column of dataset ",
                                    Quoted(schema.id())));
    }
  }
  return absl::OkStatus();
}

v1::QueryRequest TableQuery(const v1::ManifestTable& table, int64_t version,
                            absl::string_view justification, absl::string_view request_id) {
  v1::QueryRequest request;
  v1::Query& q = *request.mutable_query();
  q.set_dataset(table.dataset());
  q.set_version(version);
  q.add_group_by()->set_dimension(table.years().dimension());
  for (const v1::Grouping& g : table.group_by()) *q.add_group_by() = g;
  *q.mutable_measures() = table.measures();
  v1::Filter& years = *q.add_filters();
  years.set_dimension(table.years().dimension());
  *years.mutable_codes() = table.years().codes();
  for (const v1::Filter& f : table.filters()) *q.add_filters() = f;
  q.set_totals(!table.no_totals());
  q.set_purpose(table.purpose());
  q.set_legal_basis(table.legal_basis());
  q.set_justification(std::string(justification));
  q.set_client_request_id(std::string(request_id));
  return request;
}

std::string TableSha256(const v1::ManifestTable& table) { return CanonicalSha256Hex(table); }

}  // namespace cellgate::client
