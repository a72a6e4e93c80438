#include "policies/suppression_cleanup.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "common/status_macros.h"
#include "policies/hypercube.h"

namespace cellgate::policies {
namespace {

// The largest set of suppressed cells a replacement LP runs over.
constexpr size_t kMaxLpCells = 500;

// A certificate: table t, index i in certificates[t].
struct CertificateRef {
  int32_t table;
  int32_t index;
};

class Cleanup {
 public:
  Cleanup(const TableStructure& structure, const std::vector<MeasureTable>& tables,
          const SuppressionCosts& costs, std::vector<bool>& suppressed,
          std::vector<std::vector<Certificate>>& certificates, CleanupStats& stats)
      : structure_(structure),
        tables_(tables),
        equations_(structure),
        suppressed_(suppressed),
        certificates_(certificates),
        stats_(stats),
        users_(structure.cells) {
    // Only cells already suppressed may carry a replacement certificate.
    only_suppressed_.per_unit = costs.per_unit;
    only_suppressed_.may_suppress.assign(structure.cells, false);
    must_move_.assign(structure.cells, false);
    pinned_.assign(structure.cells, 0);
    for (size_t t = 0; t < certificates_.size(); ++t) {
      for (size_t i = 0; i < certificates_[t].size(); ++i) {
        Use({static_cast<int32_t>(t), static_cast<int32_t>(i)});
        if (certificates_[t][i].delta != 0) must_move_[certificates_[t][i].cell] = true;
      }
    }
    suppressed_count_ = std::count(suppressed_.begin(), suppressed_.end(), true);
  }

  // Publishes `cell` if every certificate through it can be replaced.
  absl::Status TryRelease(int32_t cell) {
    ++stats_.candidates;
    suppressed_[cell] = false;
    if (WouldPinACellThatMustMove(cell)) {
      // No replacement could exist: the same outcome as trying, sooner.
      suppressed_[cell] = true;
      ++stats_.kept_by_an_equation;
      return absl::OkStatus();
    }
    trying_ = cell;
    PriceInPatternLps(cell, false);
    std::vector<std::pair<CertificateRef, Perturbation>> replacements;
    for (const CertificateRef& ref : CurrentUsers(cell)) {
      const Certificate& old = certificates_[ref.table][ref.index];
      ASSIGN_OR_RETURN(std::optional<Perturbation> found,
                       Replacement(tables_[ref.table], old.cell, old.delta));
      if (!found.has_value()) {
        suppressed_[cell] = true;
        PriceInPatternLps(cell, true);
        return absl::OkStatus();
      }
      replacements.emplace_back(ref, *std::move(found));
    }
    for (auto& [ref, perturbation] : replacements) {
      certificates_[ref.table][ref.index].perturbation = std::move(perturbation);
      Use(ref);
    }
    ++stats_.released;
    --suppressed_count_;
    return absl::OkStatus();
  }

 private:
  // Whether publishing `cell` (already marked published) pins a cell that
  // some certificate must move. A suppressed cell that is the only one of
  // an equation not pinned is the equation's published remainder: no
  // perturbation can change it, so it pins the others it shares equations
  // with in turn (unit propagation from `cell`). A pinned cell that must
  // move means that no replacement exists.
  bool WouldPinACellThatMustMove(int32_t cell) {
    if (++generation_ == 0) {  // wrapped: forget every old mark
      std::fill(pinned_.begin(), pinned_.end(), 0);
      generation_ = 1;
    }
    pinned_[cell] = generation_;
    std::vector<int32_t> queue = {cell};
    while (!queue.empty()) {
      const int32_t pinned = queue.back();
      queue.pop_back();
      for (int32_t e : equations_.of(pinned)) {
        const Additivity& eq = structure_.equations[e];
        int32_t lone = -1;
        int free = 0;
        auto count = [&](int32_t c) {
          if (suppressed_[c] && pinned_[c] != generation_) {
            ++free;
            lone = c;
          }
        };
        count(eq.total);
        for (int32_t part : eq.parts) {
          if (free > 1) break;
          count(part);
        }
        if (free != 1) continue;
        if (must_move_[lone]) return true;
        pinned_[lone] = generation_;
        queue.push_back(lone);
      }
    }
    return false;
  }

  // Records that the certificate `ref` changes each of its cells. Entries
  // go stale when a certificate is replaced; CurrentUsers skips those.
  void Use(const CertificateRef& ref) {
    for (const auto& [c, change] : certificates_[ref.table][ref.index].perturbation.changes) {
      users_[c].push_back(ref);
    }
  }

  // The certificates whose current perturbation changes `cell`, each once,
  // in the order they were recorded.
  std::vector<CertificateRef> CurrentUsers(int32_t cell) {
    std::vector<CertificateRef> current;
    std::vector<CertificateRef> kept;
    for (const CertificateRef& ref : users_[cell]) {
      const auto& changes = certificates_[ref.table][ref.index].perturbation.changes;
      const bool touches = std::any_of(changes.begin(), changes.end(),
                                       [&](const auto& change) { return change.first == cell; });
      if (!touches) continue;
      const bool seen = std::any_of(kept.begin(), kept.end(), [&](const CertificateRef& k) {
        return k.table == ref.table && k.index == ref.index;
      });
      if (seen) continue;
      kept.push_back(ref);
      current.push_back(ref);
    }
    users_[cell] = std::move(kept);
    return current;
  }

  // A perturbation that moves `cell` of `table` by `delta` through
  // suppressed cells only, or nullopt.
  absl::StatusOr<std::optional<Perturbation>> Replacement(const MeasureTable& table, int32_t cell,
                                                          double delta) {
    std::optional<Perturbation> cube =
        FindFreeHypercube(structure_, table, suppressed_, cell, delta);
    if (cube.has_value()) {
      ++stats_.hypercubes;
      return cube;
    }
    // Then the LP over the suppressed cells of the cell's subtable, and
    // over all of them, each only if it is larger than the one before and
    // small enough to solve quickly.
    std::vector<int32_t> region = SubtableOf(structure_, cell);
    region.erase(
        std::remove_if(region.begin(), region.end(), [&](int32_t c) { return !suppressed_[c]; }),
        region.end());
    const size_t subtable_cells = region.size();
    if (subtable_cells <= kMaxLpCells) {
      ++stats_.lps;
      ProtectionLp lp(structure_, table, only_suppressed_, equations_, suppressed_,
                      std::move(region));
      ASSIGN_OR_RETURN(std::optional<Perturbation> found, lp.Cheapest(cell, delta));
      if (found.has_value()) return found;
    }
    // (suppressed_count_ still counts the cell being tried, which neither
    // region holds.)
    if (subtable_cells + 1 < suppressed_count_ && suppressed_count_ <= kMaxLpCells) {
      ++stats_.lps;
      return PatternLp(table).Cheapest(cell, delta);
    }
    return std::nullopt;
  }

  // The LP over every cell suppressed when the cleanup began, `table`'s;
  // TryRelease keeps the cells it publishes fixed in it.
  ProtectionLp& PatternLp(const MeasureTable& table) {
    const size_t t = static_cast<size_t>(&table - tables_.data());
    if (pattern_lps_.size() < tables_.size()) pattern_lps_.resize(tables_.size());
    if (pattern_lps_[t] == nullptr) {
      // With the cell being tried, which may be suppressed again.
      std::vector<int32_t> region;
      for (int32_t c = 0; c < structure_.cells; ++c) {
        if (suppressed_[c] || c == trying_) region.push_back(c);
      }
      // Only suppressed cells move, at no cost: the last basis is as good
      // a start as any, and closer.
      pattern_lps_[t] = std::make_unique<ProtectionLp>(structure_, table, only_suppressed_,
                                                       equations_, suppressed_, std::move(region),
                                                       RegionSolve::kWhole, /*warm_start=*/true);
    }
    return *pattern_lps_[t];
  }

  // Tells the pattern LPs that `cell` is published or suppressed again.
  void PriceInPatternLps(int32_t cell, bool suppressed) {
    for (const std::unique_ptr<ProtectionLp>& lp : pattern_lps_) {
      if (lp != nullptr) lp->Price(cell, suppressed);
    }
  }

  const TableStructure& structure_;
  const std::vector<MeasureTable>& tables_;
  const CellEquations equations_;
  SuppressionCosts only_suppressed_;
  std::vector<bool>& suppressed_;
  std::vector<std::vector<Certificate>>& certificates_;
  CleanupStats& stats_;
  std::vector<std::vector<CertificateRef>> users_;  // per cell, possibly stale
  size_t suppressed_count_ = 0;
  std::vector<std::unique_ptr<ProtectionLp>> pattern_lps_;  // per table, made when needed
  int32_t trying_ = -1;  // the cell TryRelease is trying to publish
  std::vector<bool> must_move_;  // per cell: some certificate moves it (a required cell)
  std::vector<uint32_t> pinned_;  // per cell: the generation_ that pinned it
  uint32_t generation_ = 0;
};

}  // namespace

absl::Status ReleaseRedundant(const TableStructure& structure,
                              const std::vector<MeasureTable>& tables,
                              const SuppressionCosts& costs, const std::vector<bool>& keep,
                              std::vector<bool>& suppressed,
                              std::vector<std::vector<Certificate>>& certificates,
                              absl::Time deadline, CleanupStats* stats) {
  CleanupStats local_stats;
  Cleanup cleanup(structure, tables, costs, suppressed, certificates,
                  stats != nullptr ? *stats : local_stats);
  std::vector<int32_t> candidates;
  for (int32_t c = 0; c < structure.cells; ++c) {
    if (suppressed[c] && !keep[c]) candidates.push_back(c);
  }
  // Largest first: they carry the most information; stable for ties.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](int32_t a, int32_t b) { return costs.per_unit[a] > costs.per_unit[b]; });
  for (int32_t c : candidates) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          "protecting the table took longer than the server allows; ask for fewer cells or "
          "dimensions");
    }
    RETURN_IF_ERROR(cleanup.TryRelease(c));
  }
  return absl::OkStatus();
}

}  // namespace cellgate::policies
