// Time source, injected everywhere time is read so that tests use a fake.
// Implementations are thread-safe.
#ifndef CELLGATE_COMMON_CLOCK_H_
#define CELLGATE_COMMON_CLOCK_H_

#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cellgate {

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current time.
  virtual absl::Time Now() const = 0;
};

// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// Formats `t` as RFC 3339 UTC with milliseconds, e.g.
// "2026-11-22T14:06:00.123Z".
std::string FormatRfc3339Millis(absl::Time t);

}  // namespace cellgate

#endif  // CELLGATE_COMMON_CLOCK_H_
