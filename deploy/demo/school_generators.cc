// schueler, uebergang and abgang: three views of the same pupil careers.
#include <string>
#include <vector>

#include "deploy/demo/code_lists.h"
#include "deploy/demo/generators.h"
#include "deploy/demo/pupil_career.h"
#include "deploy/demo/schemas.h"
#include "deploy/demo/schools.h"

namespace cellgate::demo {
namespace {

constexpr CareerOrigin kOrigins[] = {CareerOrigin::kCity, CareerOrigin::kInflow,
                                     CareerOrigin::kBbs};
constexpr int kMaxGrade = 13;

absl::string_view JaNeinCode(bool value) { return kJaNeinCodes[value ? kJa : kNein].code; }

void WriteEnrolment(const PupilCareers& careers, const PupilCareer& c, int school_year,
                    absl::string_view schuljahr, CsvFileWriter& out) {
  const int grade = PupilCareers::GradeIn(c, school_year);
  const School& school = SchoolDirectory::Musterstadt().schools()[PupilCareers::SchoolIn(c, grade)];
  const Foerderort ort = c.foerderschwerpunkt == kKeinFoerderbedarf ? kKeinFoerderort
                         : school.schulart == kFoes                 ? kFoerderschule
                                                                    : kInklusiv;
  const HexKey key(c.key_hi, c.key_lo);
  const absl::string_view fields[] = {key.view(),
                                      schuljahr,
                                      school.code,
                                      GradeCode(grade),
                                      kSexCodes[c.sex].code,
                                      ResidenceCode(c),
                                      kStaatsangehoerigkeitCodes[c.nationality].code,
                                      JaNeinCode(c.mh),
                                      kFoerderschwerpunktCodes[c.foerderschwerpunkt].code,
                                      kFoerderortCodes[ort].code,
                                      JaNeinCode(careers.Repeats(c, school_year))};
  out.AddRow(fields);
}

}  // namespace

void WriteSchuelerRows(const GeneratorParams& params, CsvFileWriter& out) {
  const PupilCareers careers(params);
  const std::vector<std::string> schuljahre = YearCodes(kFirstYear, kYearCount, true);
  for (int y = 0; y < kYearCount; ++y) {
    const int school_year = kFirstYear + y;
    for (CareerOrigin origin : kOrigins) {
      for (int cohort = school_year - kMaxGrade + 1; cohort <= school_year; ++cohort) {
        const int64_t count = careers.Count(origin, cohort);
        for (int64_t i = 0; i < count; ++i) {
          const PupilCareer c = careers.Get(origin, cohort, i);
          if (PupilCareers::GradeIn(c, school_year) == 0) continue;
          WriteEnrolment(careers, c, school_year, schuljahre[y], out);
        }
      }
    }
  }
}

void WriteUebergangRows(const GeneratorParams& params, CsvFileWriter& out) {
  const PupilCareers careers(params);
  const std::vector<std::string> schuljahre = YearCodes(kFirstYear, kYearCount, true);
  for (int y = 0; y < kYearCount; ++y) {
    // Klasse 4 in the school year before, so Klasse 1 four years before.
    const int cohort = kFirstYear + y - 4;
    const int64_t count = careers.Count(CareerOrigin::kCity, cohort);
    for (int64_t i = 0; i < count; ++i) {
      const PupilCareer c = careers.Get(CareerOrigin::kCity, cohort, i);
      if (!c.transition) continue;
      const HexKey key(c.key_hi, c.key_lo);
      const absl::string_view fields[] = {key.view(),
                                          schuljahre[y],
                                          ResidenceCode(c),
                                          kSexBinaryCodes[c.transition_sex].code,
                                          JaNeinCode(c.mh),
                                          kEmpfehlungCodes[c.empfehlung].code,
                                          kToSchulartCodes[c.to_schulart].code};
      out.AddRow(fields);
    }
  }
}

void WriteAbgangRows(const GeneratorParams& params, CsvFileWriter& out) {
  const PupilCareers careers(params);
  const std::vector<std::string> years = YearCodes(kFirstYear, kYearCount, false);
  for (int y = 0; y < kYearCount; ++y) {
    const int year = kFirstYear + y;
    for (CareerOrigin origin : {CareerOrigin::kCity, CareerOrigin::kInflow}) {
      // Leaving at the end of Klasse g means cohort + g == year, g in 9..13.
      for (int cohort = year - kMaxGrade; cohort <= year - 9; ++cohort) {
        const int64_t count = careers.Count(origin, cohort);
        for (int64_t i = 0; i < count; ++i) {
          const PupilCareer c = careers.Get(origin, cohort, i);
          if (!c.leaves || c.cohort + c.last_grade != year) continue;
          const HexKey key(c.key_hi, c.key_lo);
          const absl::string_view fields[] = {key.view(),
                                              years[y],
                                              kSchulartCodes[c.leaving_schulart].code,
                                              kSexCodes[c.sex].code,
                                              kStaatsangehoerigkeitCodes[c.nationality].code,
                                              JaNeinCode(c.mh),
                                              kAbschlussCodes[c.abschluss].code};
          out.AddRow(fields);
        }
      }
    }
  }
}

}  // namespace cellgate::demo
