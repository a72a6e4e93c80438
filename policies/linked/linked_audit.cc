#include "policies/linked/linked_audit.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "policies/linked/attacker_lp.h"

namespace cellgate::policies {
namespace {

int64_t CellsOf(const v1::LedgerRelease& release) {
  int64_t cells = 1;
  for (const v1::LedgerAxis& axis : release.axes()) cells *= axis.entries_size();
  return cells;
}

std::string KeyOf(const Restriction& restriction) {
  std::string key;
  for (const std::vector<bool>& blocks : restriction) {
    for (bool inside : blocks) key.push_back(inside ? '1' : '0');
    key.push_back('|');
  }
  return key;
}

// INVALID_ARGUMENT unless `release` has a count, a flag and (per column)
// a sum for every cell.
absl::Status CheckSizes(const v1::LedgerRelease& release) {
  const int64_t cells = CellsOf(release);
  if (release.counts_size() != cells || release.suppressed_size() != cells) {
    return absl::InvalidArgumentError(
        absl::StrCat("ledger release ", release.release_id(), " has ", release.counts_size(),
                     " counts and ", release.suppressed_size(), " flags for ", cells, " cells"));
  }
  for (const v1::LedgerSums& sums : release.sums()) {
    if (sums.values_size() != cells) {
      return absl::InvalidArgumentError(absl::StrCat("ledger release ", release.release_id(),
                                                     " has ", sums.values_size(), " sums of \"",
                                                     sums.column(), "\" for ", cells, " cells"));
    }
  }
  return absl::OkStatus();
}

const v1::LedgerSums* SumsIn(const v1::LedgerRelease& release, const std::string& column) {
  for (const v1::LedgerSums& sums : release.sums()) {
    if (sums.column() == column) return &sums;
  }
  return nullptr;
}

bool Published(const v1::LedgerRelease& release, int cell) {
  return !release.suppressed(cell) || release.counts(cell) == 0;
}

std::string DimensionsOf(const AtomSpace& space, int clique) {
  std::string out;
  for (int d : space.cliques()[clique].dimensions) {
    if (!out.empty()) out += " x ";
    out += space.dimensions()[d].dimension;
  }
  return out;
}

int CliqueOfAtom(const AtomSpace& space, int64_t atom) {
  for (size_t c = 0; c < space.cliques().size(); ++c) {
    const Clique& clique = space.cliques()[c];
    if (atom >= clique.first_atom && atom < clique.first_atom + clique.atoms) {
      return static_cast<int>(c);
    }
  }
  return 0;
}

// The policy's k, raised by the per-dimension k of a dimension in `clique`.
int64_t KOf(const AtomSpace& space, int clique, const LinkedAuditOptions& options) {
  int64_t k = options.k;
  for (int d : space.cliques()[clique].dimensions) {
    const auto raised = options.k_of_dimension.find(space.dimensions()[d].dimension);
    if (raised != options.k_of_dimension.end()) k = std::max(k, raised->second);
  }
  return k;
}

// Adds one more contribution list to `into` (top two by value).
void Merge(const Contributions& part, Contributions& into) {
  into.sum += part.sum;
  for (double v : {part.largest, part.second}) {
    if (v > into.largest) {
      into.second = into.largest;
      into.largest = v;
    } else if (v > into.second) {
      into.second = v;
    }
  }
}

// The facts of a union of atoms whose contributors may have records in
// several of them, bounded so that the rules err on the safe side: one
// contributor's part of the union is at most the atoms' largest added up,
// and two contributors' parts at most their largest and second added up
// (never more than the sum). Larger tops make dominance and p% stricter.
// With negative values (`negative`) a contributor missing from an atom
// gives it 0, which may be more than the atom's top, and the sum bounds
// nothing: the tops are then taken at least 0 and not clamped. The
// contributors of the union are at least those of its largest atom (a
// lower bound: fewer is stricter for the minimum-contributors rule).
Contributions BoundedUnion(const std::vector<const Contributions*>& parts, bool negative) {
  Contributions out;
  double tops = 0;
  for (const Contributions* part : parts) {
    const double largest = negative ? std::max(part->largest, 0.0) : part->largest;
    const double second = negative ? std::max(part->second, 0.0) : part->second;
    out.sum += part->sum;
    out.largest += largest;
    tops += largest + second;
    out.contributors = std::max(out.contributors, part->contributors);
  }
  if (!negative) {
    out.largest = std::min(out.largest, out.sum);
    tops = std::min(tops, out.sum);
  }
  out.second = std::min(std::max(0.0, tops - out.largest), out.largest);
  return out;
}

// The level a sensitive sum must be able to move by, as the table
// protector requires of a suppressed sum (table_protector.cc): at least one
// unit, sum_percent % of it, and what the magnitude rules in force require.
double SumLevel(const Contributions& c, const LinkedAuditOptions& options) {
  double level = std::max(1.0, std::ceil(std::fabs(c.sum) * options.sum_percent / 100.0));
  if (options.dominance != nullptr) {
    level = std::max(level, std::ceil(options.dominance->UpperProtection(c)));
  }
  if (options.p_percent != nullptr) {
    level = std::max(level, std::ceil(options.p_percent->UpperProtection(c)));
  }
  return level;
}

bool SumIsSensitive(const Contributions& c, int64_t n, int64_t k,
                    const LinkedAuditOptions& options) {
  if (n == 0) return false;
  return n < k || (options.dominance != nullptr && options.dominance->Unsafe(c)) ||
         (options.p_percent != nullptr && options.p_percent->Unsafe(c)) ||
         (options.min_contributors != nullptr && options.min_contributors->Unsafe(c));
}

std::string CellsKeyOf(const v1::LedgerRelease& release) {
  v1::LedgerRelease shape;
  *shape.mutable_filters() = release.filters();
  *shape.mutable_axes() = release.axes();
  std::string bytes;
  shape.SerializeToString(&bytes);
  return bytes;
}

}  // namespace

LinkedAuditor::LinkedAuditor(std::vector<const v1::LedgerRelease*> releases, AtomSpace space,
                             LinkedAuditOptions options)
    : releases_(std::move(releases)), space_(std::move(space)), options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<LinkedAuditor>> LinkedAuditor::Create(
    absl::Span<const v1::LedgerRelease* const> releases,
    const absl::flat_hash_map<std::string, int>& dimension_sizes, const AtomCounter& counter,
    const LinkedAuditOptions& options) {
  if (releases.empty()) return absl::InvalidArgumentError("no releases to audit");
  ASSIGN_OR_RETURN(AtomSpace space, AtomSpace::Build(releases, dimension_sizes, options.max_atoms));
  std::unique_ptr<LinkedAuditor> auditor(new LinkedAuditor(
      std::vector<const v1::LedgerRelease*>(releases.begin(), releases.end()), std::move(space),
      options));
  LinkedAuditor& a = *auditor;
  a.candidate_cells_ = CellsKeyOf(*releases.back());
  // Every distinct set of atoms a released cell describes, once.
  absl::flat_hash_map<std::string, size_t> index_of;
  for (size_t r = 0; r < releases.size(); ++r) {
    RETURN_IF_ERROR(CheckSizes(*releases[r]));
    const int64_t cells = CellsOf(*releases[r]);
    for (int64_t cell = 0; cell < cells; ++cell) {
      const Restriction restriction = a.space_.RestrictionOf(*releases[r], cell);
      const auto [it, added] = index_of.emplace(KeyOf(restriction), a.cell_sets_.size());
      if (added) {
        // Any clique that holds the release's dimensions describes the
        // cell; the separators make them agree.
        CellSet& set = a.cell_sets_.emplace_back();
        set.clique = a.space_.CliqueOf(r);
        set.atoms = a.space_.AtomsOf(set.clique, restriction);
        set.box = BoxOf(a.space_, set.clique, restriction);
      }
      a.cell_sets_[it->second].occurrences.emplace_back(static_cast<int>(r),
                                                        static_cast<int>(cell));
    }
  }
  a.counts_.reserve(a.space_.atoms());
  for (size_t c = 0; c < a.space_.cliques().size(); ++c) {
    ASSIGN_OR_RETURN(std::vector<int64_t> counted, counter(a.space_, static_cast<int>(c)));
    if (static_cast<int64_t>(counted.size()) != a.space_.cliques()[c].atoms) {
      return absl::InternalError(absl::StrCat("atom counter returned ", counted.size(),
                                              " counts for ", a.space_.cliques()[c].atoms,
                                              " atoms"));
    }
    a.counts_.insert(a.counts_.end(), counted.begin(), counted.end());
  }
  return auditor;
}

absl::StatusOr<const AtomSums*> LinkedAuditor::SumsOf(const std::string& column) {
  const auto found = sums_.find(column);
  if (found != sums_.end()) return &found->second;
  AtomSums all;
  for (size_t c = 0; c < space_.cliques().size(); ++c) {
    ASSIGN_OR_RETURN(AtomSums part, options_.magnitudes(space_, static_cast<int>(c), column));
    if (static_cast<int64_t>(part.facts.size()) != space_.cliques()[c].atoms) {
      return absl::InternalError(absl::StrCat("atom magnitudes returned ", part.facts.size(),
                                              " facts for ", space_.cliques()[c].atoms, " atoms"));
    }
    all.negative |= part.negative;
    all.contributors_span_atoms |= part.contributors_span_atoms;
    all.facts.insert(all.facts.end(), part.facts.begin(), part.facts.end());
  }
  return &(sums_[column] = std::move(all));
}

absl::StatusOr<LinkedAuditResult> LinkedAuditor::Audit(const v1::LedgerRelease& candidate) {
  if (CellsKeyOf(candidate) != candidate_cells_) {
    return absl::InternalError("the candidate of a linked audit changed its cells");
  }
  RETURN_IF_ERROR(CheckSizes(candidate));
  releases_.back() = &candidate;
  LinkedAuditResult result;
  result.atoms = space_.atoms();
  result.cliques = static_cast<int64_t>(space_.cliques().size());
  result.equations = static_cast<int64_t>(cell_sets_.size());
  RETURN_IF_ERROR(AuditCounts(result));
  // Cells that must stay suppressed come first: the caller audits again.
  if (!result.previously_suppressed.empty() || options_.magnitudes == nullptr) return result;
  for (const v1::LedgerSums& sums : candidate.sums()) {
    RETURN_IF_ERROR(AuditSums(sums.column(), result));
  }
  return result;
}

absl::StatusOr<LinkedAuditor::Told> LinkedAuditor::TellOf(
    const CellSet& set,
    const std::function<std::optional<double>(const v1::LedgerRelease&, int)>& value_of) const {
  const size_t last = releases_.size() - 1;
  Told told;
  for (const auto& [r, cell] : set.occurrences) {
    const v1::LedgerRelease& release = *releases_[r];
    const bool earlier = static_cast<size_t>(r) < last;
    const std::optional<double> value = value_of(release, cell);
    if (!value.has_value()) {
      told.unpublished = true;
      told.unpublished_before |= earlier;
      continue;
    }
    if (told.exact && told.value != *value) {
      return absl::InternalError(absl::StrCat("ledger release ", release.release_id(),
                                              " disagrees with an earlier release on cell ", cell));
    }
    told.exact = true;
    told.value = *value;
    if (earlier) {
      told.published_before = true;
    } else {
      told.candidate_cells.push_back(cell);
    }
  }
  return told;
}

absl::StatusOr<LinkedAuditor::Rows> LinkedAuditor::CountRows(std::vector<bool>& variable,
                                                             LinkedAuditResult& result) const {
  auto count_of = [](const v1::LedgerRelease& r, int cell) -> std::optional<double> {
    if (!Published(r, cell)) return std::nullopt;
    return static_cast<double>(r.counts(cell));
  };
  Rows rows;
  for (const CellSet& set : cell_sets_) {
    ASSIGN_OR_RETURN(Told told, TellOf(set, count_of));
    if (told.unpublished_before && !told.published_before) {
      result.previously_suppressed.insert(result.previously_suppressed.end(),
                                          told.candidate_cells.begin(), told.candidate_cells.end());
    }
    KnownSet k{set.clique, set.atoms, set.box};
    k.exact = told.exact;
    k.value = told.exact ? told.value : 1;  // suppressed, so not empty
    // The true table must satisfy everything released from it.
    int64_t truth = 0;
    for (int64_t atom : set.atoms) truth += counts_[atom];
    if (k.exact ? truth != static_cast<int64_t>(k.value) : truth < 1) {
      return absl::InternalError(
          "the ledger does not match the dataset version's counts; releases of different "
          "versions must not be audited together");
    }
    if (k.exact && k.value == 0) {
      for (int64_t atom : set.atoms) variable[atom] = false;
    }
    // A cell only the candidate publishes may be withdrawn in the repair.
    k.movable = k.exact && !told.published_before && !told.candidate_cells.empty();
    k.cost = 1.0 + k.value;
    rows.known.push_back(std::move(k));
    rows.cells_of.push_back(std::move(told.candidate_cells));
  }
  std::sort(result.previously_suppressed.begin(), result.previously_suppressed.end());
  return rows;
}

absl::StatusOr<LinkedAuditor::Rows> LinkedAuditor::SumRows(const std::string& column,
                                                           const AtomSums& sums) const {
  auto sum_of = [&](const v1::LedgerRelease& r, int cell) -> std::optional<double> {
    const v1::LedgerSums* published = SumsIn(r, column);
    if (published == nullptr || !Published(r, cell)) return std::nullopt;
    return static_cast<double>(published->values(cell));
  };
  Rows rows;
  for (const CellSet& set : cell_sets_) {
    ASSIGN_OR_RETURN(Told told, TellOf(set, sum_of));
    if (!told.exact) continue;
    double truth = 0;
    int64_t records = 0;
    for (int64_t atom : set.atoms) {
      truth += sums.facts[atom].sum;
      records += counts_[atom];
    }
    if (std::fabs(truth - told.value) > 0.5) {
      return absl::InternalError(
          "the ledger does not match the dataset version's sums; releases of different "
          "versions must not be audited together");
    }
    KnownSet k{set.clique, set.atoms, set.box};
    k.exact = true;
    k.value = told.value;
    k.movable = !told.published_before && !told.candidate_cells.empty();
    k.cost = 1.0 + static_cast<double>(records);
    rows.known.push_back(std::move(k));
    rows.cells_of.push_back(std::move(told.candidate_cells));
  }
  return rows;
}

namespace {

// The candidate's cells and how far each must move, from the repair LP's
// changes of the known sets.
std::vector<CellMove> MovesOf(const std::vector<std::pair<size_t, double>>& changes,
                              const std::vector<std::vector<int32_t>>& cells_of) {
  std::vector<CellMove> moves;
  for (const auto& [set, delta] : changes) {
    for (int32_t cell : cells_of[set]) moves.push_back({cell, delta});
  }
  return moves;
}

}  // namespace

absl::Status LinkedAuditor::AuditCounts(LinkedAuditResult& result) {
  std::vector<bool> variable(space_.atoms(), true);
  ASSIGN_OR_RETURN(Rows rows, CountRows(variable, result));
  if (!result.previously_suppressed.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::unique_ptr<AttackerLp> lp,
                   AttackerLp::Build(space_, std::move(rows.known), variable, 0, options_.deadline));
  result.variables = lp->variables();
  result.implied += lp->implied();
  std::vector<Goal> goals;
  std::vector<int64_t> atom_of;  // per goal
  for (size_t c = 0; c < space_.cliques().size(); ++c) {
    const Clique& clique = space_.cliques()[c];
    const int64_t k = KOf(space_, static_cast<int>(c), options_);
    for (int64_t atom = clique.first_atom; atom < clique.first_atom + clique.atoms; ++atom) {
      if (!variable[atom] || counts_[atom] < 1 || counts_[atom] >= k) continue;
      const double level = static_cast<double>(std::max(counts_[atom] + options_.count_upper, k));
      goals.push_back({lp->AddTarget({atom}), level, true});
      atom_of.push_back(atom);
    }
  }
  result.sensitive_atoms = static_cast<int64_t>(goals.size());
  ASSIGN_OR_RETURN(const std::vector<Verdict> verdicts, lp->Reach(goals, options_.max_exposed));
  for (size_t g = 0; g < goals.size(); ++g) {
    if (verdicts[g] != Verdict::kNarrow) continue;
    ExposedAtom exposed;
    exposed.atom = atom_of[g];
    exposed.required_rise = static_cast<int64_t>(goals[g].level) - counts_[exposed.atom];
    exposed.dimensions = DimensionsOf(space_, CliqueOfAtom(space_, exposed.atom));
    // The repair LP: the cheapest change of the candidate's published cells
    // that lets the atom reach its level.
    ASSIGN_OR_RETURN(const auto changes, lp->Repair(goals[g]));
    if (changes.has_value()) exposed.moves = MovesOf(*changes, rows.cells_of);
    result.exposed.push_back(std::move(exposed));
  }
  result.lp_solves += lp->solves();
  return absl::OkStatus();
}

LinkedAuditor::SumGoals LinkedAuditor::GoalsOfSums(const AtomSums& sums, double floor,
                                                   AttackerLp& lp,
                                                   LinkedAuditResult& result) const {
  SumGoals out;
  std::set<std::vector<int64_t>> seen;
  auto add = [&](std::vector<int64_t> atoms, int clique) {
    atoms.erase(std::remove_if(atoms.begin(), atoms.end(),
                               [&](int64_t a) { return counts_[a] == 0; }),
                atoms.end());
    if (atoms.empty() || !seen.insert(atoms).second) return;
    Contributions facts;
    int64_t n = 0;
    std::vector<const Contributions*> parts;
    for (int64_t atom : atoms) {
      if (sums.contributors_span_atoms) {
        parts.push_back(&sums.facts[atom]);
      } else {
        Merge(sums.facts[atom], facts);
      }
      n += counts_[atom];
    }
    if (sums.contributors_span_atoms) {
      facts = BoundedUnion(parts, sums.negative);
    } else {
      facts.contributors = n;  // the records are the contributors
    }
    if (!SumIsSensitive(facts, n, KOf(space_, clique, options_), options_)) return;
    const double level = SumLevel(facts, options_);
    const int target = lp.AddTarget(atoms);
    ++result.sensitive_sums;
    out.goals.push_back({target, facts.sum + level, true});
    out.clique_of.push_back(clique);
    const double down =
        facts.sum - (std::isfinite(floor) ? std::min(level, facts.sum - floor) : level);
    if (down < facts.sum) {
      out.goals.push_back({target, down, false});
      out.clique_of.push_back(clique);
    }
  };
  // The sensitive sets: atoms, and the cells of every linked release.
  for (size_t c = 0; c < space_.cliques().size(); ++c) {
    const Clique& clique = space_.cliques()[c];
    for (int64_t atom = clique.first_atom; atom < clique.first_atom + clique.atoms; ++atom) {
      add({atom}, static_cast<int>(c));
    }
  }
  for (const CellSet& set : cell_sets_) add(set.atoms, set.clique);
  return out;
}

absl::Status LinkedAuditor::AuditSums(const std::string& column, LinkedAuditResult& result) {
  ASSIGN_OR_RETURN(const AtomSums* sums, SumsOf(column));
  ASSIGN_OR_RETURN(Rows rows, SumRows(column, *sums));
  // The attacker is granted which atoms are empty: an empty atom sums to
  // zero (more than she may know, which errs on the safe side).
  std::vector<bool> variable(space_.atoms());
  for (int64_t atom = 0; atom < space_.atoms(); ++atom) variable[atom] = counts_[atom] > 0;
  const double floor = sums->negative ? -kInfinity : 0;
  ASSIGN_OR_RETURN(std::unique_ptr<AttackerLp> lp,
                   AttackerLp::Build(space_, std::move(rows.known), variable, floor,
                                     options_.deadline));
  result.implied += lp->implied();
  const SumGoals goals = GoalsOfSums(*sums, floor, *lp, result);
  // Sets pinned before the candidate do not count against the budget of
  // exposures, so that they never hide one the candidate causes.
  std::vector<bool> done(goals.goals.size(), false);
  int exposures = 0;
  while (exposures < options_.max_exposed) {
    std::vector<Goal> open;
    std::vector<size_t> index;
    for (size_t g = 0; g < goals.goals.size(); ++g) {
      if (done[g]) continue;
      open.push_back(goals.goals[g]);
      index.push_back(g);
    }
    if (open.empty()) break;
    ASSIGN_OR_RETURN(const std::vector<Verdict> verdicts,
                     lp->Reach(open, options_.max_exposed - exposures));
    for (size_t i = 0; i < open.size(); ++i) {
      if (verdicts[i] == Verdict::kUnchecked) continue;
      done[index[i]] = true;
      if (verdicts[i] == Verdict::kOpen) continue;
      ExposedSum exposed;
      exposed.column = column;
      exposed.up = open[i].up;
      exposed.dimensions = DimensionsOf(space_, goals.clique_of[index[i]]);
      ASSIGN_OR_RETURN(const auto changes, lp->Repair(open[i]));
      if (changes.has_value()) exposed.moves = MovesOf(*changes, rows.cells_of);
      exposed.before = exposed.moves.empty();
      exposures += !exposed.before;
      result.exposed_sums.push_back(std::move(exposed));
    }
  }
  result.sum_columns.push_back(column);
  result.lp_solves += lp->solves();
  return absl::OkStatus();
}

absl::StatusOr<LinkedAuditResult> AuditLinkedReleases(
    absl::Span<const v1::LedgerRelease* const> releases,
    const absl::flat_hash_map<std::string, int>& dimension_sizes, const AtomCounter& counter,
    const LinkedAuditOptions& options) {
  if (releases.empty()) return LinkedAuditResult{};
  ASSIGN_OR_RETURN(std::unique_ptr<LinkedAuditor> auditor,
                   LinkedAuditor::Create(releases, dimension_sizes, counter, options));
  return auditor->Audit(*releases.back());
}

}  // namespace cellgate::policies
