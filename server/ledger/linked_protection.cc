#include "server/ledger/linked_protection.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "policies/linked/linked_audit.h"
#include "server/ledger/atom_magnitudes.h"
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

void AddNote(v1::LedgerAudit& audit, const std::string& note) {
  audit.set_note(audit.note().empty() ? note : absl::StrCat(audit.note(), "; ", note));
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

// The number of distinct cells protected for their sums.
int32_t SumCells(const policies::LedgerConstraints& constraints) {
  std::vector<int32_t> cells;
  for (const auto& p : constraints.protect_sums) cells.push_back(p.protection.cell);
  std::sort(cells.begin(), cells.end());
  return static_cast<int32_t>(std::unique(cells.begin(), cells.end()) - cells.begin());
}

// Copies the size of the last audit into the record.
void Report(const policies::LinkedAuditResult& result, v1::LedgerAudit& audit) {
  audit.set_atoms(result.atoms);
  audit.set_variables(result.variables);
  audit.set_equations(result.equations);
  audit.set_implied_equations(result.implied);
  audit.set_sensitive_atoms(result.sensitive_atoms);
  audit.set_lp_solves(audit.lp_solves() + result.lp_solves);
  audit.set_sensitive_sums(result.sensitive_sums);
  audit.clear_sum_columns();
  for (const std::string& column : result.sum_columns) audit.add_sum_columns(column);
}

// Requires the sum of `column` in `cell` to be able to move by `delta`;
// false if it already had to.
bool ProtectSum(policies::LedgerConstraints& constraints, const std::string& column,
                int32_t cell, double delta) {
  const double amount = std::ceil(std::fabs(delta) - 1e-6);
  policies::Protection* found = nullptr;
  for (policies::LedgerConstraints::SumProtection& p : constraints.protect_sums) {
    if (p.column == column && p.protection.cell == cell) found = &p.protection;
  }
  if (found == nullptr) {
    constraints.protect_sums.push_back({column, {cell, 0, 0}});
    found = &constraints.protect_sums.back().protection;
  }
  double& level = delta > 0 ? found->upper : found->lower;
  if (level >= amount) return false;
  level = amount;
  return true;
}

// The table as it reads on another version with releases of its population.
struct OtherVersionTable {
  int64_t number = 0;
  TableOnOtherVersion on;
};

// Computes the table on every other version linked to `entry`'s
// population, once for the re-ingest rule and the other versions' audits.
absl::StatusOr<std::vector<OtherVersionTable>> TablesOnOtherVersions(
    const v1::LedgerRelease& entry, const ReleaseLedger& ledger,
    const TableOnVersion& table_on_version) {
  std::vector<OtherVersionTable> out;
  for (int64_t v : ledger.OtherVersionsLinked(entry)) {
    ASSIGN_OR_RETURN(TableOnOtherVersion on, table_on_version(v));
    out.push_back({v, std::move(on)});
  }
  return out;
}

// The re-ingest rule: for every other version with a release overlapping
// the table's population (`others`), requires each cell
// whose count changed by 1 .. k-1 to be suppressed so that "no change"
// stays possible, and so each sum that changed in a cell whose count
// changed by fewer than k. A cell that was or became empty with such a
// change cannot be hidden (zeros are published, a suppressed cell is known
// not to be empty): FAILED_PRECONDITION. Returns the number of cells.
absl::StatusOr<int32_t> HideSmallChanges(const policies::TableProtector& protector,
                                         const v1::ComputedTable& table,
                                         const std::vector<OtherVersionTable>& others,
                                         policies::LedgerConstraints& constraints,
                                         v1::LedgerAudit& audit) {
  if (others.empty()) return 0;
  const int64_t k = protector.EffectiveK(table);
  int32_t changed = 0;
  std::vector<int64_t> versions;
  for (const OtherVersionTable& other : others) {
    const int64_t v = other.number;
    versions.push_back(v);
    const v1::ComputedTable& before = other.on.table;
    if (before.record_count_size() != table.record_count_size() ||
        before.measures_size() != table.measures_size()) {
      return absl::InternalError("a query gives tables of different shapes on two versions");
    }
    for (int c = 0; c < table.record_count_size(); ++c) {
      const int64_t now = table.record_count(c);
      const int64_t delta = now - before.record_count(c);
      if (std::abs(delta) >= k) continue;
      if (delta != 0 && (now == 0 || before.record_count(c) == 0)) {
        AddNote(audit, absl::StrCat("refused: linked to releases of version ", v,
                                    ", where a group that is empty in one version changed by "
                                    "fewer than ", k, " records"));
        return absl::FailedPreconditionError(
            "the table cannot be released safely together with releases of another version of "
            "this dataset: it would show where the correction changed a small group; ask for "
            "coarser or fewer dimensions");
      }
      // Up: the new count must be able to be the old one; and vice versa.
      if (delta != 0 && Protect(constraints, c, static_cast<double>(-delta))) ++changed;
      // A sum that changed with fewer than k records: its old value must
      // stay possible too.
      for (int m = 0; m < table.measures_size(); ++m) {
        const v1::MeasureFacts& facts = table.measures(m);
        if (facts.measure().kind() == v1::Measure::COUNT || now == 0) continue;
        const int64_t sum_delta = facts.sum(c) - before.measures(m).sum(c);
        if (sum_delta == 0) continue;
        if (ProtectSum(constraints, facts.measure().column(), c,
                       static_cast<double>(-sum_delta))) {
          ++changed;
        }
      }
    }
  }
  AddNote(audit, absl::StrCat("linked to releases of version(s) ", absl::StrJoin(versions, ", "),
                              ": ", changed, " cells changed by fewer than ", k,
                              " records are suppressed"));
  return changed;
}

// The policy's magnitude rules, for the audit's sums (they must outlive
// the options that point to them).
struct MagnitudeRules {
  std::optional<policies::DominanceRule> dominance;
  std::optional<policies::PPercentRule> p_percent;
  std::optional<policies::MinContributorsRule> min_contributors;
};

// The linked audit's options under `policy`: its k, its protection levels
// and its magnitude rules (kept in `rules`).
policies::LinkedAuditOptions AuditOptionsFor(const v1::DisclosurePolicy& policy,
                                             const engine::LoadedVersion& version,
                                             const LinkedProtectionOptions& options,
                                             MagnitudeRules& rules) {
  policies::LinkedAuditOptions audit_options;
  audit_options.k = policy.threshold().k();
  for (const v1::DimensionThreshold& d : policy.threshold().per_dimension()) {
    audit_options.k_of_dimension[d.dimension()] = d.k();
  }
  audit_options.count_upper = std::max<int64_t>(1, policy.protection().count_upper());
  audit_options.max_atoms = options.max_atoms;
  audit_options.deadline = options.deadline;
  // Sums across releases, judged by the policy's own magnitude rules.
  audit_options.magnitudes = AtomMagnitudesFor(version);
  audit_options.sum_percent = policy.protection().sum_percent();
  if (policy.magnitude().dominance().n() != 0) {
    audit_options.dominance = &rules.dominance.emplace(policy.magnitude().dominance());
  }
  if (policy.magnitude().p_percent().p() != 0) {
    audit_options.p_percent = &rules.p_percent.emplace(policy.magnitude().p_percent());
  }
  if (policy.magnitude().min_contributors() > 0) {
    audit_options.min_contributors =
        &rules.min_contributors.emplace(policy.magnitude().min_contributors());
  }
  return audit_options;
}

// Suppresses the candidate's cells the repair LP moved, each protected by
// its move (counts, then sums); false if none needed more than before.
bool ApplyRepairs(const policies::LinkedAuditResult& result, const v1::ComputedTable& table,
                  policies::LedgerConstraints& constraints) {
  bool progress = false;
  for (const policies::ExposedAtom& exposed : result.exposed) {
    for (const policies::CellMove& move : exposed.moves) {
      if (table.record_count(move.cell) == 0) continue;
      progress |= Protect(constraints, move.cell, move.delta);
    }
  }
  for (const policies::ExposedSum& exposed : result.exposed_sums) {
    for (const policies::CellMove& move : exposed.moves) {
      if (table.record_count(move.cell) == 0) continue;
      progress |= ProtectSum(constraints, exposed.column, move.cell, move.delta);
    }
  }
  return progress;
}

// For the DPO: where the union stays too narrow, by dimensions only.
std::string WhereNarrow(const policies::LinkedAuditResult& result) {
  std::string where;
  for (const policies::ExposedAtom& exposed : result.exposed) {
    absl::StrAppend(&where, where.empty() ? "" : "; ", exposed.dimensions,
                    exposed.moves.empty() ? " (no change of this table opens it)"
                                          : " (its cells are suppressed already)");
  }
  for (const policies::ExposedSum& exposed : result.exposed_sums) {
    if (exposed.before) continue;
    absl::StrAppend(&where, where.empty() ? "" : "; ", "a sum of ", exposed.column, " over ",
                    exposed.dimensions, " (its cells are suppressed already)");
  }
  return where;
}

// Another version with releases of the same population, and the audit of
// the table as it reads there with those releases.
struct OtherVersionAudit {
  int64_t number = 0;
  TableOnOtherVersion on;
  MagnitudeRules rules;
  // That version's linked releases and the candidate as it reads there:
  // the auditor points to them.
  std::vector<std::shared_ptr<const v1::LedgerRelease>> linked;
  v1::LedgerRelease entry;
  std::unique_ptr<policies::LinkedAuditor> auditor;
};

enum class OtherVersionsVerdict { kSafe, kRepaired, kRefused };

// Builds the audits of the other versions in `tables` that have releases
// linked to the candidate (`decision` on each). Versions without one are
// left out. Errors as the linked audit's.
absl::StatusOr<std::vector<OtherVersionAudit>> OtherVersionAuditsFor(
    const policies::TableProtector& protector, const v1::Query& query,
    const v1::ReleaseDecision& decision, std::vector<OtherVersionTable> tables,
    const ReleaseLedger& ledger, const LinkedProtectionOptions& options, v1::LedgerAudit& audit) {
  std::vector<OtherVersionAudit> others;
  others.reserve(tables.size());  // the auditors point into the elements
  for (OtherVersionTable& table : tables) {
    OtherVersionAudit& other = others.emplace_back();
    other.number = table.number;
    other.on = std::move(table.on);
    ASSIGN_OR_RETURN(other.entry,
                     LedgerEntryOf(*other.on.version, query, other.on.table, decision));
    other.linked = ledger.Linked(other.entry);
    if (other.linked.empty()) {
      others.pop_back();
      continue;
    }
    std::vector<const v1::LedgerRelease*> releases;
    for (const auto& r : other.linked) releases.push_back(r.get());
    releases.push_back(&other.entry);
    absl::StatusOr<std::unique_ptr<policies::LinkedAuditor>> auditor =
        policies::LinkedAuditor::Create(
            releases, DimensionSizesOf(*other.on.version), AtomCounterFor(*other.on.version),
            AuditOptionsFor(protector.policy(), *other.on.version, options, other.rules));
    if (!auditor.ok()) {
      AddNote(audit, std::string(auditor.status().message()));
      return auditor.status();
    }
    other.auditor = std::move(*auditor);
  }
  return others;
}

// Audits `decision` as it reads on each other version with that version's
// releases. kRepaired: `constraints` got more cells (protect again);
// kRefused: more suppression cannot help (noted in `audit`).
absl::StatusOr<OtherVersionsVerdict> AuditOtherVersions(const v1::Query& query,
                                                        const v1::ComputedTable& table,
                                                        const v1::ReleaseDecision& decision,
                                                        std::vector<OtherVersionAudit>& others,
                                                        policies::LedgerConstraints& constraints,
                                                        v1::LedgerAudit& audit) {
  for (OtherVersionAudit& other : others) {
    ASSIGN_OR_RETURN(other.entry,
                     LedgerEntryOf(*other.on.version, query, other.on.table, decision));
    absl::StatusOr<policies::LinkedAuditResult> result = other.auditor->Audit(other.entry);
    if (!result.ok()) {
      AddNote(audit, std::string(result.status().message()));
      return result.status();
    }
    // Cells hidden in that version stay hidden, unless empty in this one
    // (a zero is published and cannot be suppressed; it differs from that
    // version's count by k or more, which the re-ingest rule allows).
    bool kept = false;
    for (int32_t cell : result->previously_suppressed) {
      if (table.record_count(cell) == 0) continue;
      if (std::find(constraints.keep_suppressed.begin(), constraints.keep_suppressed.end(),
                    cell) != constraints.keep_suppressed.end()) {
        continue;
      }
      constraints.keep_suppressed.push_back(cell);
      kept = true;
    }
    if (kept) {
      audit.set_kept_suppressed(static_cast<int32_t>(constraints.keep_suppressed.size()));
      return OtherVersionsVerdict::kRepaired;
    }
    const bool sums_safe = std::all_of(result->exposed_sums.begin(), result->exposed_sums.end(),
                                       [](const policies::ExposedSum& e) { return e.before; });
    if (result->exposed.empty() && sums_safe) continue;
    if (!ApplyRepairs(*result, table, constraints)) {
      AddNote(audit, absl::StrCat("refused: with the releases of version ", other.number,
                                  ", more suppression in this table cannot open a small group "
                                  "or a sum over ",
                                  WhereNarrow(*result)));
      return OtherVersionsVerdict::kRefused;
    }
    AddNote(audit, absl::StrCat("audited with the releases of version ", other.number,
                                " as well: cells suppressed so that differences across the "
                                "versions stay open"));
    return OtherVersionsVerdict::kRepaired;
  }
  return OtherVersionsVerdict::kSafe;
}

// Records what the ledger made of an accepted table.
void NoteAccepted(const policies::LedgerConstraints& constraints, int32_t before,
                  v1::LedgerAudit& audit) {
  audit.set_ledger_suppressed(static_cast<int32_t>(constraints.protect.size()));
  audit.set_sums_suppressed(SumCells(constraints));
  audit.set_sums_narrow_before(before);
  if (!constraints.empty()) {
    AddNote(audit, absl::StrCat(constraints.keep_suppressed.size(),
                                " cells kept suppressed as in earlier releases, ",
                                constraints.protect.size(),
                                " cells suppressed to keep small groups in the union of "
                                "releases open, ",
                                SumCells(constraints), " cells suppressed to keep sums open"));
  }
  if (before > 0) {
    AddNote(audit, absl::StrCat(before, " sums were as narrow before this table; it does not "
                                        "narrow them further"));
  }
}

}  // namespace

absl::StatusOr<LinkedDecision> ProtectAcrossReleases(
    const policies::TableProtector& protector, const engine::LoadedVersion& version,
    const v1::Query& query, const v1::ComputedTable& table, const ReleaseLedger& ledger,
    const TableOnVersion& table_on_version, const LinkedProtectionOptions& options,
    v1::LedgerAudit& audit) {
  policies::LedgerConstraints constraints;
  return ProtectAcrossReleasesWith(
      [&](const policies::LedgerConstraints& c) {
        return protector.Protect(table, options.deadline, c);
      },
      protector, version, query, table, ledger, table_on_version, options, audit, constraints);
}

absl::StatusOr<LinkedDecision> ProtectAcrossReleasesWith(
    const ProtectUnder& protect, const policies::TableProtector& protector,
    const engine::LoadedVersion& version, const v1::Query& query, const v1::ComputedTable& table,
    const ReleaseLedger& ledger, const TableOnVersion& table_on_version,
    const LinkedProtectionOptions& options, v1::LedgerAudit& audit,
    policies::LedgerConstraints& constraints) {
  LinkedDecision out;
  ASSIGN_OR_RETURN(out.decision, protect(constraints));
  ASSIGN_OR_RETURN(out.entry, LedgerEntryOf(version, query, table, out.decision));
  ASSIGN_OR_RETURN(std::vector<OtherVersionTable> tables_elsewhere,
                   TablesOnOtherVersions(out.entry, ledger, table_on_version));
  ASSIGN_OR_RETURN(const int32_t changed,
                   HideSmallChanges(protector, table, tables_elsewhere, constraints, audit));
  if (changed > 0) {
    ASSIGN_OR_RETURN(out.decision, protect(constraints));
    ASSIGN_OR_RETURN(out.entry, LedgerEntryOf(version, query, table, out.decision));
  }
  const std::vector<std::shared_ptr<const v1::LedgerRelease>> linked = ledger.Linked(out.entry);
  audit.set_linked_releases(static_cast<int32_t>(linked.size()));
  for (size_t i = 0; i < linked.size() && i < kMaxListedReleases; ++i) {
    audit.add_linked_release_ids(linked[i]->release_id());
  }
  // Other versions with releases of the same population: the table as it
  // reads there, audited with those releases (the units in both versions
  // are the same; an attacker combines their tables).
  std::vector<OtherVersionAudit> others;
  ASSIGN_OR_RETURN(others, OtherVersionAuditsFor(protector, query, out.decision,
                                                 std::move(tables_elsewhere), ledger, options,
                                                 audit));
  if (linked.empty() && others.empty()) {
    audit.set_rounds(1);
    audit.set_ledger_suppressed(static_cast<int32_t>(constraints.protect.size()));
    audit.set_sums_suppressed(SumCells(constraints));
    return out;
  }
  const absl::flat_hash_map<std::string, int> sizes = DimensionSizesOf(version);
  const policies::AtomCounter counter = AtomCounterFor(version);
  MagnitudeRules rules;
  const policies::LinkedAuditOptions audit_options =
      AuditOptionsFor(protector.policy(), version, options, rules);
  std::vector<const v1::LedgerRelease*> releases;
  for (const auto& r : linked) releases.push_back(r.get());
  releases.push_back(&out.entry);
  // The atom space and its facts depend on the cells only, which every
  // round keeps: built once.
  absl::StatusOr<std::unique_ptr<policies::LinkedAuditor>> auditor =
      policies::LinkedAuditor::Create(releases, sizes, counter, audit_options);
  if (!auditor.ok()) {
    AddNote(audit, std::string(auditor.status().message()));
    return auditor.status();
  }

  for (int round = 1; round <= options.max_rounds; ++round) {
    audit.set_rounds(round);
    if (round > 1) {
      ASSIGN_OR_RETURN(out.decision, protect(constraints));
      ASSIGN_OR_RETURN(out.entry, LedgerEntryOf(version, query, table, out.decision));
    }
    absl::StatusOr<policies::LinkedAuditResult> result = (*auditor)->Audit(out.entry);
    if (!result.ok()) {
      AddNote(audit, std::string(result.status().message()));
      return result.status();
    }
    Report(*result, audit);
    if (!result->previously_suppressed.empty()) {
      // Cells hidden before stay hidden; then audit again.
      for (int32_t cell : result->previously_suppressed) {
        constraints.keep_suppressed.push_back(cell);
      }
      audit.set_kept_suppressed(static_cast<int32_t>(constraints.keep_suppressed.size()));
      continue;
    }
    const int32_t before = static_cast<int32_t>(
        std::count_if(result->exposed_sums.begin(), result->exposed_sums.end(),
                      [](const policies::ExposedSum& e) { return e.before; }));
    if (result->exposed.empty() && static_cast<int32_t>(result->exposed_sums.size()) == before) {
      // Safe with this version's releases; now with each other version's.
      ASSIGN_OR_RETURN(const OtherVersionsVerdict verdict,
                       AuditOtherVersions(query, table, out.decision, others, constraints, audit));
      if (verdict == OtherVersionsVerdict::kSafe) {
        NoteAccepted(constraints, before, audit);
        return out;
      }
      if (verdict == OtherVersionsVerdict::kRepaired) continue;
      return CannotRelease();
    }
    if (!ApplyRepairs(*result, table, constraints)) {
      AddNote(audit, absl::StrCat("refused: more suppression in this table cannot open a small "
                                  "group or a sum over ",
                                  WhereNarrow(*result)));
      return CannotRelease();
    }
  }
  AddNote(audit, absl::StrCat("refused after ", options.max_rounds, " rounds of suppression"));
  return CannotRelease();
}

}  // namespace cellgate::ledger
