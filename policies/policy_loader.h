// Loads disclosure policies: textproto → validated v1::DisclosurePolicy with
// its defaults applied, and the policy hash recorded in the audit log. Start
// with ParsePolicy. The field rules and defaults are in docs/policies.md.
// Thread-safe (pure functions).
#ifndef CELLGATE_POLICIES_POLICY_LOADER_H_
#define CELLGATE_POLICIES_POLICY_LOADER_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cellgate/v1/policy.pb.h"

namespace cellgate::policies {

// Default of ThresholdRule.k, and its smallest allowed value.
inline constexpr int kDefaultThresholdK = 3;
// Default and largest allowed QueryShape.max_dimensions.
inline constexpr int kDefaultMaxDimensions = 4;
// Default QueryShape.max_cells.
inline constexpr int64_t kDefaultMaxCells = 50000;
// Default ProtectionLevels.sum_percent.
inline constexpr int32_t kDefaultSumProtectionPercent = 10;

// Parses `text` (protobuf text format) and validates it with ValidatePolicy.
// Returns INVALID_ARGUMENT on a syntax error, an unknown field or an invalid
// value; every message starts with `source_name` (usually the file path).
absl::StatusOr<v1::DisclosurePolicy> ParsePolicy(absl::string_view text,
                                                 absl::string_view source_name);

// Applies the defaults to unset (zero) fields of `policy` in place, then
// validates it. Returns INVALID_ARGUMENT naming the field and quoting the
// value, e.g. `policy "seu": threshold.k is 2; must be at least 3`.
absl::Status ValidatePolicy(v1::DisclosurePolicy& policy);

// True if `policy` configures the cell key method (a ptable or channels).
bool HasPerturbation(const v1::DisclosurePolicy& policy);

// Returns the lower-case hex SHA-256 of the canonical serialization of
// `policy`. REQUIRES: `policy` went through ValidatePolicy, so that a file
// with and without explicit defaults hashes alike.
std::string PolicyHash(const v1::DisclosurePolicy& policy);

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_POLICY_LOADER_H_
