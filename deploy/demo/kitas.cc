#include "deploy/demo/kitas.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "deploy/demo/geography.h"

namespace cellgate::demo {
namespace {

constexpr int kKitas = 150;
constexpr uint64_t kDirectorySeed = 0x6b697461;  // the city's, not the data's
constexpr int64_t kSameStadtteilPpm = 850000;
// kommunal 40 %, kath 25 %, ev 15 %, frei 17 %, Elterninitiative 3 %.
constexpr uint32_t kTraegerWeights[] = {40, 25, 15, 17, 3};
constexpr const char* kTraegerNames[] = {"Städtische Kita", "Kath. Kita St.", "Ev. Kita", "Kita",
                                         "Elterninitiative"};
constexpr const char* kSaints[] = {"Martin", "Elisabeth", "Josef", "Marien", "Bonifatius"};
constexpr const char* kNames[] = {"Regenbogen", "Sonnenschein", "Pusteblume",    "Wirbelwind",
                                  "Kunterbunt", "Löwenzahn",    "Sternschnuppe", "Villa Kunterbunt",
                                  "Am Bach",    "Waldwichtel",  "Spatzennest",   "Zwergenland"};

}  // namespace

const KitaDirectory& KitaDirectory::Musterstadt() {
  static const KitaDirectory* const directory = new KitaDirectory();
  return *directory;
}

KitaDirectory::KitaDirectory() {
  const Geography& geo = Geography::Musterstadt();
  DemoRandom random(kDirectorySeed);
  by_stadtteil_.resize(geo.stadtteile().size());
  for (size_t s = 0; s < geo.stadtteile().size(); ++s) {
    const Stadtteil& st = geo.stadtteile()[s];
    // Kitas in proportion to the population; at least one in every Stadtteil.
    const int count =
        std::max<int>(1, static_cast<int>(std::lround(static_cast<double>(kKitas) * st.population /
                                                      static_cast<double>(geo.population()))));
    for (int k = 0; k < count; ++k) {
      Kita kita;
      kita.code = absl::StrCat("K", absl::Dec(kitas_.size() + 1, absl::kZeroPad3));
      kita.traeger = static_cast<KitaTraeger>(random.Pick(kTraegerWeights));
      const std::string suffix = kita.traeger == kKath ? kSaints[random.Below(std::size(kSaints))]
                                                       : kNames[random.Below(std::size(kNames))];
      kita.name = absl::StrCat(kTraegerNames[kita.traeger], " ", suffix, " (", st.name, ")");
      kita.stadtteil = static_cast<int>(s);
      kita.plaetze = static_cast<int>(random.Between(45, 80));
      total_places_ += kita.plaetze;
      by_stadtteil_[s].push_back(static_cast<int>(kitas_.size()));
      places_.push_back(static_cast<uint32_t>(kita.plaetze));
      kitas_.push_back(std::move(kita));
    }
  }
  kitas_.push_back({"TP", "Kindertagespflege", kTraegerTagespflege, -1, 0});
}

int KitaDirectory::PickKita(DemoRandom& random, int stadtteil) const {
  const std::vector<int>& local = by_stadtteil_[stadtteil];
  if (!local.empty() && random.Chance(kSameStadtteilPpm)) {
    return local[random.Below(local.size())];
  }
  return static_cast<int>(random.Pick(places_));
}

v1::ColumnSchema KitaDirectory::Column() const {
  v1::Level level;
  level.set_name("kita");
  level.set_label("Einrichtung");
  for (const Kita& kita : kitas_) {
    v1::Code* code = level.add_codes();
    code->set_code(kita.code);
    code->set_label(kita.name);
    code->set_parent(kKitaTraegerCodes[kita.traeger].code);
  }
  return DimensionColumn("kita", "Einrichtung",
                         {std::move(level), MakeLevel("traeger", "Träger", kKitaTraegerCodes)});
}

}  // namespace cellgate::demo
