#include "server/service/principal_limiter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cellgate::service {

PrincipalLimiter::PrincipalLimiter(int max_in_flight, int per_minute, const Clock& clock)
    : max_in_flight_(max_in_flight), per_minute_(per_minute), clock_(clock) {}

PrincipalLimiter::Permit::~Permit() {
  if (limiter_ != nullptr) limiter_->Release(principal_);
}

absl::StatusOr<PrincipalLimiter::Permit> PrincipalLimiter::Acquire(const std::string& principal) {
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = states_.try_emplace(principal);
  State& state = it->second;
  if (inserted) {
    state.tokens = per_minute_;
    state.refilled = now;
  }
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - state.refilled));
  state.tokens = std::min<double>(per_minute_, state.tokens + elapsed * per_minute_ / 60.0);
  state.refilled = now;
  if (state.in_flight >= max_in_flight_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "principal \"", principal, "\" already has ", state.in_flight,
        " queries running, the limit is ", max_in_flight_, "; wait for them to finish"));
  }
  if (state.tokens < 1) {
    return absl::ResourceExhaustedError(absl::StrCat("principal \"", principal, "\" asked more than ",
                                                     per_minute_,
                                                     " queries in a minute; try again shortly"));
  }
  state.tokens -= 1;
  ++state.in_flight;
  return Permit(this, principal);
}

void PrincipalLimiter::Release(const std::string& principal) {
  absl::MutexLock lock(&mu_);
  auto it = states_.find(principal);
  if (it != states_.end() && it->second.in_flight > 0) --it->second.in_flight;
}

}  // namespace cellgate::service
