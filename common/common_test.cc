#include <sys/stat.h>
#include <unistd.h>

#include "common/canonical.h"
#include "common/clock.h"
#include "absl/strings/escaping.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/sha256.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/status_util.h"
#include "common/textproto.h"
#include "cellgate/v1/policy.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate {
namespace {

using ::cellgate::testing::IsOk;
using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

TEST(Sha256Test, MatchesKnownVectors) {
  EXPECT_EQ(crypto::HexEncode(crypto::Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(crypto::HexEncode(crypto::Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, IncrementalHasherEqualsOneShot) {
  crypto::Sha256Hasher h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.Finish(), crypto::Sha256("abc"));
}

TEST(HexTest, RoundTripsAndRejectsBadInputWithoutEchoingIt) {
  ASSERT_OK_AND_ASSIGN(std::string bytes, crypto::HexDecode("00ffA1"));
  EXPECT_EQ(crypto::HexEncode(bytes), "00ffa1");
  EXPECT_THAT(crypto::HexDecode("abc"), StatusIs(absl::StatusCode::kInvalidArgument));
  auto bad = crypto::HexDecode("zz99");
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(bad.status().message()), ::testing::Not(HasSubstr("zz99")));
}

TEST(StatusUtilTest, AnnotateKeepsCodeAndPrefixesContext) {
  const absl::Status s = Annotate(absl::NotFoundError("no such version"), "dataset \"x\"");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound, "dataset \"x\": no such version"));
  EXPECT_THAT(Annotate(absl::OkStatus(), "ctx"), IsOk());
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  ASSIGN_OR_RETURN(const int h, Half(x));
  ASSIGN_OR_RETURN(const int q, Half(h));
  return q;
}

TEST(StatusMacrosTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_THAT(Quarter(8), ::cellgate::testing::IsOkAndHolds(2));
  EXPECT_THAT(Quarter(6), StatusIs(absl::StatusCode::kInvalidArgument, "odd"));
}

TEST(CanonicalTest, SameMessageGivesSameDigestAndChangeGivesAnother) {
  v1::DisclosurePolicy a;
  a.set_id("p");
  a.mutable_threshold()->set_k(3);
  v1::DisclosurePolicy b = a;
  EXPECT_EQ(CanonicalSha256Hex(a), CanonicalSha256Hex(b));
  b.mutable_threshold()->set_k(5);
  EXPECT_NE(CanonicalSha256Hex(a), CanonicalSha256Hex(b));
}

TEST(ClockTest, FormatsRfc3339WithMillis) {
  const absl::Time t = absl::FromUnixMillis(1795356360123);
  EXPECT_EQ(FormatRfc3339Millis(t), "2026-11-22T14:06:00.123Z");
}

TEST(TextProtoTest, RejectsUnknownFieldWithFileLineAndColumn) {
  v1::DisclosurePolicy p;
  const absl::Status s = ParseTextProto("id: \"x\"\nbogus: 1\n", "p.textproto", p);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("p.textproto:2:")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bogus")));
}

TEST(FilesTest, WriteAtomicallyReplacesAndReadBoundedRefusesLargeFiles) {
  testing::TempDir dir;
  const std::string path = dir.File("f.txt");
  ASSERT_OK(WriteFileAtomically(path, "one"));
  ASSERT_OK(WriteFileAtomically(path, "two!"));
  EXPECT_THAT(ReadFileBounded(path, 100), ::cellgate::testing::IsOkAndHolds("two!"));
  EXPECT_THAT(ReadFileBounded(path, 3), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ReadFileBounded(dir.File("missing"), 3), StatusIs(absl::StatusCode::kNotFound));
}

TEST(FilesTest, AtomicFileBecomesVisibleOnlyWhenCommitted) {
  testing::TempDir dir;
  const std::string path = dir.File("export.csv");
  ASSERT_OK(WriteFileAtomically(path, "old"));
  {
    ASSERT_OK_AND_ASSIGN(AtomicFile file, AtomicFile::Create(path));
    ASSERT_OK(file.Append("new "));
    ASSERT_OK(file.Append("content"));
    // Not yet committed: the old file is untouched.
    EXPECT_THAT(ReadFileBounded(path, 100), ::cellgate::testing::IsOkAndHolds("old"));
    ASSERT_OK(file.Commit());
    EXPECT_THAT(file.Append("more"), StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  EXPECT_THAT(ReadFileBounded(path, 100), ::cellgate::testing::IsOkAndHolds("new content"));
  EXPECT_THAT(ReadFileBounded(path + ".tmp", 100), StatusIs(absl::StatusCode::kNotFound));
}

TEST(FilesTest, AnAbandonedAtomicFileLeavesNothingBehind) {
  testing::TempDir dir;
  const std::string path = dir.File("export.csv");
  {
    ASSERT_OK_AND_ASSIGN(AtomicFile file, AtomicFile::Create(path));
    ASSERT_OK(file.Append("half"));
  }
  EXPECT_THAT(ReadFileBounded(path, 100), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ReadFileBounded(path + ".tmp", 100), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(AtomicFile::Create(dir.File("no/such/dir/x")).status(),
              StatusIs(absl::StatusCode::kNotFound, ::testing::HasSubstr("no/such/dir")));
}

}  // namespace
}  // namespace cellgate

namespace cellgate::crypto {
namespace {

// RFC 8032 §7.1, test 1, as a PKCS#8 PEM (fixed Ed25519 prefix + seed).
std::string Rfc8032Test1Pem() {
  const std::string der =
      *HexDecode("302e020100300506032b657004220420"
                 "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  return "-----BEGIN PRIVATE KEY-----\n" + absl::Base64Escape(der) +
         "\n-----END PRIVATE KEY-----\n";
}

TEST(Ed25519Test, MatchesRfc8032TestVector1) {
  ASSERT_OK_AND_ASSIGN(Ed25519PrivateKey key, Ed25519PrivateKey::FromPem(Rfc8032Test1Pem()));
  EXPECT_EQ(HexEncode(key.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  ASSERT_OK_AND_ASSIGN(std::string sig, key.Sign(""));
  EXPECT_EQ(HexEncode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
            "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_OK(Ed25519Verify(key.public_key(), "", sig));
}

TEST(Ed25519Test, RejectsChangedMessagesSignaturesAndKeys) {
  ASSERT_OK_AND_ASSIGN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  ASSERT_OK_AND_ASSIGN(Ed25519PrivateKey other, Ed25519PrivateKey::Generate());
  ASSERT_OK_AND_ASSIGN(std::string sig, key.Sign("checkpoint 12"));
  EXPECT_OK(Ed25519Verify(key.public_key(), "checkpoint 12", sig));
  EXPECT_FALSE(Ed25519Verify(key.public_key(), "checkpoint 13", sig).ok());
  EXPECT_FALSE(Ed25519Verify(other.public_key(), "checkpoint 12", sig).ok());
  sig[5] ^= 1;
  EXPECT_FALSE(Ed25519Verify(key.public_key(), "checkpoint 12", sig).ok());
}

TEST(Ed25519Test, PublicKeyPemRoundTripsAndRejectsAWrongLength) {
  ASSERT_OK_AND_ASSIGN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  ASSERT_OK_AND_ASSIGN(std::string pem, Ed25519PublicKeyToPem(key.public_key()));
  EXPECT_THAT(pem, HasSubstr("-----BEGIN PUBLIC KEY-----"));
  EXPECT_THAT(Ed25519PublicKeyFromPem(pem), cellgate::testing::IsOkAndHolds(key.public_key()));
  EXPECT_FALSE(Ed25519PublicKeyToPem("short").ok());
}

TEST(Ed25519Test, KeyFileMustBePrivate) {
  cellgate::testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  ASSERT_OK_AND_ASSIGN(std::string pem, key.ToPem());
  cellgate::testing::WriteTestFile(dir.File("k.pem"), pem, 0640);
  EXPECT_THAT(Ed25519PrivateKey::LoadFile(dir.File("k.pem")),
              cellgate::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                          ::testing::HasSubstr("chmod 600")));
  cellgate::testing::WriteTestFile(dir.File("k.pem"), pem, 0600);
  ASSERT_OK_AND_ASSIGN(Ed25519PrivateKey loaded, Ed25519PrivateKey::LoadFile(dir.File("k.pem")));
  EXPECT_EQ(loaded.public_key(), key.public_key());
  // A symbolic link to the key is refused, as for the store key: whoever
  // can point it elsewhere can swap the key.
  ASSERT_EQ(::symlink(dir.File("k.pem").c_str(), dir.File("link.pem").c_str()), 0);
  EXPECT_THAT(Ed25519PrivateKey::LoadFile(dir.File("link.pem")),
              cellgate::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                          ::testing::HasSubstr("symbolic link")));
  EXPECT_THAT(Ed25519PrivateKey::LoadFile(dir.File("missing.pem")),
              cellgate::testing::StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace cellgate::crypto
