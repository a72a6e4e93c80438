#include "deploy/demo/schools.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "deploy/demo/geography.h"

namespace cellgate::demo {
namespace {

// Public Grundschulen per Stadtteil (in Geography order; sum 23).
constexpr int kPublicGsPerStadtteil[] = {1, 3, 1, 2, 2, 1, 2, 1, 1, 3, 2, 1, 2, 1, 0};
constexpr const char* kGsSuffixes[] = {"Mitte", "Nord", "Süd"};
constexpr uint32_t kPrivateGsPpm = 60000;

constexpr const char* kPrivateGs[] = {
    "Freie Grundschule Musterstadt", "Katholische Grundschule St. Marien",
    "Evangelische Grundschule am Kirchberg", "Montessori-Grundschule Musterstadt"};
constexpr const char* kRealschulen[] = {"Hafenviertel", "Neustadt", "Mühlbach", "Auenfeld",
                                        "Birkenau"};
constexpr const char* kGesamtschulen[] = {"Neustadt", "Birkenau", "Mühlbach", "Hafenviertel",
                                          "Talheim"};
constexpr const char* kGymnasien[] = {
    "Gymnasium Altstadt",      "Lindenhof-Gymnasium",   "Gymnasium am Stadtpark",
    "Eichberg-Gymnasium",      "Sonnenhang-Gymnasium",  "Gymnasium Mühlbach",
    "Gymnasium Talheim",       "Auenfeld-Gymnasium",    "Gymnasium Oberstadt",
    "Bischöfliches Gymnasium St. Anna", "Privatgymnasium am Rosengarten"};
constexpr int kPublicGymnasien = 9;
constexpr const char* kFoerderschulen[] = {
    "Förderschule Lernen Nord", "Förderschule Lernen Süd",
    "Schule mit dem Förderschwerpunkt ganzheitliche Entwicklung",
    "Schule mit dem Förderschwerpunkt Sprache", "Landesschule für Hören und Sehen"};
constexpr const char* kBerufsschulen[] = {
    "Berufsbildende Schule I Technik", "Berufsbildende Schule II Wirtschaft und Verwaltung",
    "Berufsbildende Schule III Gesundheit und Soziales",
    "Berufsbildende Schule IV Gewerbe und Hauswirtschaft"};

}  // namespace

const SchoolDirectory& SchoolDirectory::Musterstadt() {
  static const SchoolDirectory* const directory = new SchoolDirectory();
  return *directory;
}

SchoolDirectory::SchoolDirectory()
    : by_schulart_(kSchulartCount), weights_by_schulart_(kSchulartCount) {
  const Geography& geo = Geography::Musterstadt();
  for (size_t s = 0; s < std::size(kPublicGsPerStadtteil); ++s) {
    const int count = kPublicGsPerStadtteil[s];
    for (int k = 0; k < count; ++k) {
      std::string name = absl::StrCat("Grundschule ", geo.stadtteile()[s].name);
      if (count > 1) absl::StrAppend(&name, "-", kGsSuffixes[k]);
      public_gs_.push_back(static_cast<int>(schools_.size()));
      Add("GS", kGs, static_cast<int>(s), 10, std::move(name));
    }
  }
  for (const char* name : kPrivateGs) {
    private_gs_.push_back(static_cast<int>(schools_.size()));
    Add("GS", kGs, -1, 1, name);
  }
  for (const char* name : kRealschulen) Add("RS", kRsplus, -1, 10, absl::StrCat("Realschule plus ", name));
  for (const char* name : kGesamtschulen) {
    Add("IG", kIgs, -1, 10, absl::StrCat("Integrierte Gesamtschule ", name));
  }
  for (int k = 0; k < static_cast<int>(std::size(kGymnasien)); ++k) {
    Add("GY", kGy, -1, k < kPublicGymnasien ? 10 : 4, kGymnasien[k]);
  }
  for (const char* name : kFoerderschulen) Add("FS", kFoes, -1, 10, name);
  for (const char* name : kBerufsschulen) Add("BB", kBbs, -1, 10, name);
  Add("WS", kFws, -1, 10, "Freie Waldorfschule Musterstadt");
  IndexCatchments();
}

void SchoolDirectory::Add(absl::string_view prefix, Schulart schulart, int stadtteil,
                          uint32_t weight, std::string name) {
  const int number = static_cast<int>(by_schulart_[schulart].size()) + 1;
  by_schulart_[schulart].push_back(static_cast<int>(schools_.size()));
  weights_by_schulart_[schulart].push_back(weight);
  schools_.push_back({absl::StrCat(prefix, absl::Dec(number, absl::kZeroPad2)), std::move(name),
                      schulart, stadtteil, weight});
}

int SchoolDirectory::PickGrundschule(DemoRandom& random, int stadtteil) const {
  if (random.Chance(kPrivateGsPpm)) return private_gs_[random.Below(private_gs_.size())];
  const std::vector<int>& candidates = stadtteil < 0 ? public_gs_ : gs_for_stadtteil_[stadtteil];
  return candidates[random.Below(candidates.size())];
}

void SchoolDirectory::IndexCatchments() {
  const Geography& geo = Geography::Musterstadt();
  for (size_t s = 0; s < geo.stadtteile().size(); ++s) {
    std::vector<int> local;
    std::vector<int> nearby;
    for (int index : public_gs_) {
      const int school_stadtteil = schools_[index].stadtteil;
      if (school_stadtteil == static_cast<int>(s)) local.push_back(index);
      if (geo.stadtteile()[school_stadtteil].sozialraum == geo.stadtteile()[s].sozialraum) {
        nearby.push_back(index);
      }
    }
    gs_for_stadtteil_.push_back(local.empty() ? nearby : local);
  }
}

int SchoolDirectory::PickSchool(DemoRandom& random, Schulart schulart) const {
  return by_schulart_[schulart][random.Pick(weights_by_schulart_[schulart])];
}

v1::ColumnSchema SchoolDirectory::Column() const {
  v1::Level level;
  level.set_name("schule");
  level.set_label("Schule");
  for (const School& school : schools_) {
    v1::Code* code = level.add_codes();
    code->set_code(school.code);
    code->set_label(school.name);
    code->set_parent(kSchulartCodes[school.schulart].code);
  }
  return DimensionColumn("schule", "Schule",
                         {std::move(level), MakeLevel("schulart", "Schulart", kSchulartCodes),
                          MakeLevel("schulbereich", "Schulbereich", kSchulbereichCodes)});
}

}  // namespace cellgate::demo
