// ReleasePipeline: the only way to obtain a releasable table. It runs
// validate → compute → protect (with the release ledger) → record → answer,
// and returns the table only after its ledger entry and audit record are
// durable. Refusals are recorded too. Free of any
// transport; thread-safe.
//
//   ReleasePipeline pipeline(catalog, policy_set, audit_log, options);
//   ASSIGN_OR_RETURN(v1::QueryResponse answer, pipeline.Release(request, query));
//   // answer.receipt() names the durable audit record of this release.
//
// Replay re-runs a recorded release through the same decision, pinned to
// its dataset version, policy version and ledger as of that release
// (docs/adr/0006-release-replay.md).
#ifndef CELLGATE_SERVER_PIPELINE_RELEASE_PIPELINE_H_
#define CELLGATE_SERVER_PIPELINE_RELEASE_PIPELINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "audit/audit_log.h"
#include "cellgate/v1/audit_service.pb.h"
#include "cellgate/v1/data_service.pb.h"
#include "policies/policy_set.h"
#include "server/ledger/release_ledger.h"
#include "server/pipeline/dataset_catalog.h"
#include "server/pipeline/policy_archive.h"
#include "server/pipeline/release_cache.h"
#include "server/pipeline/release_observer.h"
#include "server/pipeline/request_info.h"

namespace cellgate::pipeline {

struct PipelineOptions {
  // Server-wide cap on table cells; a dataset policy may lower it.
  int64_t max_cells = 50000;
  // Time budget of one query from the start of Release; past it the query
  // is refused with DEADLINE_EXCEEDED (and recorded).
  absl::Duration max_query_time = absl::Seconds(30);
  // Largest joint atom space of an audit against earlier releases.
  int64_t max_ledger_atoms = 200000;
  // Told of every recorded decision (metrics, logs); null for none. Not
  // owned; must outlive the pipeline.
  ReleaseObserver* observer = nullptr;
  // Bytes of recent decisions kept to answer repeated queries with the
  // table already released (release_cache.h); 0: none.
  size_t release_cache_bytes = size_t{64} << 20;
};

class ReleasePipeline;

// Holds back new releases and waits for running ones to finish (their
// ledger entry and audit record both durable), until Resume or
// destruction; for a backup's consistent cut. Refusals are not held.
class ReleasePause {
 public:
  explicit ReleasePause(ReleasePipeline& pipeline);
  ~ReleasePause() { Resume(); }
  ReleasePause(const ReleasePause&) = delete;
  ReleasePause& operator=(const ReleasePause&) = delete;
  // Lets releases run again; idempotent.
  void Resume();

 private:
  ReleasePipeline& pipeline_;
  bool paused_ = true;
};

class ReleasePipeline final {
 public:
  // All references must outlive the pipeline. With a `ledger`, every table
  // is audited together with the earlier releases it is linked to and kept
  // in the ledger before it leaves; without one (tests and the attack
  // suite's baseline only), each table is protected on its own.
  ReleasePipeline(DatasetCatalog& catalog, const policies::PolicySet& policies,
                  audit::AuditLog& log, PipelineOptions options,
                  ledger::ReleaseLedger* ledger = nullptr);

  // Keeps every loaded policy for replays now (a store write per policy
  // version not kept yet), so that no release waits for it; a release still
  // keeps its policy itself if this was not called. UNAVAILABLE naming the
  // policy if the store refuses.
  absl::Status KeepPolicies();

  // Computes, protects and records the table for `query`, then returns it
  // with its receipt. Every outcome is recorded: a failure returns its
  // status (INVALID_ARGUMENT, NOT_FOUND, ...) after a REFUSAL record.
  // UNAVAILABLE if the audit log cannot record: then no figure is returned.
  // REQUIRES: the caller has authorized `request` for this query.
  absl::StatusOr<v1::QueryResponse> Release(const RequestInfo& request, const v1::Query& query);

  // Records a refusal decided before the pipeline (e.g. authorization) and
  // returns `reason`, or UNAVAILABLE if the log cannot record it.
  absl::Status Refuse(const RequestInfo& request, const v1::Query& query,
                      const absl::Status& reason);

  // Re-runs `release` (a RELEASE record with its content detail merged in,
  // audit/verify/detail_reader.h; `details` as the reader found them) for
  // the DPO in `request`: the same decision on the recorded dataset version,
  // under the recorded policy (loaded or kept), against the ledger as of
  // that release; it appends nothing to the ledger. Compares the digests
  // and, on a mismatch, the cells' statuses (never a figure). Records an
  // AUDIT_ACCESS record whatever the outcome, before it returns: UNAVAILABLE
  // if it cannot. FAILED_PRECONDITION if `release` is no release, its
  // content detail was redacted or is unreadable (nothing runs), its policy
  // is neither loaded nor kept, or it was audited against a ledger that
  // lacks it. A replay the pipeline refuses is an answer (replay_refusal).
  absl::StatusOr<v1::ReplayReleaseResponse> Replay(const RequestInfo& request,
                                                   const v1::AuditRecord& release,
                                                   const std::vector<v1::DetailStatus>& details);

 private:
  friend class ReleasePause;
  void Notify(const RequestInfo& request, const v1::AuditRecord& record,
              const v1::Receipt& receipt, absl::Time start, bool dataset_known) const;
  // What a decision is made under. A release: the policy in force, the live
  // ledger, and the table kept in it. A replay: the recorded policy, the
  // ledger as of the release, and nothing kept.
  struct Basis {
    const v1::DisclosurePolicy* policy = nullptr;  // null: the one in force
    ledger::ReleaseLedger* ledger = nullptr;       // null: the table alone
    bool keep = true;                              // append to `ledger`
    // A share across datasets: the denominator dataset's policy; null: the
    // one in force.
    const v1::DisclosurePolicy* denominator_policy = nullptr;
  };
  // `repeat` non-null: a live release, which may be answered with the table
  // of an earlier release of the same query (ReleaseCache); `*repeat` is
  // then set. Null (a replay): always decided anew. A decision to keep in
  // the ledger (basis.keep) leaves its entry in `kept`, with the dataset's
  // turn held: the caller stores it before the table leaves.
  absl::StatusOr<v1::ReleaseDecision> Decide(const v1::Query& query, const Basis& basis,
                                             v1::AuditRecord& record, bool* repeat,
                                             ledger::LedgerTurn* kept = nullptr);
  absl::Status ReplayInto(const v1::AuditRecord& release, v1::ReplayReleaseResponse& response);

  DatasetCatalog& catalog_;
  const policies::PolicySet& policies_;
  audit::AuditLog& log_;
  const PipelineOptions options_;
  ledger::ReleaseLedger* const ledger_;  // may be null
  ReleaseCache cache_;
  // Held shared by every Release and Replay, exclusively by a ReleasePause.
  absl::Mutex release_gate_;
  PolicyArchive archive_;
};

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_RELEASE_PIPELINE_H_
