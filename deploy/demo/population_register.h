// The population register of Musterstadt: a stationary city whose persons
// age from one Stichtag to the next. Birth cohort b holds persons 0, 1, 2,
// …; at age a the first Count(b, a) of them live in the city, following the
// age pyramid of DEMO-CITY.md. A person is recomputed from (seed, cohort,
// index), so population, kita_kind and sgb2_person draw on the same people
// (a child in day care or in an SGB-II household is a resident of that
// age and Bezirk) without holding anyone in memory. Start with
// `PopulationRegister`. Immutable; thread-safe.
#ifndef CELLGATE_DEPLOY_DEMO_POPULATION_REGISTER_H_
#define CELLGATE_DEPLOY_DEMO_POPULATION_REGISTER_H_

#include <cstdint>
#include <functional>

#include "deploy/demo/code_lists.h"
#include "deploy/demo/generators.h"

namespace cellgate::demo {

// The oldest age the register holds ("100 Jahre und älter").
inline constexpr int kMaxResidentAge = 100;

struct Resident {
  // The register's pseudonymous key; other datasets derive their own keys
  // from it, so that they cannot be linked to the register by key.
  uint64_t key_hi = 0;
  uint64_t key_lo = 0;
  int cohort = 0;     // birth year
  int64_t index = 0;  // position in the cohort
  int bezirk = 0;     // index into Geography::bezirke()
  Sex sex = kMale;
  int nationality_group = 0;  // index into kNationalityGroupCodes (0: DE)
  bool mh = false;            // Migrationshinweis
};

class PopulationRegister {
 public:
  explicit PopulationRegister(const GeneratorParams& params) : params_(params) {}

  // Returns the number of persons of birth year `cohort` living in the city
  // at age `age` (0..kMaxResidentAge): persons 0 .. Count-1 of the cohort.
  int64_t Count(int cohort, int age) const;
  // Returns person `index` of `cohort`. REQUIRES: index >= 0.
  Resident Get(int cohort, int64_t index) const;
  // Calls `visit` for every resident aged `min_age`..`max_age` at the
  // Stichtag of `year`, the oldest first, then by index.
  void ForEach(int year, int min_age, int max_age,
               const std::function<void(const Resident&, int age)>& visit) const;

 private:
  const GeneratorParams params_;
};

// Returns the key another dataset gives `resident`: stable across years,
// derived from the register's key by `stream`, not linkable to it.
HexKey PseudonymOf(const GeneratorParams& params, uint64_t stream, const Resident& resident);

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_POPULATION_REGISTER_H_
