#include "client/report/audit_columns.h"

#include <functional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/export/csv_export.h"
#include "client/export/json_export.h"
#include "client/query_syntax.h"
#include "client/render/query_csv.h"
#include "common/utf8.h"

namespace cellgate::client {
namespace {

using Kind = AuditColumn::Kind;
using Value = std::optional<std::string>;

// Replaces every invalid UTF-8 sequence with U+FFFD, so that both formats
// stay valid UTF-8 whatever a refused request carried.
std::string ValidUtf8(absl::string_view text) {
  if (FirstInvalidUtf8(text) == text.size()) return std::string(text);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const size_t len = Utf8SequenceLength(text, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.data() + i, len);
      i += len;
    }
  }
  return out;
}

Value Number(bool present, int64_t value) {
  return present ? Value(absl::StrCat(value)) : std::nullopt;
}

using List = std::vector<std::string>;

struct ColumnDef {
  AuditColumn column;
  std::function<Value(const v1::AuditRecord&, const v1::ExportedRecord&)> value;
  // kList columns only: the items (`value` is them joined by ";").
  std::function<List(const v1::AuditRecord&, const v1::ExportedRecord&)> list = nullptr;
};

List ReasonCodes(const v1::AuditRecord& r, const v1::ExportedRecord&) {
  return {r.reason_codes().begin(), r.reason_codes().end()};
}

// The kinds ("identity", "content") of the record's details in `state`:
// deleted by retention, or not readable (their fields are then empty).
List DetailsIn(const v1::ExportedRecord& e, v1::DetailStatus::State state) {
  List kinds;
  for (const v1::DetailStatus& d : e.details()) {
    if (d.state() == state) kinds.push_back(d.kind() == v1::IDENTITY ? "identity" : "content");
  }
  return kinds;
}

ColumnDef ListColumn(std::string name,
                     std::function<List(const v1::AuditRecord&, const v1::ExportedRecord&)> list) {
  return {{std::move(name), Kind::kList},
          [list](const v1::AuditRecord& r, const v1::ExportedRecord& e) {
            return Value(absl::StrJoin(list(r, e), ";"));
          },
          list};
}

// The columns of docs/audit-export.md, in order. Adding one is a
// compatible change; removing or renaming one is a new schema version.
const std::vector<ColumnDef>& Defs() {
  using R = const v1::AuditRecord&;
  using E = const v1::ExportedRecord&;
  static const auto* defs = new std::vector<ColumnDef>{
      {{"seq", Kind::kNumber}, [](R r, E) { return Number(true, static_cast<int64_t>(r.seq())); }},
      {{"time_utc"}, [](R r, E) { return Value(r.time_utc()); }},
      {{"type"}, [](R r, E) { return Value(AuditTypeName(r.record_type())); }},
      {{"release_id"}, [](R r, E) { return Value(r.release_id()); }},
      {{"client_request_id"}, [](R r, E) { return Value(r.client_request_id()); }},
      {{"principal"}, [](R r, E) { return Value(r.requester().principal()); }},
      {{"department"}, [](R r, E) { return Value(r.requester().department()); }},
      {{"role"}, [](R r, E) { return Value(r.requester().role()); }},
      {{"certificate_identity"}, [](R r, E) { return Value(r.requester().certificate_identity()); }},
      {{"cert_sha256"}, [](R r, E) { return Value(r.requester().cert_sha256()); }},
      {{"peer"}, [](R r, E) { return Value(r.requester().peer()); }},
      {{"purpose"}, [](R r, E) { return Value(r.purpose()); }},
      {{"legal_basis"}, [](R r, E) { return Value(r.legal_basis()); }},
      {{"justification"}, [](R r, E) { return Value(r.justification()); }},
      {{"dataset"}, [](R r, E) { return Value(r.dataset()); }},
      {{"dataset_version", Kind::kNumber},
       [](R r, E) { return Number(r.dataset_version() != 0, r.dataset_version()); }},
      {{"dataset_version_hash"}, [](R r, E) { return Value(r.dataset_version_hash()); }},
      {{"policy_id"}, [](R r, E) { return Value(r.policy_id()); }},
      {{"policy_version", Kind::kNumber},
       [](R r, E) { return Number(!r.policy_id().empty(), r.policy_version()); }},
      {{"policy_hash"}, [](R r, E) { return Value(r.policy_hash()); }},
      {{"access_policy_hash"}, [](R r, E) { return Value(r.access_policy_hash()); }},
      {{"query"}, [](R r, E) { return Value(r.has_query() ? FormatQueryFlags(r.query()) : ""); }},
      {{"query_hash"}, [](R r, E) { return Value(r.query_hash()); }},
      {{"decision"}, [](R r, E) { return Value(AuditDecisionName(r.decision())); }},
      ListColumn("reason_codes", ReasonCodes),
      {{"reason"}, [](R r, E) { return Value(r.reason()); }},
      {{"cells", Kind::kNumber}, [](R r, E) { return Number(r.has_counts(), r.counts().cells()); }},
      {{"published", Kind::kNumber},
       [](R r, E) { return Number(r.has_counts(), r.counts().published()); }},
      {{"zero", Kind::kNumber}, [](R r, E) { return Number(r.has_counts(), r.counts().zero()); }},
      {{"suppressed_primary", Kind::kNumber},
       [](R r, E) { return Number(r.has_counts(), r.counts().suppressed_primary()); }},
      {{"suppressed_secondary", Kind::kNumber},
       [](R r, E) { return Number(r.has_counts(), r.counts().suppressed_secondary()); }},
      {{"not_applicable", Kind::kNumber},
       [](R r, E) { return Number(r.has_counts(), r.counts().not_applicable()); }},
      {{"released_table_sha256"}, [](R r, E) { return Value(r.released_table_sha256()); }},
      {{"linked_releases", Kind::kNumber},
       [](R r, E) { return Number(r.has_ledger_audit(), r.ledger_audit().linked_releases()); }},
      {{"source_name"}, [](R r, E) { return Value(r.source_name()); }},
      {{"source_sha256"}, [](R r, E) { return Value(r.source_sha256()); }},
      {{"row_count", Kind::kNumber},
       [](R r, E) { return Number(!r.source_name().empty() || r.row_count() != 0, r.row_count()); }},
      {{"detail"}, [](R r, E) { return Value(r.detail()); }},
      {{"build_version"}, [](R r, E) { return Value(r.build_version()); }},
      {{"leaf_hash"}, [](R, E e) { return Value(e.leaf_hash()); }},
      // Added within version 1 (format 2 of the log, ADR 0005).
      ListColumn("redacted", [](R, E e) { return DetailsIn(e, v1::DetailStatus::DETAIL_REDACTED); }),
      ListColumn("unreadable",
                 [](R, E e) { return DetailsIn(e, v1::DetailStatus::DETAIL_UNREADABLE); }),
  };
  return *defs;
}

// A list column as a JSON array.
std::string JsonList(const List& list) {
  std::vector<std::string> items;
  for (const std::string& item : list) items.push_back(JsonString(ValidUtf8(item)));
  return absl::StrCat("[", absl::StrJoin(items, ","), "]");
}

}  // namespace

const std::vector<AuditColumn>& AuditColumns() {
  static const auto* columns = [] {
    auto* out = new std::vector<AuditColumn>();
    for (const ColumnDef& def : Defs()) out->push_back(def.column);
    return out;
  }();
  return *columns;
}

std::vector<std::optional<std::string>> AuditValues(const v1::ExportedRecord& record) {
  std::vector<Value> values;
  values.reserve(Defs().size());
  for (const ColumnDef& def : Defs()) {
    Value v = def.value(record.record(), record);
    if (v.has_value()) v = ValidUtf8(*v);
    values.push_back(std::move(v));
  }
  return values;
}

std::string AuditTypeName(v1::RecordType type) {
  if (!v1::RecordType_IsValid(type) || type == v1::RECORD_TYPE_UNSPECIFIED) return "unspecified";
  return absl::AsciiStrToLower(v1::RecordType_Name(type));
}

std::string AuditDecisionName(v1::Decision decision) {
  switch (decision) {
    case v1::RELEASED:
      return "released";
    case v1::REFUSED:
      return "refused";
    default:
      return "";
  }
}

std::string AuditCsvHeader() {
  std::vector<std::string> names;
  for (const AuditColumn& c : AuditColumns()) names.push_back(c.name);
  return absl::StrCat(absl::StrJoin(names, ","), "\r\n");
}

std::string AuditCsvRow(const v1::ExportedRecord& record) {
  const std::vector<Value> values = AuditValues(record);
  const std::vector<AuditColumn>& columns = AuditColumns();
  std::vector<std::string> fields;
  fields.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].has_value()) {
      fields.emplace_back();
      continue;
    }
    const bool guard = columns[i].kind != Kind::kNumber && columns[i].name != "query";
    fields.push_back(CsvField(guard ? SpreadsheetText(*values[i]) : *values[i]));
  }
  return absl::StrCat(absl::StrJoin(fields, ","), "\r\n");
}

std::string AuditJsonLine(const v1::ExportedRecord& record) {
  const std::vector<Value> values = AuditValues(record);
  const std::vector<AuditColumn>& columns = AuditColumns();
  std::string out = absl::StrCat("{\"schema\":", JsonString(kAuditRecordSchema));
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StrAppend(&out, ",", JsonString(columns[i].name), ":");
    if (!values[i].has_value()) {
      out += "null";
    } else if (columns[i].kind == Kind::kNumber) {
      out += *values[i];
    } else if (columns[i].kind == Kind::kList) {
      out += JsonList(Defs()[i].list(record.record(), record));
    } else {
      out += JsonString(*values[i]);
    }
  }
  out += "}\n";
  return out;
}

}  // namespace cellgate::client
