#include "server/pipeline/text_checks.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::pipeline {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(TextChecksTest, AcceptsGermanTextWithinLimit) {
  EXPECT_OK(CheckText("Bildungsbericht 2026: Übergänge\tnach Stadtteil", "justification", 500));
}

TEST(TextChecksTest, RejectsOverlongTextNamingTheField) {
  EXPECT_THAT(CheckText(std::string(65, 'a'), "purpose", 64),
              StatusIs(absl::StatusCode::kInvalidArgument, "purpose is longer than 64 bytes"));
}

TEST(TextChecksTest, RejectsControlCharactersWithoutQuotingTheValue) {
  const absl::Status s = CheckText("secret\nline", "justification", 500);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("control character")));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("secret")));
}

TEST(TextChecksTest, RejectsInvalidUtf8) {
  EXPECT_THAT(CheckText("\xC3\x28", "purpose", 64),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("UTF-8")));
  EXPECT_THAT(CheckText("\xED\xA0\x80", "purpose", 64),  // a surrogate
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("UTF-8")));
  EXPECT_THAT(CheckText("\xC0\xAF", "purpose", 64),  // overlong '/'
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("UTF-8")));
}

}  // namespace
}  // namespace cellgate::pipeline
