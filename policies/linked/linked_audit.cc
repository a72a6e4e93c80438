#include "policies/linked/linked_audit.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "policies/lp/linear_program.h"

namespace cellgate::policies {
namespace {

constexpr double kTolerance = 1e-6;

// What the attacker knows of one distinct set of atoms.
struct Equation {
  std::vector<int64_t> atoms;
  bool exact = false;  // Σ = value; otherwise Σ >= 1 (suppressed, not empty)
  int64_t value = 0;
  // Unsuppressed cells of the candidate release with this set of atoms.
  std::vector<int32_t> candidate_cells;
  bool suppressed_before = false;  // by an earlier release
  bool published_before = false;   // by an earlier release
};

std::string KeyOf(const Restriction& restriction) {
  std::string key;
  for (const std::vector<bool>& blocks : restriction) {
    for (bool inside : blocks) key.push_back(inside ? '1' : '0');
    key.push_back('|');
  }
  return key;
}

int64_t CellsOf(const v1::LedgerRelease& release) {
  int64_t cells = 1;
  for (const v1::LedgerAxis& axis : release.axes()) cells *= axis.entries_size();
  return cells;
}

// One distinct equation per set of atoms: a cell published anywhere is
// known exactly, else known not to be empty.
absl::StatusOr<std::vector<Equation>> EquationsOf(
    absl::Span<const v1::LedgerRelease* const> releases, const AtomSpace& space) {
  absl::flat_hash_map<std::string, size_t> equation_of;
  std::vector<Equation> equations;
  for (size_t r = 0; r < releases.size(); ++r) {
    const v1::LedgerRelease& release = *releases[r];
    const int64_t cells = CellsOf(release);
    if (release.counts_size() != cells || release.suppressed_size() != cells) {
      return absl::InvalidArgumentError(
          absl::StrCat("ledger release ", release.release_id(), " has ", release.counts_size(),
                       " counts and ", release.suppressed_size(), " flags for ", cells, " cells"));
    }
    for (int64_t cell = 0; cell < cells; ++cell) {
      const int64_t count = release.counts(static_cast<int>(cell));
      const bool published = !release.suppressed(static_cast<int>(cell)) || count == 0;
      const Restriction restriction = space.RestrictionOf(release, cell);
      const auto [it, added] = equation_of.emplace(KeyOf(restriction), equations.size());
      if (added) {
        // Any clique that holds the release's dimensions describes the
        // cell; the separators make them agree.
        Equation& equation = equations.emplace_back();
        equation.atoms = space.AtomsOf(space.CliqueOf(r), restriction);
      }
      Equation& equation = equations[it->second];
      const bool earlier = r + 1 < releases.size();
      if (!published) {
        equation.suppressed_before |= earlier;
        continue;
      }
      equation.published_before |= earlier;
      if (equation.exact && equation.value != count) {
        return absl::InternalError(absl::StrCat("ledger release ", release.release_id(),
                                                " disagrees with an earlier release on cell ",
                                                cell));
      }
      equation.exact = true;
      equation.value = count;
      if (r + 1 == releases.size()) equation.candidate_cells.push_back(static_cast<int32_t>(cell));
    }
  }
  return equations;
}

}  // namespace

absl::StatusOr<LinkedAuditResult> AuditLinkedReleases(
    absl::Span<const v1::LedgerRelease* const> releases,
    const absl::flat_hash_map<std::string, int>& dimension_sizes, const AtomCounter& counter,
    const LinkedAuditOptions& options) {
  LinkedAuditResult result;
  if (releases.empty()) return result;
  absl::StatusOr<AtomSpace> built = AtomSpace::Build(releases, dimension_sizes, options.max_atoms);
  if (!built.ok()) return built.status();
  const AtomSpace& space = *built;
  result.atoms = space.atoms();
  absl::StatusOr<std::vector<Equation>> made = EquationsOf(releases, space);
  if (!made.ok()) return made.status();
  const std::vector<Equation>& equations = *made;
  result.equations = static_cast<int64_t>(equations.size());
  for (const Equation& equation : equations) {
    if (equation.suppressed_before && !equation.published_before) {
      result.previously_suppressed.insert(result.previously_suppressed.end(),
                                          equation.candidate_cells.begin(),
                                          equation.candidate_cells.end());
    }
  }
  std::sort(result.previously_suppressed.begin(), result.previously_suppressed.end());
  result.cliques = static_cast<int64_t>(space.cliques().size());
  std::vector<int64_t> counts;
  counts.reserve(space.atoms());
  for (size_t c = 0; c < space.cliques().size(); ++c) {
    absl::StatusOr<std::vector<int64_t>> counted = counter(space, static_cast<int>(c));
    if (!counted.ok()) return counted.status();
    if (static_cast<int64_t>(counted->size()) != space.cliques()[c].atoms) {
      return absl::InternalError(absl::StrCat("atom counter returned ", counted->size(),
                                              " counts for ", space.cliques()[c].atoms,
                                              " atoms"));
    }
    counts.insert(counts.end(), counted->begin(), counted->end());
  }

  // The true table must satisfy everything released from it.
  std::vector<bool> known_empty(counts.size(), false);
  for (const Equation& equation : equations) {
    int64_t sum = 0;
    for (int64_t atom : equation.atoms) {
      sum += counts[atom];
      if (equation.exact && equation.value == 0) known_empty[atom] = true;
    }
    if (equation.exact ? sum != equation.value : sum < 1) {
      return absl::InternalError(
          "the ledger does not match the dataset version's counts; releases of different "
          "versions must not be audited together");
    }
  }

  LinearProgram lp;
  struct Deviation {
    size_t equation;
    int up;    // the cell larger than published
    int down;  // the cell smaller than published
    double cost;
  };
  std::vector<Deviation> deviations;
  // Neighbouring cliques agree on the margins of their separator: per
  // separator and margin, the atoms of each side.
  struct MarginRow {
    std::vector<int64_t> plus, minus;
  };
  std::vector<MarginRow> margin_rows;
  for (const Separator& separator : space.separators()) {
    absl::flat_hash_map<int64_t, MarginRow> margin;
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
    std::vector<int64_t> keys;
    for (const auto& [key, row] : margin) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    for (int64_t key : keys) margin_rows.push_back(std::move(margin[key]));
  }
  // Atoms tied to no released cell, even through separators, are free:
  // any value is consistent, so they are safe and stay out of the LP.
  std::vector<int64_t> root(counts.size());
  std::iota(root.begin(), root.end(), 0);
  auto find = [&](int64_t a) {
    while (root[a] != a) a = root[a] = root[root[a]];
    return a;
  };
  auto join = [&](const std::vector<int64_t>& atoms) {
    for (size_t i = 1; i < atoms.size(); ++i) root[find(atoms[i])] = find(atoms[0]);
  };
  for (const Equation& equation : equations) join(equation.atoms);
  for (const MarginRow& row : margin_rows) {
    std::vector<int64_t> both = row.plus;
    both.insert(both.end(), row.minus.begin(), row.minus.end());
    join(both);
  }
  std::vector<bool> tied(counts.size(), false);
  for (const Equation& equation : equations) {
    if (!equation.atoms.empty()) tied[find(equation.atoms[0])] = true;
  }
  std::vector<int> variable_of(counts.size(), -1);
  for (size_t atom = 0; atom < counts.size(); ++atom) {
    if (!known_empty[atom] && tied[find(static_cast<int64_t>(atom))]) {
      variable_of[atom] = lp.AddVariable(0, kInfinity);
    }
  }
  result.variables = lp.variables();
  std::vector<size_t> equation_of_row;
  for (size_t e = 0; e < equations.size(); ++e) {
    std::vector<std::pair<int, double>> terms;
    for (int64_t atom : equations[e].atoms) {
      if (variable_of[atom] >= 0) terms.emplace_back(variable_of[atom], 1.0);
    }
    if (terms.empty()) continue;
    const double value = static_cast<double>(equations[e].value);
    // A cell only the candidate publishes may be withdrawn: its deviation
    // variables (fixed at zero while auditing) let the repair LP move it.
    if (equations[e].exact && !equations[e].published_before &&
        !equations[e].candidate_cells.empty()) {
      const double cost = 1.0 + value;
      Deviation deviation{e, lp.AddVariable(0, 0), lp.AddVariable(0, 0), cost};
      terms.emplace_back(deviation.up, -1.0);
      terms.emplace_back(deviation.down, 1.0);
      deviations.push_back(deviation);
    }
    lp.AddRow(terms, equations[e].exact ? value : 1.0, equations[e].exact ? value : kInfinity);
    equation_of_row.push_back(e);
  }
  for (const MarginRow& row : margin_rows) {
    std::vector<std::pair<int, double>> terms;
    for (int64_t atom : row.plus) {
      if (variable_of[atom] >= 0) terms.emplace_back(variable_of[atom], 1.0);
    }
    for (int64_t atom : row.minus) {
      if (variable_of[atom] >= 0) terms.emplace_back(variable_of[atom], -1.0);
    }
    if (!terms.empty()) lp.AddRow(terms, 0, 0);
  }

  struct Sensitive {
    int64_t atom;
    int x;  // the atom's variable
    double required;
  };
  std::vector<Sensitive> sensitive;
  for (const Clique& clique : space.cliques()) {
    int64_t k = options.k;
    for (int d : clique.dimensions) {
      const auto raised = options.k_of_dimension.find(space.dimensions()[d].dimension);
      if (raised != options.k_of_dimension.end()) k = std::max(k, raised->second);
    }
    for (int64_t atom = clique.first_atom; atom < clique.first_atom + clique.atoms; ++atom) {
      if (variable_of[atom] < 0 || counts[atom] < 1 || counts[atom] >= k) continue;
      const double required = static_cast<double>(std::max(counts[atom] + options.count_upper, k));
      sensitive.push_back({atom, variable_of[atom], required});
    }
  }
  result.sensitive_atoms = static_cast<int64_t>(sensitive.size());
  if (sensitive.empty()) return result;

  std::vector<bool> proven(sensitive.size(), false);
  auto prove = [&](const LpSolution& solution) {
    int newly = 0;
    for (size_t i = 0; i < sensitive.size(); ++i) {
      if (!proven[i] && solution.values[sensitive[i].x] >= sensitive[i].required - kTolerance) {
        proven[i] = true;
        ++newly;
      }
    }
    return newly;
  };
  auto check_deadline = [&]() -> absl::Status {
    if (absl::Now() > options.deadline) {
      return absl::DeadlineExceededError(
          "the query ran past the server's time budget while auditing it against earlier "
          "releases");
    }
    return absl::OkStatus();
  };
  auto solve = [&](const std::vector<std::pair<int, double>>& objective)
      -> absl::StatusOr<LpSolution> {
    if (absl::Status status = check_deadline(); !status.ok()) return status;
    ++result.lp_solves;
    absl::StatusOr<LpSolution> solution = lp.Solve(LpSense::kMaximize, objective);
    if (solution.ok() && solution->outcome == LpSolution::kInfeasible) {
      return absl::InternalError("the ledger's attacker LP is infeasible");
    }
    return solution;
  };

  // Lift as many pending atoms as possible to their levels in one table,
  // each capped at its level so that none takes all the room; every atom
  // that gets there is proven open. (The caps keep the true table
  // feasible: every atom lies below its level there.)
  for (const Sensitive& s : sensitive) lp.SetBounds(s.x, 0, s.required);
  while (true) {
    std::vector<std::pair<int, double>> objective;
    for (size_t i = 0; i < sensitive.size(); ++i) {
      if (!proven[i]) objective.emplace_back(sensitive[i].x, 1.0);
    }
    if (objective.empty()) return result;
    absl::StatusOr<LpSolution> solution = solve(objective);
    if (!solution.ok()) return solution.status();
    if (prove(*solution) == 0) break;
  }
  for (const Sensitive& s : sensitive) lp.SetBounds(s.x, 0, kInfinity);
  // The rest one by one: each either reaches its level or is exposed.
  for (size_t i = 0; i < sensitive.size(); ++i) {
    if (proven[i]) continue;
    absl::StatusOr<LpSolution> solution = solve({{sensitive[i].x, 1.0}});
    if (!solution.ok()) return solution.status();
    if (solution->outcome == LpSolution::kUnbounded) {
      proven[i] = true;
      continue;
    }
    prove(*solution);
    if (proven[i]) continue;
    ExposedAtom exposed;
    exposed.atom = sensitive[i].atom;
    exposed.required_rise = static_cast<int64_t>(sensitive[i].required) - counts[exposed.atom];
    for (const Clique& clique : space.cliques()) {
      if (exposed.atom < clique.first_atom || exposed.atom >= clique.first_atom + clique.atoms) {
        continue;
      }
      for (int d : clique.dimensions) {
        if (!exposed.dimensions.empty()) exposed.dimensions += " x ";
        exposed.dimensions += space.dimensions()[d].dimension;
      }
    }
    // The repair LP: the cheapest change of the candidate's published cells
    // that lets the atom reach its level.
    lp.SetBounds(sensitive[i].x, sensitive[i].required, kInfinity);
    std::vector<std::pair<int, double>> cost;
    for (const Deviation& d : deviations) {
      lp.SetBounds(d.up, 0, kInfinity);
      lp.SetBounds(d.down, 0, kInfinity);
      cost.emplace_back(d.up, d.cost);
      cost.emplace_back(d.down, d.cost);
    }
    if (absl::Status status = check_deadline(); !status.ok()) return status;
    ++result.lp_solves;
    absl::StatusOr<LpSolution> repair = lp.Solve(LpSense::kMinimize, cost);
    lp.SetBounds(sensitive[i].x, 0, kInfinity);
    for (const Deviation& d : deviations) {
      lp.SetBounds(d.up, 0, 0);
      lp.SetBounds(d.down, 0, 0);
    }
    if (!repair.ok()) return repair.status();
    if (repair->outcome == LpSolution::kOptimal) {
      for (const Deviation& d : deviations) {
        const double delta = repair->values[d.up] - repair->values[d.down];
        if (std::fabs(delta) <= kTolerance) continue;
        for (int32_t cell : equations[d.equation].candidate_cells) {
          exposed.moves.push_back({cell, delta});
        }
      }
    }
    result.exposed.push_back(std::move(exposed));
    if (static_cast<int>(result.exposed.size()) >= options.max_exposed) break;
  }
  return result;
}

}  // namespace cellgate::policies
