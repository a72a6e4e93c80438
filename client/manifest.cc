#include "client/manifest.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/export/export_format.h"
#include "client/export/xlsx_sheet_names.h"
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

bool IsGrouped(const v1::ManifestTable& t, absl::string_view dimension) {
  for (const v1::Grouping& g : t.group_by()) {
    if (g.dimension() == dimension) return true;
  }
  return false;
}

bool SameCondition(const v1::Filter& a, const v1::Filter& b) {
  return a.dimension() == b.dimension() && a.level() == b.level() &&
         std::equal(a.codes().begin(), a.codes().end(), b.codes().begin(), b.codes().end());
}

bool IsAcross(const v1::ShareMeasure& share) { return !share.denominator_dataset().empty(); }

// The columns the server computes for the table's shares: one per share_of
// share; per share across datasets its share and, with a label, its
// denominator's count.
int ServerShares(const v1::ManifestTable& t) {
  int n = 0;
  for (const v1::ShareMeasure& share : t.shares()) {
    if (share.has_share_of()) ++n;
    if (IsAcross(share)) n += share.denominator_label().empty() ? 1 : 2;
  }
  return n;
}

bool HasShareOf(const v1::ManifestTable& t) {
  for (const v1::ShareMeasure& share : t.shares()) {
    if (share.has_share_of()) return true;
  }
  return false;
}

bool HasCount(const v1::ManifestTable& t) {
  for (const v1::Measure& m : t.measures()) {
    if (m.kind() == v1::Measure::COUNT) return true;
  }
  return false;
}

absl::Status CheckMeasures(const v1::ManifestTable& t, const ErrorContext& ctx) {
  const int server_shares = ServerShares(t);
  if (t.measures().empty() && server_shares == 0) {
    return ctx.Error("measures", "needs at least one measure (or a share the server computes)");
  }
  if (t.measures_size() + server_shares > kMaxMeasures) {
    return ctx.Error("measures", absl::StrCat("has ", t.measures_size(), " measures and ",
                                              server_shares, " columns of server shares, at most ",
                                              kMaxMeasures, " together"));
  }
  for (int i = 0; i < t.measures_size(); ++i) {
    const v1::Measure& m = t.measures(i);
    const std::string field = Indexed("measures", i);
    if (m.kind() == v1::Measure::KIND_UNSPECIFIED) {
      return ctx.Error(field + ".kind", "must be COUNT, SUM or MEAN");
    }
    if (m.kind() == v1::Measure::SHARE) {
      return ctx.Error(field + ".kind", "SHARE is asked for with shares { share_of { ... } }");
    }
    if (m.kind() == v1::Measure::COUNT && !m.column().empty()) {
      return ctx.Error(field + ".column",
                       absl::StrCat("COUNT takes no column, got ", Quoted(m.column())));
    }
    if (m.kind() != v1::Measure::COUNT && m.column().empty()) {
      return ctx.Error(field + ".column",
                       absl::StrCat(v1::Measure::Kind_Name(m.kind()), " needs a column"));
    }
    if (m.kind() != v1::Measure::COUNT && server_shares > 0) {
      return ctx.Error(field + ".kind",
                       absl::StrCat(v1::Measure::Kind_Name(m.kind()),
                                    " cannot be asked together with share_of or "
                                    "denominator_dataset shares (the server computes shares "
                                    "with COUNT measures only)"));
    }
    if (m.has_denominator()) {
      return ctx.Error(field + ".denominator",
                       "a denominator is asked for with shares { denominator_dataset: ... }");
    }
  }
  return absl::OkStatus();
}

// A share_of share: a condition on a dimension the table does not group by,
// the same for every share_of share of the table.
absl::Status CheckShareOf(const v1::ManifestTable& t, int index, const ErrorContext& ctx) {
  const v1::Filter& f = t.shares(index).share_of();
  const std::string field = Indexed("shares", index) + ".share_of";
  if (f.dimension().empty()) return ctx.Error(field + ".dimension", "is empty");
  if (f.dimension() == t.years().dimension()) {
    return ctx.Error(field + ".dimension",
                     absl::StrCat(Quoted(f.dimension()), " is the year dimension"));
  }
  if (IsGrouped(t, f.dimension())) {
    return ctx.Error(field + ".dimension",
                     absl::StrCat(Quoted(f.dimension()),
                                  " is a group_by dimension of the table; use of_dimension"));
  }
  if (f.codes().empty()) return ctx.Error(field + ".codes", "needs a code");
  for (int c = 0; c < f.codes_size(); ++c) {
    if (f.codes(c).empty()) return ctx.Error(Indexed(field + ".codes", c), "is empty");
  }
  for (int j = 0; j < index; ++j) {
    if (t.shares(j).has_share_of() && !SameCondition(t.shares(j).share_of(), f)) {
      return ctx.Error(field, absl::StrCat("differs from shares[", j,
                                           "].share_of; all share_of shares of a table must "
                                           "use the same condition"));
    }
  }
  return absl::OkStatus();
}

// An of_dimension share: derived on the client from the COUNT column and
// the totals of a grouping dimension.
absl::Status CheckOfDimension(const v1::ManifestTable& t, int index, const ErrorContext& ctx) {
  const std::string& dim = t.shares(index).of_dimension();
  const std::string field = Indexed("shares", index) + ".of_dimension";
  if (dim == t.years().dimension()) {
    return ctx.Error(field, absl::StrCat(Quoted(dim), " is the year dimension; shares of a "
                                         "year in all years are not supported"));
  }
  if (!IsGrouped(t, dim)) {
    return ctx.Error(field, absl::StrCat(Quoted(dim), " is not a group_by dimension of the table"));
  }
  if (!HasCount(t)) {
    return ctx.Error(field, absl::StrCat("share of ", Quoted(dim),
                                         " is derived from the counts; add measures { kind: "
                                         "COUNT }"));
  }
  if (t.no_totals()) {
    return ctx.Error(field, absl::StrCat("share of ", Quoted(dim),
                                         " is derived from the totals; remove no_totals"));
  }
  return absl::OkStatus();
}

bool SameFilters(const google::protobuf::RepeatedPtrField<v1::Filter>& a,
                 const google::protobuf::RepeatedPtrField<v1::Filter>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), SameCondition);
}

// A share across datasets: over the count of another dataset's records in
// the same cell (docs/adr/0008), the same denominator for every such share.
absl::Status CheckDenominatorShare(const v1::ManifestTable& t, int index,
                                   const ErrorContext& ctx) {
  const v1::ShareMeasure& share = t.shares(index);
  const std::string field = Indexed("shares", index);
  const std::string& dataset = share.denominator_dataset();
  if (!IsId(dataset)) {
    return ctx.Error(field + ".denominator_dataset",
                     absl::StrCat(Quoted(dataset), " is not a dataset id"));
  }
  if (dataset == t.dataset()) {
    return ctx.Error(field + ".denominator_dataset",
                     absl::StrCat(Quoted(dataset), " is the table's own dataset; use share_of"));
  }
  if (HasShareOf(t)) {
    return ctx.Error(field, "a table cannot have share_of and denominator_dataset shares");
  }
  for (int i = 0; i < share.denominator_filters_size(); ++i) {
    const v1::Filter& f = share.denominator_filters(i);
    const std::string at = Indexed(field + ".denominator_filters", i);
    if (f.dimension().empty()) return ctx.Error(at + ".dimension", "is empty");
    if (f.dimension() == t.years().dimension() || IsGrouped(t, f.dimension())) {
      return ctx.Error(at + ".dimension",
                       absl::StrCat(Quoted(f.dimension()),
                                    " is grouped by the table; filter it in filters, which "
                                    "apply to both datasets"));
    }
    if (f.codes().empty()) return ctx.Error(at + ".codes", "needs a code");
    for (int c = 0; c < f.codes_size(); ++c) {
      if (f.codes(c).empty()) return ctx.Error(Indexed(at + ".codes", c), "is empty");
    }
  }
  for (int j = 0; j < index; ++j) {
    const v1::ShareMeasure& other = t.shares(j);
    if (IsAcross(other) && (other.denominator_dataset() != dataset ||
                            !SameFilters(other.denominator_filters(),
                                         share.denominator_filters()))) {
      return ctx.Error(field, absl::StrCat("differs from shares[", j,
                                           "] in its denominator; all shares over another "
                                           "dataset of a table must use the same one"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckShares(const v1::ManifestTable& t, const ErrorContext& ctx) {
  for (int i = 0; i < t.shares_size(); ++i) {
    const v1::ShareMeasure& share = t.shares(i);
    const std::string field = Indexed("shares", i);
    const bool server = share.has_share_of();
    const bool client = !share.of_dimension().empty();
    const bool across = IsAcross(share);
    if (server + client + across != 1) {
      return ctx.Error(field, server + client + across == 0
                                  ? "needs share_of, of_dimension or denominator_dataset"
                                  : "sets more than one of share_of, of_dimension and "
                                    "denominator_dataset; set exactly one");
    }
    if (!across && share.denominator_filters_size() > 0) {
      return ctx.Error(field + ".denominator_filters", "goes with denominator_dataset only");
    }
    if (!across && !share.denominator_label().empty()) {
      return ctx.Error(field + ".denominator_label", "goes with denominator_dataset only");
    }
    RETURN_IF_ERROR(server   ? CheckShareOf(t, i, ctx)
                    : client ? CheckOfDimension(t, i, ctx)
                             : CheckDenominatorShare(t, i, ctx));
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
  RETURN_IF_ERROR(CheckShares(t, ctx));
  RETURN_IF_ERROR(CheckFilters(t, ctx));
  if (t.purpose().empty()) t.set_purpose(manifest.purpose());
  if (t.legal_basis().empty()) t.set_legal_basis(manifest.legal_basis());
  if (t.formats().empty()) *t.mutable_formats() = manifest.formats();
  if (t.channel() == v1::CHANNEL_UNSPECIFIED) t.set_channel(manifest.channel());
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

// Checks that the dimension, level and codes of `f` exist in `schema`.
absl::Status CheckCondition(const v1::DatasetSchema& schema, const v1::Filter& f,
                            const std::string& field, const ErrorContext& ctx) {
  ASSIGN_OR_RETURN(const v1::Level* level,
                   DimensionLevel(schema, f.dimension(), f.level(), field, ctx));
  for (int c = 0; c < f.codes_size(); ++c) {
    if (!HasCode(*level, f.codes(c))) {
      return ctx.Error(Indexed(field + ".codes", c),
                       absl::StrCat(Quoted(f.codes(c)), " is not a code of level ",
                                    Quoted(level->name())));
    }
  }
  return absl::OkStatus();
}

// Checks that the years, their codes and every grouping dimension and level
// of `table` exist in `schema`; `where` ends the message about a year code.
absl::Status CheckAxesAgainstSchema(const v1::ManifestTable& table,
                                    const v1::DatasetSchema& schema, absl::string_view where,
                                    const ErrorContext& ctx) {
  ASSIGN_OR_RETURN(const v1::Level* years,
                   DimensionLevel(schema, table.years().dimension(), "", "years", ctx));
  for (int i = 0; i < table.years().codes_size(); ++i) {
    if (!HasCode(*years, table.years().codes(i))) {
      return ctx.Error(Indexed("years.codes", i),
                       absl::StrCat(Quoted(table.years().codes(i)), " is not a code of ",
                                    Quoted(table.years().dimension()), where));
    }
  }
  for (int i = 0; i < table.group_by_size(); ++i) {
    const v1::Grouping& g = table.group_by(i);
    RETURN_IF_ERROR(
        DimensionLevel(schema, g.dimension(), g.level(), Indexed("group_by", i), ctx).status());
  }
  return absl::OkStatus();
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
  RETURN_IF_ERROR(CheckXlsxSheetNames(loaded, /*every_table=*/false));
  return loaded;
}

absl::Status CheckXlsxSheetNames(const LoadedManifest& loaded, bool every_table) {
  const v1::Manifest& m = loaded.manifest;
  const std::string xlsx = ExportFormatName(ExportFormat::kXlsx);
  std::vector<std::string> names;
  std::vector<const v1::ManifestTable*> tables;
  for (const v1::ManifestTable& t : m.tables()) {
    if (!every_table && std::find(t.formats().begin(), t.formats().end(), xlsx) == t.formats().end()) {
      continue;
    }
    names.push_back(SheetNameOf(t.id()));
    tables.push_back(&t);
    const absl::Status valid = CheckSheetName(names.back());
    if (!valid.ok()) return ErrorContext(loaded.name, Quoted(t.id())).Error("id", valid.message());
  }
  int earlier = -1;
  const int clash = FindSheetNameClash(names, earlier);
  if (clash < 0) return absl::OkStatus();
  return ErrorContext(loaded.name, Quoted(tables[clash]->id()))
      .Error("id", absl::StrCat("its xlsx sheet name ", Quoted(names[clash]),
                                " (the id cut to ", kMaxSheetNameLength,
                                " characters) is already the sheet of ",
                                earlier < 0 ? std::string("the release ids")
                                            : absl::StrCat("table ", Quoted(tables[earlier]->id())),
                                "; Excel compares sheet names ignoring case"));
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
  RETURN_IF_ERROR(CheckAxesAgainstSchema(table, schema, "", ctx));
  for (int i = 0; i < table.filters_size(); ++i) {
    RETURN_IF_ERROR(CheckCondition(schema, table.filters(i), Indexed("filters", i), ctx));
  }
  for (int i = 0; i < table.shares_size(); ++i) {
    // of_dimension: a checked grouping; denominator_dataset: checked against
    // its own dataset (CheckDenominatorAgainstSchema).
    if (!table.shares(i).has_share_of()) continue;
    RETURN_IF_ERROR(CheckCondition(schema, table.shares(i).share_of(),
                                   Indexed("shares", i) + ".share_of", ctx));
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

absl::Status CheckDenominatorAgainstSchema(const v1::ManifestTable& table,
                                           const v1::DatasetSchema& schema,
                                           absl::string_view file) {
  const ErrorContext ctx(file, Quoted(table.id()));
  RETURN_IF_ERROR(CheckAxesAgainstSchema(
      table, schema, absl::StrCat(" in the denominator dataset ", Quoted(schema.id())), ctx));
  for (int s = 0; s < table.shares_size(); ++s) {
    const v1::ShareMeasure& share = table.shares(s);
    if (share.denominator_dataset() != schema.id()) continue;
    for (int i = 0; i < share.denominator_filters_size(); ++i) {
      RETURN_IF_ERROR(CheckCondition(schema, share.denominator_filters(i),
                                     Indexed(Indexed("shares", s) + ".denominator_filters", i),
                                     ctx));
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
  for (const v1::ShareMeasure& share : table.shares()) {
    if (share.has_share_of()) {
      v1::Measure& m = *q.add_measures();
      m.set_kind(v1::Measure::SHARE);
      *m.mutable_share_of() = share.share_of();
    } else if (IsAcross(share)) {
      v1::Measure::Denominator denominator;
      denominator.set_dataset(share.denominator_dataset());
      *denominator.mutable_filters() = share.denominator_filters();
      if (!share.denominator_label().empty()) {
        v1::Measure& count = *q.add_measures();
        count.set_kind(v1::Measure::COUNT);
        *count.mutable_denominator() = denominator;
      }
      v1::Measure& m = *q.add_measures();
      m.set_kind(v1::Measure::SHARE);
      *m.mutable_denominator() = std::move(denominator);
    }  // of_dimension: derived from the counts
  }
  v1::Filter& years = *q.add_filters();
  years.set_dimension(table.years().dimension());
  *years.mutable_codes() = table.years().codes();
  for (const v1::Filter& f : table.filters()) *q.add_filters() = f;
  q.set_totals(!table.no_totals());
  q.set_purpose(table.purpose());
  q.set_legal_basis(table.legal_basis());
  q.set_channel(table.channel());
  q.set_justification(std::string(justification));
  q.set_client_request_id(std::string(request_id));
  return request;
}

std::string TableSha256(const v1::ManifestTable& table) { return CanonicalSha256Hex(table); }

}  // namespace cellgate::client
