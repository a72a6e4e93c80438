#include "server/pipeline/dataset_catalog.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/status_util.h"

namespace cellgate::pipeline {

absl::StatusOr<std::unique_ptr<DatasetCatalog>> DatasetCatalog::Open(store::Store& store) {
  std::unique_ptr<DatasetCatalog> catalog(new DatasetCatalog(store));
  ASSIGN_OR_RETURN(const std::vector<v1::DatasetSchema> schemas, store.ListDatasets());
  for (const v1::DatasetSchema& schema : schemas) {
    ASSIGN_OR_RETURN(const std::vector<v1::DatasetVersionInfo> versions,
                     store.ListVersions(schema.id()));
    if (versions.empty()) continue;
    RETURN_IF_ERROR(catalog->AddVersion(schema.id(), versions.back().version()));
  }
  return catalog;
}

absl::StatusOr<std::vector<v1::DatasetSummary>> DatasetCatalog::List() const {
  ASSIGN_OR_RETURN(const std::vector<v1::DatasetSchema> schemas, store_.ListDatasets());
  std::vector<v1::DatasetSummary> out;
  absl::MutexLock lock(&mu_);
  for (const v1::DatasetSchema& schema : schemas) {
    v1::DatasetSummary& s = out.emplace_back();
    s.set_id(schema.id());
    s.set_title(schema.title());
    s.set_source_office(schema.source_office());
    const auto latest = latest_.find(schema.id());
    if (latest == latest_.end()) continue;
    const auto& version = loaded_.at({schema.id(), latest->second});
    s.set_latest_version(latest->second);
    s.set_latest_version_hash(version->info().version_hash());
    s.set_row_count(version->row_count());
  }
  return out;
}

absl::StatusOr<v1::DescribeDatasetResponse> DatasetCatalog::Describe(
    absl::string_view dataset) const {
  v1::DescribeDatasetResponse response;
  ASSIGN_OR_RETURN(*response.mutable_schema(), store_.GetDataset(dataset));
  ASSIGN_OR_RETURN(const std::vector<v1::DatasetVersionInfo> versions,
                   store_.ListVersions(dataset));
  for (const v1::DatasetVersionInfo& v : versions) {
    v1::DatasetVersionInfo* out = response.add_versions();
    *out = v;
    out->clear_source_name();
    out->clear_ingested_by();
  }
  return response;
}

absl::StatusOr<std::shared_ptr<const engine::LoadedVersion>> DatasetCatalog::Get(
    absl::string_view dataset, int64_t version) {
  {
    absl::MutexLock lock(&mu_);
    if (version == 0) {
      const auto latest = latest_.find(std::string(dataset));
      if (latest == latest_.end()) {
        // Distinguish "unknown dataset" from "no data yet" without a lock
        // order problem: the store answers below.
        version = -1;
      } else {
        version = latest->second;
      }
    }
    if (version > 0) {
      const auto it = loaded_.find({std::string(dataset), version});
      if (it != loaded_.end()) return it->second;
    }
  }
  if (version == -1) {
    RETURN_IF_ERROR(store_.GetDataset(dataset).status());
    return absl::NotFoundError(absl::StrCat("dataset \"", dataset, "\" has no data yet"));
  }
  return Load(dataset, version);
}

absl::Status DatasetCatalog::AddVersion(absl::string_view dataset, int64_t version) {
  RETURN_IF_ERROR(Load(dataset, version).status());
  absl::MutexLock lock(&mu_);
  int64_t& latest = latest_[std::string(dataset)];
  if (version > latest) latest = version;
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const engine::LoadedVersion>> DatasetCatalog::Load(
    absl::string_view dataset, int64_t version) {
  const std::string context = absl::StrCat("loading dataset \"", dataset, "\" v", version);
  ASSIGN_OR_RETURN(v1::DatasetSchema schema, store_.GetDataset(dataset));
  absl::StatusOr<v1::VersionData> data = store_.LoadVersion(dataset, version);
  if (!data.ok()) {
    if (absl::IsNotFound(data.status())) {
      return absl::NotFoundError(
          absl::StrCat("dataset \"", dataset, "\" has no version ", version));
    }
    return Annotate(data.status(), context);
  }
  absl::StatusOr<std::shared_ptr<const engine::LoadedVersion>> loaded =
      engine::LoadedVersion::Create(std::move(schema), std::move(*data));
  if (!loaded.ok()) return Annotate(loaded.status(), context);
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = loaded_.emplace(std::make_pair(std::string(dataset), version), *loaded);
  return it->second;
}

}  // namespace cellgate::pipeline
