#include "server/store/key_source.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::store {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHexKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TEST(FileKeySourceTest, ReadsHexKeyWithTrailingNewline) {
  testing::TempDir dir;
  testing::WriteTestFile(dir.File("k"), std::string(kHexKey) + "\n", 0600);
  ASSERT_OK_AND_ASSIGN(SecretKey key, FileKeySource(dir.File("k")).Load());
  EXPECT_EQ(key.bytes().size(), 32u);
  EXPECT_EQ(key.bytes()[1], '\x11');
}

TEST(FileKeySourceTest, ReadsRawThirtyTwoBytes) {
  testing::TempDir dir;
  testing::WriteTestFile(dir.File("k"), std::string(32, '\x7f'), 0400);
  ASSERT_OK_AND_ASSIGN(SecretKey key, FileKeySource(dir.File("k")).Load());
  EXPECT_EQ(key.bytes(), std::string(32, '\x7f'));
}

TEST(FileKeySourceTest, RefusesFileReadableByOthersWithChmodHint) {
  testing::TempDir dir;
  testing::WriteTestFile(dir.File("k"), kHexKey, 0644);
  EXPECT_THAT(FileKeySource(dir.File("k")).Load(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("mode 0644"), HasSubstr("chmod 600"))));
}

TEST(FileKeySourceTest, RefusesSymlink) {
  testing::TempDir dir;
  testing::WriteTestFile(dir.File("k"), kHexKey, 0600);
  ASSERT_EQ(::symlink(dir.File("k").c_str(), dir.File("link").c_str()), 0);
  EXPECT_THAT(FileKeySource(dir.File("link")).Load(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("symbolic link")));
}

TEST(FileKeySourceTest, RejectsWrongLengthWithoutEchoingContent) {
  testing::TempDir dir;
  testing::WriteTestFile(dir.File("k"), "topsecret-but-short", 0600);
  const auto key = FileKeySource(dir.File("k")).Load();
  EXPECT_THAT(key, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("64 hex")));
  EXPECT_THAT(std::string(key.status().message()), Not(HasSubstr("topsecret")));
}

TEST(FileKeySourceTest, MissingFileIsNotFound) {
  EXPECT_THAT(FileKeySource("/nonexistent/k").Load(), StatusIs(absl::StatusCode::kNotFound));
}

TEST(EnvKeySourceTest, ReadsOnceAndUnsetsTheVariable) {
  ::setenv("CELLGATE_TEST_KEY", kHexKey, 1);
  EnvKeySource source("CELLGATE_TEST_KEY");
  ASSERT_OK_AND_ASSIGN(SecretKey key, source.Load());
  EXPECT_EQ(key.bytes().size(), 32u);
  EXPECT_EQ(std::getenv("CELLGATE_TEST_KEY"), nullptr);
  EXPECT_THAT(source.Load(), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace cellgate::store
