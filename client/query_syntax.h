// The command-line syntax of query parts, both ways: `--by DIM[:LEVEL][+]`,
// `--measure count|sum:COL|mean:COL|share:DIM[:LEVEL]=C1,C2,...|share:@DATASET|count:@DATASET`,
// `--filter DIM[:LEVEL]=C1,C2,...` and `--denominator-filter` (same form)
// parse into v1 messages, and a v1::Query formats back into the flags that
// ask it (for `audit show`). Errors are usage errors naming the flag and the
// value. All functions are thread-safe.
#ifndef CELLGATE_CLIENT_QUERY_SYNTAX_H_
#define CELLGATE_CLIENT_QUERY_SYNTAX_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cellgate/v1/query.pb.h"

namespace cellgate::client {

// Parses "DIM", "DIM:LEVEL", "DIM+" or "DIM:LEVEL+" ("+" asks for subtotals).
// Usage error (INVALID_ARGUMENT) naming --by and the value if malformed.
absl::StatusOr<v1::Grouping> ParseGrouping(absl::string_view text);

// Parses "count", "sum:COL", "mean:COL", "share:DIM=C1,C2" /
// "share:DIM:LEVEL=C1,C2" (a SHARE measure whose share_of is the code set,
// written as for --filter), or "share:@DATASET" / "count:@DATASET" (a SHARE
// over, or the COUNT of, the records of another dataset: Measure.
// denominator; its filters come from --denominator-filter). Usage error
// naming --measure.
absl::StatusOr<v1::Measure> ParseMeasure(absl::string_view text);

// Parses "DIM=C1,C2" or "DIM:LEVEL=C1,C2" (codes may hold "/", "." and "-").
// Usage error naming --filter if a part is missing or a code is empty.
absl::StatusOr<v1::Filter> ParseFilter(absl::string_view text);
// Parses a --denominator-filter value, written as for --filter.
absl::StatusOr<v1::Filter> ParseDenominatorFilter(absl::string_view text);
// "internal" or "public" (the release channel); a usage error otherwise.
absl::StatusOr<v1::Channel> ParseChannel(absl::string_view text);

// Return the flag values that ParseGrouping, ParseMeasure and ParseFilter
// turn back into the same message; e.g. "stadtteil:sozialraum+",
// "mean:alter_monate", "share:mh=ja", "schuljahr=2024/25,2025/26". A
// SHARE whose share_of has no codes (derived on the client from the counts,
// see client/export/derived_shares.h) formats as "share:DIM[:LEVEL]", which
// ParseMeasure rejects.
std::string FormatGrouping(const v1::Grouping& grouping);
std::string FormatMeasure(const v1::Measure& measure);
std::string FormatFilter(const v1::Filter& filter);

// Returns `query` as one line of query flags, e.g. "--dataset abgang --by sex
// --measure count --totals --purpose bildungsbericht --legal-basis x"; values
// with spaces or quotes are double-quoted. A denominator's filters follow
// the filters as --denominator-filter.
std::string FormatQueryFlags(const v1::Query& query);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_QUERY_SYNTAX_H_
