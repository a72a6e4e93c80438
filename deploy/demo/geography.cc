#include "deploy/demo/geography.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cellgate::demo {
namespace {

struct StadtteilSeed {
  const char* name;
  int population;
  int sozialindex;
  int sozialraum;
  int bezirke;
};

// Sizes follow DEMO-CITY.md (sum 219,800); the smallest has 3,300 people.
constexpr StadtteilSeed kStadtteile[] = {
    {"Altstadt", 15000, 3, 0, 3},     {"Neustadt", 29500, 4, 0, 6},
    {"Oberstadt", 13500, 1, 0, 3},    {"Hafenviertel", 21500, 5, 1, 5},
    {"Auenfeld", 16000, 4, 1, 4},     {"Weidenau", 9500, 3, 1, 2},
    {"Sonnenhang", 20000, 1, 2, 4},   {"Eichberg", 12500, 2, 2, 3},
    {"Rosengarten", 6500, 2, 2, 2},   {"Mühlbach", 25500, 3, 3, 6},
    {"Talheim", 15000, 2, 3, 3},      {"Steinbrück", 6000, 5, 3, 2},
    {"Birkenau", 21500, 4, 4, 5},     {"Wiesental", 4500, 3, 4, 1},
    {"Brunnenhof", 3300, 1, 4, 1},
};

constexpr const char* kSozialraumNames[] = {"Mitte", "Nord", "West", "Süd", "Ost"};

// Shares of a Stadtteil's population per Bezirk, by number of Bezirke.
const std::vector<std::vector<int>>& SplitWeights() {
  static const auto* const weights = new std::vector<std::vector<int>>{
      {}, {1}, {60, 40}, {45, 35, 20}, {35, 30, 20, 15}, {28, 24, 20, 16, 12},
      {25, 20, 18, 15, 12, 10}};
  return *weights;
}

constexpr const char* kBezirkSuffixes[] = {"Mitte", "Nord", "Süd", "Ost", "West", "Feld"};
// Social index shift of the k-th Bezirk of a Stadtteil: makes extremes.
constexpr int kSozialindexShift[] = {0, 1, -1, 0, 1, -1};
// Children per inhabitant relative to the city, by social index 1..5 (ppm).
constexpr uint64_t kChildFactorPpm[] = {850000, 950000, 1000000, 1100000, 1200000};

v1::Level* AddLevel(v1::ColumnSchema& column, absl::string_view name, absl::string_view label) {
  v1::Level* level = column.add_levels();
  level->set_name(std::string(name));
  level->set_label(std::string(label));
  return level;
}

void AddCode(v1::Level& level, absl::string_view code, absl::string_view label,
             absl::string_view parent) {
  v1::Code* c = level.add_codes();
  c->set_code(std::string(code));
  c->set_label(std::string(label));
  c->set_parent(std::string(parent));
}

}  // namespace

const Geography& Geography::Musterstadt() {
  static const Geography* const geography = new Geography();
  return *geography;
}

Geography::Geography() {
  for (int r = 0; r < 5; ++r) {
    sozialraeume_.emplace_back(absl::StrCat("SR", r + 1),
                               absl::StrCat("Sozialraum ", kSozialraumNames[r]));
  }
  uint64_t population_sum = 0;
  uint64_t children_sum = 0;
  for (size_t s = 0; s < std::size(kStadtteile); ++s) {
    const StadtteilSeed& seed = kStadtteile[s];
    const std::string code = absl::StrCat(absl::Dec(s + 1, absl::kZeroPad2));
    stadtteile_.push_back({code, seed.name, seed.population, seed.sozialindex, seed.sozialraum});
    const std::vector<int>& split = SplitWeights()[seed.bezirke];
    int assigned = 0;
    for (int k = 0; k < seed.bezirke; ++k) {
      Bezirk bezirk;
      bezirk.code = absl::StrCat(code, k + 1);
      bezirk.name = seed.bezirke == 1 ? seed.name : absl::StrCat(seed.name, "-", kBezirkSuffixes[k]);
      bezirk.stadtteil = static_cast<int>(s);
      bezirk.sozialindex = std::clamp(seed.sozialindex + kSozialindexShift[k], 1, 5);
      // The last Bezirk takes the rounding rest, so Stadtteil sizes are exact.
      bezirk.population = k + 1 == seed.bezirke ? seed.population - assigned
                                                : seed.population * split[k] / 100;
      assigned += bezirk.population;
      population_sum += static_cast<uint64_t>(bezirk.population);
      children_sum += static_cast<uint64_t>(bezirk.population) *
                      kChildFactorPpm[bezirk.sozialindex - 1] / 1000;
      cumulative_population_.push_back(population_sum);
      cumulative_children_.push_back(children_sum);
      bezirke_.push_back(std::move(bezirk));
    }
  }
  total_population_ = static_cast<int64_t>(population_sum);
}

int Geography::PickFrom(const std::vector<uint64_t>& cumulative, DemoRandom& random) const {
  const uint64_t r = random.Below(cumulative.back());
  return static_cast<int>(std::upper_bound(cumulative.begin(), cumulative.end(), r) -
                          cumulative.begin());
}

int Geography::PickBezirk(DemoRandom& random) const {
  return PickFrom(cumulative_population_, random);
}

int Geography::PickChildBezirk(DemoRandom& random) const {
  return PickFrom(cumulative_children_, random);
}

v1::ColumnSchema Geography::Column(absl::string_view name, absl::string_view label,
                                   bool pass_through) const {
  v1::ColumnSchema column;
  column.set_name(std::string(name));
  column.set_label(std::string(label));
  column.set_kind(v1::DIMENSION);
  v1::Level* level = AddLevel(column, "bezirk", "Bezirk");
  for (const Bezirk& b : bezirke_) AddCode(*level, b.code, b.name, stadtteile_[b.stadtteil].code);
  if (pass_through) {
    AddCode(*level, kOutsideCode, "außerhalb (Umland)", "");
    AddCode(*level, kUnknownCode, "unbekannt", "");
  }
  level = AddLevel(column, "stadtteil", "Stadtteil");
  for (const Stadtteil& s : stadtteile_) {
    AddCode(*level, s.code, s.name, sozialraeume_[s.sozialraum].first);
  }
  level = AddLevel(column, "sozialraum", "Sozialraum");
  for (const auto& [code, code_label] : sozialraeume_) AddCode(*level, code, code_label, "1");
  level = AddLevel(column, "stadt", "Stadt");
  AddCode(*level, "1", "Musterstadt", "");
  return column;
}

v1::ColumnSchema Geography::StadtteilColumn(absl::string_view name, absl::string_view label,
                                            bool pass_through) const {
  v1::ColumnSchema column = Column(name, label, pass_through);
  // Drop the Bezirk level; the pass-through codes move to the Stadtteil level.
  v1::Level bezirke = column.levels(0);
  column.mutable_levels()->DeleteSubrange(0, 1);
  for (const v1::Code& code : bezirke.codes()) {
    if (code.parent().empty()) *column.mutable_levels(0)->add_codes() = code;
  }
  return column;
}

}  // namespace cellgate::demo
