// ReleasePipeline::Replay: a recorded release re-run through the same
// Decide as a live release, pinned to its dataset version, its policy and
// the ledger as of that release. docs/adr/0006-release-replay.md.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/canonical.h"
#include "common/status_macros.h"
#include "policies/policy_loader.h"
#include "server/pipeline/cross_dataset_release.h"
#include "server/pipeline/release_pipeline.h"
#include "server/pipeline/table_difference.h"

namespace cellgate::pipeline {
namespace {

absl::Status CheckReplayable(const v1::AuditRecord& release) {
  if (release.record_type() != v1::RELEASE) {
    return absl::FailedPreconditionError(absl::StrCat(
        "record ", release.seq(), " is a ",
        v1::RecordType_IsValid(release.record_type())
            ? absl::AsciiStrToLower(v1::RecordType_Name(release.record_type()))
            : "record of unknown type",
        ", not a release; only releases can be replayed"));
  }
  if (!release.has_query() || release.released_table_sha256().empty() ||
      release.dataset_version() <= 0 || release.policy_hash().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "release record ", release.seq(),
        " lacks its query, dataset version, policy hash or table digest"));
  }
  return absl::OkStatus();
}

// OK if the release's content detail (query, table, audits) was read;
// else why not. The header alone holds digests, never the inputs: a replay
// of it would compare nothing, so it must say that the content is gone.
absl::Status CheckContent(const v1::AuditRecord& release,
                          const std::vector<v1::DetailStatus>& details) {
  for (const v1::DetailStatus& detail : details) {
    if (detail.kind() != v1::CONTENT || detail.state() == v1::DetailStatus::DETAIL_PRESENT) {
      continue;
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "release ", release.release_id(), " (seq ", release.seq(), ") cannot be replayed: ",
        detail.state() == v1::DetailStatus::DETAIL_REDACTED
            ? "its content (query, table) was deleted by retention: "
            : "its content (query, table) cannot be read: ",
        detail.note()));
  }
  return absl::OkStatus();
}

// The AUDIT_ACCESS record of a replay: who, which release, what came out.
v1::AuditRecord AccessRecord(const RequestInfo& request, const v1::AuditRecord& release,
                             const v1::ReplayReleaseResponse& response,
                             const absl::Status& outcome) {
  v1::AuditRecord record;
  record.set_record_type(v1::AUDIT_ACCESS);
  *record.mutable_requester() = request.requester;
  record.set_access_policy_hash(request.access_policy_hash);
  record.set_method(request.method);
  record.set_dataset(release.dataset());
  record.set_dataset_version(release.dataset_version());
  record.set_dataset_version_hash(response.dataset_version_hash());
  record.set_policy_id(release.policy_id());
  record.set_policy_version(release.policy_version());
  record.set_policy_hash(release.policy_hash());
  record.add_reason_codes("replay");
  std::string detail = absl::StrCat("replay of release ", release.release_id(), " (seq ",
                                    release.seq(), "): ");
  if (!outcome.ok()) {
    record.add_reason_codes("failed");
    absl::StrAppend(&detail, "failed: ", outcome.message());
  } else if (response.match()) {
    record.add_reason_codes("match");
    absl::StrAppend(&detail, "match, digest ", response.replayed_digest());
  } else if (!response.replay_refusal().empty()) {
    record.add_reason_codes("refused");
    absl::StrAppend(&detail, "mismatch: the replay was refused: ", response.replay_refusal());
  } else {
    record.add_reason_codes("mismatch");
    absl::StrAppend(&detail, "mismatch: recorded ", response.recorded_digest(), ", replayed ",
                    response.replayed_digest(), "; ", response.status_difference_count(),
                    " cells differ in status, ", response.value_difference_count(),
                    " in their figure", response.layout_differs() ? "; the layout differs" : "");
  }
  record.set_detail(std::move(detail));
  return record;
}

}  // namespace

absl::StatusOr<v1::ReplayReleaseResponse> ReleasePipeline::Replay(
    const RequestInfo& request, const v1::AuditRecord& release,
    const std::vector<v1::DetailStatus>& details) {
  // A replay reads the store and the ledger like a release: a backup's cut
  // waits for it too.
  absl::ReaderMutexLock gate(&release_gate_);
  if (!log_.healthy()) {
    return absl::UnavailableError("audit log is not writable; replays are withheld");
  }
  v1::ReplayReleaseResponse response;
  absl::Status outcome = CheckContent(release, details);
  if (outcome.ok()) outcome = ReplayInto(release, response);
  // Recorded whatever came out, and before anything is answered.
  ASSIGN_OR_RETURN(const v1::Receipt receipt,
                   log_.Append(AccessRecord(request, release, response, outcome)));
  RETURN_IF_ERROR(outcome);
  response.set_audit_seq(receipt.seq());
  return response;
}

absl::Status ReleasePipeline::ReplayInto(const v1::AuditRecord& release,
                                         v1::ReplayReleaseResponse& response) {
  response.set_release_id(release.release_id());
  response.set_seq(release.seq());
  response.set_recorded_digest(release.released_table_sha256());
  response.set_dataset(release.dataset());
  response.set_dataset_version(release.dataset_version());
  response.set_recorded_dataset_version_hash(release.dataset_version_hash());
  response.set_policy_id(release.policy_id());
  response.set_policy_version(release.policy_version());
  response.set_policy_hash(release.policy_hash());
  response.set_recorded_linked_releases(release.ledger_audit().linked_releases());
  response.set_recorded_table_inconsistent(CanonicalSha256Hex(release.released_table()) !=
                                           release.released_table_sha256());
  RETURN_IF_ERROR(CheckReplayable(release));

  absl::StatusOr<const v1::DisclosurePolicy*> loaded = policies_.ForDataset(release.dataset());
  const bool runs_it = loaded.ok() && policies::PolicyHash(**loaded) == release.policy_hash();
  ASSIGN_OR_RETURN(const v1::DisclosurePolicy policy,
                   archive_.Find(policies_, release.dataset(), release.policy_id(),
                                 release.policy_version(), release.policy_hash()));
  response.set_policy_source(runs_it ? "loaded" : "kept");

  // The ledger as this release's audit saw it: only what came before it.
  // A release decided without the ledger (by a server without one, or a
  // table that by design stays out of it) is replayed without it. A share
  // across datasets was audited against both datasets' ledgers (either
  // side may have stayed out, perturbed): the view holds both datasets'
  // releases before the first entry it made.
  std::unique_ptr<ledger::ReleaseLedger> as_of;
  const bool numerator_audited = release.has_ledger_audit();
  const bool denominator_audited =
      release.has_denominator() && release.denominator().has_ledger_audit();
  if (numerator_audited || denominator_audited) {
    if (ledger_ == nullptr) {
      return absl::FailedPreconditionError(
          "the release was audited against the release ledger, and this server has none");
    }
    std::vector<std::string> also;
    if (release.has_denominator()) also.push_back(release.denominator().dataset());
    // A repeat made no entry of its own: its table is that of the release
    // it repeats, decided as of that one.
    const std::string& repeat_of = release.ledger_audit().repeat_of();
    absl::StatusOr<std::unique_ptr<ledger::ReleaseLedger>> view = ledger_->AsOf(
        !repeat_of.empty()  ? repeat_of
        : numerator_audited ? release.release_id()
                            : DenominatorLedgerId(release.release_id()),
        also);
    if (!view.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "release ", release.release_id(),
          " is not in the release ledger, so the audit it had cannot be rebuilt"));
    }
    as_of = *std::move(view);
    response.set_ledger_audited(true);
    response.set_ledger_releases_before(as_of->size());
  }

  v1::Query query = release.query();
  query.set_version(release.dataset_version());
  // A share across datasets: the denominator's recorded version and policy
  // too (docs/adr/0008).
  std::optional<v1::DisclosurePolicy> denominator_policy;
  if (release.has_denominator()) {
    const v1::DenominatorRelease& den = release.denominator();
    for (v1::Measure& m : *query.mutable_measures()) {
      if (m.has_denominator()) m.mutable_denominator()->set_version(den.dataset_version());
    }
    ASSIGN_OR_RETURN(denominator_policy,
                     archive_.Find(policies_, den.dataset(), den.policy_id(),
                                   den.policy_version(), den.policy_hash()));
  }
  v1::AuditRecord scratch;  // what the replay would record; never appended
  absl::StatusOr<v1::ReleaseDecision> decision = Decide(
      query,
      Basis{&policy, as_of.get(), false,
            denominator_policy.has_value() ? &*denominator_policy : nullptr},
      scratch, /*repeat=*/nullptr);
  response.set_dataset_version_hash(scratch.dataset_version_hash());
  response.set_replayed_linked_releases(scratch.ledger_audit().linked_releases());
  if (!decision.ok()) {
    // The version's data may be gone or damaged (NOT_FOUND, DATA_LOSS):
    // that is the answer too.
    response.set_replay_refusal(std::string(decision.status().message()));
    return absl::OkStatus();
  }
  response.set_replayed_digest(CanonicalSha256Hex(decision->table()));
  response.set_match(response.replayed_digest() == response.recorded_digest());
  if (!response.match()) CompareReleasedTables(release.released_table(), decision->table(), response);
  return absl::OkStatus();
}

}  // namespace cellgate::pipeline
