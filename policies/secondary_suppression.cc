#include "policies/secondary_suppression.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <cmath>
#include <memory>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "policies/hypercube.h"
#include "policies/lp/solver_thread.h"
#include "policies/suppression_cleanup.h"

namespace cellgate::policies {

namespace {

// docs/adr/0010, measured with tests/bench/protection_benchmark.cc: the LP
// alone while cells x required cells stays below this (966 x 191 cells
// take 0.06 s, 1,240 x 212 0.3 s, 3,864 x 1,120 6 s)...
constexpr int64_t kLpOnlyMaxWork = 300'000;
// ...hypercubes with the LP for the expensive ones up to this many cells
// (the LP costs milliseconds per solve at 4,000 cells, 10 times more at
// 10,000)...
constexpr int64_t kCheapHypercubesMaxCells = 5'000;
// ...where a hypercube is expensive above this cost per unit of level.
constexpr double kHypercubeMaxCost = 40;
// docs/adr/0014: the LP solves ahead on the solver thread from this many
// cells on (measured: the 1,240- and 1,728-cell tables 12 % and 20 %
// faster, the 966-cell school table 7 % slower: its LP needs the whole
// region from the third cell on, and the two answers solved ahead before
// that send the cleanup a longer way).
constexpr int32_t kSolveAheadMinCells = 1'000;

// No perturbation moves a required cell by its level (SuppressSecondary).
absl::Status Unprotectable() {
  return absl::FailedPreconditionError("the table cannot be protected by suppression");
}

// The cost of the cells `perturbation` changes that are not suppressed yet.
double NewCost(const Perturbation& perturbation, const SuppressionCosts& costs,
               const std::vector<bool>& suppressed) {
  double cost = 0;
  for (const auto& [c, change] : perturbation.changes) {
    if (!suppressed[c]) cost += costs.per_unit[c] * std::fabs(change);
  }
  return cost;
}

}  // namespace

SuppressionOptions OptionsFor(const TableStructure& structure,
                              const std::vector<MeasureTable>& tables) {
  int64_t required = 0;
  for (const MeasureTable& table : tables) required += static_cast<int64_t>(table.required.size());
  SuppressionOptions options;
  if (structure.cells * required <= kLpOnlyMaxWork) {
    options.method = SuppressionMethod::kLpOnly;
    options.solve_ahead = structure.cells >= kSolveAheadMinCells;
  } else if (structure.cells <= kCheapHypercubesMaxCells) {
    options.hypercube_max_cost = kHypercubeMaxCost;
  }
  return options;
}

absl::Status SuppressSecondary(const TableStructure& structure, const MeasureTable& table,
                               const SuppressionCosts& costs, std::vector<bool>& suppressed,
                               std::vector<Certificate>* certificates,
                               SuppressionOptions options,
                               const std::vector<Certificate>* hints) {
  std::unique_ptr<CellEquations> equations;  // built only if the LP is needed
  std::unique_ptr<ProtectionLp> lp;
  // Cells that are published and may not be suppressed never move.
  std::vector<int32_t> movable;
  // Which direction of which required cell has a certificate already: a
  // perturbation found for one cell that moves another required cell by at
  // least its level, the right way, certifies that one too, scaled down
  // (the constraints are convex and hold at zero). Fewer searches.
  std::vector<int32_t> required_of(structure.cells, -1);
  for (size_t r = 0; r < table.required.size(); ++r) {
    required_of[table.required[r].cell] = static_cast<int32_t>(r);
  }
  std::vector<std::array<bool, 2>> certified(table.required.size(), {false, false});
  std::vector<Certificate> found_certificates;
  // `perturbation` certifies each required cell it moves the right way,
  // scaled to the cell's level. A scaled-down change keeps the floor (the
  // constraints are convex and hold at zero); a hint may be scaled up too,
  // so then every scaled change is checked against the floor, and the
  // cells it changes must be suppressed already.
  auto share = [&](const Perturbation& perturbation, bool may_scale_up) {
    for (const auto& [c, change] : perturbation.changes) {
      const int32_t r = required_of[c];
      if (r < 0) continue;
      const Protection& q = table.required[r];
      const bool up = change > 0;
      const double level = up ? q.upper : q.lower;
      if (level == 0 || certified[r][up] || change == 0) continue;
      if (!may_scale_up && std::fabs(change) < level) continue;
      const double scale = level / std::fabs(change);
      const bool fits = !may_scale_up || std::all_of(perturbation.changes.begin(),
                                                     perturbation.changes.end(),
                                                     [&](const auto& other) {
                                                       const auto& [d, y] = other;
                                                       return suppressed[d] &&
                                                              (!std::isfinite(table.floor) ||
                                                               table.values[d] + y * scale >=
                                                                   table.floor);
                                                     });
      if (!fits) continue;
      certified[r][up] = true;
      Certificate shared{c, up ? level : -level, {}};
      for (const auto& [d, y] : perturbation.changes) {
        shared.perturbation.changes.emplace_back(d, d == c ? shared.delta : y * scale);
      }
      found_certificates.push_back(std::move(shared));
    }
  };
  if (hints != nullptr) {
    for (const Certificate& hint : *hints) share(hint.perturbation, /*may_scale_up=*/true);
  }
  // Each required cell and direction with a level, in turn.
  struct Item {
    int32_t cell;
    double delta;  // +upper or -lower
  };
  std::vector<Item> items;
  for (const Protection& p : table.required) {
    for (const double delta : {p.upper, -p.lower}) {
      if (delta != 0) items.push_back({p.cell, delta});
    }
  }
  auto is_certified = [&](const Item& item) {
    return certified[required_of[item.cell]][item.delta > 0];
  };
  // options.solve_ahead: the LP's answer for a later item, found beside
  // the one for an earlier item on the pattern as it was then.
  struct Ahead {
    size_t item = 0;
    absl::StatusOr<std::optional<Perturbation>> found = std::nullopt;
  };
  std::optional<Ahead> ahead;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    if (ahead.has_value() && ahead->item < i) ahead.reset();  // not needed after all
    if (absl::Now() > options.deadline) {
      return absl::DeadlineExceededError(
          "protecting the table took longer than the server allows; ask for fewer cells or "
          "dimensions");
    }
    if (is_certified(item)) continue;
    // A hypercube through suppressed cells only costs nothing, which is
    // the least any perturbation costs: as good as the LP's, and cheaper
    // to find. Others only for kHypercubeThenLp, up to its price.
    std::optional<Perturbation> found;
    if (options.method != SuppressionMethod::kHypercubeThenLp) {
      found = FindFreeHypercube(structure, table, suppressed, item.cell, item.delta);
    } else if (std::optional<Perturbation> cube = FindHypercube(structure, table, costs,
                                                                suppressed, item.cell,
                                                                item.delta)) {
      const double cost = NewCost(*cube, costs, suppressed);
      // Else the protection LP may find a cheaper one.
      if (cost <= options.hypercube_max_cost * std::fabs(item.delta)) found = std::move(cube);
    }
    if (!found.has_value() && ahead.has_value() && ahead->item == i) {
      // Found on an earlier pattern, which this one extends: the same cells
      // can still move (only they may become suppressed), so it is still
      // a perturbation through cells that will be suppressed, and the
      // solve is the same whichever thread made it.
      ASSIGN_OR_RETURN(found, std::move(ahead->found));
      ahead.reset();
      if (!found.has_value()) {
        return Unprotectable();
      }
    } else if (!found.has_value()) {
      if (lp == nullptr) {
        for (int32_t c = 0; c < structure.cells; ++c) {
          if (suppressed[c] || costs.may_suppress[c]) movable.push_back(c);
        }
        equations = std::make_unique<CellEquations>(structure);
        lp = std::make_unique<ProtectionLp>(structure, table, costs, *equations, suppressed,
                                            movable, options.lp_solve);
      }
      // The next item of another cell still open, if any, is solved on the
      // solver thread meanwhile, by an LP of its own made there (GLPK's
      // memory belongs to the thread that allocates it); not once this LP
      // needed the whole region, which a new LP would build again each time.
      std::optional<size_t> next;
      if (options.solve_ahead && options.lp_solve == RegionSolve::kPriced && !ahead.has_value() &&
          !lp->whole_region_joined()) {
        for (size_t j = i + 1; j < items.size(); ++j) {
          if (items[j].cell != item.cell && !is_certified(items[j])) {
            next = j;
            break;
          }
        }
      }
      absl::StatusOr<std::optional<Perturbation>> cheapest = std::nullopt;
      if (next.has_value()) {
        Ahead beside{*next};
        SolverThread::Shared().RunBeside(
            [&] { cheapest = lp->Cheapest(item.cell, item.delta); },
            [&] {
              ProtectionLp own(structure, table, costs, *equations, suppressed, movable,
                               options.lp_solve);
              beside.found = own.Cheapest(items[beside.item].cell, items[beside.item].delta);
            });
        ahead = std::move(beside);
      } else {
        cheapest = lp->Cheapest(item.cell, item.delta);
      }
      ASSIGN_OR_RETURN(found, std::move(cheapest));
      if (!found.has_value()) {
        return Unprotectable();
      }
    }
    for (const auto& [c, change] : found->changes) {
      if (suppressed[c]) continue;
      suppressed[c] = true;
      if (lp != nullptr) lp->Price(c, true);
    }
    share(*found, /*may_scale_up=*/false);
  }
  if (certificates != nullptr) {
    certificates->insert(certificates->end(), std::make_move_iterator(found_certificates.begin()),
                         std::make_move_iterator(found_certificates.end()));
  }
  return absl::OkStatus();
}

absl::Status SuppressTables(const TableStructure& structure,
                            const std::vector<MeasureTable>& tables,
                            const SuppressionCosts& costs, std::vector<bool>& suppressed,
                            std::vector<std::vector<Certificate>>& certificates,
                            SuppressionOptions options) {
  const std::vector<bool> keep = suppressed;
  certificates.assign(tables.size(), {});
  std::vector<Certificate> hints;
  for (size_t t = 0; t < tables.size(); ++t) {
    RETURN_IF_ERROR(SuppressSecondary(structure, tables[t], costs, suppressed, &certificates[t],
                                      options, t > 0 ? &hints : nullptr));
    hints.insert(hints.end(), certificates[t].begin(), certificates[t].end());
  }
  if (!options.cleanup) return absl::OkStatus();
  return ReleaseRedundant(structure, tables, costs, keep, suppressed, certificates,
                          options.deadline);
}

absl::Status VerifyCertificates(const TableStructure& structure, const MeasureTable& table,
                                const std::vector<bool>& suppressed,
                                const std::vector<Certificate>& certificates) {
  const CellEquations equations_of(structure);
  for (const Certificate& certificate : certificates) {
    auto broken = [&](absl::string_view why) {
      return absl::InternalError(absl::StrCat("protection certificate of cell ",
                                              certificate.cell, " (", table.name, ") ", why));
    };
    const double tolerance = 1e-6 * std::max(1.0, std::fabs(certificate.delta));
    absl::flat_hash_map<int32_t, double> change;
    for (const auto& [c, d] : certificate.perturbation.changes) {
      if (c < 0 || c >= structure.cells) return broken("names a cell outside the table");
      if (!suppressed[c]) return broken("changes a published cell");
      if (std::isfinite(table.floor) && table.values[c] + d < table.floor - tolerance) {
        return broken("goes below what the attacker knows");
      }
      change[c] += d;
    }
    const auto own = change.find(certificate.cell);
    if (own == change.end() || std::fabs(own->second - certificate.delta) > tolerance) {
      return broken("does not move the cell by its protection level");
    }
    for (const auto& [c, d] : change) {
      for (int32_t i : equations_of.of(c)) {
        const Additivity& eq = structure.equations[i];
        auto changed = [&](int32_t cell) {
          const auto it = change.find(cell);
          return it == change.end() ? 0.0 : it->second;
        };
        double sum = changed(eq.total);
        for (int32_t part : eq.parts) sum -= changed(part);
        if (std::fabs(sum) > tolerance) return broken("breaks the table's additivity");
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace cellgate::policies
