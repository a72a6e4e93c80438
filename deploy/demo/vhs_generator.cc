// The Volkshochschule: courses (vhs_kurs, one row per course and
// Arbeitsjahr, with its Unterrichtsstunden and number of enrolments) and
// enrolments (vhs_belegung, one row per Belegung). Both are recomputed from
// (seed, year, Programmbereich, course), so every course's `belegungen`
// equals its rows in vhs_belegung. About 1,540 courses, 40,000
// Unterrichtsstunden and 22,000 enrolments a year; Unterrichtsstunden
// shares by Programmbereich as in DEMO-CITY.md. Participants are drawn from
// a pool, so some enrol more than once; their sex, age and residence stay
// the same in all their enrolments. Each course has a Kursleitung from its
// Programmbereich's pool, the same persons every year: most teach a few
// courses a year, the busiest about 20 (the contributor of the hours).
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

// Per Programmbereich (politik, kultur, gesundheit, sprachen, arbeit,
// grundbildung): courses a year, mean Unterrichtsstunden, and the range of
// enrolments per course. UStd: 7 / 12 / 20 / 42 / 11 / 8 %.
constexpr int64_t kCourses[] = {233, 200, 400, 467, 200, 40};
constexpr int64_t kMeanHours[] = {12, 24, 20, 36, 22, 80};
constexpr int64_t kEnrolmentsLow[] = {8, 5, 6, 4, 5, 4};
constexpr int64_t kEnrolmentsHigh[] = {50, 16, 22, 16, 18, 14};
constexpr int64_t kYearSpreadPpm = 30000;
constexpr int64_t kMinHours = 3, kMaxHours = 300;
// A course's length as a multiple of its area's mean (in quarters).
constexpr int64_t kLengthQuarters[] = {1, 2, 3, 4, 6, 8, 12};
constexpr uint32_t kLengthWeights[] = {10, 20, 20, 20, 15, 10, 5};
// Participants: w 75 %, m 25 %, very few d; DIE-like age groups.
constexpr uint32_t kSexWeights[] = {249500, 750000, 500};
constexpr uint32_t kAgeWeights[] = {4, 7, 16, 26, 26, 21};
// Residence: Umland 15 %, unknown 1 %, else the Stadtteile by population.
constexpr int64_t kOutsidePpm = 150000;
constexpr int64_t kUnknownPpm = 10000;
// Participants per enrolment (so each enrols about 1.6 times a year).
constexpr int64_t kParticipantsPermille = 620;
// Kursleitungen per Programmbereich (at scale 1; about 480 in all), and the
// offset of their weights: the r-th busiest teaches in proportion to
// 1 / (r + offset), so in Sprachen the first about 21 courses a year, the
// median about 3, the last 1 or 2.
constexpr int64_t kKursleitungen[] = {110, 70, 120, 110, 60, 8};
constexpr int64_t kKursleitungOffset = 8;

struct Course {
  uint64_t key_hi = 0, key_lo = 0;
  int kursort = 0;  // Stadtteil index
  int64_t hours = 0;
  int64_t enrolments = 0;
};

int64_t CoursesIn(const GeneratorParams& params, int year, int area) {
  static const uint64_t kCountStream = StreamId("vhs/count");
  return ScaledForYear(params, MixKey({kCountStream, static_cast<uint64_t>(area)}), year,
                       kCourses[area], kYearSpreadPpm);
}

Course GetCourse(const GeneratorParams& params, int year, int area, int64_t index) {
  static const uint64_t kCourseStream = StreamId("vhs/course");
  DemoRandom random(MixKey({params.seed, kCourseStream, static_cast<uint64_t>(year),
                            static_cast<uint64_t>(area), static_cast<uint64_t>(index)}));
  Course c;
  c.key_hi = random.Next();
  c.key_lo = random.Next();
  c.kursort = Geography::Musterstadt().PickStadtteil(random);
  c.hours = std::clamp<int64_t>(kMeanHours[area] * kLengthQuarters[random.Pick(kLengthWeights)] / 4,
                                kMinHours, kMaxHours);
  c.enrolments = random.Between(kEnrolmentsLow[area], kEnrolmentsHigh[area]);
  return c;
}

// The weights of the Kursleitungen of each Programmbereich (busiest first).
class KursleitungPools {
 public:
  explicit KursleitungPools(const GeneratorParams& params) {
    for (int area = 0; area < kProgrammbereichCount; ++area) {
      const int64_t size = std::max<int64_t>(1, Scaled(params, kKursleitungen[area]));
      for (int64_t r = 0; r < size; ++r) {
        weights_[area].push_back(static_cast<uint32_t>(kMillion / (r + kKursleitungOffset)));
      }
    }
  }
  // The pseudonym of the Kursleitung of course `index` of `area` in `year`:
  // a stable person of the area's pool, the same in every year.
  HexKey Of(const GeneratorParams& params, int year, int area, int64_t index) const {
    static const uint64_t kPickStream = StreamId("vhs/kursleitung");
    static const uint64_t kKeyStream = StreamId("vhs/kursleitung-key");
    DemoRandom random(MixKey({params.seed, kPickStream, static_cast<uint64_t>(year),
                              static_cast<uint64_t>(area), static_cast<uint64_t>(index)}));
    const uint64_t rank = random.Pick(weights_[area]);
    return HexKey(MixKey({params.seed, kKeyStream, static_cast<uint64_t>(area), rank}),
                  MixKey({kKeyStream, rank, static_cast<uint64_t>(area), params.seed}));
  }

 private:
  std::vector<uint32_t> weights_[kProgrammbereichCount];
};

// Visits every course of every year.
template <typename Visit>
void ForEachCourse(const GeneratorParams& params, Visit visit) {
  const std::vector<std::string> years = YearCodes(kFirstYear, kYearCount, false);
  for (int y = 0; y < kYearCount; ++y) {
    for (int area = 0; area < kProgrammbereichCount; ++area) {
      const int64_t count = CoursesIn(params, kFirstYear + y, area);
      for (int64_t i = 0; i < count; ++i) {
        visit(kFirstYear + y, years[y], area, i, GetCourse(params, kFirstYear + y, area, i));
      }
    }
  }
}

int64_t ParticipantPool(const GeneratorParams& params) {
  int64_t enrolments = 0;
  for (int area = 0; area < kProgrammbereichCount; ++area) {
    enrolments += kCourses[area] * (kEnrolmentsLow[area] + kEnrolmentsHigh[area]) / 2;
  }
  return std::max<int64_t>(1, Scaled(params, enrolments * kParticipantsPermille / 1000));
}

}  // namespace

void WriteVhsKursRows(const GeneratorParams& params, CsvFileWriter& out) {
  const Geography& geo = Geography::Musterstadt();
  const KursleitungPools kursleitungen(params);
  ForEachCourse(params, [&](int y, absl::string_view year, int area, int64_t index,
                            const Course& c) {
    const HexKey key(c.key_hi, c.key_lo);
    const HexKey kursleitung = kursleitungen.Of(params, y, area, index);
    const std::string hours = absl::StrCat(c.hours);
    const std::string enrolments = absl::StrCat(c.enrolments);
    const absl::string_view fields[] = {key.view(),
                                        year,
                                        kProgrammbereichCodes[area].code,
                                        geo.stadtteile()[c.kursort].code,
                                        kursleitung.view(),
                                        hours,
                                        enrolments};
    out.AddRow(fields);
  });
}

void WriteVhsBelegungRows(const GeneratorParams& params, CsvFileWriter& out) {
  static const uint64_t kEnrolStream = StreamId("vhs/enrolment");
  static const uint64_t kParticipantStream = StreamId("vhs/participant");
  const Geography& geo = Geography::Musterstadt();
  const int64_t pool = ParticipantPool(params);
  ForEachCourse(
      params, [&](int year, absl::string_view year_code, int area, int64_t index, const Course& c) {
        const HexKey course(c.key_hi, c.key_lo);
        DemoRandom enrol(MixKey({params.seed, kEnrolStream, static_cast<uint64_t>(year),
                                 static_cast<uint64_t>(area), static_cast<uint64_t>(index)}));
        for (int64_t e = 0; e < c.enrolments; ++e) {
          const uint64_t participant = enrol.Below(static_cast<uint64_t>(pool));
          DemoRandom p(
              MixKey({params.seed, kParticipantStream, static_cast<uint64_t>(year), participant}));
          const HexKey key(p.Next(), MixKey({params.seed, participant}));
          const size_t sex = p.Pick(kSexWeights);
          const size_t age = p.Pick(kAgeWeights);
          absl::string_view residence = kOutsideCode;
          if (!p.Chance(kOutsidePpm)) {
            residence = p.Chance(kUnknownPpm)
                            ? absl::string_view(kUnknownCode)
                            : absl::string_view(geo.stadtteile()[geo.PickStadtteil(p)].code);
          }
          const absl::string_view fields[] = {key.view(),
                                              course.view(),
                                              year_code,
                                              kProgrammbereichCodes[area].code,
                                              kSexCodes[sex].code,
                                              kVhsAltersgruppeCodes[age].code,
                                              residence};
          out.AddRow(fields);
        }
      });
}

}  // namespace cellgate::demo
