#include "client/export/json_export.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/export/provenance.h"
#include "client/export/symbols.h"
#include "client/query_syntax.h"
#include "client/render/query_csv.h"
#include "client/render/table_cells.h"

namespace cellgate::client {
namespace {

std::string Member(absl::string_view key, absl::string_view json_value) {
  return absl::StrCat(JsonString(key), ":", json_value);
}

std::string Object(const std::vector<std::string>& members) {
  return absl::StrCat("{", absl::StrJoin(members, ","), "}");
}

std::string Array(const std::vector<std::string>& items) {
  return absl::StrCat("[", absl::StrJoin(items, ","), "]");
}

std::string StringArray(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& s : items) out.push_back(JsonString(s));
  return Array(out);
}

std::string ProvenanceObject(const v1::PulledTable& pulled) {
  std::vector<std::string> members;
  for (const ProvenanceField& f : Provenance(pulled)) {
    const bool number = f.key == "audit_seq" || f.key == "dataset_version" ||
                        f.key == "policy_version" || f.key == "denominator_dataset_version" ||
                        f.key == "denominator_policy_version";
    members.push_back(Member(f.key, number ? f.value : JsonString(f.value)));
  }
  return Object(members);
}

std::string Dimensions(const v1::ReleasedTable& t) {
  std::vector<std::string> dims;
  for (const v1::Axis& axis : t.axes()) {
    std::vector<std::string> entries;
    for (const v1::AxisEntry& e : axis.entries()) {
      entries.push_back(Object({Member("code", JsonString(e.code())),
                                Member("label", JsonString(EntryLabel(e))),
                                Member("level", JsonString(e.level())),
                                Member("parent", e.parent() < 0 ? "null" : absl::StrCat(e.parent())),
                                Member("total", e.is_total() ? "true" : "false")}));
    }
    dims.push_back(Object({Member("id", JsonString(axis.dimension())),
                           Member("label", JsonString(axis.label())),
                           Member("level", JsonString(axis.level())),
                           Member("entries", Array(entries))}));
  }
  return Array(dims);
}

// The condition of a share (codes empty for a share derived on the
// client), null for other measures.
std::string ShareOf(const v1::Measure& q) {
  if (q.kind() != v1::Measure::SHARE || q.has_denominator()) return "null";
  return Object({Member("dimension", JsonString(q.share_of().dimension())),
                 Member("level", JsonString(q.share_of().level())),
                 Member("codes", StringArray(q.share_of().codes()))});
}

// The other dataset of a share over it (or of its count), null otherwise.
std::string Denominator(const v1::Measure& q) {
  if (!q.has_denominator()) return "null";
  const v1::Measure::Denominator& d = q.denominator();
  std::vector<std::string> filters;
  for (const v1::Filter& f : d.filters()) {
    filters.push_back(Object({Member("dimension", JsonString(f.dimension())),
                              Member("level", JsonString(f.level())),
                              Member("codes", StringArray(f.codes()))}));
  }
  return Object({Member("dataset", JsonString(d.dataset())),
                 Member("dataset_version", absl::StrCat(d.version())),
                 Member("dataset_version_hash", JsonString(d.version_hash())),
                 Member("filters", Array(filters))});
}

std::string Measures(const v1::ReleasedTable& t) {
  std::vector<std::string> measures;
  for (const v1::MeasureFacts& m : t.measures()) {
    const v1::Measure& q = m.measure();
    measures.push_back(Object(
        {Member("id", JsonString(FormatMeasure(q))),
         Member("kind", JsonString(absl::AsciiStrToLower(v1::Measure::Kind_Name(q.kind())))),
         Member("column", q.column().empty() ? "null" : JsonString(q.column())),
         Member("label", JsonString(m.label())),
         Member("display_decimals", absl::StrCat(DisplayDecimals(m))),
         Member("share_of", ShareOf(q)),
         Member("denominator", Denominator(q)),
         Member("derived_on_client", IsClientDerivedShare(q) ? "true" : "false")}));
  }
  return Array(measures);
}

// One cell per line, so that the file diffs well.
std::string Cells(const v1::ReleasedTable& t) {
  std::vector<std::string> cells;
  for (const v1::ReleasedCell& cell : t.cells()) {
    std::vector<std::string> values;
    std::vector<std::string> statuses;
    for (int m = 0; m < t.measures_size() && m < cell.values_size(); ++m) {
      const std::string text = PlainValueText(cell.values(m), t.measures(m));
      values.push_back(text.empty() ? "null" : text);
      statuses.push_back(JsonString(StatusName(cell.values(m).status())));
    }
    cells.push_back(Object({Member("codes", StringArray(cell.codes())),
                            Member("values", Array(values)), Member("statuses", Array(statuses))}));
  }
  return absl::StrCat("[\n", absl::StrJoin(cells, ",\n"), "\n]");
}

std::string Symbols(v1::SymbolSet set) {
  std::vector<std::string> legend;
  for (const LegendEntry& e : SymbolLegend(set)) {
    legend.push_back(Object({Member("status", JsonString(StatusName(e.status))),
                             Member("symbol", JsonString(e.symbol)),
                             Member("meaning", JsonString(e.meaning))}));
  }
  return Object({Member("set", JsonString(SymbolSetName(set))), Member("legend", Array(legend))});
}

}  // namespace

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<': case '>': case '&':
        absl::StrAppendFormat(&out, "\\u%04x", c);
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string ExportJson(const v1::PulledTable& pulled, const ExportOptions& options) {
  const v1::ManifestTable& spec = pulled.table();
  const v1::ReleasedTable& t = pulled.response().table();
  const std::vector<std::string> members = {
      Member("schema", JsonString(kJsonExportSchema)),
      Member("manifest", Object({Member("id", JsonString(options.manifest_id)),
                                 Member("title", JsonString(options.manifest_title)),
                                 Member("publisher", JsonString(options.publisher))})),
      Member("table", Object({Member("id", JsonString(spec.id())),
                              Member("title", JsonString(spec.title())),
                              Member("footnotes", StringArray(spec.footnotes()))})),
      Member("provenance", ProvenanceObject(pulled)),
      Member("symbols", Symbols(options.symbols)),
      Member("dimensions", Dimensions(t)),
      Member("measures", Measures(t)),
      Member("cells", Cells(t)),
  };
  return absl::StrCat("{\n", absl::StrJoin(members, ",\n"), "\n}\n");
}

}  // namespace cellgate::client
