#include "deploy/demo/code_lists.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::demo {
namespace {

constexpr int kMaxAge = 100;
constexpr int kMaxGrade = 13;

// Upper age bound (inclusive) of each entry of kAltersgruppeCodes.
constexpr int kAltersgruppeMax[] = {2, 5, 9, 15, 18, 24, 44, 64, kMaxAge};

const std::array<std::string, kMaxAge + 1>& AgeCodes() {
  static const auto* const codes = [] {
    auto* c = new std::array<std::string, kMaxAge + 1>();
    for (int age = 0; age <= kMaxAge; ++age) (*c)[age] = absl::StrCat(age);
    return c;
  }();
  return *codes;
}

std::string AgeLabel(int age) {
  if (age == kMaxAge) return "100 Jahre und älter";
  if (age == 1) return "1 Jahr";
  return absl::StrCat(age, " Jahre");
}

const char* StufeOf(int grade) {
  if (grade <= 4) return kStufeCodes[0].code;
  if (grade <= 6) return kStufeCodes[1].code;
  if (grade <= 10) return kStufeCodes[2].code;
  return kStufeCodes[3].code;
}

}  // namespace

v1::Level MakeLevel(absl::string_view name, absl::string_view label,
                    absl::Span<const CodeSpec> codes) {
  v1::Level level;
  level.set_name(std::string(name));
  level.set_label(std::string(label));
  for (const CodeSpec& spec : codes) {
    v1::Code* code = level.add_codes();
    code->set_code(spec.code);
    code->set_label(spec.label);
    code->set_parent(spec.parent);
  }
  return level;
}

v1::ColumnSchema DimensionColumn(absl::string_view name, absl::string_view label,
                                 std::vector<v1::Level> levels, bool sensitive) {
  v1::ColumnSchema column;
  column.set_name(std::string(name));
  column.set_label(std::string(label));
  column.set_kind(v1::DIMENSION);
  for (v1::Level& level : levels) *column.add_levels() = std::move(level);
  column.set_sensitive(sensitive);
  return column;
}

v1::ColumnSchema FlatColumn(absl::string_view name, absl::string_view label,
                            absl::Span<const CodeSpec> codes, bool sensitive) {
  return DimensionColumn(name, label, {MakeLevel(name, label, codes)}, sensitive);
}

v1::ColumnSchema UnitIdColumn(absl::string_view name, absl::string_view label) {
  v1::ColumnSchema column;
  column.set_name(std::string(name));
  column.set_label(std::string(label));
  column.set_kind(v1::UNIT_ID);
  return column;
}

v1::ColumnSchema ContributorColumn(absl::string_view name, absl::string_view label) {
  v1::ColumnSchema column;
  column.set_name(std::string(name));
  column.set_label(std::string(label));
  column.set_kind(v1::CONTRIBUTOR);
  return column;
}

v1::ColumnSchema MeasureColumn(absl::string_view name, absl::string_view label, int decimals,
                               absl::string_view unit) {
  v1::ColumnSchema column;
  column.set_name(std::string(name));
  column.set_label(std::string(label));
  column.set_kind(v1::MEASURE);
  column.set_decimals(decimals);
  column.set_unit(std::string(unit));
  return column;
}

std::vector<std::string> YearCodes(int first, int count, bool school_year) {
  std::vector<std::string> codes;
  for (int year = first; year < first + count; ++year) {
    codes.push_back(school_year ? absl::StrCat(year, "/", absl::Dec((year + 1) % 100, absl::kZeroPad2))
                                : absl::StrCat(year));
  }
  return codes;
}

v1::ColumnSchema YearColumn(absl::string_view name, absl::string_view label, int first,
                            int count, bool school_year, absl::string_view label_prefix) {
  v1::Level level;
  level.set_name(std::string(name));
  level.set_label(std::string(label));
  for (const std::string& code : YearCodes(first, count, school_year)) {
    v1::Code* c = level.add_codes();
    c->set_code(code);
    c->set_label(absl::StrCat(label_prefix, code));
  }
  return DimensionColumn(name, label, {std::move(level)});
}

int AltersgruppeIndex(int age) {
  CELLGATE_CHECK(age >= 0 && age <= kMaxAge);
  int index = 0;
  while (age > kAltersgruppeMax[index]) ++index;
  return index;
}

absl::string_view AgeCode(int age) {
  CELLGATE_CHECK(age >= 0 && age <= kMaxAge);
  return AgeCodes()[age];
}

v1::ColumnSchema AlterColumn() {
  v1::Level ages;
  ages.set_name("alter");
  ages.set_label("Alter in Jahren");
  for (int age = 0; age <= kMaxAge; ++age) {
    v1::Code* code = ages.add_codes();
    code->set_code(AgeCodes()[age]);
    code->set_label(AgeLabel(age));
    code->set_parent(kAltersgruppeCodes[AltersgruppeIndex(age)].code);
  }
  return DimensionColumn(
      "alter", "Alter",
      {std::move(ages), MakeLevel("altersgruppe", "Altersgruppe", kAltersgruppeCodes)});
}

absl::string_view GradeCode(int grade) {
  CELLGATE_CHECK(grade >= 1 && grade <= kMaxGrade);
  return AgeCodes()[grade];
}

v1::ColumnSchema KlassenstufeColumn() {
  v1::Level grades;
  grades.set_name("klassenstufe");
  grades.set_label("Klassenstufe");
  for (int grade = 1; grade <= kMaxGrade; ++grade) {
    v1::Code* code = grades.add_codes();
    code->set_code(AgeCodes()[grade]);
    code->set_label(absl::StrCat("Klassenstufe ", grade));
    code->set_parent(StufeOf(grade));
  }
  return DimensionColumn("klassenstufe", "Klassenstufe",
                         {std::move(grades), MakeLevel("stufe", "Stufe", kStufeCodes)});
}

v1::ColumnSchema SchulartColumn(absl::string_view name, absl::string_view label) {
  return DimensionColumn(name, label,
                         {MakeLevel("schulart", "Schulart", kSchulartCodes),
                          MakeLevel("schulbereich", "Schulbereich", kSchulbereichCodes)});
}

}  // namespace cellgate::demo
