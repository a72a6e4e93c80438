#include "policies/testing/school_tables.h"

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cellgate::policies::testing {
namespace {

constexpr int kDistricts = 40;
constexpr int kSchoolsPerDistrict = 3;
constexpr int kGroups = 5;
constexpr int kSexes = 3;

// SplitMix64 (Steele, Lea and Flood 2014): fully specified, so the table
// does not depend on a standard library's distributions.
class Stream {
 public:
  explicit Stream(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// Picks an index by cumulative probabilities (the last takes the rest).
template <size_t N>
int Pick(const std::array<double, N>& p, double u) {
  for (size_t i = 0; i + 1 < N; ++i) {
    if (u < p[i]) return static_cast<int>(i);
    u -= p[i];
  }
  return static_cast<int>(N - 1);
}

v1::Axis& AddAxis(v1::ComputedTable& table, const std::string& name) {
  v1::Axis& axis = *table.add_axes();
  axis.set_dimension(name);
  v1::AxisEntry& total = *axis.add_entries();
  total.set_code("_T");
  total.set_is_total(true);
  total.set_parent(-1);
  return axis;
}

void AddFlatAxis(v1::ComputedTable& table, const std::string& name, int values) {
  v1::Axis& axis = AddAxis(table, name);
  for (int i = 0; i < values; ++i) {
    v1::AxisEntry& e = *axis.add_entries();
    e.set_code(absl::StrCat(name, i + 1));
    e.set_parent(0);
  }
}

// School axis entry of school s (0-based) and of its district.
int SchoolEntry(int s) {
  return 1 + (s / kSchoolsPerDistrict) * (kSchoolsPerDistrict + 1) + 1 + s % kSchoolsPerDistrict;
}
int DistrictEntry(int s) { return 1 + (s / kSchoolsPerDistrict) * (kSchoolsPerDistrict + 1); }

}  // namespace

v1::ComputedTable SchoolTable(const SchoolTableOptions& options) {
  v1::ComputedTable table;
  table.set_dataset("schools");
  v1::Axis& school = AddAxis(table, "school");
  for (int d = 0; d < kDistricts; ++d) {
    v1::AxisEntry& district = *school.add_entries();
    district.set_code(absl::StrCat("D", d + 1));
    district.set_level("district");
    district.set_parent(0);
    const int district_entry = school.entries_size() - 1;
    for (int i = 0; i < kSchoolsPerDistrict; ++i) {
      v1::AxisEntry& e = *school.add_entries();
      e.set_code(absl::StrCat("S", d * kSchoolsPerDistrict + i + 1));
      e.set_level("school");
      e.set_parent(district_entry);
    }
  }
  AddFlatAxis(table, "nationality", kGroups);
  if (options.with_sex) AddFlatAxis(table, "sex", kSexes);
  const int64_t sexes = options.with_sex ? kSexes + 1 : 1;
  const int64_t cells = school.entries_size() * (kGroups + 1) * sexes;
  std::vector<int64_t> counts(cells, 0);

  Stream stream(options.seed);
  for (int s = 0; s < kDistricts * kSchoolsPerDistrict; ++s) {
    // Districts differ in their share of minorities, schools in size (20 to
    // 220 pupils, most of them small). The constants were chosen so that the
    // default seed gives the offline tools' table: 191 of 966 cells below
    // k = 4 and 46 empty; with sex, 1,120 of 3,864 below k.
    const int d = s / kSchoolsPerDistrict;
    Stream district_stream(options.seed ^ (0x5bd1e995ULL * (d + 1)));
    const double minority = 0.7 + 0.6 * district_stream.Uniform();
    const double u = stream.Uniform();
    const int pupils = 20 + static_cast<int>(200 * u * u);
    std::array<double, kGroups> p = {0, 0.10, 0.07, 0.05, 0.04};
    double rest = 1;
    for (int g = 1; g < kGroups; ++g) {
      p[g] *= minority * (0.5 + stream.Uniform());
      rest -= p[g];
    }
    p[0] = rest;
    const std::array<double, kSexes> by_sex = {0.44, 0.44, 0.12};
    for (int i = 0; i < pupils; ++i) {
      const int g = Pick(p, stream.Uniform());
      // Drawn in both variants, so the 2-D table is the 3-D table's margin.
      const int x = Pick(by_sex, stream.Uniform());
      for (int se : {SchoolEntry(s), DistrictEntry(s), 0}) {
        for (int ge : {g + 1, 0}) {
          for (int xe : {x + 1, 0}) {
            if (!options.with_sex && xe != 0) continue;
            counts[(int64_t{se} * (kGroups + 1) + ge) * sexes + xe] += 1;
          }
        }
      }
    }
  }
  for (int64_t n : counts) table.add_record_count(n);
  table.add_measures()->mutable_measure()->set_kind(v1::Measure::COUNT);
  return table;
}

}  // namespace cellgate::policies::testing
