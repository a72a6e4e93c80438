// Grundsicherung für Arbeitsuchende (SGB II, sgb2_person): the residents
// of the population register under 67 who live in a Bedarfsgemeinschaft on
// the Stichtag, so that a Stadtteil never has more children in SGB II than
// children. Rates follow the social index: children under 15 from 4 % (low
// burden) to 25 % (high), about 13 % city-wide; about 8.5 % of all under
// 65. A person keeps its key across years, but it is not the register's:
// the dataset is not linked to the register or to pupils. Households are not
// modelled: bg_key is a Bedarfsgemeinschaft drawn within the Bezirk.
#include <string>
#include <vector>

#include "deploy/demo/code_lists.h"
#include "deploy/demo/generators.h"
#include "deploy/demo/geography.h"
#include "deploy/demo/population_register.h"
#include "deploy/demo/random.h"
#include "deploy/demo/schemas.h"

namespace cellgate::demo {
namespace {

constexpr int kOldest = 66;
// SGB-II rate of children under 15 by social index 1..5 (ppm).
constexpr int64_t kU15RatePpm[] = {40000, 65000, 105000, 160000, 250000};
// Other age groups relative to the children, in percent (city: 15-17
// 11 %, 18-24 5 %, 25-54 7.5 %, 55-u67 6 %).
constexpr int64_t kAgeGroupPercent[] = {100, 85, 38, 58, 46};
// Typ (ELB, NEF, SLB) per age group.
constexpr uint32_t kTypWeights[][3] = {
    {0, 970, 30}, {850, 100, 50}, {930, 50, 20}, {930, 50, 20}, {880, 100, 20}};
// Members per Bedarfsgemeinschaft, on average (for the number of bg keys).
constexpr int64_t kMembersPerBg = 2;

Sgb2Altersgruppe AgeGroup(int age) {
  if (age < 15) return kU15;
  if (age < 18) return k15Bis17;
  if (age < 25) return k18Bis24;
  if (age < 55) return k25Bis54;
  return k55BisU67;
}

// Writes `r` (aged `age` at the Stichtag of `year`) if the resident lives
// in a Bedarfsgemeinschaft then.
void WritePerson(const GeneratorParams& params, const Resident& r, int year, int age,
                 absl::string_view stichtag, CsvFileWriter& out) {
  static const uint64_t kPersonStream = StreamId("sgb2/person");
  static const uint64_t kKeyStream = StreamId("sgb2/key");
  static const uint64_t kBgStream = StreamId("sgb2/bg");
  const Bezirk& bezirk = Geography::Musterstadt().bezirke()[r.bezirk];
  const Sgb2Altersgruppe group = AgeGroup(age);
  DemoRandom random(MixKey({params.seed, kPersonStream, static_cast<uint64_t>(year),
                            static_cast<uint64_t>(r.cohort), static_cast<uint64_t>(r.index)}));
  const int64_t rate = kU15RatePpm[bezirk.sozialindex - 1] * kAgeGroupPercent[group] / 100;
  if (!random.Chance(rate)) return;
  const size_t typ = random.Pick(kTypWeights[group]);
  // Bedarfsgemeinschaften of the Bezirk: about one per two members.
  const int64_t expected =
      Scaled(params, bezirk.population) * kU15RatePpm[bezirk.sozialindex - 1] / kMillion;
  const uint64_t slot =
      random.Below(static_cast<uint64_t>(std::max<int64_t>(1, expected * 2 / 3 / kMembersPerBg)));
  const HexKey key = PseudonymOf(params, kKeyStream, r);
  const HexKey bg(MixKey({params.seed, kBgStream, static_cast<uint64_t>(year),
                          static_cast<uint64_t>(r.bezirk)}),
                  MixKey({params.seed, kBgStream, slot}));
  const absl::string_view fields[] = {key.view(),
                                      bg.view(),
                                      stichtag,
                                      bezirk.code,
                                      kSexCodes[r.sex].code,
                                      kSgb2AltersgruppeCodes[group].code,
                                      kSgb2TypCodes[typ].code};
  out.AddRow(fields);
}

}  // namespace

void WriteSgb2PersonRows(const GeneratorParams& params, CsvFileWriter& out) {
  const PopulationRegister reg(params);
  const std::vector<std::string> stichtage = YearCodes(kFirstYear, kYearCount, false);
  for (int y = 0; y < kYearCount; ++y) {
    reg.ForEach(kFirstYear + y, 0, kOldest, [&](const Resident& r, int age) {
      WritePerson(params, r, kFirstYear + y, age, stichtage[y], out);
    });
  }
}

}  // namespace cellgate::demo
