// The dataset schemas of the Musterstadt demo (population, schueler,
// uebergang, abgang, seu, kita_kind, sgb2_person, vhs_kurs, vhs_belegung)
// as v1::DatasetSchema, and their text form. The
// column order of each schema is the column order of its CSV file. All
// functions are thread-safe.
#ifndef CELLGATE_DEPLOY_DEMO_SCHEMAS_H_
#define CELLGATE_DEPLOY_DEMO_SCHEMAS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cellgate/v1/dataset.pb.h"

namespace cellgate::demo {

// The first of the five years every dataset covers (2021 … 2025).
inline constexpr int kFirstYear = 2021;
inline constexpr int kYearCount = 5;

// Returns the dataset ids in generation order.
const std::vector<std::string>& MusterstadtDatasetIds();

// Returns the schema of dataset `id`. NOT_FOUND `unknown dataset "x"` if
// `id` is not one of MusterstadtDatasetIds().
absl::StatusOr<v1::DatasetSchema> MusterstadtSchema(absl::string_view id);

// Returns `schema` in protobuf text format (UTF-8 labels unescaped), with a
// comment header; deterministic for a given schema.
std::string SchemaText(const v1::DatasetSchema& schema);

// Returns the column names of `schema`, in order.
std::vector<std::string> ColumnNames(const v1::DatasetSchema& schema);

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_SCHEMAS_H_
