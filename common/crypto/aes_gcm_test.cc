// AES-256-GCM: the published test vector, and every way an opened blob
// must fail instead of returning bytes: another key, nonce, associated data
// or a changed byte.
#include "common/crypto/aes_gcm.h"

#include <sys/stat.h>
#include <unistd.h>

#include "common/crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::crypto {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

std::string Hex(absl::string_view hex) { return *HexDecode(hex); }

// Test Case 16 of McGrew and Viega, "The Galois/Counter Mode of Operation"
// (the GCM specification): a 256-bit key, 60 bytes, 20 bytes of AAD.
TEST(AesGcmTest, MatchesTheGcmSpecificationTestCase16) {
  ASSERT_OK_AND_ASSIGN(
      AesGcmKey key, AesGcmKey::FromBytes(
                         Hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")));
  const std::string nonce = Hex("cafebabefacedbaddecaf888");
  const std::string plaintext =
      Hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
          "49a6b525b16aedf5aa0de657ba637b39");
  const std::string aad = Hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  ASSERT_OK_AND_ASSIGN(std::string sealed, key.Seal(nonce, plaintext, aad));
  EXPECT_EQ(HexEncode(sealed),
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b0"
            "8b1056828838c5f61e6393ba7a0abcc9f662"
            "76fc6ece0f4e1768cddf8853bb2d551b");
  EXPECT_THAT(key.Open(nonce, sealed, aad), ::cellgate::testing::IsOkAndHolds(plaintext));
}

TEST(AesGcmTest, AnythingChangedFailsAuthenticationAndReturnsNoBytes) {
  ASSERT_OK_AND_ASSIGN(AesGcmKey key, AesGcmKey::Generate());
  ASSERT_OK_AND_ASSIGN(AesGcmKey other, AesGcmKey::Generate());
  const std::string nonce(kAesGcmNonceBytes, '\x07');
  ASSERT_OK_AND_ASSIGN(std::string sealed, key.Seal(nonce, "principal anna.mueller", "seq 3"));
  EXPECT_EQ(sealed.size(), 22 + kAesGcmTagBytes);
  EXPECT_THAT(sealed, ::testing::Not(HasSubstr("anna")));
  EXPECT_OK(key.Open(nonce, sealed, "seq 3").status());
  // Another record's associated data: a blob moved to another record.
  EXPECT_THAT(key.Open(nonce, sealed, "seq 4"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("authentication failed")));
  EXPECT_THAT(other.Open(nonce, sealed, "seq 3"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("authentication failed")));
  EXPECT_FALSE(key.Open(std::string(kAesGcmNonceBytes, '\x08'), sealed, "seq 3").ok());
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string changed = sealed;
    changed[i] ^= 0x01;
    EXPECT_FALSE(key.Open(nonce, changed, "seq 3").ok()) << "byte " << i;
  }
  EXPECT_FALSE(key.Open(nonce, sealed.substr(0, 10), "seq 3").ok());
  EXPECT_THAT(key.Seal("short", "x", ""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AesGcmTest, KeyIdNamesTheKeyWithoutRevealingIt) {
  ASSERT_OK_AND_ASSIGN(AesGcmKey a, AesGcmKey::FromBytes(std::string(32, 'a')));
  ASSERT_OK_AND_ASSIGN(
      AesGcmKey a2, AesGcmKey::FromKeyMaterial(HexEncode(std::string(32, 'a')) + "\n", "test key"));
  ASSERT_OK_AND_ASSIGN(AesGcmKey b, AesGcmKey::FromBytes(std::string(32, 'b')));
  EXPECT_EQ(a.id().size(), kAesGcmKeyIdBytes);
  EXPECT_EQ(a.id(), a2.id());
  EXPECT_NE(a.id(), b.id());
  EXPECT_THAT(a.id(), ::testing::Not(HasSubstr("aaaa")));
  // Moving a key keeps its id with it.
  AesGcmKey moved = std::move(a);
  EXPECT_EQ(moved.id(), a2.id());
}

TEST(AesGcmTest, KeyMaterialErrorsNameTheSourceNeverTheContent) {
  EXPECT_THAT(
      AesGcmKey::FromKeyMaterial("0123456789abcdefXYZ", "audit content key file \"k\""),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::AllOf(HasSubstr("audit content key file \"k\""),
                                HasSubstr("19 bytes found"), ::testing::Not(HasSubstr("0123")))));
  EXPECT_THAT(AesGcmKey::FromBytes("short"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AesGcmTest, KeyFileMustBePrivateAndNoSymbolicLink) {
  cellgate::testing::TempDir dir;
  const std::string material = HexEncode(std::string(32, 'k')) + "\n";
  cellgate::testing::WriteTestFile(dir.File("content.key"), material, 0640);
  EXPECT_THAT(AesGcmKey::LoadFile(dir.File("content.key"), "audit content key"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("chmod 600")));
  cellgate::testing::WriteTestFile(dir.File("content.key"), material, 0600);
  ASSERT_OK_AND_ASSIGN(AesGcmKey key,
                       AesGcmKey::LoadFile(dir.File("content.key"), "audit content key"));
  ASSERT_OK_AND_ASSIGN(AesGcmKey same, AesGcmKey::FromBytes(std::string(32, 'k')));
  EXPECT_EQ(key.id(), same.id());
  ASSERT_EQ(::symlink(dir.File("content.key").c_str(), dir.File("link.key").c_str()), 0);
  EXPECT_THAT(AesGcmKey::LoadFile(dir.File("link.key"), "audit content key"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("symbolic link")));
  EXPECT_THAT(AesGcmKey::LoadFile(dir.File("missing.key"), "audit content key"),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace cellgate::crypto
