// RFC 6962 tree hashing against the Certificate Transparency reference
// tree, incremental against recursive roots, and inclusion proofs.
#include "audit/verify/merkle.h"

#include "audit/verify/frame_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::audit {
namespace {

// google/certificate-transparency cpp/merkletree/merkle_tree_test.cc.
std::vector<crypto::Digest> ReferenceLeaves() {
  std::vector<crypto::Digest> leaves;
  for (const char* hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                          "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(LeafHash(*crypto::HexDecode(hex)));
  }
  return leaves;
}

TEST(MerkleTest, EmptyTreeAndReferenceRoots) {
  EXPECT_EQ(crypto::HexEncode(MerkleRoot({}, 0, 0)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::vector<crypto::Digest> leaves = ReferenceLeaves();
  EXPECT_EQ(crypto::HexEncode(MerkleRoot(leaves, 0, 1)),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(crypto::HexEncode(MerkleRoot(leaves, 0, 8)),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
}

TEST(MerkleTest, CompactRangeMatchesTheRecursiveRootForEverySize) {
  std::vector<crypto::Digest> leaves;
  CompactRange range;
  EXPECT_EQ(range.Root(), MerkleRoot(leaves, 0, 0));
  for (int i = 0; i < 256; ++i) {
    leaves.push_back(LeafHash(std::string(1 + i % 7, static_cast<char>(i))));
    range.Append(leaves.back());
    ASSERT_EQ(range.Root(), MerkleRoot(leaves, 0, leaves.size())) << "size " << leaves.size();
  }
}

TEST(MerkleTest, InclusionProofsVerifyAndTamperedOnesDoNot) {
  std::vector<crypto::Digest> leaves;
  for (int i = 0; i < 40; ++i) leaves.push_back(LeafHash(std::to_string(i)));
  for (size_t size = 1; size <= leaves.size(); ++size) {
    const crypto::Digest root = MerkleRoot(leaves, 0, size);
    for (size_t index = 0; index < size; ++index) {
      std::vector<crypto::Digest> proof = InclusionProof(leaves, index, size);
      ASSERT_OK(VerifyInclusion(leaves[index], index, size, proof, root))
          << index << "/" << size;
      // Wrong leaf, wrong index, modified or truncated proof: all rejected.
      EXPECT_FALSE(VerifyInclusion(LeafHash("x"), index, size, proof, root).ok());
      if (size > 1) {
        EXPECT_FALSE(VerifyInclusion(leaves[index], (index + 1) % size, size, proof, root).ok());
      }
      if (!proof.empty()) {
        std::vector<crypto::Digest> modified = proof;
        modified[0][0] ^= 0x08;
        EXPECT_FALSE(VerifyInclusion(leaves[index], index, size, modified, root).ok());
        proof.pop_back();
        EXPECT_FALSE(VerifyInclusion(leaves[index], index, size, proof, root).ok());
      }
    }
  }
}

}  // namespace
}  // namespace cellgate::audit
