#include "client/commands/query_command.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "client/commands/command_util.h"
#include "client/exit_codes.h"
#include "client/query_syntax.h"
#include "client/render/query_csv.h"
#include "client/render/query_table.h"
#include "common/status_macros.h"

namespace cellgate::client {

absl::StatusOr<v1::QueryRequest> BuildQueryRequest(const CommandLine& line) {
  v1::QueryRequest request;
  v1::Query& query = *request.mutable_query();
  query.set_dataset(line.Value("dataset"));
  ASSIGN_OR_RETURN(const int64_t version,
                   IntegerFlag(line, "version", 0, 0, std::numeric_limits<int64_t>::max()));
  query.set_version(version);
  for (const std::string& by : line.Values("by")) {
    ASSIGN_OR_RETURN(*query.add_group_by(), ParseGrouping(by));
  }
  for (const std::string& measure : line.Values("measure")) {
    ASSIGN_OR_RETURN(*query.add_measures(), ParseMeasure(measure));
  }
  if (query.measures().empty()) query.add_measures()->set_kind(v1::Measure::COUNT);
  for (const std::string& filter : line.Values("filter")) {
    ASSIGN_OR_RETURN(*query.add_filters(), ParseFilter(filter));
  }
  // --denominator-filter restricts the records of the @DATASET measures.
  std::vector<v1::Filter> denominator_filters;
  for (const std::string& filter : line.Values("denominator-filter")) {
    ASSIGN_OR_RETURN(denominator_filters.emplace_back(), ParseDenominatorFilter(filter));
  }
  bool has_denominator = false;
  for (v1::Measure& m : *query.mutable_measures()) {
    if (!m.has_denominator()) continue;
    has_denominator = true;
    for (const v1::Filter& f : denominator_filters) *m.mutable_denominator()->add_filters() = f;
  }
  if (!denominator_filters.empty() && !has_denominator) {
    return UsageError(
        "flag --denominator-filter needs a --measure share:@DATASET or count:@DATASET");
  }
  query.set_totals(line.Has("totals"));
  query.set_purpose(line.Value("purpose"));
  query.set_legal_basis(line.Value("legal-basis"));
  if (line.Has("channel")) {
    ASSIGN_OR_RETURN(const v1::Channel channel, ParseChannel(line.Value("channel")));
    query.set_channel(channel);
  }
  query.set_justification(line.Value("justification"));
  query.set_client_request_id(line.Value("request-id"));
  return request;
}

absl::Status RunQuery(const CommandLine& line, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "csv", "json"}));
  ASSIGN_OR_RETURN(const v1::QueryRequest request, BuildQueryRequest(line));
  ASSIGN_OR_RETURN(const v1::QueryResponse response, connection.Query(request));
  switch (format) {
    case OutputFormat::kJson:
      return WriteJson(response, out);
    case OutputFormat::kCsv:
      out << RenderQueryCsv(response);
      return absl::OkStatus();
    case OutputFormat::kTable:
      out << RenderQueryTable(response);
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace cellgate::client
