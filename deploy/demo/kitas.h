// The fictional day-care centres (Kitas) of Musterstadt: about 150, spread
// over the Stadtteile by their number of young children, each with a
// Träger and a number of places (45–80, about 9,400 in all; the 45–150 of
// DEMO-CITY.md would not add up to its total), plus the code
// for Kindertagespflege. Start with `KitaDirectory::Musterstadt()`. The list
// is part of the city, not of the data: it does not depend on the seed.
// Immutable after construction; thread-safe.
#ifndef CELLGATE_DEPLOY_DEMO_KITAS_H_
#define CELLGATE_DEPLOY_DEMO_KITAS_H_

#include <string>
#include <vector>

#include "cellgate/v1/dataset.pb.h"
#include "deploy/demo/code_lists.h"
#include "deploy/demo/random.h"

namespace cellgate::demo {

struct Kita {
  std::string code;  // e.g. "K017"; "TP" for Kindertagespflege
  std::string name;
  KitaTraeger traeger = kKommunal;
  int stadtteil = -1;  // index into Geography::stadtteile(); -1 for "TP"
  int plaetze = 0;
};

class KitaDirectory {
 public:
  // Returns the one Musterstadt Kita list (built on first use).
  static const KitaDirectory& Musterstadt();

  // The Kitas, then the Kindertagespflege entry (tagespflege()).
  const std::vector<Kita>& kitas() const { return kitas_; }
  int tagespflege() const { return static_cast<int>(kitas_.size()) - 1; }
  int total_places() const { return total_places_; }

  // Returns a Kita for a child living in Stadtteil `stadtteil`: one in the
  // Stadtteil for 85 % (if it has one), else any, weighted by places.
  int PickKita(DemoRandom& random, int stadtteil) const;

  // Returns the `kita` DIMENSION column: kita → traeger.
  v1::ColumnSchema Column() const;

 private:
  KitaDirectory();

  std::vector<Kita> kitas_;
  std::vector<std::vector<int>> by_stadtteil_;
  std::vector<uint32_t> places_;  // per Kita (not "TP"), for weighted picks
  int total_places_ = 0;
};

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_KITAS_H_
