// The code lists of the Musterstadt demo datasets (ASCII codes, German
// labels) and helpers that turn them into v1::ColumnSchema dimensions. The
// generators pick codes by index from the same arrays, so a CSV value is
// always a code of its schema. Start with `CodeSpec` and `DimensionColumn`.
// Everything here is immutable; thread-safe.
#ifndef CELLGATE_DEPLOY_DEMO_CODE_LISTS_H_
#define CELLGATE_DEPLOY_DEMO_CODE_LISTS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "cellgate/v1/dataset.pb.h"

namespace cellgate::demo {

// One code: ASCII code, German label, parent code at the next coarser level
// ("" at the coarsest level and for pass-through codes).
struct CodeSpec {
  const char* code;
  const char* label;
  const char* parent = "";
};

// Index order of the arrays below, used by the generators.
enum Sex { kMale = 0, kFemale = 1, kDiverse = 2 };
enum Nationality { kDeutsch = 0, kNichtdeutsch = 1 };
enum JaNein { kJa = 0, kNein = 1 };

inline constexpr CodeSpec kSexCodes[] = {
    {"m", "männlich"}, {"w", "weiblich"}, {"d", "divers"}};
inline constexpr CodeSpec kSexBinaryCodes[] = {{"m", "männlich"}, {"w", "weiblich"}};
inline constexpr CodeSpec kJaNeinCodes[] = {{"ja", "ja"}, {"nein", "nein"}};
inline constexpr CodeSpec kStaatsangehoerigkeitCodes[] = {
    {"deutsch", "deutsch"}, {"nichtdeutsch", "nichtdeutsch"}};
inline constexpr CodeSpec kNationalityGroupCodes[] = {
    {"DE", "Deutschland"},
    {"EU", "EU-Staaten"},
    {"TR", "Türkei"},
    {"ASYL8", "Asylherkunftsländer (8)"},
    {"UA", "Ukraine"},
    {"SONST", "sonstige Staaten"}};
inline constexpr CodeSpec kAltersgruppeCodes[] = {
    {"0-2", "0 bis 2 Jahre"},     {"3-5", "3 bis 5 Jahre"},     {"6-9", "6 bis 9 Jahre"},
    {"10-15", "10 bis 15 Jahre"}, {"16-18", "16 bis 18 Jahre"}, {"19-24", "19 bis 24 Jahre"},
    {"25-44", "25 bis 44 Jahre"}, {"45-64", "45 bis 64 Jahre"}, {"65+", "65 Jahre und älter"}};

// School types in the order GS, RSPLUS, IGS, GY, FOES, BBS, FWS.
enum Schulart { kGs = 0, kRsplus, kIgs, kGy, kFoes, kBbs, kFws, kSchulartCount };
inline constexpr CodeSpec kSchulartCodes[] = {
    {"GS", "Grundschule", "PRIMAR"},
    {"RSPLUS", "Realschule plus", "SEK"},
    {"IGS", "Integrierte Gesamtschule", "SEK"},
    {"GY", "Gymnasium", "SEK"},
    {"FOES", "Förderschule", "FOERDER"},
    {"BBS", "Berufsbildende Schule", "BERUFLICH"},
    {"FWS", "Freie Waldorfschule", "SEK"}};
inline constexpr CodeSpec kSchulbereichCodes[] = {
    {"PRIMAR", "Primarbereich"},
    {"SEK", "Sekundarbereich (allgemeinbildend)"},
    {"FOERDER", "Förderschulen"},
    {"BERUFLICH", "Berufsbildende Schulen"}};
inline constexpr CodeSpec kStufeCodes[] = {{"1-4", "Primarstufe (Klassen 1 bis 4)"},
                                           {"5-6", "Orientierungsstufe (Klassen 5 und 6)"},
                                           {"7-10", "Sekundarstufe I (Klassen 7 bis 10)"},
                                           {"11-13", "Sekundarstufe II (Klassen 11 bis 13)"}};

enum Foerderschwerpunkt { kKeinFoerderbedarf = 0 };
inline constexpr CodeSpec kFoerderschwerpunktCodes[] = {
    {"none", "kein sonderpädagogischer Förderbedarf"},
    {"lernen", "Lernen"},
    {"emotional_sozial", "emotionale und soziale Entwicklung"},
    {"ganzheitlich", "ganzheitliche Entwicklung"},
    {"sprache", "Sprache"},
    {"motorik", "motorische Entwicklung"},
    {"hoeren", "Hören"},
    {"sehen", "Sehen"},
    {"kranke", "Unterricht kranker Schülerinnen und Schüler"}};
enum Foerderort { kKeinFoerderort = 0, kFoerderschule = 1, kInklusiv = 2 };
inline constexpr CodeSpec kFoerderortCodes[] = {
    {"keiner", "kein Förderort (ohne Förderbedarf)"},
    {"foerderschule", "Förderschule"},
    {"inklusiv", "inklusiver Unterricht (Schwerpunktschule)"}};

enum Empfehlung { kEmpfehlungGy = 0, kEmpfehlungRsplusIgs, kEmpfehlungFoes };
inline constexpr CodeSpec kEmpfehlungCodes[] = {
    {"GY", "Empfehlung Gymnasium"},
    {"RSPLUS_IGS", "Empfehlung Realschule plus oder Integrierte Gesamtschule"},
    {"FOES", "Empfehlung Förderschule"}};
enum ToSchulart { kToGy = 0, kToIgs, kToRsplus, kToFoes, kToFwsPrivat, kToWeggezogen };
inline constexpr CodeSpec kToSchulartCodes[] = {
    {"GY", "Gymnasium"},
    {"IGS", "Integrierte Gesamtschule"},
    {"RSPLUS", "Realschule plus"},
    {"FOES", "Förderschule"},
    {"FWS_PRIVAT", "Freie Waldorfschule oder sonstige Privatschule"},
    {"WEGGEZOGEN", "weggezogen"}};
enum Abschluss { kOhneBr = 0, kBr, kQsa1, kFhrS, kAhr, kAbschlussCount };
inline constexpr CodeSpec kAbschlussCodes[] = {
    {"ohne_BR", "ohne Berufsreife"},
    {"BR", "Berufsreife"},
    {"QSA1", "qualifizierter Sekundarabschluss I"},
    {"FHR_s", "Fachhochschulreife (schulischer Teil)"},
    {"AHR", "allgemeine Hochschulreife"}};

inline constexpr CodeSpec kKitaDauerCodes[] = {{"gt3J", "mehr als 3 Jahre"},
                                               {"2-3J", "2 bis 3 Jahre"},
                                               {"1-2J", "1 bis 2 Jahre"},
                                               {"lt1J", "weniger als 1 Jahr"},
                                               {"keine", "kein Kita-Besuch"}};
enum Familiensprache { kSpracheDeutsch = 0, kSpracheNichtDeutsch, kSpracheMehrsprachig };
inline constexpr CodeSpec kFamiliensprachenCodes[] = {{"deutsch", "Deutsch"},
                                                      {"nicht_deutsch", "nicht Deutsch"},
                                                      {"mehrsprachig", "mehrsprachig"}};
inline constexpr CodeSpec kBmiKatCodes[] = {{"stark_unter", "starkes Untergewicht"},
                                            {"unter", "Untergewicht"},
                                            {"normal", "Normalgewicht"},
                                            {"uebergewicht", "Übergewicht"},
                                            {"adipositas", "Adipositas"}};
enum SeuEmpfehlung { kEinschulung = 0, kRueckstellung, kSonderpaedPruefung };
inline constexpr CodeSpec kSeuEmpfehlungCodes[] = {
    {"einschulung", "Einschulung empfohlen"},
    {"rueckstellung", "Zurückstellung empfohlen"},
    {"sonderpaed_pruefung", "Prüfung sonderpädagogischen Förderbedarfs"}};

// Day care (kita_kind): Betreuungsform, weekly hours, the Kita's Träger.
enum Betreuungsform { kBetreuungKita = 0, kBetreuungTagespflege };
inline constexpr CodeSpec kBetreuungsformCodes[] = {{"kita", "Kindertageseinrichtung"},
                                                    {"tagespflege", "Kindertagespflege"}};
enum Wochenstunden { kBis25 = 0, kBis35, kUeber35 };
inline constexpr CodeSpec kWochenstundenCodes[] = {{"bis25", "bis 25 Stunden"},
                                                   {"25-35", "mehr als 25 bis 35 Stunden"},
                                                   {"ueber35", "mehr als 35 Stunden (Ganztag)"}};
enum KitaTraeger { kKommunal = 0, kKath, kEv, kFrei, kElterninitiative, kTraegerTagespflege };
inline constexpr CodeSpec kKitaTraegerCodes[] = {
    {"kommunal", "kommunaler Träger"},
    {"kath", "katholischer Träger"},
    {"ev", "evangelischer Träger"},
    {"frei", "sonstiger freier Träger"},
    {"elterninitiative", "Elterninitiative"},
    {"tagespflege", "Kindertagespflege (keine Einrichtung)"}};

// SGB II (sgb2_person): age groups of the Grundsicherungsstatistik and the
// kind of entitlement.
enum Sgb2Altersgruppe { kU15 = 0, k15Bis17, k18Bis24, k25Bis54, k55BisU67 };
inline constexpr CodeSpec kSgb2AltersgruppeCodes[] = {{"u15", "unter 15 Jahre"},
                                                      {"15-17", "15 bis 17 Jahre"},
                                                      {"18-24", "18 bis 24 Jahre"},
                                                      {"25-54", "25 bis 54 Jahre"},
                                                      {"55-u67", "55 bis unter 67 Jahre"}};
enum Sgb2Typ { kElb = 0, kNef, kSlb };
inline constexpr CodeSpec kSgb2TypCodes[] = {
    {"ELB", "erwerbsfähige Leistungsberechtigte"},
    {"NEF", "nicht erwerbsfähige Leistungsberechtigte"},
    {"SLB", "sonstige Leistungsberechtigte"}};

// Volkshochschule (vhs_kurs, vhs_belegung): the six Programmbereiche of the
// VHS statistics and the age groups of the enrolments.
enum Programmbereich { kPolitik = 0, kKultur, kGesundheit, kSprachen, kArbeit, kGrundbildung,
                       kProgrammbereichCount };
inline constexpr CodeSpec kProgrammbereichCodes[] = {
    {"politik", "Politik – Gesellschaft – Umwelt"},
    {"kultur", "Kultur – Gestalten"},
    {"gesundheit", "Gesundheit"},
    {"sprachen", "Sprachen"},
    {"arbeit", "Arbeit – Beruf"},
    {"grundbildung", "Grundbildung – Schulabschlüsse"}};
inline constexpr CodeSpec kVhsAltersgruppeCodes[] = {
    {"u18", "unter 18 Jahre"},    {"18-24", "18 bis 24 Jahre"}, {"25-34", "25 bis 34 Jahre"},
    {"35-49", "35 bis 49 Jahre"}, {"50-64", "50 bis 64 Jahre"}, {"65+", "65 Jahre und älter"}};

// Returns a level from `codes`.
v1::Level MakeLevel(absl::string_view name, absl::string_view label,
                    absl::Span<const CodeSpec> codes);

// Returns a DIMENSION column with `levels` (finest first).
v1::ColumnSchema DimensionColumn(absl::string_view name, absl::string_view label,
                                 std::vector<v1::Level> levels, bool sensitive = false);

// Returns a DIMENSION column with one level named like the column.
v1::ColumnSchema FlatColumn(absl::string_view name, absl::string_view label,
                            absl::Span<const CodeSpec> codes, bool sensitive = false);

// Returns a UNIT_ID column.
v1::ColumnSchema UnitIdColumn(absl::string_view name, absl::string_view label);

// Returns a CONTRIBUTOR column: the pseudonymous party whose values a
// measure naming it sums (docs/adr/0009-contributors.md).
v1::ColumnSchema ContributorColumn(absl::string_view name, absl::string_view label);

// Returns a MEASURE column with `decimals` digits and `unit`.
v1::ColumnSchema MeasureColumn(absl::string_view name, absl::string_view label, int decimals,
                               absl::string_view unit);

// Returns the codes of `count` consecutive years from `first`, e.g. "2021",
// or school years "2021/22" when `school_year` is set.
std::vector<std::string> YearCodes(int first, int count, bool school_year);

// Returns a one-level year dimension over YearCodes; `label_prefix` is put
// before the code in each label, e.g. "Schuljahr " or "31.12.".
v1::ColumnSchema YearColumn(absl::string_view name, absl::string_view label, int first,
                            int count, bool school_year, absl::string_view label_prefix);

// Returns the `alter` dimension: single years "0".."100" under `altersgruppe`.
v1::ColumnSchema AlterColumn();
// Returns the index into kAltersgruppeCodes of `age` (0..100).
int AltersgruppeIndex(int age);
// Returns the code of `age` (0..100), e.g. "37"; the string is static.
absl::string_view AgeCode(int age);

// Returns the `klassenstufe` dimension: "1".."13" under `stufe`.
v1::ColumnSchema KlassenstufeColumn();
// Returns the code of klassenstufe `grade` (1..13); the string is static.
absl::string_view GradeCode(int grade);

// Returns the school type dimension `name` with levels schulart → schulbereich.
v1::ColumnSchema SchulartColumn(absl::string_view name, absl::string_view label);

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_CODE_LISTS_H_
