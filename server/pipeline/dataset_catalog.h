// The datasets the server answers from: schemas and versions in the store,
// loaded versions in memory (the latest of each dataset at start, older ones
// on first use). Thread-safe.
#ifndef CELLGATE_SERVER_PIPELINE_DATASET_CATALOG_H_
#define CELLGATE_SERVER_PIPELINE_DATASET_CATALOG_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cellgate/v1/data_service.pb.h"
#include "server/engine/loaded_version.h"
#include "server/store/store.h"

namespace cellgate::pipeline {

class DatasetCatalog {
 public:
  // Loads the latest version of every dataset. `store` must outlive the
  // catalog. Errors of the store pass through with the dataset named.
  static absl::StatusOr<std::unique_ptr<DatasetCatalog>> Open(store::Store& store);

  // Returns summaries of all datasets, sorted by id.
  absl::StatusOr<std::vector<v1::DatasetSummary>> List() const;
  // Returns schema and versions. NOT_FOUND for an unknown dataset.
  absl::StatusOr<v1::DescribeDatasetResponse> Describe(absl::string_view dataset) const;
  // Returns the loaded version (`version` 0: the latest). NOT_FOUND if the
  // dataset or version does not exist or no data was ingested yet.
  absl::StatusOr<std::shared_ptr<const engine::LoadedVersion>> Get(absl::string_view dataset,
                                                                   int64_t version);
  // Loads `version` of `dataset` and makes it the latest (after an ingest).
  absl::Status AddVersion(absl::string_view dataset, int64_t version);

  store::Store& store() const { return store_; }

 private:
  explicit DatasetCatalog(store::Store& store) : store_(store) {}
  absl::StatusOr<std::shared_ptr<const engine::LoadedVersion>> Load(absl::string_view dataset,
                                                                    int64_t version);

  store::Store& store_;
  mutable absl::Mutex mu_;
  // (dataset, version) -> loaded version. Guarded by mu_.
  absl::btree_map<std::pair<std::string, int64_t>, std::shared_ptr<const engine::LoadedVersion>>
      loaded_ ABSL_GUARDED_BY(mu_);
  absl::btree_map<std::string, int64_t> latest_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_DATASET_CATALOG_H_
