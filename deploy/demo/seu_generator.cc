// The school-entry examination (Schuleingangsuntersuchung): about 2,000
// children a year, with family language, Kita attendance, language support
// need and weight steeper where the social index is high.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "deploy/demo/code_lists.h"
#include "deploy/demo/generators.h"
#include "deploy/demo/geography.h"
#include "deploy/demo/random.h"
#include "deploy/demo/schemas.h"

namespace cellgate::demo {
namespace {

constexpr int64_t kChildrenPerYear = 2000;
constexpr int64_t kYearSpreadPpm = 40000;
constexpr uint32_t kSexWeights[] = {509800, 490000, 200};
// Family language: not German 22 %, multilingual 8 % (city average).
constexpr int64_t kNichtDeutschPpm = 200000;
constexpr int64_t kMehrsprachigPpm = 100000;
// Kita attendance (gt3J, 2-3J, 1-2J, lt1J, keine); the last two grow with
// the social index and for children whose family language is not German.
constexpr int64_t kKitaPpm[] = {0, 120000, 50000, 30000, 50000};
// Language support need: base by family language plus a Kita-duration term.
constexpr int64_t kSprachBasePpm[] = {110000, 480000, 300000};
constexpr int64_t kSprachKitaPpm[] = {0, 60000, 100000, 220000, 250000};
// BMI classes; overweight and obesity double for non-German family language.
constexpr uint32_t kBmiPpm[] = {20000, 60000, 0, 55000, 40000};
// Recommendation: Zurückstellung 6 % (boys 1.5 times girls), Prüfung 2 %.
constexpr int64_t kRueckstellungPpm[] = {72000, 48000, 60000};
constexpr int64_t kSonderpaedPpm[] = {25000, 15000, 20000};

size_t DrawKitaDauer(DemoRandom& random, int sozialindex, Familiensprache sprache) {
  const int64_t language_percent = sprache == kSpracheDeutsch ? 100 : 160;
  uint32_t weights[5];
  int64_t rest = kMillion;
  for (int k = 1; k < 5; ++k) {
    int64_t ppm = kKitaPpm[k];
    if (k >= 3) ppm = SocialPpm(ppm, sozialindex) * language_percent / 100;
    weights[k] = static_cast<uint32_t>(ppm);
    rest -= ppm;
  }
  weights[0] = static_cast<uint32_t>(std::max<int64_t>(rest, 0));
  return random.Pick(weights);
}

size_t DrawBmi(DemoRandom& random, Familiensprache sprache) {
  uint32_t weights[5];
  int64_t rest = kMillion;
  for (int k = 0; k < 5; ++k) {
    weights[k] = kBmiPpm[k] * (k >= 3 && sprache != kSpracheDeutsch ? 2 : 1);
    rest -= weights[k];
  }
  weights[2] = static_cast<uint32_t>(rest);
  return random.Pick(weights);
}

void WriteChild(const GeneratorParams& params, int year, absl::string_view year_code,
                int64_t index, CsvFileWriter& out) {
  static const uint64_t kChildStream = StreamId("seu/child");
  const Geography& geo = Geography::Musterstadt();
  DemoRandom random(MixKey({params.seed, kChildStream, static_cast<uint64_t>(year),
                            static_cast<uint64_t>(index)}));
  const HexKey key(random.Next(), random.Next());
  const Bezirk& bezirk = geo.bezirke()[geo.PickChildBezirk(random)];
  const size_t sex = random.Pick(kSexWeights);
  const Familiensprache sprache =
      random.Chance(SocialPpm(kNichtDeutschPpm, bezirk.sozialindex)) ? kSpracheNichtDeutsch
      : random.Chance(kMehrsprachigPpm)                             ? kSpracheMehrsprachig
                                                                    : kSpracheDeutsch;
  const size_t kita = DrawKitaDauer(random, bezirk.sozialindex, sprache);
  const bool foerderbedarf = random.Chance(kSprachBasePpm[sprache] + kSprachKitaPpm[kita]);
  const size_t bmi = DrawBmi(random, sprache);
  const SeuEmpfehlung empfehlung = random.Chance(kRueckstellungPpm[sex]) ? kRueckstellung
                                   : random.Chance(kSonderpaedPpm[sex])  ? kSonderpaedPruefung
                                                                         : kEinschulung;
  const int64_t months = std::clamp<int64_t>((random.NormalMilli(72000, 4000) + 500) / 1000, 64, 84);
  const std::string months_text = absl::StrCat(months);
  const absl::string_view fields[] = {key.view(),
                                      year_code,
                                      bezirk.code,
                                      kSexCodes[sex].code,
                                      months_text,
                                      kKitaDauerCodes[kita].code,
                                      kFamiliensprachenCodes[sprache].code,
                                      kJaNeinCodes[foerderbedarf ? kJa : kNein].code,
                                      kBmiKatCodes[bmi].code,
                                      kSeuEmpfehlungCodes[empfehlung].code};
  out.AddRow(fields);
}

}  // namespace

void WriteSeuRows(const GeneratorParams& params, CsvFileWriter& out) {
  static const uint64_t kCountStream = StreamId("seu/count");
  const std::vector<std::string> years = YearCodes(kFirstYear, kYearCount, false);
  for (int y = 0; y < kYearCount; ++y) {
    const int year = kFirstYear + y;
    const int64_t count =
        ScaledForYear(params, kCountStream, year, kChildrenPerYear, kYearSpreadPpm);
    for (int64_t i = 0; i < count; ++i) WriteChild(params, year, years[y], i, out);
  }
}

}  // namespace cellgate::demo
