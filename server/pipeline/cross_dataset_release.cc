#include "server/pipeline/cross_dataset_release.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "policies/policy_loader.h"
#include "policies/query_shape.h"
#include "policies/table_protector.h"
#include "server/ledger/linked_protection.h"

namespace cellgate::pipeline {
namespace {

// Alternations between the two ledgers before giving up; each adds
// constraints, so few are ever needed.
constexpr int kMaxSideRounds = 8;

struct Tables {
  v1::ComputedTable numerators;
  v1::ComputedTable denominators;
  JointTable joint;
};

// The protectors of the two sides and of the joint table.
struct Protectors {
  policies::TableProtector numerator;
  policies::TableProtector denominator;
  policies::TableProtector joint;
};

// Which sides are audited against their dataset's ledger: those whose
// policy does not perturb on the query's channel (a perturbed side stays
// out of its ledger, docs/adr/0004).
struct Audited {
  bool numerator = true;
  bool denominator = true;
};

// Each perturbed side's own count table as its policy releases it on the
// query's channel (TableProtector::Perturb); empty for a side that is not.
struct Perturbed {
  std::optional<v1::ReleaseDecision> numerator;
  std::optional<v1::ReleaseDecision> denominator;
};

bool SameConstraints(const policies::LedgerConstraints& a, const policies::LedgerConstraints& b) {
  if (a.keep_suppressed != b.keep_suppressed || a.protect.size() != b.protect.size()) return false;
  for (size_t i = 0; i < a.protect.size(); ++i) {
    const policies::Protection& x = a.protect[i];
    const policies::Protection& y = b.protect[i];
    if (x.cell != y.cell || x.lower != y.lower || x.upper != y.upper) return false;
  }
  return true;
}

absl::Status CannotRelease() {
  return absl::FailedPreconditionError(
      "the share cannot be released safely together with earlier releases of its two "
      "datasets; ask for coarser or fewer dimensions");
}

// The denominator query under its own dataset's policy: shape, cell and
// dimension limits, and the minimum population of its filters.
absl::StatusOr<engine::ComputeLimits> CheckDenominatorQuery(const CrossShareContext& context,
                                                            const CrossSharePlan& plan,
                                                            const engine::LoadedVersion& version,
                                                            const v1::DisclosurePolicy& policy) {
  RETURN_IF_ERROR(policies::CheckQueryShape(policy.shape(), plan.denominator));
  engine::ComputeLimits limits = context.limits;
  limits.max_cells = std::min(limits.max_cells, policy.shape().max_cells());
  limits.max_dimensions = std::min(limits.max_dimensions, policy.shape().max_dimensions());
  if (policy.shape().min_population() > 0 && plan.spec.filters_size() > 0) {
    v1::Query population = plan.denominator;
    population.clear_group_by();
    ASSIGN_OR_RETURN(const v1::ComputedTable counted,
                     engine::ComputeTable(version, population, limits));
    if (counted.record_count(0) < policy.shape().min_population()) {
      return policies::PopulationBelowMinimum(policy.shape().min_population());
    }
  }
  return limits;
}

// Computes both count tables, each with its own dataset's cell keys where
// that side is perturbed (`audited` false).
absl::StatusOr<Tables> ComputeTables(const CrossSharePlan& plan,
                                     const engine::LoadedVersion& numerator,
                                     const engine::LoadedVersion& denominator,
                                     engine::ComputeLimits limits, const Audited& audited) {
  Tables tables;
  limits.cell_keys = !audited.numerator;
  ASSIGN_OR_RETURN(tables.numerators, engine::ComputeTable(numerator, plan.numerator, limits));
  limits.cell_keys = !audited.denominator;
  ASSIGN_OR_RETURN(tables.denominators,
                   engine::ComputeTable(denominator, plan.denominator, limits));
  if (3 * tables.numerators.record_count_size() > limits.max_cells) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the table has ", tables.numerators.record_count_size(),
        " cells; with its share across datasets it needs three times as many, more than the "
        "limit of ",
        limits.max_cells));
  }
  ASSIGN_OR_RETURN(tables.joint, StackAcross(tables.numerators, tables.denominators));
  return tables;
}

// Protects the joint table until the ledgers of the `audited` sides'
// datasets accept the same pattern, then appends those sides' entries. The
// two datasets' releases are serialized (in name order, so that two such
// shares never deadlock).
absl::StatusOr<v1::ReleaseDecision> ProtectWithLedgers(
    const CrossShareContext& context, const CrossSharePlan& plan,
    const engine::LoadedVersion& numerator, const engine::LoadedVersion& denominator,
    const engine::ComputeLimits& limits, const Tables& tables, const Protectors& protectors,
    const Audited& audited, v1::AuditRecord& record) {
  ledger::ReleaseLedger& ledger = *context.ledger;
  const std::string& a = plan.numerator.dataset();
  const std::string& b = plan.denominator.dataset();
  absl::MutexLock first(&ledger.SerializerFor(std::min(a, b)));
  absl::MutexLock second(&ledger.SerializerFor(std::max(a, b)));
  ledger::LinkedProtectionOptions options;
  options.max_atoms = context.max_ledger_atoms;
  options.deadline = context.deadline;
  const JointTable& joint = tables.joint;
  policies::LedgerConstraints on_numerator, on_denominator;
  v1::ReleaseDecision last;
  // One side's view of the joint protection: its ledger's constraints
  // (`c`) together with the other side's current ones.
  auto protect_side = [&](ShareSide side) -> ledger::ProtectUnder {
    return [&, side](const policies::LedgerConstraints& c) -> absl::StatusOr<v1::ReleaseDecision> {
      const policies::LedgerConstraints both = side == ShareSide::kNumerator
                                                   ? JointConstraints(joint, c, on_denominator)
                                                   : JointConstraints(joint, on_numerator, c);
      ASSIGN_OR_RETURN(last, protectors.joint.Protect(joint.table, context.deadline, both));
      return SideDecision(joint, last, side,
                          side == ShareSide::kNumerator ? protectors.numerator.policy()
                                                        : protectors.denominator.policy());
    };
  };
  auto on_version = [&](const std::string& dataset, const v1::Query& query) {
    return [&, dataset](int64_t v) -> absl::StatusOr<ledger::TableOnOtherVersion> {
      ASSIGN_OR_RETURN(auto other, context.catalog.Get(dataset, v));
      ASSIGN_OR_RETURN(v1::ComputedTable table, engine::ComputeTable(*other, query, limits));
      return ledger::TableOnOtherVersion{std::move(other), std::move(table)};
    };
  };
  v1::DenominatorRelease& den = *record.mutable_denominator();
  ledger::LinkedDecision numerator_side, denominator_side;
  for (int round = 0;; ++round) {
    if (round == kMaxSideRounds) {
      record.mutable_ledger_audit()->set_note(absl::StrCat(
          "refused: the two datasets' ledgers kept asking for more after ", kMaxSideRounds,
          " rounds"));
      return CannotRelease();
    }
    const policies::LedgerConstraints before = on_denominator;
    if (audited.numerator) {
      record.clear_ledger_audit();
      ASSIGN_OR_RETURN(numerator_side,
                       ledger::ProtectAcrossReleasesWith(
                           protect_side(ShareSide::kNumerator), protectors.numerator, numerator,
                           plan.numerator, tables.numerators, ledger,
                           on_version(a, plan.numerator), options,
                           *record.mutable_ledger_audit(), on_numerator));
    }
    if (audited.denominator) {
      den.clear_ledger_audit();
      ASSIGN_OR_RETURN(denominator_side,
                       ledger::ProtectAcrossReleasesWith(
                           protect_side(ShareSide::kDenominator), protectors.denominator,
                           denominator, plan.denominator, tables.denominators, ledger,
                           on_version(b, plan.denominator), options,
                           *den.mutable_ledger_audit(), on_denominator));
    }
    // The numerator's audit saw the final pattern unless the denominator's
    // ledger asked for more; with one side audited there is nothing to
    // alternate.
    if (!audited.numerator || !audited.denominator || SameConstraints(on_denominator, before)) {
      break;
    }
  }
  if (!context.keep) return last;
  // One release, up to two ledger entries: the denominator's carries the
  // release id with a suffix (ledger release ids are unique).
  numerator_side.entry.set_release_id(record.release_id());
  denominator_side.entry.set_release_id(DenominatorLedgerId(record.release_id()));
  std::vector<v1::LedgerRelease*> entries;
  if (audited.numerator) entries.push_back(&numerator_side.entry);
  if (audited.denominator) entries.push_back(&denominator_side.entry);
  for (v1::LedgerRelease* entry : entries) {
    if (absl::Status stored = ledger.Append(std::move(*entry)); !stored.ok()) {
      return absl::UnavailableError(
          absl::StrCat("the release ledger cannot record the release: ", stored.message()));
    }
  }
  return last;
}

CrossShareLabels LabelsFor(const CrossSharePlan& plan, const engine::LoadedVersion& denominator,
                           const Protectors& protectors, const v1::DisclosurePolicy& policy) {
  CrossShareLabels labels;
  const std::string& title = denominator.schema().title().empty() ? denominator.schema().id()
                                                                  : denominator.schema().title();
  labels.count = "Anzahl";
  labels.denominator_count = absl::StrCat("Anzahl ", title);
  labels.share = absl::StrCat("Anteil an ", title, " in %");
  labels.denominator = plan.spec;
  labels.denominator.set_version(denominator.info().version());
  labels.denominator.set_version_hash(denominator.info().version_hash());
  labels.denominator.set_policy_id(protectors.denominator.policy().id());
  labels.denominator.set_policy_version(protectors.denominator.policy().version());
  labels.denominator.set_policy_hash(policies::PolicyHash(protectors.denominator.policy()));
  labels.policy = &policy;
  labels.unreliable_below = protectors.joint.policy().shares().unreliable_below();
  return labels;
}

// Protects the joint table for the sides whose policy does not perturb
// (with their ledgers), then gives each perturbed side its own policy's
// noise.
absl::StatusOr<v1::ReleaseDecision> ProtectJoint(
    const CrossShareContext& context, const CrossSharePlan& plan,
    const engine::LoadedVersion& numerator, const engine::LoadedVersion& denominator,
    const engine::ComputeLimits& limits, const Tables& tables, const Protectors& protectors,
    const Audited& audited, const Perturbed& perturbed, v1::AuditRecord& record) {
  const std::optional<v1::ReleaseDecision>& noisy_n = perturbed.numerator;
  const std::optional<v1::ReleaseDecision>& noisy_d = perturbed.denominator;
  // Both perturbed: the cell key method alone, as for a table of counts.
  if (noisy_n.has_value() && noisy_d.has_value()) {
    return JointOfReleasedSides(tables.joint, *noisy_n, *noisy_d);
  }
  v1::ReleaseDecision joint;
  if (context.ledger == nullptr) {
    ASSIGN_OR_RETURN(joint, protectors.joint.Protect(tables.joint.table, context.deadline));
  } else {
    ASSIGN_OR_RETURN(joint, ProtectWithLedgers(context, plan, numerator, denominator, limits,
                                               tables, protectors, audited, record));
  }
  if (noisy_n.has_value()) {
    RETURN_IF_ERROR(SetSide(tables.joint, ShareSide::kNumerator, *noisy_n, joint));
  }
  if (noisy_d.has_value()) {
    RETURN_IF_ERROR(SetSide(tables.joint, ShareSide::kDenominator, *noisy_d, joint));
  }
  return joint;
}

}  // namespace

std::string DenominatorLedgerId(absl::string_view release_id) {
  return absl::StrCat(release_id, "/denominator");
}

absl::StatusOr<v1::ReleaseDecision> DecideCrossDatasetShare(const CrossShareContext& context,
                                                            const CrossSharePlan& asked,
                                                            const engine::LoadedVersion& numerator,
                                                            const v1::DisclosurePolicy& policy,
                                                            v1::AuditRecord& record) {
  CrossSharePlan plan = asked;
  v1::DenominatorRelease& den = *record.mutable_denominator();
  den.set_dataset(plan.spec.dataset());
  den.set_dataset_version(plan.spec.version());
  *den.mutable_query() = plan.denominator;
  ASSIGN_OR_RETURN(const auto denominator,
                   context.catalog.Get(plan.spec.dataset(), plan.spec.version()));
  den.set_dataset_version(denominator->info().version());
  den.set_dataset_version_hash(denominator->info().version_hash());
  const v1::DisclosurePolicy* const other = &context.denominator_policy;
  den.set_policy_id(other->id());
  den.set_policy_version(other->version());
  den.set_policy_hash(policies::PolicyHash(*other));
  RETURN_IF_ERROR(BindDenominator(plan, numerator, *denominator));
  *den.mutable_query() = plan.denominator;
  ASSIGN_OR_RETURN(const engine::ComputeLimits limits,
                   CheckDenominatorQuery(context, plan, *denominator, *other));
  ASSIGN_OR_RETURN(policies::TableProtector n, policies::TableProtector::Create(policy));
  ASSIGN_OR_RETURN(policies::TableProtector d, policies::TableProtector::Create(*other));
  ASSIGN_OR_RETURN(policies::TableProtector j,
                   policies::TableProtector::Create(JointSharePolicy(n.policy(), d.policy())));
  const Protectors protectors{std::move(n), std::move(d), std::move(j)};
  // The cell key method (docs/adr/0004, docs/adr/0008 "Perturbed sides"): a
  // side whose policy perturbs counts on the query's channel shows exactly
  // the noise its cell gets in any table of its dataset, from its own
  // record keys, and stays out of its ledger.
  const v1::Channel channel = plan.query.channel();
  const Audited audited{protectors.numerator.PerturbationFor(channel) == nullptr,
                        protectors.denominator.PerturbationFor(channel) == nullptr};
  ASSIGN_OR_RETURN(const Tables tables,
                   ComputeTables(plan, numerator, *denominator, limits, audited));
  den.set_joint_policy_hash(policies::PolicyHash(protectors.joint.policy()));
  den.set_not_nested(!tables.joint.nested);
  Perturbed perturbed;
  if (!audited.numerator) {
    ASSIGN_OR_RETURN(perturbed.numerator, protectors.numerator.Perturb(tables.numerators));
  }
  if (!audited.denominator) {
    ASSIGN_OR_RETURN(perturbed.denominator, protectors.denominator.Perturb(tables.denominators));
  }
  ASSIGN_OR_RETURN(const v1::ReleaseDecision joint,
                   ProtectJoint(context, plan, numerator, *denominator, limits, tables,
                                protectors, audited, perturbed, record));
  *den.mutable_counts() =
      perturbed.denominator.has_value()
          ? perturbed.denominator->counts()
          : SideDecision(tables.joint, joint, ShareSide::kDenominator,
                         protectors.denominator.policy())
                .counts();
  return UnstackAcross(plan, tables.joint, tables.numerators, tables.denominators, joint,
                       LabelsFor(plan, *denominator, protectors, policy));
}

}  // namespace cellgate::pipeline
