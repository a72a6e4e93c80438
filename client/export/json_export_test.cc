#include "client/export/json_export.h"

#include <string>

#include "client/testing/test_tables.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::PulledLeaversTable;
using ::cellgate::client::testing::PulledShareTable;
using ::testing::HasSubstr;
using ::testing::Not;

ExportOptions Options() { return {"bericht", "Bericht", "Bildungsbüro", v1::SYMBOL_SET_DIN_55301}; }

TEST(JsonExportTest, WritesTheDocumentedSchemaByteForByte) {
  EXPECT_EQ(
      ExportJson(PulledLeaversTable(), Options()),
      "{\n"
      "\"schema\":\"cellgate.table/1\",\n"
      "\"manifest\":{\"id\":\"bericht\",\"title\":\"Bericht\",\"publisher\":\"Bildungsbüro\"},\n"
      "\"table\":{\"id\":\"abschluesse\",\"title\":\"Schulabgänger nach Abschlussart\","
      "\"footnotes\":[\"Abgänger öffentlicher Schulen\"]},\n"
      "\"provenance\":{\"release_id\":\"rel-1\",\"audit_seq\":42,\"dataset\":\"abgang\","
      "\"dataset_version\":3,\"dataset_version_hash\":\"abc123\",\"policy_id\":\"abgang-standard\","
      "\"policy_version\":2,\"policy_hash\":\"def456\",\"manifest_sha256\":\"m0\"},\n"
      "\"symbols\":{\"set\":\"din55301\",\"legend\":["
      "{\"status\":\"zero\",\"symbol\":\"–\",\"meaning\":\"nichts vorhanden (genau null)\"},"
      "{\"status\":\"suppressed\",\"symbol\":\".\",\"meaning\":\"Zahlenwert geheim zu halten "
      "(Schutz von Einzelangaben)\"},"
      "{\"status\":\"not_applicable\",\"symbol\":\"x\",\"meaning\":\"Tabellenfach gesperrt, weil "
      "Aussage nicht sinnvoll\"},"
      "{\"status\":\"unreliable\",\"symbol\":\"/\",\"meaning\":\"keine Angabe, da Zahlenwert nicht "
      "sicher genug\"}]},\n"
      "\"dimensions\":["
      "{\"id\":\"abgangsjahr\",\"label\":\"Abgangsjahr\",\"level\":\"\",\"entries\":["
      "{\"code\":\"2025\",\"label\":\"2025\",\"level\":\"abgangsjahr\",\"parent\":null,\"total\":false}]},"
      "{\"id\":\"abschluss\",\"label\":\"Abschlussart\",\"level\":\"\",\"entries\":["
      "{\"code\":\"_T\",\"label\":\"Insgesamt\",\"level\":\"\",\"parent\":null,\"total\":true},"
      "{\"code\":\"ohne_BR\",\"label\":\"ohne Berufsreife\",\"level\":\"abschluss\",\"parent\":0,\"total\":false},"
      "{\"code\":\"BR\",\"label\":\"Berufsreife\",\"level\":\"abschluss\",\"parent\":0,\"total\":false},"
      "{\"code\":\"AHR\",\"label\":\"allgemeine Hochschulreife\",\"level\":\"abschluss\",\"parent\":0,"
      "\"total\":false}]}],\n"
      "\"measures\":["
      "{\"id\":\"count\",\"kind\":\"count\",\"column\":null,\"label\":\"Anzahl\",\"display_decimals\":0,"
      "\"share_of\":null,\"denominator\":null,\"derived_on_client\":false},"
      "{\"id\":\"mean:alter\",\"kind\":\"mean\",\"column\":\"alter\",\"label\":\"Alter (Mittel)\","
      "\"display_decimals\":1,\"share_of\":null,\"denominator\":null,\"derived_on_client\":false}],\n"
      "\"cells\":[\n"
      "{\"codes\":[\"2025\",\"_T\"],\"values\":[1234,18.26],\"statuses\":[\"published\",\"published\"]},\n"
      "{\"codes\":[\"2025\",\"ohne_BR\"],\"values\":[null,null],\"statuses\":[\"suppressed\",\"suppressed\"]},\n"
      "{\"codes\":[\"2025\",\"BR\"],\"values\":[null,null],\"statuses\":[\"zero\",\"not_applicable\"]},\n"
      "{\"codes\":[\"2025\",\"AHR\"],\"values\":[1100,19.04],\"statuses\":[\"published\",\"unreliable\"]}\n"
      "]\n"
      "}\n");
}

TEST(JsonExportTest, DescribesAShareMeasureAndGivesItsValuesOneDecimal) {
  const std::string out = ExportJson(PulledShareTable(), Options());
  EXPECT_THAT(out, HasSubstr(
      "\"measures\":["
      "{\"id\":\"count\",\"kind\":\"count\",\"column\":null,\"label\":\"Anzahl\",\"display_decimals\":0,"
      "\"share_of\":null,\"denominator\":null,\"derived_on_client\":false},"
      "{\"id\":\"share:mh=ja\",\"kind\":\"share\",\"column\":null,\"label\":\"Anteil mh = ja in %\","
      "\"display_decimals\":1,\"share_of\":{\"dimension\":\"mh\",\"level\":\"\",\"codes\":[\"ja\"]},"
      "\"denominator\":null,\"derived_on_client\":false}],\n"
      "\"cells\":[\n"
      "{\"codes\":[\"2025/26\",\"_T\"],\"values\":[1234,33.3],\"statuses\":[\"published\",\"published\"]},\n"
      "{\"codes\":[\"2025/26\",\"GS\"],\"values\":[null,null],\"statuses\":[\"suppressed\",\"suppressed\"]},\n"
      "{\"codes\":[\"2025/26\",\"FOES\"],\"values\":[null,null],\"statuses\":[\"zero\",\"not_applicable\"]},\n"
      "{\"codes\":[\"2025/26\",\"IGS\"],\"values\":[600,20.8],\"statuses\":[\"published\",\"published\"]}\n"
      "]\n"));
  google::protobuf::Struct doc;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &doc).ok());
}

TEST(JsonExportTest, IsValidJsonWithValuesAndStatusesApart) {
  google::protobuf::Struct doc;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  ExportJson(PulledLeaversTable(), Options()), &doc)
                  .ok());
  const auto& cells = doc.fields().at("cells").list_value();
  ASSERT_EQ(cells.values_size(), 4);
  const auto& suppressed = cells.values(1).struct_value().fields();
  EXPECT_TRUE(suppressed.at("values").list_value().values(0).has_null_value());
  EXPECT_EQ(suppressed.at("statuses").list_value().values(0).string_value(), "suppressed");
  EXPECT_EQ(doc.fields().at("provenance").struct_value().fields().at("release_id").string_value(),
            "rel-1");
}

TEST(JsonExportTest, EscapesQuotesNewlinesAndMarkup) {
  v1::PulledTable pulled = PulledLeaversTable();
  pulled.mutable_table()->set_title("a \"b\"\n</script><script>c\\");
  const std::string out = ExportJson(pulled, Options());
  EXPECT_THAT(out, HasSubstr(
                       "\"title\":\"a \\\"b\\\"\\n\\u003c/script\\u003e\\u003cscript\\u003ec\\\\\""));
  EXPECT_THAT(out, Not(HasSubstr("<")));
}

TEST(JsonExportTest, JsonStringEscapesControlCharacters) {
  EXPECT_EQ(JsonString(std::string("a\x01\tb", 4)), "\"a\\u0001\\tb\"");
  EXPECT_EQ(JsonString("Äpfel & Öl"), "\"Äpfel \\u0026 Öl\"");
}

}  // namespace
}  // namespace cellgate::client
