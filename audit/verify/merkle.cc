#include "audit/verify/merkle.h"

#include "absl/strings/str_cat.h"

namespace cellgate::audit {
namespace {

// The largest power of two strictly below n (n >= 2).
size_t SplitPoint(size_t n) {
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

}  // namespace

crypto::Digest HashChildren(const crypto::Digest& left, const crypto::Digest& right) {
  crypto::Sha256Hasher h;
  const char prefix = '\x01';
  h.Update(absl::string_view(&prefix, 1));
  h.Update(absl::string_view(reinterpret_cast<const char*>(left.data()), left.size()));
  h.Update(absl::string_view(reinterpret_cast<const char*>(right.data()), right.size()));
  return h.Finish();
}

crypto::Digest MerkleRoot(const std::vector<crypto::Digest>& leaves, size_t begin, size_t end) {
  const size_t n = end - begin;
  if (n == 0) return crypto::Sha256("");
  if (n == 1) return leaves[begin];
  const size_t k = SplitPoint(n);
  return HashChildren(MerkleRoot(leaves, begin, begin + k), MerkleRoot(leaves, begin + k, end));
}

namespace {

void Path(const std::vector<crypto::Digest>& leaves, size_t index, size_t begin, size_t end,
          std::vector<crypto::Digest>& proof) {
  const size_t n = end - begin;
  if (n <= 1) return;
  const size_t k = SplitPoint(n);
  if (index < k) {
    Path(leaves, index, begin, begin + k, proof);
    proof.push_back(MerkleRoot(leaves, begin + k, end));
  } else {
    Path(leaves, index - k, begin + k, end, proof);
    proof.push_back(MerkleRoot(leaves, begin, begin + k));
  }
}

}  // namespace

std::vector<crypto::Digest> InclusionProof(const std::vector<crypto::Digest>& leaves,
                                           size_t index, size_t size) {
  std::vector<crypto::Digest> proof;
  Path(leaves, index, 0, size, proof);
  return proof;
}

absl::Status VerifyInclusion(const crypto::Digest& leaf, uint64_t index, uint64_t size,
                             const std::vector<crypto::Digest>& proof,
                             const crypto::Digest& root) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", index, " is outside a tree of ", size, " leaves"));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  crypto::Digest r = leaf;
  for (const crypto::Digest& p : proof) {
    if (sn == 0) return absl::InvalidArgumentError("inclusion proof is too long");
    if ((fn & 1) == 1 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return absl::InvalidArgumentError("inclusion proof is too short");
  if (r != root) return absl::InvalidArgumentError("inclusion proof does not lead to the root");
  return absl::OkStatus();
}

void CompactRange::Append(const crypto::Digest& leaf) {
  // Merge equal-sized perfect subtrees, like a binary counter.
  crypto::Digest carry = leaf;
  uint64_t bit = 1;
  while ((size_ & bit) != 0) {
    carry = HashChildren(peaks_.back(), carry);
    peaks_.pop_back();
    bit <<= 1;
  }
  peaks_.push_back(carry);
  ++size_;
}

crypto::Digest CompactRange::Root() const {
  if (peaks_.empty()) return crypto::Sha256("");
  crypto::Digest root = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;) root = HashChildren(peaks_[i], root);
  return root;
}

}  // namespace cellgate::audit
