#include "server/pipeline/release_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/canonical.h"

namespace cellgate::pipeline {

std::string ReleaseCache::KeyOf(const v1::Query& query, int64_t version_number,
                                const std::string& version_hash, const std::string& policy_hash) {
  v1::Query table_part = query;
  table_part.clear_purpose();
  table_part.clear_legal_basis();
  table_part.clear_justification();
  table_part.clear_client_request_id();
  table_part.clear_version();
  return absl::StrCat(version_number, "/", version_hash, "/", policy_hash, "/",
                      CanonicalSha256Hex(table_part));
}

std::optional<ReleaseCache::Hit> ReleaseCache::Find(const std::string& key) {
  absl::MutexLock lock(&mu_);
  const auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->hit;
}

size_t ReleaseCache::BytesOf(const v1::ReleaseDecision& decision, const std::string& key) {
  // The decision as it lies in memory (messages, strings, repeated fields),
  // the key in the list and in the index, and the entry's own nodes.
  return decision.SpaceUsedLong() + 2 * (sizeof(std::string) + key.size()) + sizeof(Entry) +
         4 * sizeof(void*);
}

void ReleaseCache::Insert(const std::string& key,
                          std::shared_ptr<const v1::ReleaseDecision> decision,
                          std::string release_id, bool ledger_audited) {
  const size_t bytes = BytesOf(*decision, key);
  Insert(key, std::move(decision), bytes, std::move(release_id), ledger_audited);
}

void ReleaseCache::Insert(const std::string& key,
                          std::shared_ptr<const v1::ReleaseDecision> decision, size_t bytes,
                          std::string release_id, bool ledger_audited) {
  if (bytes > max_bytes_) return;
  absl::MutexLock lock(&mu_);
  if (const auto it = by_key_.find(key); it != by_key_.end()) {
    bytes_ -= it->second->bytes;
    entries_.erase(it->second);
    by_key_.erase(it);
  }
  entries_.push_front(Entry{key, Hit{std::move(decision), std::move(release_id), ledger_audited}, bytes});
  by_key_[key] = entries_.begin();
  bytes_ += bytes;
  while (bytes_ > max_bytes_) {
    bytes_ -= entries_.back().bytes;
    by_key_.erase(entries_.back().key);
    entries_.pop_back();
  }
}

}  // namespace cellgate::pipeline
