// Framing: what counts as a torn tail (cut and recorded on start) and what
// counts as damage (the server refuses to start).
#include "audit/verify/frame_format.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::audit {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ThreeFrames() {
  return EncodeFrame("first record") + EncodeFrame("second") + EncodeFrame("third, the last");
}

TEST(FrameFormatTest, FrameIsLengthBytesAndCheck) {
  const std::string frame = EncodeFrame("abc");
  ASSERT_EQ(frame.size(), 4u + 3u + 8u);
  EXPECT_EQ(frame.substr(0, 4), std::string("\x03\x00\x00\x00", 4));
  EXPECT_EQ(frame.substr(4, 3), "abc");
  // The check is the first 8 bytes of SHA-256("abc") = ba7816bf8f01cfea...
  EXPECT_EQ(crypto::HexEncode(frame.substr(7)), "ba7816bf8f01cfea");
}

TEST(FrameFormatTest, LeafHashIsRfc6962LeafHash) {
  // RFC 6962 empty leaf: SHA-256(0x00).
  EXPECT_EQ(crypto::HexEncode(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  // transparency-dev/merkle rfc6962 test vector for leaf "L123456".
  EXPECT_EQ(crypto::HexEncode(LeafHash("L123456")),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
}

TEST(FrameFormatTest, ScansIntactSegment) {
  const std::string segment = ThreeFrames();
  ASSERT_OK_AND_ASSIGN(FrameScan scan, ScanFrames(segment, "seg"));
  EXPECT_THAT(scan.records, ElementsAre("first record", "second", "third, the last"));
  EXPECT_EQ(scan.valid_bytes, segment.size());
  EXPECT_EQ(scan.torn_tail_bytes, 0u);
  EXPECT_EQ(scan.offsets[1], EncodeFrame("first record").size());
}

TEST(FrameFormatTest, EveryTruncationIsATornTailNeverDamage) {
  const std::string segment = ThreeFrames();
  const size_t two = EncodeFrame("first record").size() + EncodeFrame("second").size();
  for (size_t cut = two + 1; cut < segment.size(); ++cut) {
    ASSERT_OK_AND_ASSIGN(FrameScan scan, ScanFrames(segment.substr(0, cut), "seg"));
    EXPECT_EQ(scan.records.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(scan.valid_bytes, two);
    EXPECT_EQ(scan.torn_tail_bytes, cut - two);
  }
}

TEST(FrameFormatTest, TrailingZerosAreATornTail) {
  const std::string segment = ThreeFrames() + std::string(4096, '\0');
  ASSERT_OK_AND_ASSIGN(FrameScan scan, ScanFrames(segment, "seg"));
  EXPECT_EQ(scan.records.size(), 3u);
  EXPECT_EQ(scan.torn_tail_bytes, 4096u);
}

TEST(FrameFormatTest, DamageBeforeTheTailIsDataLossNamingTheOffset) {
  std::string segment = ThreeFrames();
  const size_t second = EncodeFrame("first record").size();
  segment[second + 5] ^= 0x01;  // a byte inside "second"
  EXPECT_THAT(ScanFrames(segment, "audit-000001.log"),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr(absl::StrCat("audit-000001.log: damaged frame at byte ", second))));
}

TEST(FrameFormatTest, CorruptLengthInTheMiddleIsNotMistakenForATornTail) {
  // A length that runs past the end would look torn, but intact frames
  // follow: cutting there would silently drop them.
  std::string segment = ThreeFrames();
  segment[0] = '\x7f';
  segment[1] = '\x7f';
  EXPECT_THAT(ScanFrames(segment, "seg"), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(FrameFormatTest, DamagedLastFrameWithTrailingGarbageIsDamage) {
  std::string segment = ThreeFrames() + "x";
  segment[segment.size() - 3] ^= 0x40;  // inside the last frame's check
  EXPECT_THAT(ScanFrames(segment, "seg"), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace cellgate::audit
