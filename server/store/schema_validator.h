// Validates a dataset schema against the rules stated in
// proto/cellgate/v1/dataset.proto before it is stored. Thread-safe.
#ifndef CELLGATE_SERVER_STORE_SCHEMA_VALIDATOR_H_
#define CELLGATE_SERVER_STORE_SCHEMA_VALIDATOR_H_

#include "absl/status/status.h"
#include "cellgate/v1/dataset.pb.h"

namespace cellgate::store {

// Returns OK for a valid schema; INVALID_ARGUMENT naming the first bad
// column, level or code, e.g.
// `column "bezirk" level "bezirk": code "07" has unknown parent "9"`, or a
// measure's contributor that is not a CONTRIBUTOR or DIMENSION column
// (`column "ustd": contributor "kurs" is not a column of the dataset`).
absl::Status ValidateSchema(const v1::DatasetSchema& schema);

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_SCHEMA_VALIDATOR_H_
