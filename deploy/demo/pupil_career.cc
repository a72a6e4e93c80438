#include "deploy/demo/pupil_career.h"

#include <algorithm>

#include "deploy/demo/geography.h"
#include "deploy/demo/random.h"
#include "deploy/demo/schools.h"

namespace cellgate::demo {
namespace {

// Careers per cohort at scale 1, and their spread from year to year.
constexpr int64_t kCityCohort = 2150;
constexpr int64_t kInflowCohort = 450;
constexpr int64_t kBbsCohort = 4300;
constexpr int64_t kCohortSpreadPpm = 40000;

constexpr uint32_t kSexWeights[] = {509900, 489900, 200};
constexpr uint32_t kBbsSexWeights[] = {549900, 449900, 200};
constexpr int64_t kForeignPpm = 160000;
constexpr int64_t kGermanMhPpm = 200000;
// Förderbedarf: 5 % of a cohort (boys more often); 65 % of them at a
// Förderschule from Klasse 1, the others taught inclusively.
constexpr int64_t kFoerderbedarfPpm = 50000;
constexpr int64_t kFoerderschulePpm = 650000;
constexpr uint32_t kSchwerpunktWeights[] = {400, 150, 200, 100, 70, 40, 20, 20};

// Transition after Klasse 4 (DEMO-CITY.md): Gymnasium 30 … 90 % by social
// index, girls +5 pp, migration background -12 pp.
constexpr int64_t kGymnasiumBasePpm[] = {840000, 670000, 520000, 420000, 340000};
constexpr int64_t kMovedAwayPpm = 15000;
constexpr int64_t kWaldorfPpm = 20000;
constexpr int64_t kFoesTransferPpm = 8000;
constexpr int64_t kFoesTransferInclusivePpm = 300000;
constexpr int64_t kIgsAmongRestPpm = 645833;  // IGS 31 : Realschule plus 17
// Empfehlung (GY, RSPLUS_IGS, FOES) by to_schulart.
constexpr uint32_t kEmpfehlungWeights[][3] = {
    {850, 150, 0}, {250, 750, 0}, {50, 930, 20}, {0, 100, 900}, {500, 500, 0}, {450, 530, 20}};
// Inflow from the Umland at Klasse 5: GY, IGS, RSPLUS, FWS.
constexpr uint32_t kInflowTrackWeights[] = {55, 25, 15, 5};
constexpr Schulart kInflowTracks[] = {kGy, kIgs, kRsplus, kFws};
// Years at a BBS: 1, 2 or 3.
constexpr uint32_t kBbsYearsWeights[] = {30, 30, 40};

// Leaving certificate (ohne_BR, BR, QSA1, FHR_s, AHR) per mille by track.
constexpr uint32_t kAbschlussPermille[kSchulartCount][kAbschlussCount] = {
    {0, 0, 0, 0, 0},      {50, 310, 610, 30, 0}, {45, 155, 410, 40, 350},
    {2, 10, 70, 38, 880}, {600, 400, 0, 0, 0},   {0, 0, 0, 0, 0},
    {0, 100, 200, 100, 600}};
// Modifiers in percent: boys, girls, non-German citizens.
constexpr uint32_t kAbschlussMale[] = {125, 115, 100, 100, 100};
constexpr uint32_t kAbschlussFemale[] = {70, 90, 100, 100, 100};
constexpr uint32_t kAbschlussForeign[] = {300, 160, 120, 100, 35};

// Repeaters per school type (GS … FWS), ppm.
constexpr int64_t kRepeatPpm[] = {10000, 30000, 5000, 12000, 5000, 20000, 5000};

int Sozialindex(const PupilCareer& career) {
  if (career.bezirk >= 0) return Geography::Musterstadt().bezirke()[career.bezirk].sozialindex;
  return career.bezirk == -1 ? 2 : 3;  // the Umland is better off than the city
}

void DrawPupil(DemoRandom& random, CareerOrigin origin, PupilCareer& c) {
  const Geography& geo = Geography::Musterstadt();
  c.sex = static_cast<Sex>(random.Pick(origin == CareerOrigin::kBbs ? kBbsSexWeights : kSexWeights));
  switch (origin) {
    case CareerOrigin::kCity:
      c.bezirk = random.Chance(20000) ? -1 : random.Chance(3000) ? -2 : geo.PickChildBezirk(random);
      break;
    case CareerOrigin::kInflow:
      c.bezirk = random.Chance(50000) ? -2 : -1;
      break;
    case CareerOrigin::kBbs:
      c.bezirk = random.Chance(450000) ? -1 : random.Chance(10000) ? -2 : geo.PickBezirk(random);
      break;
  }
  const int s = Sozialindex(c);
  c.nationality = random.Chance(SocialPpm(kForeignPpm, s)) ? kNichtdeutsch : kDeutsch;
  c.mh = c.nationality == kNichtdeutsch || random.Chance(SocialPpm(kGermanMhPpm, s));
}

// Returns true if the pupil attends a Förderschule from Klasse 1.
bool DrawFoerderbedarf(DemoRandom& random, PupilCareer& c, int64_t rate_ppm) {
  const int64_t sex_percent = c.sex == kFemale ? 70 : 130;
  if (!random.Chance(SocialPpm(rate_ppm, Sozialindex(c)) * sex_percent / 100)) return false;
  c.foerderschwerpunkt = 1 + static_cast<int>(random.Pick(kSchwerpunktWeights));
  return random.Chance(kFoerderschulePpm);
}

int64_t GymnasiumPpm(const PupilCareer& c) {
  int64_t ppm = kGymnasiumBasePpm[Sozialindex(c) - 1];
  if (c.transition_sex == kFemale) ppm += 50000;
  if (c.mh) ppm -= 120000;
  if (c.foerderschwerpunkt != kKeinFoerderbedarf) ppm -= 300000;
  return std::clamp<int64_t>(ppm, 30000, 950000);
}

void DrawTransition(DemoRandom& random, PupilCareer& c) {
  c.transition = true;
  c.transition_sex = c.sex != kDiverse ? c.sex : random.Chance(500000) ? kMale : kFemale;
  const bool inclusive = c.foerderschwerpunkt != kKeinFoerderbedarf;
  if (random.Chance(kMovedAwayPpm)) {
    c.to_schulart = kToWeggezogen;
  } else if (random.Chance(kWaldorfPpm)) {
    c.to_schulart = kToFwsPrivat;
  } else if (random.Chance(inclusive ? kFoesTransferInclusivePpm : kFoesTransferPpm)) {
    c.to_schulart = kToFoes;
    if (!inclusive) c.foerderschwerpunkt = 1;  // Lernen, diagnosed in the Grundschule
  } else if (random.Chance(GymnasiumPpm(c))) {
    c.to_schulart = kToGy;
  } else {
    c.to_schulart = random.Chance(kIgsAmongRestPpm) ? kToIgs : kToRsplus;
  }
  c.empfehlung = static_cast<Empfehlung>(random.Pick(kEmpfehlungWeights[c.to_schulart]));
}

int LastGrade(Schulart track, Abschluss abschluss) {
  switch (abschluss) {
    case kOhneBr:
    case kBr:
      return track == kFoes ? 10 : 9;
    case kQsa1:
      return 10;
    case kFhrS:
      return 12;
    default:
      return 13;
  }
}

void DrawAbschluss(DemoRandom& random, PupilCareer& c, Schulart track) {
  uint32_t weights[kAbschlussCount];
  for (int k = 0; k < kAbschlussCount; ++k) {
    const uint32_t sex = c.sex == kMale ? kAbschlussMale[k] : c.sex == kFemale ? kAbschlussFemale[k] : 100;
    const uint32_t nationality = c.nationality == kNichtdeutsch ? kAbschlussForeign[k] : 100;
    weights[k] = kAbschlussPermille[track][k] * sex * nationality;
  }
  c.abschluss = static_cast<Abschluss>(random.Pick(weights));
  c.leaves = true;
  c.leaving_schulart = track;
  c.last_grade = LastGrade(track, c.abschluss);
}

Schulart TrackOf(ToSchulart to) {
  constexpr Schulart kTracks[] = {kGy, kIgs, kRsplus, kFoes, kFws, kGs};
  return kTracks[to];
}

void FollowCityCareer(DemoRandom& random, PupilCareer& c) {
  const SchoolDirectory& schools = SchoolDirectory::Musterstadt();
  c.first_grade = 1;
  if (DrawFoerderbedarf(random, c, kFoerderbedarfPpm)) {
    c.primary_school = c.secondary_school = schools.PickSchool(random, kFoes);
    DrawAbschluss(random, c, kFoes);
    return;
  }
  const int stadtteil =
      c.bezirk >= 0 ? Geography::Musterstadt().bezirke()[c.bezirk].stadtteil : -1;
  c.primary_school = schools.PickGrundschule(random, stadtteil);
  DrawTransition(random, c);
  if (c.to_schulart == kToWeggezogen) {
    c.last_grade = 4;
    return;
  }
  const Schulart track = TrackOf(c.to_schulart);
  c.secondary_school = schools.PickSchool(random, track);
  DrawAbschluss(random, c, track);
}

}  // namespace

int64_t PupilCareers::Count(CareerOrigin origin, int cohort) const {
  static const uint64_t kCountStream = StreamId("school/count");
  const int64_t base = origin == CareerOrigin::kCity     ? kCityCohort
                       : origin == CareerOrigin::kInflow ? kInflowCohort
                                                         : kBbsCohort;
  return ScaledForYear(params_, kCountStream + static_cast<uint64_t>(origin), cohort, base,
                       kCohortSpreadPpm);
}

PupilCareer PupilCareers::Get(CareerOrigin origin, int cohort, int64_t index) const {
  static const uint64_t kCareerStream = StreamId("school/career");
  DemoRandom random(MixKey({params_.seed, kCareerStream, static_cast<uint64_t>(origin),
                            static_cast<uint64_t>(cohort), static_cast<uint64_t>(index)}));
  PupilCareer c;
  c.key_hi = random.Next();
  c.key_lo = random.Next();
  c.cohort = cohort;
  DrawPupil(random, origin, c);
  const SchoolDirectory& schools = SchoolDirectory::Musterstadt();
  if (origin == CareerOrigin::kCity) {
    FollowCityCareer(random, c);
  } else if (origin == CareerOrigin::kInflow) {
    DrawFoerderbedarf(random, c, kFoerderbedarfPpm / 4);  // inclusive only
    const Schulart track = kInflowTracks[random.Pick(kInflowTrackWeights)];
    c.first_grade = 5;
    c.secondary_school = schools.PickSchool(random, track);
    DrawAbschluss(random, c, track);
  } else {
    DrawFoerderbedarf(random, c, kFoerderbedarfPpm / 5);
    c.first_grade = 11;
    c.last_grade = 11 + static_cast<int>(random.Pick(kBbsYearsWeights));
    c.secondary_school = schools.PickSchool(random, kBbs);
  }
  return c;
}

int PupilCareers::GradeIn(const PupilCareer& career, int school_year) {
  const int grade = school_year - career.cohort + 1;
  return grade >= career.first_grade && grade <= career.last_grade ? grade : 0;
}

int PupilCareers::SchoolIn(const PupilCareer& career, int grade) {
  return grade < 5 || career.secondary_school < 0 ? career.primary_school
                                                  : career.secondary_school;
}

bool PupilCareers::Repeats(const PupilCareer& career, int school_year) const {
  static const uint64_t kRepeatStream = StreamId("school/repeat");
  const int grade = GradeIn(career, school_year);
  if (grade == 0) return false;
  const Schulart schulart =
      SchoolDirectory::Musterstadt().schools()[SchoolIn(career, grade)].schulart;
  DemoRandom random(MixKey({params_.seed, kRepeatStream, career.key_hi,
                            static_cast<uint64_t>(school_year)}));
  return random.Chance(kRepeatPpm[schulart]);
}

absl::string_view ResidenceCode(const PupilCareer& career) {
  if (career.bezirk == -1) return kOutsideCode;
  if (career.bezirk == -2) return kUnknownCode;
  return Geography::Musterstadt().bezirke()[career.bezirk].code;
}

}  // namespace cellgate::demo
