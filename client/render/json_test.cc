#include "client/render/json.h"

#include "client/testing/test_tables.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::SchoolTable;
using ::testing::EndsWith;
using ::testing::HasSubstr;

TEST(JsonTest, ParsesBackToTheSameMessage) {
  const v1::QueryResponse original = SchoolTable();
  ASSERT_OK_AND_ASSIGN(const std::string json, RenderJson(original));
  v1::QueryResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(original, parsed));
}

TEST(JsonTest, KeepsProtoFieldNamesAndEndsWithANewline) {
  ASSERT_OK_AND_ASSIGN(const std::string json, RenderJson(SchoolTable()));
  EXPECT_THAT(json, HasSubstr("\"release_id\":\"5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b\""));
  EXPECT_THAT(json, HasSubstr("\"dataset_version_hash\""));
  EXPECT_THAT(json, HasSubstr("\"status\":\"SUPPRESSED\""));
  EXPECT_THAT(json, EndsWith("}\n"));
}

TEST(JsonTest, PrintsFieldsThatHoldTheirDefault) {
  v1::QueryResponse response;
  response.mutable_receipt()->set_release_id("r");
  ASSERT_OK_AND_ASSIGN(const std::string json, RenderJson(response));
  EXPECT_THAT(json, HasSubstr("\"seq\":\"0\""));
}

}  // namespace
}  // namespace cellgate::client
