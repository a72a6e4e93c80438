// GoogleTest matchers for absl::Status and StatusOr, because Abseil 20220623
// ships none. TESTONLY.
//
//   EXPECT_THAT(store.Open(opts), IsOk());
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("stadtteil")));
//   ASSERT_OK_AND_ASSIGN(auto table, engine.Compute(q));
#ifndef CELLGATE_TESTS_TESTING_STATUS_MATCHERS_H_
#define CELLGATE_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status: " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status: " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has status code " + ::testing::PrintToString(code) + " and a matching message") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status: " << s;
  return s.code() == code &&
         ::testing::Matches(message_matcher)(std::string(s.message()));
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status: " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace cellgate::testing

#define CELLGATE_TESTING_CONCAT_INNER_(a, b) a##b
#define CELLGATE_TESTING_CONCAT_(a, b) CELLGATE_TESTING_CONCAT_INNER_(a, b)

// Asserts that `rexpr` is OK and moves its value into `lhs`.
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                        \
  auto CELLGATE_TESTING_CONCAT_(_statusor_, __LINE__) = (rexpr);                \
  ASSERT_TRUE(CELLGATE_TESTING_CONCAT_(_statusor_, __LINE__).ok())              \
      << CELLGATE_TESTING_CONCAT_(_statusor_, __LINE__).status();               \
  lhs = std::move(CELLGATE_TESTING_CONCAT_(_statusor_, __LINE__)).value()

// Both accept streamed context: ASSERT_OK(f()) << "seed " << seed;
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::cellgate::testing::IsOk())

#define EXPECT_OK(expr) EXPECT_THAT((expr), ::cellgate::testing::IsOk())

#endif  // CELLGATE_TESTS_TESTING_STATUS_MATCHERS_H_
