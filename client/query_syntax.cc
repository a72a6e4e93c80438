#include "client/query_syntax.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/exit_codes.h"

namespace cellgate::client {
namespace {

absl::Status BadValue(absl::string_view flag, absl::string_view value, absl::string_view why) {
  return UsageError(absl::StrCat("flag --", flag, " has a bad value \"", value, "\": ", why));
}

// A dimension, level or column name: non-empty, no separators or spaces.
bool IsName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Splits "DIM[:LEVEL]" into the two names; false if either is malformed.
bool SplitDimensionLevel(absl::string_view text, std::string& dimension, std::string& level) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits(':', 1));
  dimension = std::string(parts[0]);
  level = parts.size() > 1 ? std::string(parts[1]) : "";
  return IsName(dimension) && (parts.size() == 1 || IsName(level));
}

std::string DimensionLevel(absl::string_view dimension, absl::string_view level) {
  return level.empty() ? std::string(dimension) : absl::StrCat(dimension, ":", level);
}

std::string Quoted(absl::string_view value) {
  const bool plain = !value.empty() && value.find_first_of(" \t\"'\\") == absl::string_view::npos;
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Parses `condition`, "DIM=C1,C2" or "DIM:LEVEL=C1,C2", the part of flag
// `flag`'s value `text` that names a code set.
absl::StatusOr<v1::Filter> ParseCondition(absl::string_view flag, absl::string_view text,
                                          absl::string_view condition) {
  const std::vector<absl::string_view> sides = absl::StrSplit(condition, absl::MaxSplits('=', 1));
  std::string dimension, level;
  if (sides.size() != 2 || !SplitDimensionLevel(sides[0], dimension, level)) {
    const absl::string_view prefix = flag == "measure" ? "share:" : "";
    return BadValue(flag, text,
                    absl::StrCat("expected ", prefix, "DIM=C1,C2,... or ", prefix,
                                 "DIM:LEVEL=C1,C2,..."));
  }
  v1::Filter filter;
  filter.set_dimension(dimension);
  filter.set_level(level);
  for (absl::string_view code : absl::StrSplit(sides[1], ',')) {
    if (code.empty()) return BadValue(flag, text, "empty code");
    filter.add_codes(std::string(code));
  }
  return filter;
}

}  // namespace

absl::StatusOr<v1::Grouping> ParseGrouping(absl::string_view text) {
  v1::Grouping grouping;
  absl::string_view rest = text;
  if (absl::ConsumeSuffix(&rest, "+")) grouping.set_subtotals(true);
  std::string dimension, level;
  if (!SplitDimensionLevel(rest, dimension, level)) {
    return BadValue("by", text, "expected DIM, DIM:LEVEL, DIM+ or DIM:LEVEL+");
  }
  grouping.set_dimension(dimension);
  grouping.set_level(level);
  return grouping;
}

// A dataset id after "@": [a-z][a-z0-9_]*.
bool IsDatasetId(absl::string_view id) {
  return !id.empty() && absl::ascii_islower(static_cast<unsigned char>(id[0])) && IsName(id);
}

absl::StatusOr<v1::Measure> ParseMeasure(absl::string_view text) {
  v1::Measure measure;
  absl::string_view condition = text;
  for (const auto& [prefix, kind] : {std::pair{"share:@", v1::Measure::SHARE},
                                     std::pair{"count:@", v1::Measure::COUNT}}) {
    absl::string_view dataset = text;
    if (!absl::ConsumePrefix(&dataset, prefix)) continue;
    if (!IsDatasetId(dataset)) return BadValue("measure", text, "expected a dataset id after @");
    measure.set_kind(kind);
    measure.mutable_denominator()->set_dataset(std::string(dataset));
    return measure;
  }
  if (absl::ConsumePrefix(&condition, "share:")) {
    absl::StatusOr<v1::Filter> share_of = ParseCondition("measure", text, condition);
    if (!share_of.ok()) return share_of.status();
    measure.set_kind(v1::Measure::SHARE);
    *measure.mutable_share_of() = *std::move(share_of);
    return measure;
  }
  if (text == "count") {
    measure.set_kind(v1::Measure::COUNT);
    return measure;
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits(':', 1));
  if (parts.size() == 2 && IsName(parts[1]) && (parts[0] == "sum" || parts[0] == "mean")) {
    measure.set_kind(parts[0] == "sum" ? v1::Measure::SUM : v1::Measure::MEAN);
    measure.set_column(std::string(parts[1]));
    return measure;
  }
  return BadValue("measure", text,
                  "expected count, sum:COLUMN, mean:COLUMN, share:DIM[:LEVEL]=C1,C2,..., "
                  "share:@DATASET or count:@DATASET");
}

absl::StatusOr<v1::Filter> ParseFilter(absl::string_view text) {
  return ParseCondition("filter", text, text);
}

absl::StatusOr<v1::Filter> ParseDenominatorFilter(absl::string_view text) {
  return ParseCondition("denominator-filter", text, text);
}

absl::StatusOr<v1::Channel> ParseChannel(absl::string_view text) {
  if (text == "internal") return v1::INTERNAL;
  if (text == "public") return v1::PUBLIC;
  return BadValue("channel", text, "expected internal or public");
}

std::string FormatGrouping(const v1::Grouping& grouping) {
  return absl::StrCat(DimensionLevel(grouping.dimension(), grouping.level()),
                      grouping.subtotals() ? "+" : "");
}

std::string FormatMeasure(const v1::Measure& measure) {
  if (measure.has_denominator()) {
    return absl::StrCat(measure.kind() == v1::Measure::SHARE ? "share" : "count", ":@",
                        measure.denominator().dataset());
  }
  switch (measure.kind()) {
    case v1::Measure::COUNT:
      return "count";
    case v1::Measure::SUM:
      return absl::StrCat("sum:", measure.column());
    case v1::Measure::MEAN:
      return absl::StrCat("mean:", measure.column());
    case v1::Measure::SHARE:
      // A share without codes is one the client derived from the counts
      // (a manifest's of_dimension); it has no flag form.
      if (measure.share_of().codes().empty()) {
        return absl::StrCat("share:", DimensionLevel(measure.share_of().dimension(),
                                                     measure.share_of().level()));
      }
      return absl::StrCat("share:", FormatFilter(measure.share_of()));
    default:
      return absl::StrCat("unspecified:", measure.column());
  }
}

std::string FormatFilter(const v1::Filter& filter) {
  return absl::StrCat(DimensionLevel(filter.dimension(), filter.level()), "=",
                      absl::StrJoin(filter.codes(), ","));
}

std::string FormatQueryFlags(const v1::Query& query) {
  std::vector<std::string> parts = {absl::StrCat("--dataset ", Quoted(query.dataset()))};
  if (query.version() != 0) parts.push_back(absl::StrCat("--version ", query.version()));
  for (const v1::Grouping& g : query.group_by()) {
    parts.push_back(absl::StrCat("--by ", Quoted(FormatGrouping(g))));
  }
  for (const v1::Measure& m : query.measures()) {
    parts.push_back(absl::StrCat("--measure ", Quoted(FormatMeasure(m))));
  }
  for (const v1::Filter& f : query.filters()) {
    parts.push_back(absl::StrCat("--filter ", Quoted(FormatFilter(f))));
  }
  // The denominator's filters, once (every measure of a query has the same
  // denominator).
  for (const v1::Measure& m : query.measures()) {
    if (!m.has_denominator()) continue;
    for (const v1::Filter& f : m.denominator().filters()) {
      parts.push_back(absl::StrCat("--denominator-filter ", Quoted(FormatFilter(f))));
    }
    break;
  }
  if (query.totals()) parts.push_back("--totals");
  parts.push_back(absl::StrCat("--purpose ", Quoted(query.purpose())));
  parts.push_back(absl::StrCat("--legal-basis ", Quoted(query.legal_basis())));
  if (query.channel() == v1::PUBLIC) parts.push_back("--channel public");
  if (!query.justification().empty()) {
    parts.push_back(absl::StrCat("--justification ", Quoted(query.justification())));
  }
  if (!query.client_request_id().empty()) {
    parts.push_back(absl::StrCat("--request-id ", Quoted(query.client_request_id())));
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace cellgate::client
