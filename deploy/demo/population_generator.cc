// The population register as a dataset: one row per resident and Stichtag
// (population_register.h), so a person keeps key and attributes across
// Stichtage, students arrive at 19 and leave at 25.
#include <string>
#include <vector>

#include "deploy/demo/code_lists.h"
#include "deploy/demo/generators.h"
#include "deploy/demo/geography.h"
#include "deploy/demo/population_register.h"
#include "deploy/demo/schemas.h"

namespace cellgate::demo {

void WritePopulationRows(const GeneratorParams& params, CsvFileWriter& out) {
  const Geography& geo = Geography::Musterstadt();
  const PopulationRegister reg(params);
  const std::vector<std::string> stichtage = YearCodes(kFirstYear, kYearCount, false);
  for (int y = 0; y < kYearCount; ++y) {
    reg.ForEach(kFirstYear + y, 0, kMaxResidentAge, [&](const Resident& r, int age) {
      const HexKey key(r.key_hi, r.key_lo);
      const absl::string_view fields[] = {key.view(),
                                          stichtage[y],
                                          geo.bezirke()[r.bezirk].code,
                                          kSexCodes[r.sex].code,
                                          AgeCode(age),
                                          kNationalityGroupCodes[r.nationality_group].code,
                                          kJaNeinCodes[r.mh ? kJa : kNein].code};
      out.AddRow(fields);
    });
  }
}

}  // namespace cellgate::demo
