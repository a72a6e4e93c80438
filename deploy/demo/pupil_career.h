// The school careers behind the schueler, uebergang and abgang datasets. A
// career is one pupil's path through Musterstadt's schools: Grundschule,
// transition after Klasse 4, secondary school, leaving certificate. Careers
// are recomputed from (seed, origin, cohort, index), so the three datasets
// agree (same pupil_key, same transition, same leaver) without holding
// pupils in memory. Start with `PupilCareers`. Thread-safe (immutable).
#ifndef CELLGATE_DEPLOY_DEMO_PUPIL_CAREER_H_
#define CELLGATE_DEPLOY_DEMO_PUPIL_CAREER_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "deploy/demo/code_lists.h"
#include "deploy/demo/generators.h"

namespace cellgate::demo {

// Where a career starts.
enum class CareerOrigin {
  kCity = 0,    // Klasse 1 in Musterstadt (Grundschule, or Förderschule)
  kInflow = 1,  // Klasse 5 from the Umland into a city secondary school
  kBbs = 2,     // Klasse 11 at a Berufsbildende Schule
};

struct PupilCareer {
  uint64_t key_hi = 0;
  uint64_t key_lo = 0;
  // The pupil is in Klasse g in the school year starting in cohort + g - 1.
  int cohort = 0;
  int first_grade = 1;
  int last_grade = 4;
  Sex sex = kMale;
  int bezirk = -1;  // index into Geography::bezirke(); -1 outside, -2 unknown
  Nationality nationality = kDeutsch;
  bool mh = false;
  // Index into kFoerderschwerpunktCodes. The Förderort follows from the
  // school: a Förderschule, or inclusive teaching anywhere else.
  int foerderschwerpunkt = kKeinFoerderbedarf;
  int primary_school = -1;    // school for grades 1..4 (all grades for FOES from Klasse 1)
  int secondary_school = -1;  // school from Klasse 5 on
  // Set for careers that leave a city Grundschule after Klasse 4.
  bool transition = false;
  ToSchulart to_schulart = kToGy;
  Empfehlung empfehlung = kEmpfehlungGy;
  Sex transition_sex = kMale;  // m or w (uebergang has no "d")
  // Set for careers that leave a general school in the city with a
  // certificate at the end of `last_grade`.
  bool leaves = false;
  Abschluss abschluss = kOhneBr;
  Schulart leaving_schulart = kGs;
};

class PupilCareers {
 public:
  explicit PupilCareers(const GeneratorParams& params) : params_(params) {}

  // Returns the number of careers of `origin` in `cohort`.
  int64_t Count(CareerOrigin origin, int cohort) const;
  // Returns career `index` of `origin` in `cohort`.
  // REQUIRES: 0 <= index < Count(origin, cohort).
  PupilCareer Get(CareerOrigin origin, int cohort, int64_t index) const;
  // Returns the grade of `career` in the school year starting in
  // `school_year`, or 0 if the pupil is not at a Musterstadt school then.
  static int GradeIn(const PupilCareer& career, int school_year);
  // Returns the school index of `career` in `grade`.
  static int SchoolIn(const PupilCareer& career, int grade);
  // Returns true if the pupil repeats the grade in `school_year`.
  bool Repeats(const PupilCareer& career, int school_year) const;

 private:
  const GeneratorParams params_;
};

// Returns the residence code of `career`: a Bezirk code, "98" or "99".
absl::string_view ResidenceCode(const PupilCareer& career);

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_PUPIL_CAREER_H_
