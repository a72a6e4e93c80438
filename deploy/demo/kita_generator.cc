// Day care (KJH-Statistik, kita_kind): the children of the population
// register aged 0 to 5 who attend a Kita or Kindertagespflege on the
// Stichtag, so that no Stadtteil or age has more children in day care than
// residents (the Betreuungsquote stays a share). Attendance by age as in
// DEMO-CITY.md (U3 ≈ 43 %, Ü3 ≈ 96 %), a little lower for U3 where the
// social burden is high; family language steeper by social index.
#include <string>
#include <vector>

#include "deploy/demo/code_lists.h"
#include "deploy/demo/generators.h"
#include "deploy/demo/geography.h"
#include "deploy/demo/kitas.h"
#include "deploy/demo/population_register.h"
#include "deploy/demo/random.h"
#include "deploy/demo/schemas.h"

namespace cellgate::demo {
namespace {

constexpr int kOldest = 5;
// Attendance by age 0..5 (ppm of the residents of that age).
constexpr int64_t kAttendPpm[] = {20000, 400000, 880000, 950000, 970000, 970000};
// U3 attendance by social index 1..5, in percent of the city's.
constexpr int64_t kU3SocialPercent[] = {112, 106, 100, 95, 88};
// Kindertagespflege: mostly for children under 3 (about 10 % overall).
constexpr int64_t kTagespflegePpm[] = {270000, 20000};  // U3, Ü3
// Weekly hours (bis 25, 25-35, über 35): Ganztag 65 % of U3, 55 % overall.
constexpr uint32_t kWochenstundenWeights[][3] = {{80, 270, 650}, {110, 385, 505}};
// Parents of foreign origin among children with a Migrationshinweis (U3,
// Ü3), giving about 30 % and 38 % of all children.
constexpr int64_t kAuslHerkunftPpm[] = {625000, 790000};
// Non-German family language among those (U3 18 %, Ü3 27 % of all
// children), by social index 1..5 in percent.
constexpr int64_t kSpracheNichtDtPpm[] = {600000, 710000};
constexpr int64_t kSpracheSocialPercent[] = {80, 90, 100, 110, 120};
constexpr int64_t kEingliederungshilfePpm = 20000;

absl::string_view JaNein(bool value) { return kJaNeinCodes[value ? kJa : kNein].code; }

void WriteChild(const GeneratorParams& params, const Resident& r, int year, int age,
                absl::string_view stichtag, CsvFileWriter& out) {
  static const uint64_t kChildStream = StreamId("kita/child");
  static const uint64_t kKeyStream = StreamId("kita/key");
  const Geography& geo = Geography::Musterstadt();
  const Bezirk& bezirk = geo.bezirke()[r.bezirk];
  DemoRandom random(MixKey({params.seed, kChildStream, static_cast<uint64_t>(year),
                            static_cast<uint64_t>(r.cohort), static_cast<uint64_t>(r.index)}));
  const bool u3 = age < 3;
  int64_t attend = kAttendPpm[age];
  if (u3) attend = attend * kU3SocialPercent[bezirk.sozialindex - 1] / 100;
  if (!random.Chance(attend)) return;
  const bool tagespflege = random.Chance(kTagespflegePpm[u3 ? 0 : 1]);
  const KitaDirectory& kitas = KitaDirectory::Musterstadt();
  const int kita = tagespflege ? kitas.tagespflege() : kitas.PickKita(random, bezirk.stadtteil);
  const size_t stunden = random.Pick(kWochenstundenWeights[u3 ? 0 : 1]);
  const bool ausl = r.mh && random.Chance(kAuslHerkunftPpm[u3 ? 0 : 1]);
  const bool nicht_dt = ausl && random.Chance(kSpracheNichtDtPpm[u3 ? 0 : 1] *
                                              kSpracheSocialPercent[bezirk.sozialindex - 1] / 100);
  const bool eingliederung = random.Chance(kEingliederungshilfePpm);
  // The child keeps its key from year to year; it is not the register's.
  const HexKey key = PseudonymOf(params, kKeyStream, r);
  const absl::string_view fields[] = {
      key.view(),
      stichtag,
      kitas.kitas()[kita].code,
      bezirk.code,
      AgeCode(age),
      kSexCodes[r.sex].code,
      kBetreuungsformCodes[tagespflege ? kBetreuungTagespflege : kBetreuungKita].code,
      kWochenstundenCodes[stunden].code,
      JaNein(ausl),
      JaNein(nicht_dt),
      JaNein(eingliederung)};
  out.AddRow(fields);
}

}  // namespace

void WriteKitaKindRows(const GeneratorParams& params, CsvFileWriter& out) {
  const PopulationRegister reg(params);
  const std::vector<std::string> stichtage = YearCodes(kFirstYear, kYearCount, false);
  for (int y = 0; y < kYearCount; ++y) {
    reg.ForEach(kFirstYear + y, 0, kOldest, [&](const Resident& r, int age) {
      WriteChild(params, r, kFirstYear + y, age, stichtage[y], out);
    });
  }
}

}  // namespace cellgate::demo
