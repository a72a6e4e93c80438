// ReleaseCache: the decisions of recent releases, by everything that
// determines their table (the dataset version, the policy, the query without
// its request fields), so that a query asked again is answered with the
// table already released, without a new audit: the same table tells an
// attacker nothing new, and DESIGN.md promises it ("a query asked again ...
// gets the same table"). Bounded by bytes, least recently used out first;
// empty after a restart (the release ledger then gives the same table the
// long way). Thread-safe.
//
//   const std::string key = ReleaseCache::KeyOf(query, version, version_hash, policy_hash);
//   if (auto hit = cache.Find(key)) return hit->decision;   // a repeat
//   ... protect, record durably ...
//   cache.Insert(key, decision, release_id, /*ledger_audited=*/true);
#ifndef CELLGATE_SERVER_PIPELINE_RELEASE_CACHE_H_
#define CELLGATE_SERVER_PIPELINE_RELEASE_CACHE_H_

#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "cellgate/v1/query.pb.h"
#include "cellgate/v1/table.pb.h"

namespace cellgate::pipeline {

class ReleaseCache {
 public:
  struct Hit {
    std::shared_ptr<const v1::ReleaseDecision> decision;
    std::string release_id;  // of the release that made the decision
    // Whether that release was audited against the release ledger (a
    // perturbed count table, or a server without a ledger, was not).
    bool ledger_audited = false;
  };

  // Keeps decisions of at most `max_bytes` in memory in all (BytesOf); 0
  // keeps none.
  explicit ReleaseCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Returns the key of `query` on version `version_number` (content hash
  // `version_hash`) under the policy with `policy_hash`. The query's purpose,
  // legal basis, justification, client request id and version field do not
  // take part (they do not change the table). The version number does: an
  // identical re-ingest has the same hash, but its tables name their own
  // version and go to their own version's ledger.
  static std::string KeyOf(const v1::Query& query, int64_t version_number,
                           const std::string& version_hash, const std::string& policy_hash);

  // Returns the decision released for `key`, if it is still kept.
  std::optional<Hit> Find(const std::string& key);
  // The memory an entry for `decision` under `key` takes, as counted
  // against the cache's bytes.
  static size_t BytesOf(const v1::ReleaseDecision& decision, const std::string& key);

  // Keeps `decision`, released as `release_id` (audited against the ledger
  // if `ledger_audited`), for `key` (replacing any).
  void Insert(const std::string& key, std::shared_ptr<const v1::ReleaseDecision> decision,
              std::string release_id, bool ledger_audited);
  // The same with BytesOf(*decision, key) worked out already (it walks the
  // whole decision: a caller may do it while it waits for something else).
  void Insert(const std::string& key, std::shared_ptr<const v1::ReleaseDecision> decision,
              size_t bytes, std::string release_id, bool ledger_audited);

 private:
  struct Entry {
    std::string key;
    Hit hit;
    size_t bytes = 0;
  };

  const size_t max_bytes_;
  absl::Mutex mu_;
  std::list<Entry> entries_ ABSL_GUARDED_BY(mu_);  // most recently used first
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> by_key_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_RELEASE_CACHE_H_
