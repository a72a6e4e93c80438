#include "server/pipeline/release_pipeline.h"

#include <algorithm>
#include <future>
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/beside.h"
#include "common/canonical.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"
#include "policies/policy_loader.h"
#include "policies/query_shape.h"
#include "policies/table_protector.h"
#include "server/engine/table_computer.h"
#include "server/ledger/linked_protection.h"
#include "server/pipeline/cross_dataset_release.h"
#include "server/pipeline/share_tables.h"
#include "server/pipeline/text_checks.h"

namespace cellgate::pipeline {
namespace {

constexpr size_t kMaxCodeBytes = 64;
constexpr size_t kMaxJustificationBytes = 500;
constexpr size_t kMaxRequestIdBytes = 128;

absl::Status CheckQueryText(const v1::Query& query) {
  RETURN_IF_ERROR(CheckText(query.dataset(), "dataset", kMaxCodeBytes));
  RETURN_IF_ERROR(CheckText(query.purpose(), "purpose", kMaxCodeBytes));
  RETURN_IF_ERROR(CheckText(query.legal_basis(), "legal_basis", kMaxCodeBytes));
  RETURN_IF_ERROR(CheckText(query.justification(), "justification", kMaxJustificationBytes));
  RETURN_IF_ERROR(CheckText(query.client_request_id(), "client_request_id", kMaxRequestIdBytes));
  if (query.dataset().empty()) return absl::InvalidArgumentError("query names no dataset");
  if (query.version() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("version must be 0 (latest) or positive, got ", query.version()));
  }
  return absl::OkStatus();
}

// The tables of one query on one version: the table to protect, and for
// a query with shares the two count tables it stacks.
struct ComputedTables {
  v1::ComputedTable protect;
  v1::ComputedTable denominators;
  v1::ComputedTable numerators;
};

std::string ReasonCode(const absl::Status& status) {
  return absl::AsciiStrToLower(absl::StatusCodeToString(status.code()));
}

// Starts a RELEASE/REFUSAL record with everything known before computing.
v1::AuditRecord NewRecord(const RequestInfo& request, const v1::Query& query) {
  v1::AuditRecord record;
  absl::StatusOr<std::string> id = crypto::RandomBytes(16);
  record.set_release_id(id.ok() ? crypto::HexEncode(*id) : "");
  record.set_client_request_id(query.client_request_id());
  *record.mutable_requester() = request.requester;
  record.set_purpose(query.purpose());
  record.set_legal_basis(query.legal_basis());
  record.set_justification(query.justification());
  record.set_dataset(query.dataset());
  record.set_dataset_version(query.version());
  record.set_access_policy_hash(request.access_policy_hash);
  record.set_method(request.method);
  *record.mutable_query() = query;
  record.set_query_hash(CanonicalSha256Hex(query));
  return record;
}

// What Notify reads of a record, without its (possibly large) table.
v1::AuditRecord HeaderOf(const v1::AuditRecord& record) {
  v1::AuditRecord header;
  *header.mutable_requester() = record.requester();
  header.set_dataset(record.dataset());
  header.set_decision(record.decision());
  *header.mutable_reason_codes() = record.reason_codes();
  *header.mutable_counts() = record.counts();
  return header;
}

}  // namespace

ReleasePause::ReleasePause(ReleasePipeline& pipeline) : pipeline_(pipeline) {
  pipeline_.release_gate_.WriterLock();
}

void ReleasePause::Resume() {
  if (!paused_) return;
  paused_ = false;
  pipeline_.release_gate_.WriterUnlock();
}

void ReleasePipeline::Notify(const RequestInfo& request, const v1::AuditRecord& record,
                             const v1::Receipt& receipt, absl::Time start,
                             bool dataset_known) const {
  if (options_.observer == nullptr) return;
  DecisionEvent event;
  event.method = request.method;
  event.release_id = receipt.release_id();
  event.seq = receipt.seq();
  event.principal = record.requester().principal();
  event.department = record.requester().department();
  event.dataset = record.dataset();
  event.dataset_known = dataset_known;
  event.decision = record.decision();
  if (record.decision() == v1::REFUSED && record.reason_codes_size() > 0) {
    event.reason_code = record.reason_codes(0);
  }
  event.cells = record.counts().cells();
  event.suppressed =
      record.counts().suppressed_primary() + record.counts().suppressed_secondary();
  event.latency = absl::Now() - start;
  options_.observer->OnDecision(event);
}

ReleasePipeline::ReleasePipeline(DatasetCatalog& catalog, const policies::PolicySet& policies,
                                 audit::AuditLog& log, PipelineOptions options,
                                 ledger::ReleaseLedger* ledger)
    : catalog_(catalog),
      policies_(policies),
      log_(log),
      options_(options),
      ledger_(ledger),
      cache_(options.release_cache_bytes),
      archive_(catalog.store()) {}

absl::Status ReleasePipeline::KeepPolicies() {
  for (const v1::DisclosurePolicy* policy : policies_.All()) RETURN_IF_ERROR(archive_.Keep(*policy));
  return absl::OkStatus();
}

absl::StatusOr<v1::ReleaseDecision> ReleasePipeline::Decide(const v1::Query& query,
                                                            const Basis& basis,
                                                            v1::AuditRecord& record,
                                                            bool* repeat,
                                                            ledger::LedgerTurn* kept) {
  const absl::Time deadline = absl::Now() + options_.max_query_time;
  RETURN_IF_ERROR(CheckQueryText(query));
  ASSIGN_OR_RETURN(const auto version, catalog_.Get(query.dataset(), query.version()));
  record.set_dataset_version(version->info().version());
  record.set_dataset_version_hash(version->info().version_hash());
  const v1::DisclosurePolicy* policy = basis.policy;
  if (policy == nullptr) {
    ASSIGN_OR_RETURN(policy, policies_.ForDataset(query.dataset()));
    // Kept before it decides anything, so that every release can be
    // replayed under its policy later.
    RETURN_IF_ERROR(archive_.Keep(*policy));
  }
  record.set_policy_id(policy->id());
  record.set_policy_version(policy->version());
  record.set_policy_hash(policies::PolicyHash(*policy));
  RETURN_IF_ERROR(policies::CheckQueryShape(policy->shape(), query));
  ASSIGN_OR_RETURN(const std::optional<CrossSharePlan> across, PlanCrossShares(query));
  // Asked before on this version under this policy: the same table again,
  // which adds nothing to what was released (no audit, no ledger entry).
  // Only for live releases (a replay decides anew), and not for a share
  // over another dataset, whose table also depends on that dataset's
  // version and policy.
  if (std::optional<ReleaseCache::Hit> hit;
      repeat != nullptr && !across.has_value() &&
      (hit = cache_.Find(ReleaseCache::KeyOf(query, record.dataset_version(),
                                             record.dataset_version_hash(),
                                             record.policy_hash())))) {
    *repeat = true;
    // A table decided without the ledger is repeated without it too (its
    // replay then decides anew without the ledger, as for the original).
    if (hit->ledger_audited) {
      v1::LedgerAudit& audit = *record.mutable_ledger_audit();
      audit.set_linked_releases(1);
      audit.add_linked_release_ids(hit->release_id);
      audit.set_repeat_of(hit->release_id);
      audit.set_note(absl::StrCat("repeat of release ", hit->release_id,
                                  ": the table released then, nothing new to audit"));
    }
    return *hit->decision;
  }
  ASSIGN_OR_RETURN(const policies::TableProtector protector,
                   policies::TableProtector::Create(*policy));
  // The cell key method on a perturbed channel (docs/adr/0004): a table of
  // counts (shares are stacked counts) gets consistent noise instead of
  // suppression and stays out of the release ledger, since it pins no
  // count exactly; a table with sums or means is protected as on any
  // channel, and its published counts get the same noise on top.
  const bool perturbed = protector.PerturbationFor(query.channel()) != nullptr;
  engine::ComputeLimits limits;
  limits.max_cells = std::min(options_.max_cells, policy->shape().max_cells());
  limits.max_dimensions = policy->shape().max_dimensions();
  limits.cell_keys = perturbed;
  // The largest contributions feed the magnitude rules only; without one
  // the scan skips them (docs/adr/0012-scan-at-memory-speed.md).
  limits.largest_contributions = protector.policy().magnitude().dominance().n() != 0 ||
                                 protector.policy().magnitude().p_percent().p() != 0;
  if (policy->shape().min_population() > 0 && query.filters_size() > 0) {
    // The filtered population: the query's filters, one count, no groups.
    v1::Query population = query;
    population.clear_group_by();
    population.clear_measures();
    population.add_measures()->set_kind(v1::Measure::COUNT);
    ASSIGN_OR_RETURN(const v1::ComputedTable counted,
                     engine::ComputeTable(*version, population, limits));
    if (counted.record_count(0) < policy->shape().min_population()) {
      return policies::PopulationBelowMinimum(policy->shape().min_population());
    }
  }
  // --- shares across datasets (docs/adr/0008; cross_dataset_release.h) ---
  if (across.has_value()) {
    const v1::DisclosurePolicy* denominator_policy = basis.denominator_policy;
    if (denominator_policy == nullptr) {
      ASSIGN_OR_RETURN(denominator_policy, policies_.ForDataset(across->spec.dataset()));
      RETURN_IF_ERROR(archive_.Keep(*denominator_policy));
    }
    const CrossShareContext context{catalog_,  *denominator_policy,        basis.ledger, limits,
                                    options_.max_ledger_atoms, deadline, basis.keep};
    return DecideCrossDatasetShare(context, *across, *version, *policy, record);
  }
  // --- end of shares across datasets ---
  ASSIGN_OR_RETURN(const std::optional<SharePlan> shares, PlanShares(query));
  // The table to protect: the query's, or for shares the stack of their
  // denominators and numerators (share_tables.h).
  auto compute = [&](const engine::LoadedVersion& on) -> absl::StatusOr<ComputedTables> {
    ComputedTables tables;
    if (!shares.has_value()) {
      ASSIGN_OR_RETURN(tables.protect, engine::ComputeTable(on, query, limits));
      return tables;
    }
    ASSIGN_OR_RETURN(tables.denominators, engine::ComputeTable(on, shares->counts, limits));
    v1::Query numerator = shares->counts;
    *numerator.add_filters() = shares->share_of;
    ASSIGN_OR_RETURN(tables.numerators, engine::ComputeTable(on, numerator, limits));
    if (3 * tables.denominators.record_count_size() > limits.max_cells) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the table has ", tables.denominators.record_count_size(),
          " cells; with its shares it needs three times as many, more than the limit of ",
          limits.max_cells));
    }
    ASSIGN_OR_RETURN(tables.protect,
                     StackShares(on, *shares, tables.denominators, tables.numerators));
    return tables;
  };
  ASSIGN_OR_RETURN(const ComputedTables tables, compute(*version));
  const v1::ComputedTable& table = tables.protect;
  const v1::Query& counted = shares.has_value() ? shares->counts : query;
  auto answer = [&](v1::ReleaseDecision decision) -> v1::ReleaseDecision {
    if (!shares.has_value()) return decision;
    return UnstackShares(query, tables.denominators, tables.numerators, decision,
                         policy->shares().unreliable_below());
  };
  if (perturbed && policies::TableProtector::OnlyCounts(table)) {
    ASSIGN_OR_RETURN(v1::ReleaseDecision decision, protector.Perturb(table));
    return answer(std::move(decision));
  }
  auto finish = [&](v1::ReleaseDecision decision) -> absl::StatusOr<v1::ReleaseDecision> {
    if (perturbed) RETURN_IF_ERROR(protector.PerturbPublished(table, decision));
    return answer(std::move(decision));
  };
  ledger::ReleaseLedger* const ledger = basis.ledger;
  if (ledger == nullptr) {
    ASSIGN_OR_RETURN(v1::ReleaseDecision decision, protector.Protect(table, deadline));
    return finish(std::move(decision));
  }
  // Linked releases of this dataset are audited one after the other, each
  // against all before it: the turn is held until the entry is durable,
  // which Release makes it before the table leaves (if the audit record
  // then fails, the ledger holds a release nobody saw: more than the
  // attacker knows, which errs on the safe side). A replay keeps nothing.
  ledger::LedgerTurn replay_turn;
  ledger::LedgerTurn& turn = basis.keep ? *kept : replay_turn;
  turn.Take(*ledger, query.dataset());
  ledger::LinkedProtectionOptions linked_options;
  linked_options.max_atoms = options_.max_ledger_atoms;
  linked_options.deadline = deadline;
  ASSIGN_OR_RETURN(ledger::LinkedDecision linked,
                   ledger::ProtectAcrossReleases(
                       protector, *version, counted, table, *ledger,
                       [&](int64_t v) -> absl::StatusOr<ledger::TableOnOtherVersion> {
                         ASSIGN_OR_RETURN(auto other, catalog_.Get(query.dataset(), v));
                         ASSIGN_OR_RETURN(ComputedTables on_other, compute(*other));
                         return ledger::TableOnOtherVersion{std::move(other),
                                                            std::move(on_other.protect)};
                       },
                       linked_options, *record.mutable_ledger_audit()));
  if (!basis.keep) return finish(std::move(linked.decision));
  ASSIGN_OR_RETURN(v1::ReleaseDecision decision, finish(std::move(linked.decision)));
  linked.entry.set_release_id(record.release_id());
  turn.Keep(std::move(linked.entry));
  return decision;
}

absl::StatusOr<v1::QueryResponse> ReleasePipeline::Release(const RequestInfo& request,
                                                           const v1::Query& query) {
  const absl::Time start = absl::Now();
  absl::ReaderMutexLock gate(&release_gate_);
  if (!log_.healthy()) {
    return absl::UnavailableError("audit log is not writable; releases are withheld");
  }
  v1::AuditRecord record = NewRecord(request, query);
  bool repeat = false;
  ledger::LedgerTurn turn;
  absl::StatusOr<v1::ReleaseDecision> decision =
      Decide(query, Basis{nullptr, ledger_, true, nullptr}, record, &repeat, &turn);
  // The release's record is built and serialized while the ledger entry is
  // made durable on another thread; `record` stays as it was, for a
  // refusal if the ledger cannot keep the release.
  std::optional<audit::PreparedRecord> prepared;
  v1::AuditRecord header;
  std::string cache_key;
  bool cacheable = false;
  bool ledger_audited = false;
  if (decision.ok()) {
    std::future<absl::Status> stored;
    if (turn.has_entry()) {
      stored = std::async(kBesideOrAtGet, [&turn] { return turn.Store(); });
    }
    v1::AuditRecord release = record;  // no table yet: small
    release.set_record_type(v1::RELEASE);
    release.set_decision(v1::RELEASED);
    for (const std::string& rule : decision->rule_ids()) release.add_reason_codes(rule);
    *release.mutable_counts() = decision->counts();
    *release.mutable_suppression_audit() = decision->audit();
    release.set_released_table_sha256(CanonicalSha256Hex(decision->table()));
    header = HeaderOf(release);
    cache_key = ReleaseCache::KeyOf(query, release.dataset_version(),
                                    release.dataset_version_hash(), release.policy_hash());
    // A share over another dataset is never answered from the cache
    // (Decide), so it is not kept there either.
    cacheable = !repeat && !release.has_denominator();
    ledger_audited = release.has_ledger_audit();
    // The table goes into the record for serializing and comes back.
    *release.mutable_released_table() = std::move(*decision->mutable_table());
    prepared = audit::AuditLog::Prepare(std::move(release), decision->mutable_table());
    if (stored.valid()) {
      if (absl::Status status = stored.get(); !status.ok()) {
        decision = absl::UnavailableError(
            absl::StrCat("the release ledger cannot record the release: ", status.message()));
      }
    }
  }
  // The next release of the dataset may be audited now: against this one,
  // if it is kept.
  turn.GiveUp();
  if (!decision.ok()) {
    record.set_record_type(v1::REFUSAL);
    record.set_decision(v1::REFUSED);
    record.add_reason_codes(ReasonCode(decision.status()));
    record.set_reason(std::string(decision.status().message()));
    const bool known = !record.dataset_version_hash().empty();
    const v1::AuditRecord refusal_header = HeaderOf(record);
    absl::StatusOr<v1::Receipt> receipt = log_.Append(std::move(record));
    if (!receipt.ok()) return receipt.status();
    Notify(request, refusal_header, *receipt, start, known);
    return decision.status();
  }
  // The table leaves only after its record is durable. The cache's copy is
  // made meanwhile.
  struct CacheCopy {
    std::shared_ptr<const v1::ReleaseDecision> decision;
    size_t bytes = 0;
  };
  std::future<CacheCopy> cached;
  if (cacheable) {
    cached = std::async(kBesideOrAtGet, [&decision, &cache_key] {
      CacheCopy copy{std::make_shared<const v1::ReleaseDecision>(*decision)};
      copy.bytes = ReleaseCache::BytesOf(*copy.decision, cache_key);
      return copy;
    });
  }
  absl::StatusOr<v1::Receipt> receipt = log_.Append(*std::move(prepared));
  CacheCopy copy = cached.valid() ? cached.get() : CacheCopy{};
  if (!receipt.ok()) return receipt.status();
  Notify(request, header, *receipt, start, /*dataset_known=*/true);
  if (copy.decision != nullptr) {
    cache_.Insert(cache_key, std::move(copy.decision), copy.bytes, receipt->release_id(),
                  ledger_audited);
  }
  v1::QueryResponse response;
  *response.mutable_table() = std::move(*decision->mutable_table());
  *response.mutable_receipt() = *std::move(receipt);
  return response;
}

absl::Status ReleasePipeline::Refuse(const RequestInfo& request, const v1::Query& query,
                                     const absl::Status& reason) {
  const absl::Time start = absl::Now();
  v1::AuditRecord record = NewRecord(request, query);
  record.set_record_type(v1::REFUSAL);
  record.set_decision(v1::REFUSED);
  record.add_reason_codes(ReasonCode(reason));
  record.set_reason(std::string(reason.message()));
  const v1::AuditRecord header = HeaderOf(record);
  ASSIGN_OR_RETURN(const v1::Receipt receipt, log_.Append(std::move(record)));
  Notify(request, header, receipt, start, /*dataset_known=*/false);
  return reason;
}

}  // namespace cellgate::pipeline
