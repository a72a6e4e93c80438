// Pull manifests (proto/cellgate/v1/manifest.proto): loading a textproto
// file strictly, checking every table, filling in the manifest's defaults,
// and turning a table into the query the server answers. Every error names
// the file, the table id, the field and the value:
//   bildungsbericht.textproto: table "abschluesse": field "measures[1].column":
//   "alter" is not a MEASURE column of dataset "abgang"
// Start with LoadManifest. All functions are thread-safe.
#ifndef CELLGATE_CLIENT_MANIFEST_H_
#define CELLGATE_CLIENT_MANIFEST_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cellgate/v1/data_service.pb.h"
#include "cellgate/v1/dataset.pb.h"
#include "cellgate/v1/manifest.pb.h"

namespace cellgate::client {

// A checked manifest and the hash of the file it came from.
struct LoadedManifest {
  // Every table has its purpose, legal basis and formats filled in from the
  // manifest's defaults.
  v1::Manifest manifest;
  // Hex SHA-256 of the file's bytes.
  std::string sha256;
  // The name used in error messages (the path as given).
  std::string name;
};

// Parses `text` (named `name` in errors) and checks it: ids, titles,
// datasets, years, measures, shares (exactly one of share_of, of_dimension
// and denominator_dataset), formats, xlsx sheet names, purposes, legal bases
// and channels. INVALID_ARGUMENT naming file, table id, field and value;
// syntax errors read "name:line:column: reason".
absl::StatusOr<LoadedManifest> ParseManifest(absl::string_view text, absl::string_view name);

// Checks the xlsx sheet name of every table whose formats include "xlsx"
// (of every table if `every_table`, for --formats xlsx): the table id cut
// to 31 characters must be a name Excel accepts and must differ, ignoring
// case, from every other table's. INVALID_ARGUMENT naming the file, the
// table id, the field "id" and the clashing table. ParseManifest calls it.
absl::Status CheckXlsxSheetNames(const LoadedManifest& loaded, bool every_table);

// Reads `path` (at most 1 MiB) and parses it as above. NOT_FOUND if the
// file does not exist.
absl::StatusOr<LoadedManifest> LoadManifest(const std::string& path);

// Checks `table` against the dataset `schema`: the year dimension and its
// codes, each grouping dimension and level, each filter's and each share's
// share_of dimension, level and code, and each measure column. INVALID_ARGUMENT naming `file`, the
// table id, the field and the value.
absl::Status CheckTableAgainstSchema(const v1::ManifestTable& table,
                                     const v1::DatasetSchema& schema, absl::string_view file);

// Checks a table's shares over another dataset against that dataset's
// `schema`: the years and every grouping dimension and level exist there,
// and each denominator filter's dimension, level and codes (of the shares
// whose denominator_dataset is schema.id()). INVALID_ARGUMENT as above.
absl::Status CheckDenominatorAgainstSchema(const v1::ManifestTable& table,
                                           const v1::DatasetSchema& schema,
                                           absl::string_view file);

// Returns the query for `table` at dataset version `version` (0 = latest):
// the year dimension as the first grouping with a filter on the year codes,
// then the table's groupings, measures (then per share_of share one SHARE,
// per denominator_dataset share a COUNT of the denominator if it has a
// denominator_label and a SHARE; of_dimension shares are derived from the
// answer, see client/export/derived_shares.h), filters and channel; totals
// unless no_totals. `request_id` goes into the audit record.
// REQUIRES: `table` comes from a LoadedManifest.
v1::QueryRequest TableQuery(const v1::ManifestTable& table, int64_t version,
                            absl::string_view justification, absl::string_view request_id);

// Returns the hex SHA-256 of the canonical bytes of `table`.
std::string TableSha256(const v1::ManifestTable& table);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_MANIFEST_H_
