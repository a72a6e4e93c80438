// The release ledger: every release of every dataset version, kept in the
// encrypted store and indexed in memory by population, so that an audit
// reads only the releases linked to its table: those whose populations
// (the boxes their filters cut out) overlap the table's, directly or
// through each other. Releases of other versions, and of populations that
// share no unit with the table, never enter. Thread-safe.
//
//   ASSIGN_OR_RETURN(auto ledger, ReleaseLedger::Open(store));
//   absl::MutexLock serial(&ledger->SerializerFor("schueler"));
//   auto linked = ledger->Linked(candidate);   // audit against these
//   RETURN_IF_ERROR(ledger->Append(candidate));  // durable, then indexed
//
// AsOf(release_id) gives the ledger as that release's audit saw it (a
// read-only view), so that a replay runs the same audit code on it.
#ifndef CELLGATE_SERVER_LEDGER_RELEASE_LEDGER_H_
#define CELLGATE_SERVER_LEDGER_RELEASE_LEDGER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cellgate/v1/ledger.pb.h"
#include "server/store/store.h"

namespace cellgate::ledger {

class ReleaseLedger {
 public:
  // Reads every release from `store` (which must outlive the ledger).
  static absl::StatusOr<std::unique_ptr<ReleaseLedger>> Open(store::Store& store);

  // The earlier releases of candidate's dataset version linked to it,
  // oldest first.
  std::vector<std::shared_ptr<const v1::LedgerRelease>> Linked(
      const v1::LedgerRelease& candidate) const;
  // The other versions of candidate's dataset that have a release whose
  // population overlaps the candidate's, ascending.
  std::vector<int64_t> OtherVersionsLinked(const v1::LedgerRelease& candidate) const;
  // Writes `release` to the store (durable), then indexes it. Errors of the
  // store pass through and leave the ledger unchanged. FAILED_PRECONDITION
  // on a view made by AsOf.
  absl::Status Append(v1::LedgerRelease release);

  // Returns a read-only view holding the releases of release_id's dataset
  // (and of `also`, e.g. a share's denominator dataset) that were appended
  // before it, in the same order: the ledger that release was audited
  // against. Later releases, and the release itself, are not in it.
  // NOT_FOUND if the ledger holds no release `release_id`.
  absl::StatusOr<std::unique_ptr<ReleaseLedger>> AsOf(
      absl::string_view release_id, const std::vector<std::string>& also = {}) const;

  // Held by the caller from Linked through Append, so that two linked
  // releases of one dataset are never audited without each other.
  absl::Mutex& SerializerFor(const std::string& dataset);

  int64_t size() const;

 private:
  // A population: per filtered dimension, the sorted finest codes allowed.
  using Box = absl::flat_hash_map<std::string, std::vector<uint32_t>>;
  struct Bucket {
    std::vector<std::shared_ptr<const v1::LedgerRelease>> releases;
    std::vector<Box> boxes;
    // dimension -> finest code -> releases whose box allows it there.
    absl::flat_hash_map<std::string, absl::flat_hash_map<uint32_t, std::vector<int32_t>>> postings;
    // dimension -> releases that do not filter it (only for dimensions
    // some release filters).
    absl::flat_hash_map<std::string, std::vector<int32_t>> unfiltered;
  };

  // `store` is null for a view (AsOf).
  explicit ReleaseLedger(store::Store* store) : store_(store) {}
  static Box BoxOf(const v1::LedgerRelease& release);
  static bool Overlap(const Box& a, const Box& b);
  void Index(std::shared_ptr<const v1::LedgerRelease> release) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Indexes of the releases in `bucket` that might overlap `box`.
  static std::vector<int32_t> Candidates(const Bucket& bucket, const Box& box);

  store::Store* const store_;  // not owned; null for a read-only view
  mutable absl::Mutex mu_;
  absl::btree_map<std::pair<std::string, int64_t>, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  int64_t size_ ABSL_GUARDED_BY(mu_) = 0;
  // Every release in append order, and each release id's place in it.
  std::vector<std::shared_ptr<const v1::LedgerRelease>> history_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, size_t> position_ ABSL_GUARDED_BY(mu_);
  absl::Mutex serializers_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<absl::Mutex>> serializers_
      ABSL_GUARDED_BY(serializers_mu_);
};

// One release's turn at its dataset's ledger: the dataset's serializer,
// held from the linked audit until the release's entry is durable (or the
// release is given up), so that the next release of the dataset is
// audited against it. The thread that took the turn gives it up; Store
// may run on any thread meanwhile. Not copyable.
//
//   LedgerTurn turn;
//   turn.Take(*ledger, "schueler");  // waits for the dataset's earlier turns
//   ... audit against ledger->Linked(candidate), turn.Keep(candidate) ...
//   RETURN_IF_ERROR(turn.Store());   // durable, then indexed
//   turn.GiveUp();                    // or at destruction
class LedgerTurn {
 public:
  LedgerTurn() = default;
  ~LedgerTurn() { GiveUp(); }
  LedgerTurn(const LedgerTurn&) = delete;
  LedgerTurn& operator=(const LedgerTurn&) = delete;

  // Waits for and takes `dataset`'s serializer of `ledger` (which must
  // outlive the turn). REQUIRES: no turn held.
  void Take(ReleaseLedger& ledger, const std::string& dataset);
  bool held() const { return serializer_ != nullptr; }
  // The entry Store appends. REQUIRES: held().
  void Keep(v1::LedgerRelease entry);
  bool has_entry() const { return entry_.has_value(); }
  // Appends the kept entry (ReleaseLedger::Append) and forgets it; the turn
  // stays held. REQUIRES: has_entry().
  absl::Status Store();
  // Releases the serializer and drops an entry not stored; idempotent.
  void GiveUp();

 private:
  ReleaseLedger* ledger_ = nullptr;
  absl::Mutex* serializer_ = nullptr;
  std::optional<v1::LedgerRelease> entry_;
};

}  // namespace cellgate::ledger

#endif  // CELLGATE_SERVER_LEDGER_RELEASE_LEDGER_H_
