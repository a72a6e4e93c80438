// The fictional schools of Musterstadt (58: 27 Grundschulen, 5 Realschulen
// plus, 5 IGS, 11 Gymnasien, 5 Förderschulen, 4 BBS, 1 Waldorfschule) and
// how pupils are assigned to them. Start with `SchoolDirectory::Musterstadt()`.
// Immutable after construction; thread-safe.
#ifndef CELLGATE_DEPLOY_DEMO_SCHOOLS_H_
#define CELLGATE_DEPLOY_DEMO_SCHOOLS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cellgate/v1/dataset.pb.h"
#include "deploy/demo/code_lists.h"
#include "deploy/demo/random.h"

namespace cellgate::demo {

struct School {
  std::string code;  // e.g. "GS07"
  std::string name;
  Schulart schulart = kGs;
  int stadtteil = -1;   // catchment Stadtteil of a public Grundschule, else -1
  uint32_t weight = 0;  // relative intake among schools of the same type
};

class SchoolDirectory {
 public:
  // Returns the one Musterstadt school list (built on first use).
  static const SchoolDirectory& Musterstadt();

  const std::vector<School>& schools() const { return schools_; }

  // Returns the index of a Grundschule for a child living in Stadtteil
  // `stadtteil` (-1: outside or unknown): a private one for 6 %, else a
  // public one in the Stadtteil or, if it has none, in its Sozialraum.
  int PickGrundschule(DemoRandom& random, int stadtteil) const;
  // Returns the index of a school of type `schulart`, weighted by intake.
  int PickSchool(DemoRandom& random, Schulart schulart) const;

  // Returns the `schule` DIMENSION column: schule → schulart → schulbereich.
  v1::ColumnSchema Column() const;

 private:
  SchoolDirectory();
  void Add(absl::string_view prefix, Schulart schulart, int stadtteil, uint32_t weight,
           std::string name);
  // Fills gs_for_stadtteil_ from public_gs_.
  void IndexCatchments();

  std::vector<School> schools_;
  std::vector<int> public_gs_;   // indices of public Grundschulen
  std::vector<int> private_gs_;  // indices of private Grundschulen
  // Per Stadtteil: its public Grundschulen, or those of its Sozialraum.
  std::vector<std::vector<int>> gs_for_stadtteil_;
  std::vector<std::vector<int>> by_schulart_;
  std::vector<std::vector<uint32_t>> weights_by_schulart_;
};

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_SCHOOLS_H_
