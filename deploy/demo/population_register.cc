#include "deploy/demo/population_register.h"

#include "deploy/demo/geography.h"
#include "deploy/demo/random.h"
#include "deploy/demo/schemas.h"

namespace cellgate::demo {
namespace {

constexpr int64_t kBillion = 1'000'000'000;
// Births vary by about ±80 around 2,050 a year.
constexpr int64_t kCohortSpreadPpm = 39000;
// Men 48.5 %, women 51.5 %, divers 0.02 % (ppm).
constexpr uint32_t kSexWeights[] = {484900, 514900, 200};
// Non-German citizens (19 % city-wide; the social factor averages 1.09) by
// group: EU, TR, ASYL8, UA, SONST.
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

}  // namespace

int64_t PopulationRegister::Count(int cohort, int age) const {
  const int64_t at_scale_1 = Geography::Musterstadt().population() * AgeShareNanos(age) / kBillion;
  return ScaledForYear(params_, StreamId("population/cohort"), cohort, at_scale_1,
                       kCohortSpreadPpm);
}

Resident PopulationRegister::Get(int cohort, int64_t index) const {
  static const uint64_t kPersonStream = StreamId("population/person");
  const Geography& geo = Geography::Musterstadt();
  DemoRandom random(MixKey(
      {params_.seed, kPersonStream, static_cast<uint64_t>(cohort), static_cast<uint64_t>(index)}));
  Resident r;
  // The low half first: the order the generator has always drawn them in.
  r.key_lo = random.Next();
  r.key_hi = random.Next();
  r.cohort = cohort;
  r.index = index;
  r.bezirk = geo.PickBezirk(random);
  const int sozialindex = geo.bezirke()[r.bezirk].sozialindex;
  r.sex = static_cast<Sex>(random.Pick(kSexWeights));
  const bool foreign = random.Chance(SocialPpm(kForeignPpm, sozialindex));
  r.nationality_group = foreign ? 1 + static_cast<int>(random.Pick(kForeignWeights)) : 0;
  const bool child_in_2025 = kFirstYear + kYearCount - 1 - cohort < 18;
  r.mh = foreign || random.Chance(SocialPpm(child_in_2025 ? kGermanMhChildPpm : kGermanMhAdultPpm,
                                            sozialindex));
  return r;
}

void PopulationRegister::ForEach(int year, int min_age, int max_age,
                                 const std::function<void(const Resident&, int age)>& visit) const {
  for (int age = max_age; age >= min_age; --age) {
    const int cohort = year - age;
    const int64_t size = Count(cohort, age);
    for (int64_t index = 0; index < size; ++index) visit(Get(cohort, index), age);
  }
}

HexKey PseudonymOf(const GeneratorParams& params, uint64_t stream, const Resident& resident) {
  return HexKey(MixKey({params.seed, stream, resident.key_hi}),
                MixKey({params.seed, stream, resident.key_lo}));
}

}  // namespace cellgate::demo
