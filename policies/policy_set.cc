#include "policies/policy_set.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "policies/policy_loader.h"

namespace cellgate::policies {
namespace {

// Policy files are small; anything larger is a mistake.
constexpr int64_t kMaxPolicyFileBytes = 1 << 20;

// Returns the sorted paths of the *.textproto files in `dir`.
absl::StatusOr<std::vector<std::string>> ListPolicyFiles(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("policy directory \"", dir, "\" does not exist"));
  }
  std::vector<std::string> paths;
  std::filesystem::directory_iterator it(dir, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::filesystem::path& path = it->path();
    if (path.extension() != ".textproto") continue;
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    paths.push_back(path.string());
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot list policy directory \"", dir, "\": ", ec.message()));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

absl::StatusOr<PolicySet> PolicySet::LoadDirectory(const std::string& dir) {
  ASSIGN_OR_RETURN(const std::vector<std::string> paths, ListPolicyFiles(dir));
  if (paths.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("policy directory \"", dir, "\" holds no policy (*.textproto)"));
  }
  std::vector<Source> sources;
  for (const std::string& path : paths) {
    ASSIGN_OR_RETURN(const std::string text, ReadFileBounded(path, kMaxPolicyFileBytes));
    ASSIGN_OR_RETURN(v1::DisclosurePolicy policy, ParsePolicy(text, path));
    sources.push_back(Source{absl::StrCat("policy file \"", path, "\""), std::move(policy)});
  }
  return Build(std::move(sources));
}

absl::StatusOr<PolicySet> PolicySet::FromPolicies(std::vector<v1::DisclosurePolicy> policies) {
  if (policies.empty()) return absl::InvalidArgumentError("no disclosure policy given");
  std::vector<Source> sources;
  for (v1::DisclosurePolicy& policy : policies) {
    RETURN_IF_ERROR(ValidatePolicy(policy));
    std::string name = absl::StrCat("policy \"", policy.id(), "\"");
    sources.push_back(Source{std::move(name), std::move(policy)});
  }
  return Build(std::move(sources));
}

absl::StatusOr<PolicySet> PolicySet::Build(std::vector<Source> sources) {
  PolicySet set;
  // Dataset and id → name of the source that claimed it first.
  absl::flat_hash_map<std::string, std::string> dataset_source;
  absl::flat_hash_map<std::string, std::string> id_source;
  for (Source& source : sources) {
    const std::string& dataset = source.policy.dataset();
    if (auto [it, inserted] = dataset_source.emplace(dataset, source.name); !inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(it->second, " and ", source.name, " both govern dataset \"", dataset, "\""));
    }
    // The audit log names a policy by id and version, so ids must be unique.
    if (auto [it, inserted] = id_source.emplace(source.policy.id(), source.name); !inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          it->second, " and ", source.name, " both have policy id \"", source.policy.id(), "\""));
    }
    set.by_dataset_.emplace(dataset, std::move(source.policy));
  }
  return set;
}

std::vector<const v1::DisclosurePolicy*> PolicySet::All() const {
  std::vector<const v1::DisclosurePolicy*> all;
  for (const auto& [dataset, policy] : by_dataset_) all.push_back(&policy);
  return all;
}

absl::StatusOr<const v1::DisclosurePolicy*> PolicySet::ForDataset(absl::string_view dataset) const {
  auto it = by_dataset_.find(dataset);
  if (it == by_dataset_.end()) it = by_dataset_.find(absl::string_view("*"));
  if (it == by_dataset_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no disclosure policy governs dataset \"", dataset, "\""));
  }
  return &it->second;
}

}  // namespace cellgate::policies
