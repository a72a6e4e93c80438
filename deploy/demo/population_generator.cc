// The population register: a stationary city whose persons age from one
// Stichtag to the next. A birth cohort b holds persons 0, 1, 2, …; at age a
// the first T_b(a) of them live in the city, where T_b follows the age
// pyramid of DEMO-CITY.md. So a person keeps key and attributes across
// Stichtage, students arrive at 19 and leave at 25, and the generator needs
// no memory: every person is recomputed from (seed, cohort, index).
#include <string>
#include <vector>

#include "deploy/demo/code_lists.h"
#include "deploy/demo/generators.h"
#include "deploy/demo/geography.h"
#include "deploy/demo/random.h"
#include "deploy/demo/schemas.h"

namespace cellgate::demo {
namespace {

constexpr int kMaxAge = 100;
constexpr int64_t kBillion = 1'000'000'000;
// Births vary by about ±80 around 2,050 a year.
constexpr int64_t kCohortSpreadPpm = 39000;
// Men 48.5 %, women 51.5 %, divers 0.02 % (ppm).
constexpr uint32_t kSexWeights[] = {484900, 514900, 200};
// Non-German citizens (19 % city-wide; the social factor averages 1.09) by group: EU, TR, ASYL8, UA, SONST.
constexpr int64_t kForeignPpm = 175000;
constexpr uint32_t kForeignWeights[] = {80, 20, 35, 15, 40};
// Germans with a migration background, under 18 and adults (city average).
constexpr int64_t kGermanMhChildPpm = 320000;
constexpr int64_t kGermanMhAdultPpm = 150000;

// Share of age `age` in the population, in parts per billion.
int64_t AgeShareNanos(int age) {
  if (age <= 5) return 57'000'000 / 6;
  if (age <= 9) return 36'000'000 / 4;
  if (age <= 15) return 50'000'000 / 6;
  if (age <= 18) return 26'000'000 / 3;
  if (age <= 24) return 110'000'000 / 6;
  if (age <= 44) return 310'000'000 / 20;
  if (age <= 64) return 240'000'000 / 20;
  return 170'000'000LL * (102 - age) / 702;  // 65 … 100, thinning out
}

// Number of persons of birth year `cohort` in the city at age `age`.
int64_t CohortSize(const GeneratorParams& params, int cohort, int age) {
  const int64_t at_scale_1 = Geography::Musterstadt().population() * AgeShareNanos(age) / kBillion;
  return ScaledForYear(params, StreamId("population/cohort"), cohort, at_scale_1,
                       kCohortSpreadPpm);
}

void WritePerson(const GeneratorParams& params, absl::string_view stichtag, int cohort,
                 int64_t index, int age, CsvFileWriter& out) {
  static const uint64_t kPersonStream = StreamId("population/person");
  const Geography& geo = Geography::Musterstadt();
  DemoRandom random(MixKey({params.seed, kPersonStream, static_cast<uint64_t>(cohort),
                            static_cast<uint64_t>(index)}));
  const HexKey key(random.Next(), random.Next());
  const Bezirk& bezirk = geo.bezirke()[geo.PickBezirk(random)];
  const size_t sex = random.Pick(kSexWeights);
  const bool foreign = random.Chance(SocialPpm(kForeignPpm, bezirk.sozialindex));
  const size_t group = foreign ? 1 + random.Pick(kForeignWeights) : 0;
  const bool child_in_2025 = kFirstYear + kYearCount - 1 - cohort < 18;
  const bool mh =
      foreign || random.Chance(SocialPpm(child_in_2025 ? kGermanMhChildPpm : kGermanMhAdultPpm,
                                         bezirk.sozialindex));
  const absl::string_view fields[] = {key.view(),
                                      stichtag,
                                      bezirk.code,
                                      kSexCodes[sex].code,
                                      AgeCode(age),
                                      kNationalityGroupCodes[group].code,
                                      kJaNeinCodes[mh ? kJa : kNein].code};
  out.AddRow(fields);
}

}  // namespace

void WritePopulationRows(const GeneratorParams& params, CsvFileWriter& out) {
  const std::vector<std::string> stichtage = YearCodes(kFirstYear, kYearCount, false);
  for (int y = 0; y < kYearCount; ++y) {
    const int year = kFirstYear + y;
    for (int cohort = year - kMaxAge; cohort <= year; ++cohort) {
      const int age = year - cohort;
      const int64_t size = CohortSize(params, cohort, age);
      for (int64_t index = 0; index < size; ++index) {
        WritePerson(params, stichtage[y], cohort, index, age, out);
      }
    }
  }
}

}  // namespace cellgate::demo
