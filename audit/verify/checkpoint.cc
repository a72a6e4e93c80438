#include "audit/verify/checkpoint.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cellgate::audit {
namespace {

constexpr char kSignatureDash[] = "\xE2\x80\x94 ";  // "— "

std::string Body(const std::string& origin, uint64_t size, const crypto::Digest& root) {
  return absl::StrCat(origin, "\n", size, "\n", absl::Base64Escape(crypto::DigestBytes(root)),
                      "\n");
}

}  // namespace

std::string CheckpointKeyId(const std::string& origin, const std::string& public_key) {
  const crypto::Digest digest = crypto::Sha256(absl::StrCat(origin, "\n", "\x01", public_key));
  return crypto::DigestBytes(digest).substr(0, 4);
}

absl::StatusOr<std::string> SignCheckpoint(const std::string& origin, uint64_t size,
                                           const crypto::Digest& root,
                                           const crypto::Ed25519PrivateKey& key) {
  const std::string body = Body(origin, size, root);
  absl::StatusOr<std::string> signature = key.Sign(body);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(body, "\n", kSignatureDash, origin, " ",
                      absl::Base64Escape(CheckpointKeyId(origin, key.public_key()) + *signature),
                      "\n");
}

absl::StatusOr<Checkpoint> ParseCheckpoint(const std::string& note) {
  const std::vector<std::string> lines = absl::StrSplit(note, '\n');
  // origin, size, root, "", signature line, "" (after the final newline)
  if (lines.size() != 6 || !lines[3].empty() || !lines[5].empty()) {
    return absl::InvalidArgumentError("checkpoint is not a signed note of three lines");
  }
  Checkpoint c;
  c.origin = lines[0];
  if (c.origin.empty()) return absl::InvalidArgumentError("checkpoint names no origin");
  if (!absl::SimpleAtoi(lines[1], &c.size) || lines[1] != absl::StrCat(c.size)) {
    return absl::InvalidArgumentError("checkpoint size is not a decimal number");
  }
  std::string root;
  if (!absl::Base64Unescape(lines[2], &root) || root.size() != 32) {
    return absl::InvalidArgumentError("checkpoint root is not a base64 SHA-256 hash");
  }
  std::copy(root.begin(), root.end(), c.root.begin());
  const std::string prefix = absl::StrCat(kSignatureDash, c.origin, " ");
  if (lines[4].compare(0, prefix.size(), prefix) != 0) {
    return absl::InvalidArgumentError("checkpoint signature line does not name its origin");
  }
  std::string signed_bytes;
  if (!absl::Base64Unescape(lines[4].substr(prefix.size()), &signed_bytes) ||
      signed_bytes.size() != 4 + 64) {
    return absl::InvalidArgumentError("checkpoint signature is not base64 key id and signature");
  }
  c.key_id = signed_bytes.substr(0, 4);
  c.signature = signed_bytes.substr(4);
  return c;
}

absl::Status VerifyCheckpointSignature(const Checkpoint& checkpoint,
                                       const std::string& public_key) {
  if (checkpoint.key_id != CheckpointKeyId(checkpoint.origin, public_key)) {
    return absl::InvalidArgumentError("checkpoint is signed by another key");
  }
  return crypto::Ed25519Verify(public_key, Body(checkpoint.origin, checkpoint.size,
                                                checkpoint.root),
                               checkpoint.signature);
}

}  // namespace cellgate::audit
