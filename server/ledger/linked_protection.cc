#include "server/ledger/linked_protection.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "policies/linked/linked_audit.h"
#include "server/ledger/ledger_entry.h"

namespace cellgate::ledger {
namespace {

constexpr int kMaxListedReleases = 100;

absl::Status CannotRelease() {
  return absl::FailedPreconditionError(
      "the table cannot be released safely together with earlier releases of this dataset: "
      "they would pin down a small group of people; ask for coarser or fewer dimensions, or "
      "for the table as released before");
}

// Requires `cell` to be able to move by `delta` (up if positive, down if
// negative); false if it already had to.
bool Protect(policies::LedgerConstraints& constraints, int32_t cell, double delta) {
  const double amount = std::ceil(std::fabs(delta) - 1e-6);
  policies::Protection* found = nullptr;
  for (policies::Protection& p : constraints.protect) {
    if (p.cell == cell) found = &p;
  }
  if (found == nullptr) {
    constraints.protect.push_back({cell, 0, 0});
    found = &constraints.protect.back();
  }
  double& level = delta > 0 ? found->upper : found->lower;
  if (level >= amount) return false;
  level = amount;
  return true;
}

}  // namespace

absl::StatusOr<LinkedDecision> ProtectAcrossReleases(
    const policies::TableProtector& protector, const engine::LoadedVersion& version,
    const v1::Query& query, const v1::ComputedTable& table, const ReleaseLedger& ledger,
    const LinkedProtectionOptions& options, v1::LedgerAudit& audit) {
  policies::LedgerConstraints constraints;
  LinkedDecision out;
  ASSIGN_OR_RETURN(out.decision, protector.Protect(table, options.deadline));
  ASSIGN_OR_RETURN(out.entry, LedgerEntryOf(version, query, table, out.decision));
  const std::vector<std::shared_ptr<const v1::LedgerRelease>> linked = ledger.Linked(out.entry);
  audit.set_linked_releases(static_cast<int32_t>(linked.size()));
  for (size_t i = 0; i < linked.size() && i < kMaxListedReleases; ++i) {
    audit.add_linked_release_ids(linked[i]->release_id());
  }
  if (linked.empty()) {
    audit.set_rounds(1);
    return out;
  }
  const absl::flat_hash_map<std::string, int> sizes = DimensionSizesOf(version);
  const policies::AtomCounter counter = AtomCounterFor(version);
  policies::LinkedAuditOptions audit_options;
  audit_options.k = protector.policy().threshold().k();
  for (const v1::DimensionThreshold& d : protector.policy().threshold().per_dimension()) {
    audit_options.k_of_dimension[d.dimension()] = d.k();
  }
  audit_options.count_upper = std::max<int64_t>(1, protector.policy().protection().count_upper());
  audit_options.max_atoms = options.max_atoms;
  audit_options.deadline = options.deadline;
  std::vector<const v1::LedgerRelease*> releases;
  for (const auto& r : linked) releases.push_back(r.get());
  releases.push_back(&out.entry);

  for (int round = 1; round <= options.max_rounds; ++round) {
    audit.set_rounds(round);
    if (round > 1) {
      ASSIGN_OR_RETURN(out.decision, protector.Protect(table, options.deadline, constraints));
      ASSIGN_OR_RETURN(out.entry, LedgerEntryOf(version, query, table, out.decision));
    }
    absl::StatusOr<policies::LinkedAuditResult> result =
        policies::AuditLinkedReleases(releases, sizes, counter, audit_options);
    if (!result.ok()) {
      audit.set_note(std::string(result.status().message()));
      return result.status();
    }
    audit.set_atoms(result->atoms);
    audit.set_variables(result->variables);
    audit.set_equations(result->equations);
    audit.set_sensitive_atoms(result->sensitive_atoms);
    audit.set_lp_solves(audit.lp_solves() + result->lp_solves);
    if (!result->previously_suppressed.empty()) {
      // Cells hidden before stay hidden; then audit again.
      for (int32_t cell : result->previously_suppressed) {
        constraints.keep_suppressed.push_back(cell);
      }
      audit.set_kept_suppressed(static_cast<int32_t>(constraints.keep_suppressed.size()));
      continue;
    }
    if (result->exposed.empty()) {
      audit.set_ledger_suppressed(static_cast<int32_t>(constraints.protect.size()));
      if (!constraints.empty()) {
        audit.set_note(absl::StrCat(constraints.keep_suppressed.size(),
                                    " cells kept suppressed as in earlier releases, ",
                                    constraints.protect.size(),
                                    " cells suppressed to keep small groups in the union of "
                                    "releases open"));
      }
      return out;
    }
    // Suppress the cells the repair LP moved, each protected by its move.
    bool progress = false;
    for (const policies::ExposedAtom& exposed : result->exposed) {
      for (const policies::CellMove& move : exposed.moves) {
        if (table.record_count(move.cell) == 0) continue;
        progress |= Protect(constraints, move.cell, move.delta);
      }
    }
    if (!progress) {
      std::string where;
      for (const policies::ExposedAtom& exposed : result->exposed) {
        absl::StrAppend(&where, where.empty() ? "" : "; ", exposed.dimensions,
                        exposed.moves.empty() ? " (no change of this table opens it)"
                                              : " (its cells are suppressed already)");
      }
      audit.set_note(absl::StrCat(
          "refused: more suppression in this table cannot open a small group over ", where));
      return CannotRelease();
    }
  }
  audit.set_note(absl::StrCat("refused after ", options.max_rounds, " rounds of suppression"));
  return CannotRelease();
}

}  // namespace cellgate::ledger
