// `cellgate datasets` and `cellgate describe DATASET`: what a department may
// query, and the columns, code lists (German labels), measures and versions
// of one dataset. Thread-safe (no state).
#ifndef CELLGATE_CLIENT_COMMANDS_DATASET_COMMANDS_H_
#define CELLGATE_CLIENT_COMMANDS_DATASET_COMMANDS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "cellgate/v1/data_service.pb.h"
#include "client/cli_flags.h"
#include "client/connection.h"

namespace cellgate::client {

// Returns the table of datasets: id, title, source office, latest version,
// rows.
std::string RenderDatasetList(const v1::ListDatasetsResponse& response);

// Returns the description of one dataset: header, columns with kind and
// label, per dimension its levels with code counts and codes with labels,
// measures with unit, versions.
std::string RenderDatasetDescription(const v1::DescribeDatasetResponse& response);

// Run the commands and write their output (--format table|json) to `out`;
// return the server's status on failure.
absl::Status RunDatasets(const CommandLine& line, Connection& connection, std::ostream& out);
absl::Status RunDescribe(const CommandLine& line, Connection& connection, std::ostream& out);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_COMMANDS_DATASET_COMMANDS_H_
