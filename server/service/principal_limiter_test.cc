#include "server/service/principal_limiter.h"

#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::service {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

class FakeClock final : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
};

TEST(PrincipalLimiterTest, LimitsQueriesRunningAtOncePerPrincipal) {
  FakeClock clock;
  PrincipalLimiter limiter(/*max_in_flight=*/2, /*per_minute=*/100, clock);
  std::vector<PrincipalLimiter::Permit> running;
  ASSERT_OK_AND_ASSIGN(auto a, limiter.Acquire("schulamt-analyst"));
  running.push_back(std::move(a));
  ASSERT_OK_AND_ASSIGN(auto b, limiter.Acquire("schulamt-analyst"));
  running.push_back(std::move(b));
  EXPECT_THAT(limiter.Acquire("schulamt-analyst"),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("limit is 2")));
  // Another principal is not affected; a finished query frees a slot.
  EXPECT_OK(limiter.Acquire("jugendamt-analyst").status());
  running.pop_back();
  EXPECT_OK(limiter.Acquire("schulamt-analyst").status());
}

TEST(PrincipalLimiterTest, LimitsQueriesPerMinuteAndRefillsOverTime) {
  FakeClock clock;
  PrincipalLimiter limiter(/*max_in_flight=*/10, /*per_minute=*/3, clock);
  for (int i = 0; i < 3; ++i) EXPECT_OK(limiter.Acquire("p").status());
  EXPECT_THAT(limiter.Acquire("p"),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("3 queries in a minute")));
  clock.now += absl::Seconds(20);  // one token back
  EXPECT_OK(limiter.Acquire("p").status());
  EXPECT_THAT(limiter.Acquire("p"), StatusIs(absl::StatusCode::kResourceExhausted));
}

}  // namespace
}  // namespace cellgate::service
