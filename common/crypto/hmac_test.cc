// HMAC-SHA-256 against the RFC 4231 test vectors.
#include "common/crypto/hmac.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::crypto {
namespace {

std::string MacHex(const std::string& key, const std::string& message) {
  absl::StatusOr<HmacSha256> mac = HmacSha256::Create(key);
  EXPECT_TRUE(mac.ok());
  return HexEncode(mac->Mac(message));
}

TEST(HmacSha256Test, MatchesRfc4231Vectors) {
  EXPECT_EQ(MacHex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(MacHex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block is hashed first.
  EXPECT_EQ(MacHex(std::string(131, '\xaa'),
                   "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, OneKeyedObjectMacsManyMessagesIndependently) {
  ASSERT_OK_AND_ASSIGN(HmacSha256 mac, HmacSha256::Create("Jefe"));
  const Digest first = mac.Mac("what do ya want for nothing?");
  EXPECT_NE(mac.Mac("something else"), first);
  EXPECT_EQ(mac.Mac("what do ya want for nothing?"), first);
}

}  // namespace
}  // namespace cellgate::crypto
