// A hand-made query answer shared by the renderer tests: Stadtteil with a
// Sozialraum subtotal and the total, by Geschlecht; count, mean and sum with
// every status symbol; export tables with and without shares; and the fixed
// table of the golden files (client/testdata/golden/). TESTONLY.
#ifndef CELLGATE_CLIENT_TESTING_TEST_TABLES_H_
#define CELLGATE_CLIENT_TESTING_TEST_TABLES_H_

#include <string>
#include <utility>
#include <vector>

#include "cellgate/v1/data_service.pb.h"
#include "cellgate/v1/manifest.pb.h"

namespace cellgate::client::testing {

inline v1::AxisEntry* AddEntry(v1::Axis& axis, const std::string& code, const std::string& label,
                               const std::string& level, int parent) {
  v1::AxisEntry* entry = axis.add_entries();
  entry->set_code(code);
  entry->set_label(label);
  entry->set_level(level);
  entry->set_parent(parent);
  entry->set_is_total(code == "_T");
  return entry;
}

inline void AddMeasure(v1::ReleasedTable& table, v1::Measure::Kind kind, const std::string& column,
                       const std::string& label, int decimals) {
  v1::MeasureFacts* m = table.add_measures();
  m->mutable_measure()->set_kind(kind);
  m->mutable_measure()->set_column(column);
  m->set_label(label);
  m->set_decimals(decimals);
}

// Adds a cell; a value with status PUBLISHED or UNRELIABLE carries `value`.
inline void AddCell(v1::ReleasedTable& table, std::vector<std::string> codes,
                    std::vector<std::pair<v1::CellStatus, double>> values) {
  v1::ReleasedCell* cell = table.add_cells();
  for (std::string& code : codes) cell->add_codes(std::move(code));
  for (const auto& [status, value] : values) {
    v1::CellValue* v = cell->add_values();
    v->set_status(status);
    v->set_value(value);
  }
}

inline v1::QueryResponse SchoolTable() {
  v1::QueryResponse response;
  v1::ReleasedTable& t = *response.mutable_table();
  t.set_dataset("schule");
  t.set_dataset_version(3);
  t.set_dataset_version_hash("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  t.set_policy_id("schule-standard");
  t.set_policy_version(2);
  v1::Axis& area = *t.add_axes();
  area.set_dimension("stadtteil");
  area.set_label("Stadtteil");
  area.set_level("stadtteil");
  AddEntry(area, "_T", "Insgesamt", "", -1);
  AddEntry(area, "N", "Nord", "sozialraum", 0);
  AddEntry(area, "01", "Altstadt", "stadtteil", 1);
  AddEntry(area, "02", "Hafen", "stadtteil", 1);
  v1::Axis& sex = *t.add_axes();
  sex.set_dimension("sex");
  sex.set_label("Geschlecht");
  AddEntry(sex, "m", "männlich", "sex", -1);
  AddEntry(sex, "w", "weiblich", "sex", -1);
  AddMeasure(t, v1::Measure::COUNT, "", "Anzahl", 0);
  AddMeasure(t, v1::Measure::MEAN, "alter", "Alter (Mittel)", 0);
  AddMeasure(t, v1::Measure::SUM, "stunden", "Summe Stunden", 1);
  using S = v1::CellStatus;
  AddCell(t, {"_T", "m"}, {{S::PUBLISHED, 1234}, {S::PUBLISHED, 75.26}, {S::PUBLISHED, 12345.6}});
  AddCell(t, {"_T", "w"}, {{S::PUBLISHED, 1100}, {S::PUBLISHED, 74}, {S::PUBLISHED, 9876.5}});
  AddCell(t, {"N", "m"}, {{S::PUBLISHED, 600}, {S::PUBLISHED, 75}, {S::PUBLISHED, 6000}});
  AddCell(t, {"N", "w"}, {{S::ZERO, 0}, {S::NOT_APPLICABLE, 0}, {S::ZERO, 0}});
  AddCell(t, {"01", "m"}, {{S::SUPPRESSED, 0}, {S::SUPPRESSED, 0}, {S::SUPPRESSED, 0}});
  AddCell(t, {"01", "w"}, {{S::SUPPRESSED, 0}, {S::SUPPRESSED, 0}, {S::SUPPRESSED, 0}});
  AddCell(t, {"02", "m"}, {{S::PUBLISHED, 598}, {S::UNRELIABLE, 80.1}, {S::PUBLISHED, 5000.5}});
  AddCell(t, {"02", "w"}, {{S::ZERO, 0}, {S::NOT_APPLICABLE, 0}, {S::ZERO, 0}});
  response.mutable_receipt()->set_release_id("5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b");
  response.mutable_receipt()->set_seq(42);
  response.mutable_receipt()->set_leaf_hash(std::string(32, '\x01'));
  return response;
}

// A pulled table for the export tests: school leavers of 2025 by
// Abschlussart (total, then three codes), count and mean age, with a
// published, a suppressed, a zero / not applicable and an unreliable cell.
inline v1::PulledTable PulledLeaversTable() {
  v1::PulledTable pulled;
  v1::ManifestTable& spec = *pulled.mutable_table();
  spec.set_id("abschluesse");
  spec.set_title("Schulabgänger nach Abschlussart");
  spec.set_dataset("abgang");
  spec.mutable_years()->set_dimension("abgangsjahr");
  spec.mutable_years()->add_codes("2025");
  spec.add_footnotes("Abgänger öffentlicher Schulen");
  pulled.set_manifest_sha256("m0");
  v1::QueryResponse& r = *pulled.mutable_response();
  r.mutable_receipt()->set_release_id("rel-1");
  r.mutable_receipt()->set_seq(42);
  v1::ReleasedTable& t = *r.mutable_table();
  t.set_dataset("abgang");
  t.set_dataset_version(3);
  t.set_dataset_version_hash("abc123");
  t.set_policy_id("abgang-standard");
  t.set_policy_version(2);
  t.set_policy_hash("def456");
  v1::Axis& year = *t.add_axes();
  year.set_dimension("abgangsjahr");
  year.set_label("Abgangsjahr");
  AddEntry(year, "2025", "2025", "abgangsjahr", -1);
  v1::Axis& kind = *t.add_axes();
  kind.set_dimension("abschluss");
  kind.set_label("Abschlussart");
  AddEntry(kind, "_T", "Insgesamt", "", -1);
  AddEntry(kind, "ohne_BR", "ohne Berufsreife", "abschluss", 0);
  AddEntry(kind, "BR", "Berufsreife", "abschluss", 0);
  AddEntry(kind, "AHR", "allgemeine Hochschulreife", "abschluss", 0);
  AddMeasure(t, v1::Measure::COUNT, "", "Anzahl", 0);
  AddMeasure(t, v1::Measure::MEAN, "alter", "Alter (Mittel)", 0);
  using S = v1::CellStatus;
  AddCell(t, {"2025", "_T"}, {{S::PUBLISHED, 1234}, {S::PUBLISHED, 18.26}});
  AddCell(t, {"2025", "ohne_BR"}, {{S::SUPPRESSED, 0}, {S::SUPPRESSED, 0}});
  AddCell(t, {"2025", "BR"}, {{S::ZERO, 0}, {S::NOT_APPLICABLE, 0}});
  AddCell(t, {"2025", "AHR"}, {{S::PUBLISHED, 1100}, {S::UNRELIABLE, 19.04}});
  return pulled;
}

// A pulled table with a share column, for the export goldens: pupils of
// 2025 by Schulart (total, then three codes), the count and the server's
// share of mh = ja (411 of 1234; suppressed; an empty cell, not applicable;
// 125 of 600). The manifest entry asks for the share with share_of.
inline v1::PulledTable PulledShareTable() {
  v1::PulledTable pulled;
  v1::ManifestTable& spec = *pulled.mutable_table();
  spec.set_id("mh_schulart");
  spec.set_title("Schüler mit Migrationshintergrund nach Schulart");
  spec.set_dataset("schueler");
  spec.mutable_years()->set_dimension("schuljahr");
  spec.mutable_years()->add_codes("2025/26");
  spec.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Filter& condition = *spec.add_shares()->mutable_share_of();
  condition.set_dimension("mh");
  condition.add_codes("ja");
  pulled.set_manifest_sha256("m0");
  v1::QueryResponse& r = *pulled.mutable_response();
  r.mutable_receipt()->set_release_id("rel-2");
  r.mutable_receipt()->set_seq(43);
  v1::ReleasedTable& t = *r.mutable_table();
  t.set_dataset("schueler");
  t.set_dataset_version(1);
  t.set_dataset_version_hash("abc123");
  t.set_policy_id("schueler-standard");
  t.set_policy_version(1);
  t.set_policy_hash("def456");
  v1::Axis& year = *t.add_axes();
  year.set_dimension("schuljahr");
  year.set_label("Schuljahr");
  AddEntry(year, "2025/26", "2025/26", "schuljahr", -1);
  v1::Axis& kind = *t.add_axes();
  kind.set_dimension("schule");
  kind.set_label("Schule");
  kind.set_level("schulart");
  AddEntry(kind, "_T", "Insgesamt", "", -1);
  AddEntry(kind, "GS", "Grundschule", "schulart", 0);
  AddEntry(kind, "FOES", "Förderschule", "schulart", 0);
  AddEntry(kind, "IGS", "Integrierte Gesamtschule", "schulart", 0);
  AddMeasure(t, v1::Measure::COUNT, "", "Anzahl", 0);
  AddMeasure(t, v1::Measure::SHARE, "", "Anteil mh = ja in %", 1);
  *t.mutable_measures(1)->mutable_measure()->mutable_share_of() = condition;
  using S = v1::CellStatus;
  AddCell(t, {"2025/26", "_T"}, {{S::PUBLISHED, 1234}, {S::PUBLISHED, 100.0 * 411 / 1234}});
  AddCell(t, {"2025/26", "GS"}, {{S::SUPPRESSED, 0}, {S::SUPPRESSED, 0}});
  AddCell(t, {"2025/26", "FOES"}, {{S::ZERO, 0}, {S::NOT_APPLICABLE, 0}});
  AddCell(t, {"2025/26", "IGS"}, {{S::PUBLISHED, 600}, {S::PUBLISHED, 100.0 * 125 / 600}});
  return pulled;
}

// The fixed table of the golden files of every export format
// (client/testdata/golden/): school leavers of 2024 and 2025 by
// Abschlussart (with the total and a Förderschulabschluss) and Geschlecht;
// the count, the mean age with one decimal, and the share of each
// Abschlussart derived on the client. It holds published, suppressed, zero,
// not applicable, unreliable and rounded cells, umlauts, thousands and
// decimal commas. The answer is as the server sends it (two measures); the
// exports go through ExportView.
inline v1::PulledTable PulledGoldenTable() {
  v1::PulledTable pulled;
  v1::ManifestTable& spec = *pulled.mutable_table();
  spec.set_id("abschluesse");
  spec.set_title("Schulabgängerinnen und Schulabgänger nach Abschlussart und Geschlecht");
  spec.set_dataset("abgang");
  spec.mutable_years()->set_dimension("abgangsjahr");
  spec.mutable_years()->add_codes("2024");
  spec.mutable_years()->add_codes("2025");
  spec.add_group_by()->set_dimension("abschluss");
  spec.add_group_by()->set_dimension("sex");
  spec.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Measure& mean = *spec.add_measures();
  mean.set_kind(v1::Measure::MEAN);
  mean.set_column("alter");
  v1::ShareMeasure& share = *spec.add_shares();
  share.set_of_dimension("abschluss");
  share.set_label("Anteil an allen Abschlüssen (%)");
  spec.add_footnotes("Öffentliche und private Schulen; ohne Zweiten Bildungsweg.");
  spec.add_formats("csv");
  pulled.set_table_sha256("t0");
  pulled.set_manifest_sha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  v1::QueryResponse& r = *pulled.mutable_response();
  r.mutable_receipt()->set_release_id("74ed4558c1f34b1e9d0a6c2f8b3e5d71");
  r.mutable_receipt()->set_seq(1207);
  v1::ReleasedTable& t = *r.mutable_table();
  t.set_dataset("abgang");
  t.set_dataset_version(3);
  t.set_dataset_version_hash("3f0c8e1a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e");
  t.set_policy_id("abgang-standard");
  t.set_policy_version(2);
  t.set_policy_hash("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");
  v1::Axis& year = *t.add_axes();
  year.set_dimension("abgangsjahr");
  year.set_label("Abgangsjahr");
  AddEntry(year, "2024", "2024", "abgangsjahr", -1);
  AddEntry(year, "2025", "2025", "abgangsjahr", -1);
  v1::Axis& kind = *t.add_axes();
  kind.set_dimension("abschluss");
  kind.set_label("Abschlussart");
  AddEntry(kind, "_T", "Insgesamt", "", -1);
  AddEntry(kind, "ohne_BR", "ohne Berufsreife", "abschluss", 0);
  AddEntry(kind, "FOES", "Förderschulabschluss", "abschluss", 0);
  AddEntry(kind, "AHR", "allgemeine Hochschulreife", "abschluss", 0);
  v1::Axis& sex = *t.add_axes();
  sex.set_dimension("sex");
  sex.set_label("Geschlecht");
  AddEntry(sex, "_T", "Insgesamt", "", -1);
  AddEntry(sex, "m", "männlich", "sex", 0);
  AddEntry(sex, "w", "weiblich", "sex", 0);
  AddMeasure(t, v1::Measure::COUNT, "", "Anzahl", 0);
  AddMeasure(t, v1::Measure::MEAN, "alter", "Alter (Mittel)", 1);
  using S = v1::CellStatus;
  const std::pair<S, double> kSecret = {S::SUPPRESSED, 0};
  AddCell(t, {"2024", "_T", "_T"}, {{S::PUBLISHED, 1180}, {S::PUBLISHED, 18.61}});
  AddCell(t, {"2024", "_T", "m"}, {{S::PUBLISHED, 602}, {S::PUBLISHED, 18.7}});
  AddCell(t, {"2024", "_T", "w"}, {{S::PUBLISHED, 578}, {S::PUBLISHED, 18.52}});
  AddCell(t, {"2024", "ohne_BR", "_T"}, {{S::ROUNDED, 45}, {S::PUBLISHED, 17.9}});
  AddCell(t, {"2024", "ohne_BR", "m"}, {{S::ROUNDED, 30}, {S::PUBLISHED, 17.83}});
  AddCell(t, {"2024", "ohne_BR", "w"}, {{S::ROUNDED, 15}, {S::UNRELIABLE, 18.07}});
  AddCell(t, {"2024", "FOES", "_T"}, {{S::PUBLISHED, 14}, {S::PUBLISHED, 17.4}});
  AddCell(t, {"2024", "FOES", "m"}, {kSecret, kSecret});
  AddCell(t, {"2024", "FOES", "w"}, {kSecret, kSecret});
  AddCell(t, {"2024", "AHR", "_T"}, {{S::PUBLISHED, 512}, {S::PUBLISHED, 19.24}});
  AddCell(t, {"2024", "AHR", "m"}, {{S::PUBLISHED, 230}, {S::PUBLISHED, 19.31}});
  AddCell(t, {"2024", "AHR", "w"}, {{S::PUBLISHED, 282}, {S::PUBLISHED, 19.18}});
  AddCell(t, {"2025", "_T", "_T"}, {{S::PUBLISHED, 1234}, {S::PUBLISHED, 18.26}});
  AddCell(t, {"2025", "_T", "m"}, {{S::PUBLISHED, 640}, {S::PUBLISHED, 18.3}});
  AddCell(t, {"2025", "_T", "w"}, {{S::PUBLISHED, 594}, {S::PUBLISHED, 18.22}});
  AddCell(t, {"2025", "ohne_BR", "_T"}, {{S::ROUNDED, 40}, {S::PUBLISHED, 17.75}});
  AddCell(t, {"2025", "ohne_BR", "m"}, {{S::ROUNDED, 40}, {S::PUBLISHED, 17.75}});
  AddCell(t, {"2025", "ohne_BR", "w"}, {{S::ZERO, 0}, {S::NOT_APPLICABLE, 0}});
  AddCell(t, {"2025", "FOES", "_T"}, {kSecret, kSecret});
  AddCell(t, {"2025", "FOES", "m"}, {kSecret, kSecret});
  AddCell(t, {"2025", "FOES", "w"}, {{S::PUBLISHED, 11}, {S::UNRELIABLE, 17.1}});
  AddCell(t, {"2025", "AHR", "_T"}, {{S::PUBLISHED, 1100}, {S::PUBLISHED, 19.04}});
  AddCell(t, {"2025", "AHR", "m"}, {{S::PUBLISHED, 548}, {S::PUBLISHED, 19.12}});
  AddCell(t, {"2025", "AHR", "w"}, {{S::PUBLISHED, 552}, {S::PUBLISHED, 18.96}});
  return pulled;
}

}  // namespace cellgate::client::testing

#endif  // CELLGATE_CLIENT_TESTING_TEST_TABLES_H_
