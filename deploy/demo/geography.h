// The fictional geography of Musterstadt: 15 Stadtteile in 5 Sozialräume,
// about 50 Bezirke, each with a population and a social index (1 = low
// burden … 5 = high). Start with `Geography::Musterstadt()`. Immutable after
// construction; thread-safe.
#ifndef CELLGATE_DEPLOY_DEMO_GEOGRAPHY_H_
#define CELLGATE_DEPLOY_DEMO_GEOGRAPHY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cellgate/v1/dataset.pb.h"
#include "deploy/demo/random.h"

namespace cellgate::demo {

// Pass-through residence codes for pupils: outside the city and unknown.
inline constexpr char kOutsideCode[] = "98";
inline constexpr char kUnknownCode[] = "99";

struct Stadtteil {
  std::string code;  // 2 digits, e.g. "04"
  std::string name;
  int population = 0;   // at scale 1
  int sozialindex = 3;  // 1..5
  int sozialraum = 0;   // index into Geography::sozialraeume()
};

struct Bezirk {
  std::string code;  // 3 digits, starting with the Stadtteil code
  std::string name;
  int stadtteil = 0;    // index into Geography::stadtteile()
  int sozialindex = 3;  // 1..5, the Stadtteil's index shifted by at most 1
  int population = 0;   // at scale 1
};

class Geography {
 public:
  // Returns the one Musterstadt geography (built on first use).
  static const Geography& Musterstadt();

  const std::vector<Stadtteil>& stadtteile() const { return stadtteile_; }
  const std::vector<Bezirk>& bezirke() const { return bezirke_; }
  // Codes and labels of the 5 Sozialräume.
  const std::vector<std::pair<std::string, std::string>>& sozialraeume() const {
    return sozialraeume_;
  }
  // Returns the total population at scale 1.
  int64_t population() const { return total_population_; }

  // Returns a Bezirk index drawn in proportion to the population.
  int PickBezirk(DemoRandom& random) const;
  // Returns a Bezirk index drawn in proportion to the number of children
  // (more children where the social index is high).
  int PickChildBezirk(DemoRandom& random) const;

  // Returns a DIMENSION column with levels bezirk → stadtteil → sozialraum →
  // stadt. With `pass_through`, adds "98" and "99" as Bezirk codes without
  // parent.
  v1::ColumnSchema Column(absl::string_view name, absl::string_view label,
                          bool pass_through) const;
  // Returns a DIMENSION column with levels stadtteil → sozialraum → stadt
  // (for data that know the Stadtteil only); `pass_through` as above.
  v1::ColumnSchema StadtteilColumn(absl::string_view name, absl::string_view label,
                                   bool pass_through) const;
  // Returns a Stadtteil index drawn in proportion to the population.
  int PickStadtteil(DemoRandom& random) const { return bezirke_[PickBezirk(random)].stadtteil; }

 private:
  Geography();
  int PickFrom(const std::vector<uint64_t>& cumulative, DemoRandom& random) const;

  std::vector<Stadtteil> stadtteile_;
  std::vector<Bezirk> bezirke_;
  std::vector<std::pair<std::string, std::string>> sozialraeume_;
  std::vector<uint64_t> cumulative_population_;  // running sums over bezirke_
  std::vector<uint64_t> cumulative_children_;
  int64_t total_population_ = 0;
};

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_GEOGRAPHY_H_
