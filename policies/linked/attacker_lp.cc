#include "policies/linked/attacker_lp.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::policies {
namespace {

constexpr double kTolerance = 1e-6;

bool BoxContains(const std::vector<uint64_t>& outer, const std::vector<uint64_t>& inner) {
  for (size_t w = 0; w < outer.size(); ++w) {
    if ((inner[w] & ~outer[w]) != 0) return false;
  }
  return true;
}

// Neighbouring cliques agree on the margins of their separator: per
// separator and margin, the atoms of each side.
struct MarginRow {
  std::vector<int64_t> plus, minus;
};

std::vector<MarginRow> MarginRows(const AtomSpace& space) {
  std::vector<MarginRow> rows;
  for (const Separator& separator : space.separators()) {
    std::map<int64_t, MarginRow> margin;  // ordered: deterministic rows
    for (const auto& [clique_index, plus] : {std::pair{separator.a, true}, {separator.b, false}}) {
      const Clique& clique = space.cliques()[clique_index];
      std::vector<size_t> position;
      for (int d : separator.dimensions) {
        position.push_back(std::find(clique.dimensions.begin(), clique.dimensions.end(), d) -
                           clique.dimensions.begin());
      }
      for (int64_t local = 0; local < clique.atoms; ++local) {
        int64_t key = 0;
        for (size_t i = 0; i < position.size(); ++i) {
          key = key * space.dimensions()[separator.dimensions[i]].blocks +
                space.BlockOf(clique, local, position[i]);
        }
        (plus ? margin[key].plus : margin[key].minus).push_back(clique.first_atom + local);
      }
    }
    for (auto& [key, row] : margin) rows.push_back(std::move(row));
  }
  return rows;
}

// One row in the making: Σ atoms + Σ coefficient · change(movable set) =
// value (or >= value).
struct Form {
  std::vector<int64_t> atoms;
  std::vector<std::pair<size_t, double>> changes;
  bool exact = true;
  double value = 0;
};

// The index of the largest published set strictly inside sets[order[i]]
// (of its clique); sets.size() if none. `order` sorts the sets by size, so
// the first one found walking back is the largest.
size_t LargestInside(const std::vector<KnownSet>& sets, const std::vector<size_t>& order,
                     size_t i) {
  const KnownSet& set = sets[order[i]];
  for (size_t j = i; j-- > 0;) {
    const KnownSet& other = sets[order[j]];
    if (other.exact && other.clique == set.clique && other.atoms.size() < set.atoms.size() &&
        !other.atoms.empty() && BoxContains(set.box, other.box) &&
        std::includes(set.atoms.begin(), set.atoms.end(), other.atoms.begin(),
                      other.atoms.end())) {
      return order[j];
    }
  }
  return sets.size();
}

// Replaces every published set that contains another published set of its
// clique by its difference with the largest such set, then drops forms
// that repeat (those are implied: the system is triangular in set size)
// and lower bounds implied by a published set inside them that is not
// movable and holds at least as much. Returns the forms and how many sets
// were dropped; INTERNAL if two forms contradict each other.
absl::StatusOr<std::vector<Form>> Sparsify(const std::vector<KnownSet>& sets, double floor,
                                           int64_t& implied) {
  std::vector<size_t> order(sets.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return sets[a].atoms.size() < sets[b].atoms.size();
  });
  std::vector<Form> forms;
  std::map<std::vector<int64_t>, size_t> form_of;  // exact forms by atoms
  // Every published set is implied by the forms kept (by induction on its
  // size), so a difference that equals one is implied too.
  std::map<std::vector<int64_t>, size_t> original_of;
  for (size_t s = 0; s < sets.size(); ++s) {
    if (sets[s].exact) original_of.emplace(sets[s].atoms, s);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const KnownSet& set = sets[order[i]];
    const size_t inner_index = LargestInside(sets, order, i);
    const KnownSet* inner = inner_index < sets.size() ? &sets[inner_index] : nullptr;
    Form form;
    form.exact = set.exact;
    form.value = set.value;
    if (set.movable) form.changes.emplace_back(order[i], -1.0);
    if (!set.exact) {
      // Σ >= value is implied by a fixed published part holding as much
      // (atoms are at least 0).
      if (inner != nullptr && !inner->movable && floor >= 0 && inner->value >= set.value) {
        ++implied;
        continue;
      }
      form.atoms = set.atoms;
      forms.push_back(std::move(form));
      continue;
    }
    if (inner == nullptr) {
      form.atoms = set.atoms;
    } else {
      std::set_difference(set.atoms.begin(), set.atoms.end(), inner->atoms.begin(),
                          inner->atoms.end(), std::back_inserter(form.atoms));
      form.value -= inner->value;
      if (inner->movable) form.changes.emplace_back(inner_index, 1.0);
    }
    Form original;  // the published set with the same atoms, if any
    const Form* kept = nullptr;
    if (const auto it = form_of.find(form.atoms); it != form_of.end()) {
      kept = &forms[it->second];
    } else if (const auto o = original_of.find(form.atoms);
               o != original_of.end() && o->second != order[i]) {
      original.atoms = form.atoms;
      original.value = sets[o->second].value;
      if (sets[o->second].movable) original.changes.emplace_back(o->second, -1.0);
      kept = &original;
    }
    if (kept == nullptr) {
      form_of.emplace(form.atoms, forms.size());
      forms.push_back(std::move(form));
      continue;
    }
    // The same atoms again: implied, if the values agree.
    if (std::fabs(kept->value - form.value) > kTolerance) {
      return absl::InternalError("two releases in the ledger contradict each other");
    }
    ++implied;
    if (kept->changes == form.changes) continue;
    // Their changes must still agree in the repair LP.
    std::map<size_t, double> difference;
    for (const auto& [s, c] : form.changes) difference[s] += c;
    for (const auto& [s, c] : kept->changes) difference[s] -= c;
    Form changes;
    for (const auto& [s, c] : difference) {
      if (c != 0) changes.changes.emplace_back(s, c);
    }
    if (!changes.changes.empty()) forms.push_back(std::move(changes));
  }
  return forms;
}

}  // namespace

std::vector<uint64_t> BoxOf(const AtomSpace& space, int clique, const Restriction& restriction) {
  std::vector<uint64_t> words;
  for (int d : space.cliques()[clique].dimensions) {
    const std::vector<bool>& blocks = restriction[d];
    const size_t first = words.size();
    words.resize(first + (blocks.size() + 63) / 64, 0);
    for (size_t b = 0; b < blocks.size(); ++b) {
      if (blocks[b]) words[first + b / 64] |= uint64_t{1} << (b % 64);
    }
  }
  return words;
}

namespace {

// Atoms tied to no known set, even through separators, are free: any value
// is consistent. Returns per atom whether it is tied.
std::vector<bool> TiedAtoms(const AtomSpace& space, const std::vector<KnownSet>& sets,
                            const std::vector<MarginRow>& margins,
                            const std::vector<bool>& variable) {
  std::vector<int64_t> root(space.atoms());
  std::iota(root.begin(), root.end(), 0);
  auto find = [&](int64_t a) {
    while (root[a] != a) a = root[a] = root[root[a]];
    return a;
  };
  auto join = [&](const std::vector<int64_t>& atoms) {
    for (size_t i = 1; i < atoms.size(); ++i) root[find(atoms[i])] = find(atoms[0]);
  };
  for (const KnownSet& set : sets) join(set.atoms);
  for (const MarginRow& row : margins) {
    std::vector<int64_t> both;
    for (const std::vector<int64_t>* side : {&row.plus, &row.minus}) {
      for (int64_t a : *side) {
        if (variable[a]) both.push_back(a);
      }
    }
    join(both);
  }
  std::vector<bool> tied_root(space.atoms(), false);
  for (const KnownSet& set : sets) {
    if (!set.atoms.empty()) tied_root[find(set.atoms[0])] = true;
  }
  std::vector<bool> tied(space.atoms(), false);
  for (int64_t a = 0; a < space.atoms(); ++a) tied[a] = tied_root[find(a)];
  return tied;
}

// Adds a row per form to `lp`, over the atoms' variables and the
// deviation variables (up, down) of each movable set; INTERNAL if a form
// holds no variable and is false. Returns the rows added.
absl::StatusOr<int64_t> AddForms(const std::vector<Form>& forms,
                                 const std::vector<int>& variable_of,
                                 const std::vector<std::pair<int, int>>& deviation_of,
                                 LinearProgram& lp) {
  int64_t rows = 0;
  for (const Form& form : forms) {
    std::vector<std::pair<int, double>> terms;
    for (int64_t atom : form.atoms) {
      if (variable_of[atom] >= 0) terms.emplace_back(variable_of[atom], 1.0);
    }
    // change(s) = up - down: Σ atoms = value + change(set) - change(inner).
    for (const auto& [s, coefficient] : form.changes) {
      terms.emplace_back(deviation_of[s].first, coefficient);
      terms.emplace_back(deviation_of[s].second, -coefficient);
    }
    if (terms.empty()) {
      const bool holds = form.exact ? std::fabs(form.value) <= kTolerance : form.value <= kTolerance;
      if (!holds) return absl::InternalError("the ledger's attacker LP has an impossible row");
      continue;
    }
    lp.AddRow(terms, form.value, form.exact ? form.value : kInfinity);
    ++rows;
  }
  return rows;
}

// Adds the separator margins to `lp`; returns the rows added.
int64_t AddMargins(const std::vector<MarginRow>& margins, const std::vector<int>& variable_of,
                   LinearProgram& lp) {
  int64_t rows = 0;
  for (const MarginRow& row : margins) {
    std::vector<std::pair<int, double>> terms;
    for (int64_t atom : row.plus) {
      if (variable_of[atom] >= 0) terms.emplace_back(variable_of[atom], 1.0);
    }
    for (int64_t atom : row.minus) {
      if (variable_of[atom] >= 0) terms.emplace_back(variable_of[atom], -1.0);
    }
    if (terms.empty()) continue;
    lp.AddRow(terms, 0, 0);
    ++rows;
  }
  return rows;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AttackerLp>> AttackerLp::Build(const AtomSpace& space,
                                                              std::vector<KnownSet> sets,
                                                              const std::vector<bool>& variable,
                                                              double floor, absl::Time deadline) {
  std::unique_ptr<AttackerLp> lp(new AttackerLp(deadline));
  lp->floor_ = floor;
  if (absl::Now() > deadline) return DeadlineError();
  // Known-empty atoms leave every set.
  for (KnownSet& set : sets) {
    set.atoms.erase(std::remove_if(set.atoms.begin(), set.atoms.end(),
                                   [&](int64_t a) { return !variable[a]; }),
                    set.atoms.end());
  }
  const std::vector<MarginRow> margins = MarginRows(space);
  const std::vector<bool> tied = TiedAtoms(space, sets, margins, variable);
  lp->variable_of_.assign(space.atoms(), -1);
  lp->free_.assign(space.atoms(), false);
  for (int64_t atom = 0; atom < space.atoms(); ++atom) {
    if (!variable[atom]) continue;
    if (tied[atom]) {
      lp->variable_of_[atom] = lp->lp_.AddVariable(floor, kInfinity);
    } else {
      lp->free_[atom] = true;
    }
  }
  lp->atom_variables_ = lp->lp_.variables();
  // Deviation variables of the movable sets, fixed at zero until Repair.
  std::vector<std::pair<int, int>> deviation_of(sets.size(), {-1, -1});
  for (size_t s = 0; s < sets.size(); ++s) {
    if (!sets[s].movable) continue;
    Deviation d{s, lp->lp_.AddVariable(0, 0), lp->lp_.AddVariable(0, 0), sets[s].cost};
    deviation_of[s] = {d.up, d.down};
    lp->deviations_.push_back(d);
  }
  ASSIGN_OR_RETURN(const std::vector<Form> forms, Sparsify(sets, floor, lp->implied_));
  ASSIGN_OR_RETURN(lp->lp_rows_, AddForms(forms, lp->variable_of_, deviation_of, lp->lp_));
  lp->lp_rows_ += AddMargins(margins, lp->variable_of_, lp->lp_);
  return lp;
}

absl::Status AttackerLp::DeadlineError() {
  return absl::DeadlineExceededError(
      "the query ran past the server's time budget while auditing it against earlier releases");
}

int AttackerLp::AddTarget(const std::vector<int64_t>& atoms) {
  Target target;
  std::vector<std::pair<int, double>> terms;
  for (int64_t atom : atoms) {
    if (variable_of_[atom] >= 0) terms.emplace_back(variable_of_[atom], 1.0);
    if (free_[atom]) target.free = true;
  }
  if (terms.size() == 1) {
    target.variable = terms[0].first;
  } else if (!terms.empty()) {
    target.variable = lp_.AddVariable(-kInfinity, kInfinity);
    terms.emplace_back(target.variable, -1.0);
    lp_.AddRow(terms, 0, 0);
  }
  targets_.push_back(target);
  return static_cast<int>(targets_.size()) - 1;
}

absl::StatusOr<LpSolution> AttackerLp::Solve(LpSense sense,
                                             const std::vector<std::pair<int, double>>& objective) {
  if (absl::Now() > deadline_) return DeadlineError();
  ++solves_;
  ASSIGN_OR_RETURN(LpSolution solution, lp_.Solve(sense, objective));
  if (solution.outcome == LpSolution::kInfeasible) {
    return absl::InternalError("the ledger's attacker LP is infeasible");
  }
  return solution;
}

double AttackerLp::NaturalLower(int variable) const {
  return variable < atom_variables_ ? floor_ : -kInfinity;
}

void AttackerLp::SetNatural(int variable) { lp_.SetBounds(variable, NaturalLower(variable), kInfinity); }

absl::Status AttackerLp::Pass(const std::vector<Goal>& goals, bool up, int max_failures,
                              std::vector<Verdict>& verdicts, int& failures) {
  std::vector<size_t> pending;
  for (size_t g = 0; g < goals.size(); ++g) {
    if (goals[g].up != up) continue;
    const Target& target = targets_[goals[g].target];
    // An untied atom can grow without bound, or fall to the floor (where
    // it adds nothing, or without bound for a column with negative values).
    if (target.free && (up || !std::isfinite(floor_))) {
      verdicts[g] = Verdict::kOpen;
    } else if (target.variable < 0) {
      // Nothing tied: the set is its untied atoms at the floor, or empty.
      verdicts[g] = !up && goals[g].level >= -kTolerance ? Verdict::kOpen : Verdict::kNarrow;
      failures += verdicts[g] == Verdict::kNarrow;
    } else {
      pending.push_back(g);
    }
  }
  if (pending.empty()) return absl::OkStatus();
  // Caps keep the true table feasible (every target lies strictly inside
  // its level there) and keep one target from taking all the room.
  for (size_t g : pending) {
    const int v = targets_[goals[g].target].variable;
    if (up) {
      lp_.SetBounds(v, NaturalLower(v), goals[g].level);
    } else {
      lp_.SetBounds(v, std::max(goals[g].level, NaturalLower(v)), kInfinity);
    }
  }
  const LpSense sense = up ? LpSense::kMaximize : LpSense::kMinimize;
  auto check = [&](const LpSolution& solution) {
    int newly = 0;
    for (size_t g : pending) {
      if (verdicts[g] == Verdict::kOpen) continue;
      const double value = solution.values[targets_[goals[g].target].variable];
      if (up ? value >= goals[g].level - kTolerance : value <= goals[g].level + kTolerance) {
        verdicts[g] = Verdict::kOpen;
        ++newly;
      }
    }
    return newly;
  };
  while (true) {
    std::vector<std::pair<int, double>> objective;
    for (size_t g : pending) {
      if (verdicts[g] != Verdict::kOpen) {
        objective.emplace_back(targets_[goals[g].target].variable, 1.0);
      }
    }
    if (objective.empty()) break;
    ASSIGN_OR_RETURN(const LpSolution solution, Solve(sense, objective));
    if (solution.outcome != LpSolution::kOptimal || check(solution) == 0) break;
  }
  // The rest one by one, without caps: a cap on one target can keep
  // another below its level (a margin may need both to rise). Only the
  // objective changes from here on; each solve may prove others.
  for (size_t g : pending) SetNatural(targets_[goals[g].target].variable);
  for (size_t g : pending) {
    if (verdicts[g] == Verdict::kOpen || failures >= max_failures) continue;
    ASSIGN_OR_RETURN(const LpSolution solution,
                     Solve(sense, {{targets_[goals[g].target].variable, 1.0}}));
    if (solution.outcome == LpSolution::kUnbounded) verdicts[g] = Verdict::kOpen;
    if (solution.outcome == LpSolution::kOptimal) check(solution);
    if (verdicts[g] != Verdict::kOpen) {
      verdicts[g] = Verdict::kNarrow;
      ++failures;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Verdict>> AttackerLp::Reach(const std::vector<Goal>& goals,
                                                       int max_failures) {
  std::vector<Verdict> verdicts(goals.size(), Verdict::kUnchecked);
  int failures = 0;
  RETURN_IF_ERROR(Pass(goals, /*up=*/true, max_failures, verdicts, failures));
  RETURN_IF_ERROR(Pass(goals, /*up=*/false, max_failures, verdicts, failures));
  return verdicts;
}

absl::StatusOr<std::optional<std::vector<std::pair<size_t, double>>>> AttackerLp::Repair(
    const Goal& goal) {
  const int v = targets_[goal.target].variable;
  if (v < 0 || deviations_.empty()) return std::nullopt;
  if (goal.up) {
    lp_.SetBounds(v, goal.level, kInfinity);
  } else {
    lp_.SetBounds(v, NaturalLower(v), goal.level);
  }
  std::vector<std::pair<int, double>> cost;
  for (const Deviation& d : deviations_) {
    lp_.SetBounds(d.up, 0, kInfinity);
    lp_.SetBounds(d.down, 0, kInfinity);
    cost.emplace_back(d.up, d.cost);
    cost.emplace_back(d.down, d.cost);
  }
  if (absl::Now() > deadline_) return DeadlineError();
  ++solves_;
  absl::StatusOr<LpSolution> repair = lp_.Solve(LpSense::kMinimize, cost);
  SetNatural(v);
  for (const Deviation& d : deviations_) {
    lp_.SetBounds(d.up, 0, 0);
    lp_.SetBounds(d.down, 0, 0);
  }
  if (!repair.ok()) return repair.status();
  if (repair->outcome != LpSolution::kOptimal) return std::nullopt;
  std::vector<std::pair<size_t, double>> changes;
  for (const Deviation& d : deviations_) {
    const double delta = repair->values[d.up] - repair->values[d.down];
    if (std::fabs(delta) > kTolerance) changes.emplace_back(d.set, delta);
  }
  return changes;
}

}  // namespace cellgate::policies
