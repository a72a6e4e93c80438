#include "policies/query_shape.h"

#include <string>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cellgate::policies {

absl::Status CheckQueryShape(const v1::QueryShape& shape, const v1::Query& query) {
  if (shape.filterable_dimensions_size() > 0) {
    for (const v1::Filter& filter : query.filters()) {
      const auto& allowed = shape.filterable_dimensions();
      if (std::find(allowed.begin(), allowed.end(), filter.dimension()) == allowed.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the policy of dataset \"", query.dataset(), "\" does not allow filtering by \"",
            filter.dimension(), "\"; it allows ", absl::StrJoin(allowed, ", ")));
      }
    }
  }
  absl::btree_set<std::string> used;
  for (const v1::Grouping& g : query.group_by()) used.insert(g.dimension());
  for (const v1::Filter& f : query.filters()) used.insert(f.dimension());
  for (const v1::DimensionCombination& combination : shape.forbidden_combinations()) {
    bool all = true;
    for (const std::string& d : combination.dimensions()) all = all && used.contains(d);
    if (!all) continue;
    std::string message = absl::StrCat("the policy of dataset \"", query.dataset(),
                                       "\" does not allow combining ",
                                       absl::StrJoin(combination.dimensions(), ", "),
                                       " in one query");
    if (!combination.reason().empty()) absl::StrAppend(&message, ": ", combination.reason());
    return absl::InvalidArgumentError(message);
  }
  return absl::OkStatus();
}

absl::Status PopulationBelowMinimum(int64_t minimum) {
  return absl::FailedPreconditionError(
      absl::StrCat("the filters leave fewer records than the policy's minimum of ", minimum,
                   "; widen the filters"));
}

}  // namespace cellgate::policies
