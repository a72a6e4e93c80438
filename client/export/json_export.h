// The json export of a pulled table for the portal: schema
// "cellgate.table/1", specified in docs/export-json.md. Values and statuses
// are apart (parallel arrays per cell), figures are JSON numbers or null,
// and the file carries the release id, dataset and policy versions. Strings
// escape "<", ">" and "&" too, so the file can be embedded in a web page.
// Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_JSON_EXPORT_H_
#define CELLGATE_CLIENT_EXPORT_JSON_EXPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cellgate/v1/manifest.pb.h"
#include "client/export/export_format.h"

namespace cellgate::client {

// The value of the "schema" member; bumped on any incompatible change.
inline constexpr absl::string_view kJsonExportSchema = "cellgate.table/1";

// Returns the json file of `pulled`, ending in "\n".
std::string ExportJson(const v1::PulledTable& pulled, const ExportOptions& options);

// Returns `text` as a JSON string literal with its quotes.
std::string JsonString(absl::string_view text);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_JSON_EXPORT_H_
