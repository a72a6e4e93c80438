// The attacker's LP across releases for one additive measure (record
// counts, or the sums of one column) over the atoms of an AtomSpace: a
// variable per atom that may hold something, a row per distinct set of
// atoms the releases publish (or bound from below), and the separator
// margins of the junction tree. Goals ("this set can reach that level")
// are proven in batches; a goal that fails gets the cheapest change of the
// candidate's cells that would let it reach (the repair LP).
// Before solving, a published row that contains another published row is
// replaced by their difference, and rows that then repeat are dropped: the
// system is equivalent (docs/adr/0011-ledger-sums-and-scale.md). Thread-compatible.
//
//   ASSIGN_OR_RETURN(auto lp, AttackerLp::Build(space, std::move(sets), variable, 0, deadline));
//   const int t = lp->AddTarget({atom});
//   ASSIGN_OR_RETURN(std::vector<Verdict> v, lp->Reach({{t, 3, true}}, 8));
#ifndef CELLGATE_POLICIES_LINKED_ATTACKER_LP_H_
#define CELLGATE_POLICIES_LINKED_ATTACKER_LP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "policies/linked/atom_space.h"
#include "policies/lp/linear_program.h"

namespace cellgate::policies {

// What the attacker knows of one distinct set of atoms of one clique.
struct KnownSet {
  int clique = 0;
  std::vector<int64_t> atoms;  // global atom ids, ascending
  // The set as a box: per dimension of the clique its blocks, as bit words
  // (BoxOf); a set contains another iff every word does.
  std::vector<uint64_t> box;
  bool exact = false;  // Σ = value; otherwise Σ >= value
  double value = 0;
  // The repair LP may change the value (a cell only the candidate
  // publishes), at `cost` per unit.
  bool movable = false;
  double cost = 1;
};

// The box words of `restriction` over the dimensions of `clique`.
std::vector<uint64_t> BoxOf(const AtomSpace& space, int clique, const Restriction& restriction);

// A target can reach `level`: up, Σ >= level in some table consistent with
// everything known; else Σ <= level.
struct Goal {
  int target = 0;
  double level = 0;
  bool up = true;
};

// What Reach found for a goal: it can reach its level; it cannot (the set
// is narrower than its protection); or it was not checked (too many
// failures before it).
enum class Verdict { kOpen, kNarrow, kUnchecked };

class AttackerLp {
 public:
  // Builds the LP. `variable[atom]` is false for atoms known to be empty;
  // every atom lies in [floor, ∞). INTERNAL if two published rows
  // contradict each other; DEADLINE_EXCEEDED past `deadline` (also later,
  // before every solve).
  static absl::StatusOr<std::unique_ptr<AttackerLp>> Build(const AtomSpace& space,
                                                           std::vector<KnownSet> sets,
                                                           const std::vector<bool>& variable,
                                                           double floor, absl::Time deadline);

  // Adds the target Σ over `atoms` (ascending global ids) and returns its id.
  int AddTarget(const std::vector<int64_t>& atoms);

  // Returns a verdict per goal. Goals are proven in batches, each target
  // capped at its level so that none takes all the room, the rest one by
  // one without caps; after `max_failures` narrow goals the rest stay
  // unchecked.
  absl::StatusOr<std::vector<Verdict>> Reach(const std::vector<Goal>& goals, int max_failures);

  // The cheapest change of the movable sets that lets `goal` reach its
  // level: per movable set (index into the sets given to Build) its change
  // (> 0: larger). nullopt if no change of them can.
  absl::StatusOr<std::optional<std::vector<std::pair<size_t, double>>>> Repair(const Goal& goal);

  int variables() const { return atom_variables_; }
  int64_t rows() const { return lp_rows_; }
  // Published rows dropped because others imply them.
  int64_t implied() const { return implied_; }
  int64_t solves() const { return solves_; }

 private:
  struct Target {
    int variable = -1;  // its tied part; -1 if it has none
    bool free = false;  // it holds an untied atom, which may take any value >= floor
  };
  struct Deviation {
    size_t set;
    int up;
    int down;
    double cost;
  };
  explicit AttackerLp(absl::Time deadline) : deadline_(deadline) {}
  static absl::Status DeadlineError();
  absl::StatusOr<LpSolution> Solve(LpSense sense, const std::vector<std::pair<int, double>>& objective);
  // The bounds of `variable` outside Reach and Repair; the lower one is
  // `lower` for an atom, or none for a target's own variable.
  void SetNatural(int variable);
  double NaturalLower(int variable) const;
  // One pass of Reach over the goals of one direction.
  absl::Status Pass(const std::vector<Goal>& goals, bool up, int max_failures,
                    std::vector<Verdict>& verdicts, int& failures);

  absl::Time deadline_;
  LinearProgram lp_;
  double floor_ = 0;
  std::vector<int> variable_of_;  // per atom, -1 if not in the LP
  std::vector<bool> free_;        // per atom: may be anything, tied to nothing
  int atom_variables_ = 0;
  int64_t lp_rows_ = 0;
  int64_t implied_ = 0;
  int64_t solves_ = 0;
  std::vector<Deviation> deviations_;
  std::vector<Target> targets_;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_LINKED_ATTACKER_LP_H_
