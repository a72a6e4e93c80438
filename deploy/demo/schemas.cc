#include "deploy/demo/schemas.h"

#include "absl/strings/str_cat.h"
#include "deploy/demo/code_lists.h"
#include "deploy/demo/geography.h"
#include "deploy/demo/kitas.h"
#include "deploy/demo/schools.h"
#include "google/protobuf/text_format.h"

namespace cellgate::demo {
namespace {

v1::DatasetSchema NewSchema(absl::string_view id, absl::string_view title,
                            absl::string_view office, absl::string_view description) {
  v1::DatasetSchema schema;
  schema.set_id(std::string(id));
  schema.set_title(std::string(title));
  schema.set_source_office(std::string(office));
  schema.set_description(absl::StrCat(
      description, " Synthetische Demodaten der fiktiven Stadt Musterstadt, keine echten Werte."));
  schema.mutable_csv()->set_delimiter(",");
  schema.mutable_csv()->set_decimal_separator(".");
  return schema;
}

void Add(v1::DatasetSchema& schema, v1::ColumnSchema column) {
  *schema.add_columns() = std::move(column);
}

v1::DatasetSchema PopulationSchema() {
  v1::DatasetSchema s = NewSchema(
      "population", "Bevölkerung mit Hauptwohnsitz", "Statistikstelle",
      "Eine Zeile je Person und Stichtag (31.12.) aus dem Melderegister.");
  Add(s, UnitIdColumn("person_key", "Personenschlüssel (pseudonym)"));
  Add(s, YearColumn("stichtag", "Stichtag", kFirstYear, kYearCount, false, "31.12."));
  Add(s, Geography::Musterstadt().Column("bezirk", "Wohnort", false));
  Add(s, FlatColumn("sex", "Geschlecht", kSexCodes));
  Add(s, AlterColumn());
  Add(s, FlatColumn("nationality_group", "Staatsangehörigkeit (Gruppe)", kNationalityGroupCodes));
  Add(s, FlatColumn("migrationshinweis", "Migrationshinweis", kJaNeinCodes));
  return s;
}

v1::DatasetSchema SchuelerSchema() {
  v1::DatasetSchema s = NewSchema(
      "schueler", "Schülerinnen und Schüler (Schulstatistik)", "Schulamt",
      "Eine Zeile je Schülerin oder Schüler und Schuljahr, Stichtag im Herbst.");
  Add(s, UnitIdColumn("pupil_key", "Schülerschlüssel (pseudonym)"));
  Add(s, YearColumn("schuljahr", "Schuljahr", kFirstYear, kYearCount, true, "Schuljahr "));
  Add(s, SchoolDirectory::Musterstadt().Column());
  Add(s, KlassenstufeColumn());
  Add(s, FlatColumn("sex", "Geschlecht", kSexCodes));
  Add(s, Geography::Musterstadt().Column("wohn_bezirk", "Wohnort", true));
  Add(s, FlatColumn("staatsangehoerigkeit", "Staatsangehörigkeit", kStaatsangehoerigkeitCodes));
  Add(s, FlatColumn("mh", "Migrationshintergrund", kJaNeinCodes));
  Add(s, FlatColumn("foerderschwerpunkt", "Sonderpädagogischer Förderschwerpunkt",
                    kFoerderschwerpunktCodes, /*sensitive=*/true));
  Add(s, FlatColumn("foerderort", "Förderort", kFoerderortCodes));
  Add(s, FlatColumn("wiederholer", "Wiederholung der Klassenstufe", kJaNeinCodes));
  return s;
}

v1::DatasetSchema UebergangSchema() {
  v1::DatasetSchema s = NewSchema(
      "uebergang", "Übergänge von der Grundschule in weiterführende Schulen", "Schulamt",
      "Eine Zeile je Schülerin oder Schüler, die oder der die Klassenstufe 4 verlässt.");
  Add(s, UnitIdColumn("pupil_key", "Schülerschlüssel (pseudonym)"));
  Add(s, YearColumn("schuljahr_neu", "Schuljahr nach dem Übergang", kFirstYear, kYearCount,
                    true, "Schuljahr "));
  Add(s, Geography::Musterstadt().Column("wohn_bezirk", "Wohnort", true));
  Add(s, FlatColumn("sex", "Geschlecht", kSexBinaryCodes));
  Add(s, FlatColumn("mh", "Migrationshintergrund", kJaNeinCodes));
  Add(s, FlatColumn("empfehlung", "Schullaufbahnempfehlung der Grundschule", kEmpfehlungCodes));
  Add(s, FlatColumn("to_schulart", "Aufnehmende Schulart", kToSchulartCodes));
  return s;
}

v1::DatasetSchema AbgangSchema() {
  v1::DatasetSchema s = NewSchema(
      "abgang", "Abgängerinnen und Abgänger allgemeinbildender Schulen", "Schulamt",
      "Eine Zeile je Abgängerin oder Abgänger am Ende des Schuljahres.");
  Add(s, UnitIdColumn("pupil_key", "Schülerschlüssel (pseudonym)"));
  Add(s, YearColumn("abgangsjahr", "Abgangsjahr", kFirstYear, kYearCount, false,
                    "Abgangsjahr "));
  Add(s, SchulartColumn("schulart", "Schulart"));
  Add(s, FlatColumn("sex", "Geschlecht", kSexCodes));
  Add(s, FlatColumn("staatsangehoerigkeit", "Staatsangehörigkeit", kStaatsangehoerigkeitCodes));
  Add(s, FlatColumn("mh", "Migrationshintergrund", kJaNeinCodes));
  Add(s, FlatColumn("abschluss", "Abschlussart", kAbschlussCodes));
  return s;
}

v1::DatasetSchema SeuSchema() {
  v1::DatasetSchema s = NewSchema(
      "seu", "Schuleingangsuntersuchung", "Gesundheitsamt",
      "Eine Zeile je untersuchtem Kind und Einschulungsjahrgang.");
  Add(s, UnitIdColumn("child_key", "Kindschlüssel (pseudonym)"));
  Add(s, YearColumn("einschulungsjahr", "Einschulungsjahr", kFirstYear, kYearCount, false,
                    "Einschulung "));
  Add(s, Geography::Musterstadt().Column("bezirk", "Wohnort", false));
  Add(s, FlatColumn("sex", "Geschlecht", kSexCodes));
  Add(s, MeasureColumn("alter_monate", "Alter bei der Untersuchung", 0, "Monate"));
  Add(s, FlatColumn("kita_dauer", "Dauer des Kita-Besuchs", kKitaDauerCodes));
  Add(s, FlatColumn("familiensprache", "Familiensprache", kFamiliensprachenCodes));
  Add(s, FlatColumn("sprachfoerderbedarf", "Sprachförderbedarf", kJaNeinCodes));
  Add(s, FlatColumn("bmi_kat", "Gewichtsklasse (BMI)", kBmiKatCodes, /*sensitive=*/true));
  Add(s, FlatColumn("empfehlung", "Empfehlung zur Einschulung", kSeuEmpfehlungCodes));
  return s;
}

// Day care. Its residence, age and sex dimensions are the population's
// (same names and code lists), so a Betreuungsquote can take its
// denominator from the population (docs/adr/0008).
v1::DatasetSchema KitaKindSchema() {
  v1::DatasetSchema s = NewSchema(
      "kita_kind", "Kinder in Kindertagesbetreuung (KJH-Statistik)", "Jugendamt",
      "Eine Zeile je Kind in einer Kindertageseinrichtung oder in Kindertagespflege am "
      "Stichtag 1. März, nach Wohnort.");
  Add(s, UnitIdColumn("child_key", "Kindschlüssel (pseudonym)"));
  Add(s, YearColumn("stichtag", "Stichtag", kFirstYear, kYearCount, false, "01.03."));
  Add(s, KitaDirectory::Musterstadt().Column());
  Add(s, Geography::Musterstadt().Column("bezirk", "Wohnort", false));
  Add(s, AlterColumn());
  Add(s, FlatColumn("sex", "Geschlecht", kSexCodes));
  Add(s, FlatColumn("betreuungsform", "Betreuungsform", kBetreuungsformCodes));
  Add(s, FlatColumn("wochenstunden_kat", "Vertraglich vereinbarte Betreuungszeit je Woche",
                    kWochenstundenCodes));
  Add(s, FlatColumn("eltern_ausl_herkunft", "Mindestens ein Elternteil ausländischer Herkunft",
                    kJaNeinCodes));
  Add(s, FlatColumn("familiensprache_nicht_dt", "Vorrangig gesprochene Familiensprache nicht "
                    "Deutsch", kJaNeinCodes));
  Add(s, FlatColumn("eingliederungshilfe", "Eingliederungshilfe wegen Behinderung",
                    kJaNeinCodes, /*sensitive=*/true));
  return s;
}

// SGB II. Residence and Stichtag as in the population (denominator of the
// SGB-II-Quote); the age groups are the Grundsicherungsstatistik's.
v1::DatasetSchema Sgb2PersonSchema() {
  v1::DatasetSchema s = NewSchema(
      "sgb2_person", "Leistungsberechtigte nach dem SGB II", "Jobcenter / Sozialamt",
      "Eine Zeile je Person in einer Bedarfsgemeinschaft am Stichtag 31.12.; nicht mit anderen "
      "Datensätzen verknüpfbar.");
  Add(s, UnitIdColumn("person_key", "Personenschlüssel (pseudonym)"));
  Add(s, UnitIdColumn("bg_key", "Bedarfsgemeinschaft (pseudonym)"));
  Add(s, YearColumn("stichtag", "Stichtag", kFirstYear, kYearCount, false, "31.12."));
  Add(s, Geography::Musterstadt().Column("bezirk", "Wohnort", false));
  Add(s, FlatColumn("sex", "Geschlecht", kSexCodes));
  Add(s, FlatColumn("age_group", "Altersgruppe", kSgb2AltersgruppeCodes));
  Add(s, FlatColumn("typ", "Personengruppe", kSgb2TypCodes));
  return s;
}

// VHS courses: Unterrichtsstunden and enrolments belong to the course, so
// they are measures of this dataset (summed over courses), not of the
// enrolments. The Unterrichtsstunden are the Kursleitung's (her fees), so
// the magnitude rules look at each Kursleitung's total, not at single
// courses (docs/adr/0009); enrolments have the courses as contributors.
v1::DatasetSchema VhsKursSchema() {
  v1::DatasetSchema s = NewSchema(
      "vhs_kurs", "Volkshochschule: Kurse", "Volkshochschule",
      "Eine Zeile je Kurs (Veranstaltung) und Arbeitsjahr mit seiner Kursleitung, seinen "
      "Unterrichtsstunden und Belegungen.");
  Add(s, UnitIdColumn("course_id", "Kursnummer (pseudonym)"));
  Add(s, YearColumn("arbeitsjahr", "Arbeitsjahr", kFirstYear, kYearCount, false,
                    "Arbeitsjahr "));
  Add(s, FlatColumn("programmbereich", "Programmbereich", kProgrammbereichCodes));
  Add(s, Geography::Musterstadt().StadtteilColumn("kursort", "Kursort", false));
  Add(s, ContributorColumn("kursleitung", "Kursleitung (pseudonym)"));
  v1::ColumnSchema hours =
      MeasureColumn("unterrichtsstunden", "Unterrichtsstunden", 0, "Unterrichtsstunden");
  hours.set_contributor("kursleitung");
  Add(s, std::move(hours));
  Add(s, MeasureColumn("belegungen", "Belegungen", 0, "Belegungen"));
  return s;
}

// VHS enrolments: one row per Belegung, for who enrols (sex, age,
// residence); the hours are the course's (vhs_kurs).
v1::DatasetSchema VhsBelegungSchema() {
  v1::DatasetSchema s = NewSchema(
      "vhs_belegung", "Volkshochschule: Belegungen", "Volkshochschule",
      "Eine Zeile je Belegung (Anmeldung einer Person zu einem Kurs) und Arbeitsjahr.");
  Add(s, UnitIdColumn("participant_key", "Teilnehmendenschlüssel (pseudonym)"));
  Add(s, UnitIdColumn("course_id", "Kursnummer (pseudonym)"));
  Add(s, YearColumn("arbeitsjahr", "Arbeitsjahr", kFirstYear, kYearCount, false,
                    "Arbeitsjahr "));
  Add(s, FlatColumn("programmbereich", "Programmbereich", kProgrammbereichCodes));
  Add(s, FlatColumn("sex", "Geschlecht", kSexCodes));
  Add(s, FlatColumn("age_group", "Altersgruppe", kVhsAltersgruppeCodes));
  Add(s, Geography::Musterstadt().StadtteilColumn("wohn_stadtteil", "Wohnort", true));
  return s;
}

}  // namespace

const std::vector<std::string>& MusterstadtDatasetIds() {
  static const auto* const ids =
      new std::vector<std::string>{"population", "schueler",    "uebergang",
                                   "abgang",     "seu",         "kita_kind",
                                   "sgb2_person", "vhs_kurs",   "vhs_belegung"};
  return *ids;
}

absl::StatusOr<v1::DatasetSchema> MusterstadtSchema(absl::string_view id) {
  if (id == "population") return PopulationSchema();
  if (id == "schueler") return SchuelerSchema();
  if (id == "uebergang") return UebergangSchema();
  if (id == "abgang") return AbgangSchema();
  if (id == "seu") return SeuSchema();
  if (id == "kita_kind") return KitaKindSchema();
  if (id == "sgb2_person") return Sgb2PersonSchema();
  if (id == "vhs_kurs") return VhsKursSchema();
  if (id == "vhs_belegung") return VhsBelegungSchema();
  return absl::NotFoundError(absl::StrCat("unknown dataset \"", id, "\""));
}

std::string SchemaText(const v1::DatasetSchema& schema) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetUseUtf8StringEscaping(true);
  std::string body;
  printer.PrintToString(schema, &body);
  return absl::StrCat("# proto-file: cellgate/v1/dataset.proto\n",
                      "# proto-message: cellgate.v1.DatasetSchema\n",
                      "# Musterstadt demo dataset \"", schema.id(),
                      "\", written by cellgate-musterstadt. Synthetic data.\n", body);
}

std::vector<std::string> ColumnNames(const v1::DatasetSchema& schema) {
  std::vector<std::string> names;
  for (const v1::ColumnSchema& column : schema.columns()) names.push_back(column.name());
  return names;
}

}  // namespace cellgate::demo
