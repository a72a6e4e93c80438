// Per-principal limits on queries: how many may run at once, and how many
// may start per minute (a token bucket refilled continuously). A principal
// over either limit gets RESOURCE_EXHAUSTED naming the limit, and the
// refusal is recorded like any other. Thread-safe.
//
//   ASSIGN_OR_RETURN(PrincipalLimiter::Permit permit, limiter.Acquire("schulamt-analyst"));
//   ... compute, protect, record ...   // the permit is returned on scope exit
#ifndef CELLGATE_SERVER_SERVICE_PRINCIPAL_LIMITER_H_
#define CELLGATE_SERVER_SERVICE_PRINCIPAL_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"

namespace cellgate::service {

class PrincipalLimiter {
 public:
  // `max_in_flight` and `per_minute` must be positive. `clock` must outlive
  // the limiter.
  PrincipalLimiter(int max_in_flight, int per_minute, const Clock& clock);

  // Holds one running query of a principal until destroyed.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : limiter_(other.limiter_), principal_(std::move(other.principal_)) {
      other.limiter_ = nullptr;
    }
    Permit& operator=(Permit&&) = delete;
    ~Permit();

   private:
    friend class PrincipalLimiter;
    Permit(PrincipalLimiter* limiter, std::string principal)
        : limiter_(limiter), principal_(std::move(principal)) {}
    PrincipalLimiter* limiter_;
    std::string principal_;
  };

  absl::StatusOr<Permit> Acquire(const std::string& principal);

 private:
  struct State {
    int in_flight = 0;
    double tokens = 0;
    absl::Time refilled;
  };
  void Release(const std::string& principal);

  const int max_in_flight_;
  const int per_minute_;
  const Clock& clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, State> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_PRINCIPAL_LIMITER_H_
