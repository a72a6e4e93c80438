#include "policies/policy_loader.h"

#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/canonical.h"
#include "common/status_macros.h"
#include "common/textproto.h"
#include "policies/cell_key_perturbation.h"

namespace cellgate::policies {
namespace {

// Returns true if `s` matches [a-z][a-z0-9<extra>]{0,63}.
bool MatchesName(absl::string_view s, absl::string_view extra) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    extra.find(c) != absl::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsPolicyId(absl::string_view s) { return MatchesName(s, "_-"); }
// Dataset ids and column names, as the store's schema validator defines them.
bool IsDatasetOrColumnName(absl::string_view s) { return MatchesName(s, "_"); }

absl::Status Bad(const v1::DisclosurePolicy& policy, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("policy \"", policy.id(), "\": ", reason));
}

void ApplyDefaults(v1::DisclosurePolicy& policy) {
  v1::ThresholdRule& threshold = *policy.mutable_threshold();
  if (threshold.k() == 0) threshold.set_k(kDefaultThresholdK);
  v1::QueryShape& shape = *policy.mutable_shape();
  if (shape.max_dimensions() == 0) shape.set_max_dimensions(kDefaultMaxDimensions);
  if (shape.max_cells() == 0) shape.set_max_cells(kDefaultMaxCells);
  v1::ProtectionLevels& protection = *policy.mutable_protection();
  if (protection.count_upper() == 0) protection.set_count_upper(1);
  if (protection.sum_percent() == 0) protection.set_sum_percent(kDefaultSumProtectionPercent);
  if (HasPerturbation(policy) && policy.perturbation().channels().empty()) {
    policy.mutable_perturbation()->add_channels(v1::PUBLIC);
  }
}

absl::Status ValidateHeader(const v1::DisclosurePolicy& policy) {
  if (!IsPolicyId(policy.id())) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy id \"", policy.id(), "\" must match [a-z][a-z0-9_-]{0,63}"));
  }
  if (policy.version() < 1) {
    return Bad(policy, absl::StrCat("version is ", policy.version(), "; must be at least 1"));
  }
  if (policy.dataset() != "*" && !IsDatasetOrColumnName(policy.dataset())) {
    return Bad(policy, absl::StrCat("dataset \"", policy.dataset(),
                                    "\" must be \"*\" or match [a-z][a-z0-9_]{0,63}"));
  }
  return absl::OkStatus();
}

absl::Status ValidateThreshold(const v1::DisclosurePolicy& policy) {
  const v1::ThresholdRule& threshold = policy.threshold();
  if (threshold.k() < kDefaultThresholdK) {
    return Bad(policy, absl::StrCat("threshold.k is ", threshold.k(), "; must be at least ",
                                    kDefaultThresholdK));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < threshold.per_dimension_size(); ++i) {
    const v1::DimensionThreshold& d = threshold.per_dimension(i);
    const std::string field = absl::StrCat("threshold.per_dimension[", i, "]");
    if (!IsDatasetOrColumnName(d.dimension())) {
      return Bad(policy, absl::StrCat(field, ".dimension \"", d.dimension(),
                                      "\" must match [a-z][a-z0-9_]{0,63}"));
    }
    if (!seen.insert(d.dimension()).second) {
      return Bad(policy,
                 absl::StrCat(field, ".dimension \"", d.dimension(), "\" appears more than once"));
    }
    if (d.k() < threshold.k()) {
      return Bad(policy, absl::StrCat(field, ".k for \"", d.dimension(), "\" is ", d.k(),
                                      "; must be at least threshold.k ", threshold.k()));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateShape(const v1::DisclosurePolicy& policy) {
  const v1::QueryShape& shape = policy.shape();
  if (shape.max_dimensions() < 1 || shape.max_dimensions() > kDefaultMaxDimensions) {
    return Bad(policy, absl::StrCat("shape.max_dimensions is ", shape.max_dimensions(),
                                    "; must be 1..", kDefaultMaxDimensions));
  }
  if (shape.max_cells() < 1) {
    return Bad(policy,
               absl::StrCat("shape.max_cells is ", shape.max_cells(), "; must be at least 1"));
  }
  for (int i = 0; i < shape.forbidden_combinations_size(); ++i) {
    const auto& names = shape.forbidden_combinations(i).dimensions();
    const absl::flat_hash_set<std::string> distinct(names.begin(), names.end());
    if (names.size() < 2 || static_cast<int>(distinct.size()) != names.size() ||
        distinct.contains("")) {
      return Bad(policy, absl::StrCat("shape.forbidden_combinations[", i,
                                      "] must name at least two distinct dimensions"));
    }
  }
  if (shape.min_population() < 0) {
    return Bad(policy, absl::StrCat("shape.min_population is ", shape.min_population(),
                                    "; must be 0 or more"));
  }
  const absl::flat_hash_set<std::string> filterable(shape.filterable_dimensions().begin(),
                                                    shape.filterable_dimensions().end());
  if (static_cast<int>(filterable.size()) != shape.filterable_dimensions_size()) {
    return Bad(policy, "shape.filterable_dimensions names a dimension twice");
  }
  return absl::OkStatus();
}

absl::Status ValidateProtection(const v1::DisclosurePolicy& policy) {
  const v1::ProtectionLevels& p = policy.protection();
  if (p.count_lower() < 0 || p.count_lower() > 1000) {
    return Bad(policy,
               absl::StrCat("protection.count_lower is ", p.count_lower(), "; must be 0..1000"));
  }
  if (p.count_upper() < 1 || p.count_upper() > 1000) {
    return Bad(policy,
               absl::StrCat("protection.count_upper is ", p.count_upper(), "; must be 1..1000"));
  }
  if (p.sum_percent() < 1 || p.sum_percent() > 100) {
    return Bad(policy,
               absl::StrCat("protection.sum_percent is ", p.sum_percent(), "; must be 1..100"));
  }
  return absl::OkStatus();
}

// Magnitude parameters are secret: errors name the field, never the value.
absl::Status ValidateMagnitude(const v1::DisclosurePolicy& policy) {
  const v1::MagnitudeRules& m = policy.magnitude();
  if (m.dominance().n() != 0 || m.dominance().k() != 0) {
    if (m.dominance().n() != 1 && m.dominance().n() != 2) {
      return Bad(policy, "magnitude.dominance.n must be 1 or 2");
    }
    if (!(m.dominance().k() > 0 && m.dominance().k() < 100)) {
      return Bad(policy, "magnitude.dominance.k must be a percentage above 0 and below 100");
    }
  }
  if (!(m.p_percent().p() >= 0 && m.p_percent().p() < 100)) {
    return Bad(policy, "magnitude.p_percent.p must be a percentage above 0 and below 100");
  }
  if (m.min_contributors() != 0 && (m.min_contributors() < 2 || m.min_contributors() > 1000)) {
    return Bad(policy, "magnitude.min_contributors must be 0 (off) or 2..1000");
  }
  if (policy.rounding().base() != 0 &&
      (policy.rounding().base() < 2 || policy.rounding().base() > 1000)) {
    return Bad(policy, absl::StrCat("rounding.base is ", policy.rounding().base(),
                                    "; must be 0 (off) or 2..1000"));
  }
  if (policy.shares().unreliable_below() < 0) {
    return Bad(policy, absl::StrCat("shares.unreliable_below is ",
                                    policy.shares().unreliable_below(), "; must be 0 (off) or more"));
  }
  if (policy.group_disclosure().min_group() < 0) {
    return Bad(policy, absl::StrCat("group_disclosure.min_group is ",
                                    policy.group_disclosure().min_group(),
                                    "; must be 0 (off) or positive"));
  }
  return absl::OkStatus();
}

// The ptable is secret: its errors name the row and the rule, never a value.
absl::Status ValidatePerturbation(const v1::DisclosurePolicy& policy) {
  if (!HasPerturbation(policy)) return absl::OkStatus();
  if (policy.rounding().base() != 0) {
    return Bad(policy, "perturbation and rounding.base exclude each other; set one of them");
  }
  const absl::Status valid =
      CellKeyPerturbation::Create(policy.perturbation(), policy.threshold().k()).status();
  return valid.ok() ? valid : Bad(policy, valid.message());
}

}  // namespace

bool HasPerturbation(const v1::DisclosurePolicy& policy) {
  return policy.perturbation().channels_size() > 0 ||
         policy.perturbation().ptable().rows_size() > 0;
}

absl::StatusOr<v1::DisclosurePolicy> ParsePolicy(absl::string_view text,
                                                 absl::string_view source_name) {
  v1::DisclosurePolicy policy;
  RETURN_IF_ERROR(ParseTextProto(text, source_name, policy));
  const absl::Status valid = ValidatePolicy(policy);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": ", valid.message()));
  }
  return policy;
}

absl::Status ValidatePolicy(v1::DisclosurePolicy& policy) {
  ApplyDefaults(policy);
  RETURN_IF_ERROR(ValidateHeader(policy));
  RETURN_IF_ERROR(ValidateThreshold(policy));
  RETURN_IF_ERROR(ValidateShape(policy));
  RETURN_IF_ERROR(ValidateProtection(policy));
  RETURN_IF_ERROR(ValidateMagnitude(policy));
  return ValidatePerturbation(policy);
}

std::string PolicyHash(const v1::DisclosurePolicy& policy) { return CanonicalSha256Hex(policy); }

}  // namespace cellgate::policies
