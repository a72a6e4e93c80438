// RFC 6962 Merkle tree hashing over audit leaves:
//   leaf hash  = SHA-256(0x00 ‖ record bytes)       (frame_format.h LeafHash)
//   inner hash = SHA-256(0x01 ‖ left ‖ right)
//   root of n leaves: split at the largest power of two below n.
// CompactRange keeps the root of a growing log in O(log n) state; the
// recursive functions are the reference and serve proofs. Pure; thread-safe.
#ifndef CELLGATE_AUDIT_VERIFY_MERKLE_H_
#define CELLGATE_AUDIT_VERIFY_MERKLE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "common/crypto/sha256.h"

namespace cellgate::audit {

crypto::Digest HashChildren(const crypto::Digest& left, const crypto::Digest& right);

// The root of leaves[begin, end): SHA-256("") for an empty range.
crypto::Digest MerkleRoot(const std::vector<crypto::Digest>& leaves, size_t begin, size_t end);

// The audit path of leaf `index` in the tree of the first `size` leaves
// (RFC 6962 §2.1.1). REQUIRES: index < size <= leaves.size().
std::vector<crypto::Digest> InclusionProof(const std::vector<crypto::Digest>& leaves,
                                           size_t index, size_t size);

// Checks that `leaf` is leaf `index` of the tree of `size` leaves with
// `root` (RFC 9162 §2.1.3.2). INVALID_ARGUMENT if not.
absl::Status VerifyInclusion(const crypto::Digest& leaf, uint64_t index, uint64_t size,
                             const std::vector<crypto::Digest>& proof,
                             const crypto::Digest& root);

// The root of an append-only sequence of leaves, kept incrementally.
class CompactRange {
 public:
  void Append(const crypto::Digest& leaf);
  uint64_t size() const { return size_; }
  // The root of all leaves appended so far.
  crypto::Digest Root() const;

 private:
  uint64_t size_ = 0;
  // Roots of perfect subtrees, largest first, one per set bit of size_.
  std::vector<crypto::Digest> peaks_;
};

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_MERKLE_H_
