#include "client/export/csv_export.h"

#include <string>

#include "client/testing/test_tables.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::PulledLeaversTable;
using ::cellgate::client::testing::PulledShareTable;
using ::testing::HasSubstr;
using ::testing::Not;

ExportOptions Options(v1::SymbolSet symbols = v1::SYMBOL_SET_DIN_55301) {
  return {"bericht", "Bericht", "Bildungsbüro", symbols};
}

TEST(CsvExportTest, CsvIsLongFormatWithStatusAndReleaseOnEveryLine) {
  EXPECT_EQ(ExportCsv(PulledLeaversTable()),
            "table_id,release_id,dataset,dataset_version,policy_id,policy_version,"
            "abgangsjahr,abschluss,abgangsjahr_label,abschluss_label,measure,value,status\r\n"
            "abschluesse,rel-1,abgang,3,abgang-standard,2,2025,_T,2025,Insgesamt,count,1234,published\r\n"
            "abschluesse,rel-1,abgang,3,abgang-standard,2,2025,_T,2025,Insgesamt,mean:alter,18.26,published\r\n"
            "abschluesse,rel-1,abgang,3,abgang-standard,2,2025,ohne_BR,2025,ohne Berufsreife,count,,suppressed\r\n"
            "abschluesse,rel-1,abgang,3,abgang-standard,2,2025,ohne_BR,2025,ohne Berufsreife,mean:alter,,suppressed\r\n"
            "abschluesse,rel-1,abgang,3,abgang-standard,2,2025,BR,2025,Berufsreife,count,,zero\r\n"
            "abschluesse,rel-1,abgang,3,abgang-standard,2,2025,BR,2025,Berufsreife,mean:alter,,not_applicable\r\n"
            "abschluesse,rel-1,abgang,3,abgang-standard,2,2025,AHR,2025,allgemeine Hochschulreife,count,1100,published\r\n"
            "abschluesse,rel-1,abgang,3,abgang-standard,2,2025,AHR,2025,allgemeine Hochschulreife,mean:alter,19.04,unreliable\r\n");
}

TEST(CsvExportTest, CsvDeHasBomSemicolonsDecimalCommaSymbolsAndLegend) {
  EXPECT_EQ(ExportCsvDe(PulledLeaversTable(), Options()),
            "\xEF\xBB\xBFSchulabgänger nach Abschlussart\r\n"
            "\r\n"
            "Abgangsjahr;Abschlussart;Anzahl;Alter (Mittel)\r\n"
            "2025;Insgesamt;1234;18,3\r\n"
            "2025;ohne Berufsreife;.;.\r\n"
            "2025;Berufsreife;–;x\r\n"
            "2025;allgemeine Hochschulreife;1100;/\r\n"
            "\r\n"
            "Zeichenerklärung\r\n"
            "–;nichts vorhanden (genau null)\r\n"
            ".;Zahlenwert geheim zu halten (Schutz von Einzelangaben)\r\n"
            "x;Tabellenfach gesperrt, weil Aussage nicht sinnvoll\r\n"
            "/;keine Angabe, da Zahlenwert nicht sicher genug\r\n"
            "\r\n"
            "Abgänger öffentlicher Schulen\r\n"
            "\r\n"
            "Quelle;Bildungsbüro\r\n"
            "Release-ID;rel-1\r\n"
            "Eintrag im Freigabeprotokoll;42\r\n"
            "Datensatz;abgang\r\n"
            "Datensatzversion;3\r\n"
            "Versionskennung;abc123\r\n"
            "Regelwerk;abgang-standard\r\n"
            "Regelwerksversion;2\r\n"
            "Regelwerkskennung;def456\r\n"
            "Manifest (SHA-256);m0\r\n");
}

TEST(CsvExportTest, CsvDeWithLetterCodes) {
  const std::string out = ExportCsvDe(PulledLeaversTable(), Options(v1::SYMBOL_SET_LETTERS));
  EXPECT_THAT(out, HasSubstr("2025;ohne Berufsreife;g;g\r\n"));
  EXPECT_THAT(out, HasSubstr("2025;Berufsreife;k;x\r\n"));
  EXPECT_THAT(out, HasSubstr("2025;allgemeine Hochschulreife;1100;u\r\n"));
  EXPECT_THAT(out, HasSubstr("g;Zahlenwert geheim zu halten"));
  EXPECT_THAT(out, Not(HasSubstr(";.;")));
}

TEST(CsvExportTest, CsvDeQuotesAndDefusesHostileLabels) {
  v1::PulledTable pulled = PulledLeaversTable();
  pulled.mutable_response()->mutable_table()->mutable_axes(1)->mutable_entries(1)->set_label(
      "=HYPERLINK(\"x\");<script>\nneu");
  const std::string out = ExportCsvDe(pulled, Options());
  EXPECT_THAT(out, HasSubstr("2025;\"'=HYPERLINK(\"\"x\"\");<script>\nneu\";.;.\r\n"));
}

TEST(CsvExportTest, CsvQuotesCommasQuotesAndNewlines) {
  v1::PulledTable pulled = PulledLeaversTable();
  pulled.mutable_response()->mutable_table()->mutable_axes(1)->mutable_entries(3)->set_label(
      "a,b \"c\"\r\nd");
  EXPECT_THAT(ExportCsv(pulled), HasSubstr(",AHR,2025,\"a,b \"\"c\"\"\r\nd\",count,1100,"));
}

TEST(CsvExportTest, FfcsvHasTimeVariablesValueAndQualityFlag) {
  EXPECT_EQ(ExportFfcsv(PulledLeaversTable(), Options()),
            "statistics_code;statistics_label;release_id;dataset_version;policy_version;"
            "time_code;time_label;time;1_variable_code;1_variable_label;"
            "1_variable_attribute_code;1_variable_attribute_label;value_variable_code;"
            "value_variable_label;value;value_unit;value_q\r\n"
            "abschluesse;Schulabgänger nach Abschlussart;rel-1;abgang@3;abgang-standard@2;"
            "abgangsjahr;Abgangsjahr;2025;abschluss;Abschlussart;_T;Insgesamt;count;Anzahl;1234;Anzahl;\r\n"
            "abschluesse;Schulabgänger nach Abschlussart;rel-1;abgang@3;abgang-standard@2;"
            "abgangsjahr;Abgangsjahr;2025;abschluss;Abschlussart;_T;Insgesamt;mean:alter;Alter (Mittel);18,3;;\r\n"
            "abschluesse;Schulabgänger nach Abschlussart;rel-1;abgang@3;abgang-standard@2;"
            "abgangsjahr;Abgangsjahr;2025;abschluss;Abschlussart;ohne_BR;ohne Berufsreife;count;Anzahl;;Anzahl;.\r\n"
            "abschluesse;Schulabgänger nach Abschlussart;rel-1;abgang@3;abgang-standard@2;"
            "abgangsjahr;Abgangsjahr;2025;abschluss;Abschlussart;ohne_BR;ohne Berufsreife;mean:alter;Alter (Mittel);;;.\r\n"
            "abschluesse;Schulabgänger nach Abschlussart;rel-1;abgang@3;abgang-standard@2;"
            "abgangsjahr;Abgangsjahr;2025;abschluss;Abschlussart;BR;Berufsreife;count;Anzahl;;Anzahl;–\r\n"
            "abschluesse;Schulabgänger nach Abschlussart;rel-1;abgang@3;abgang-standard@2;"
            "abgangsjahr;Abgangsjahr;2025;abschluss;Abschlussart;BR;Berufsreife;mean:alter;Alter (Mittel);;;x\r\n"
            "abschluesse;Schulabgänger nach Abschlussart;rel-1;abgang@3;abgang-standard@2;"
            "abgangsjahr;Abgangsjahr;2025;abschluss;Abschlussart;AHR;allgemeine Hochschulreife;count;Anzahl;1100;Anzahl;\r\n"
            "abschluesse;Schulabgänger nach Abschlussart;rel-1;abgang@3;abgang-standard@2;"
            "abgangsjahr;Abgangsjahr;2025;abschluss;Abschlussart;AHR;allgemeine Hochschulreife;mean:alter;Alter (Mittel);;;/\r\n");
}

// 411 / 1234 = 33.306…%, 125 / 600 = 20.833…%.
TEST(CsvExportTest, CsvShowsAShareWithOneDecimal) {
  EXPECT_EQ(ExportCsv(PulledShareTable()),
            "table_id,release_id,dataset,dataset_version,policy_id,policy_version,"
            "schuljahr,schule,schuljahr_label,schule_label,measure,value,status\r\n"
            "mh_schulart,rel-2,schueler,1,schueler-standard,1,2025/26,_T,2025/26,Insgesamt,count,1234,published\r\n"
            "mh_schulart,rel-2,schueler,1,schueler-standard,1,2025/26,_T,2025/26,Insgesamt,share:mh=ja,33.3,published\r\n"
            "mh_schulart,rel-2,schueler,1,schueler-standard,1,2025/26,GS,2025/26,Grundschule,count,,suppressed\r\n"
            "mh_schulart,rel-2,schueler,1,schueler-standard,1,2025/26,GS,2025/26,Grundschule,share:mh=ja,,suppressed\r\n"
            "mh_schulart,rel-2,schueler,1,schueler-standard,1,2025/26,FOES,2025/26,Förderschule,count,,zero\r\n"
            "mh_schulart,rel-2,schueler,1,schueler-standard,1,2025/26,FOES,2025/26,Förderschule,share:mh=ja,,not_applicable\r\n"
            "mh_schulart,rel-2,schueler,1,schueler-standard,1,2025/26,IGS,2025/26,Integrierte Gesamtschule,count,600,published\r\n"
            "mh_schulart,rel-2,schueler,1,schueler-standard,1,2025/26,IGS,2025/26,Integrierte Gesamtschule,share:mh=ja,20.8,published\r\n");
}

TEST(CsvExportTest, CsvDeShowsAShareWithADecimalCommaAndTheServersLabel) {
  const std::string out = ExportCsvDe(PulledShareTable(), Options());
  EXPECT_THAT(out, HasSubstr("\r\n"
                             "Schuljahr;Schule;Anzahl;Anteil mh = ja in %\r\n"
                             "2025/26;Insgesamt;1234;33,3\r\n"
                             "2025/26;Grundschule;.;.\r\n"
                             "2025/26;Förderschule;–;x\r\n"
                             "2025/26;Integrierte Gesamtschule;600;20,8\r\n"
                             "\r\nZeichenerklärung\r\n"));
  EXPECT_THAT(ExportCsvDe(PulledShareTable(), Options(v1::SYMBOL_SET_LETTERS)),
              HasSubstr("2025/26;Grundschule;g;g\r\n2025/26;Förderschule;k;x\r\n"));
}

TEST(CsvExportTest, FfcsvGivesAShareTheUnitPercent) {
  const std::string out = ExportFfcsv(PulledShareTable(), Options());
  const std::string prefix =
      "mh_schulart;Schüler mit Migrationshintergrund nach Schulart;rel-2;schueler@1;"
      "schueler-standard@1;schuljahr;Schuljahr;2025/26;schule;Schule;";
  EXPECT_THAT(out, HasSubstr(prefix + "_T;Insgesamt;share:mh=ja;Anteil mh = ja in %;33,3;Prozent;\r\n"));
  EXPECT_THAT(out, HasSubstr(prefix + "GS;Grundschule;share:mh=ja;Anteil mh = ja in %;;Prozent;.\r\n"));
  EXPECT_THAT(out, HasSubstr(prefix + "FOES;Förderschule;share:mh=ja;Anteil mh = ja in %;;Prozent;x\r\n"));
  EXPECT_THAT(out, HasSubstr(prefix + "IGS;Integrierte Gesamtschule;share:mh=ja;Anteil mh = ja in %;20,8;Prozent;\r\n"));
}

TEST(CsvExportTest, SpreadsheetTextPrefixesFormulaStarts) {
  EXPECT_EQ(SpreadsheetText("=1+1"), "'=1+1");
  EXPECT_EQ(SpreadsheetText("+49"), "'+49");
  EXPECT_EQ(SpreadsheetText("-x"), "'-x");
  EXPECT_EQ(SpreadsheetText("@SUM"), "'@SUM");
  EXPECT_EQ(SpreadsheetText("Altstadt"), "Altstadt");
  EXPECT_EQ(SpreadsheetText(""), "");
}

}  // namespace
}  // namespace cellgate::client
