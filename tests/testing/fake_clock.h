// FakeClock: a Clock that stands still until a test moves it. TESTONLY.
// Thread-safe: the audit writer thread reads it while a test sets it.
//
//   FakeClock clock(absl::FromCivil(absl::CivilDay(2026, 6, 1), absl::UTCTimeZone()));
//   clock.Set(absl::FromCivil(absl::CivilDay(2028, 1, 1), absl::UTCTimeZone()));
#ifndef CELLGATE_TESTS_TESTING_FAKE_CLOCK_H_
#define CELLGATE_TESTS_TESTING_FAKE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace cellgate::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time now = absl::FromUnixSeconds(1'800'000'000)) : now_(now) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  // Moves the clock to `now` (forward or back).
  void Set(absl::Time now) {
    absl::MutexLock lock(&mu_);
    now_ = now;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_;  // guarded by mu_
};

// Midnight UTC at the start of the given day.
inline absl::Time UtcDay(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

}  // namespace cellgate::testing

#endif  // CELLGATE_TESTS_TESTING_FAKE_CLOCK_H_
