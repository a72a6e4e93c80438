#include "client/report/audit_columns.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::testing::HasSubstr;

// A release by a principal whose name needs every kind of quoting.
v1::ExportedRecord Release() {
  v1::ExportedRecord out;
  v1::AuditRecord& r = *out.mutable_record();
  r.set_seq(17);
  r.set_record_type(v1::RELEASE);
  r.set_time_utc("2026-11-22T10:15:00.123Z");
  r.set_release_id("5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b");
  v1::Requester& who = *r.mutable_requester();
  who.set_principal("Müller, \"Kalle\"\nSchulamt");
  who.set_department("schulamt");
  who.set_role("analyst");
  r.set_purpose("bildungsbericht");
  r.set_legal_basis("schulg_rlp_67");
  r.set_justification("=HYPERLINK(\"x\")");
  r.set_dataset("abgang");
  r.set_dataset_version(3);
  r.set_dataset_version_hash("d1");
  r.set_policy_id("abgang-standard");
  r.set_policy_version(2);
  r.set_policy_hash("p1");
  v1::Query& q = *r.mutable_query();
  q.set_dataset("abgang");
  q.add_group_by()->set_dimension("abschluss");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  q.set_purpose("bildungsbericht");
  q.set_legal_basis("schulg_rlp_67");
  r.set_query_hash("q1");
  r.set_decision(v1::RELEASED);
  r.add_reason_codes("threshold");
  r.add_reason_codes("secondary");
  v1::ReleaseCounts& c = *r.mutable_counts();
  c.set_cells(12);
  c.set_published(8);
  c.set_zero(1);
  c.set_suppressed_primary(2);
  c.set_suppressed_secondary(1);
  r.set_released_table_sha256("t1");
  r.mutable_ledger_audit()->set_linked_releases(4);
  r.set_build_version("cellgate 0.1.0");
  out.set_leaf_hash("l1");
  return out;
}

// A refusal: no table, no counts, no policy.
v1::ExportedRecord Refusal() {
  v1::ExportedRecord out;
  v1::AuditRecord& r = *out.mutable_record();
  r.set_seq(18);
  r.set_record_type(v1::REFUSAL);
  r.set_time_utc("2026-11-22T10:16:00.000Z");
  r.set_release_id("00000000000000000000000000000001");
  r.mutable_requester()->set_principal("jugendamt-analyst");
  r.mutable_requester()->set_department("jugendamt");
  r.set_purpose("werbung");
  r.set_dataset("abgang");
  r.set_decision(v1::REFUSED);
  r.add_reason_codes("permission_denied");
  r.set_reason("purpose \"werbung\" is not granted");
  out.set_leaf_hash("l2");
  return out;
}

TEST(AuditColumnsTest, CsvHeaderNamesEveryColumnInOrder) {
  EXPECT_EQ(AuditCsvHeader(),
            "seq,time_utc,type,release_id,client_request_id,principal,department,role,"
            "certificate_identity,cert_sha256,peer,purpose,legal_basis,justification,dataset,"
            "dataset_version,dataset_version_hash,policy_id,policy_version,policy_hash,"
            "access_policy_hash,query,query_hash,decision,reason_codes,reason,cells,published,"
            "zero,suppressed_primary,suppressed_secondary,not_applicable,released_table_sha256,"
            "linked_releases,source_name,source_sha256,row_count,detail,build_version,"
            "leaf_hash,redacted,unreadable\r\n");
}

TEST(AuditColumnsTest, CsvRowQuotesCommaQuoteAndNewlineAndKeepsUmlauts) {
  EXPECT_EQ(AuditCsvRow(Release()),
            "17,2026-11-22T10:15:00.123Z,release,5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b,,"
            "\"Müller, \"\"Kalle\"\"\nSchulamt\",schulamt,analyst,,,,bildungsbericht,"
            "schulg_rlp_67,\"'=HYPERLINK(\"\"x\"\")\",abgang,3,d1,abgang-standard,2,p1,,"
            "--dataset abgang --by abschluss --measure count --purpose bildungsbericht "
            "--legal-basis schulg_rlp_67,q1,released,\"threshold;secondary\",,12,8,1,2,1,0,t1,4,,,,,"
            "cellgate 0.1.0,l1,,\r\n");
}

TEST(AuditColumnsTest, CsvRowOfARefusalLeavesTheTableColumnsEmpty) {
  EXPECT_EQ(AuditCsvRow(Refusal()),
            "18,2026-11-22T10:16:00.000Z,refusal,00000000000000000000000000000001,,"
            "jugendamt-analyst,jugendamt,,,,,werbung,,,abgang,,,,,,,,,refused,"
            "permission_denied,\"purpose \"\"werbung\"\" is not granted\",,,,,,,,,,,,,,l2,,\r\n");
}

TEST(AuditColumnsTest, JsonLineCarriesSchemaTextsUnchangedAndNumbersAsNumbers) {
  EXPECT_EQ(
      AuditJsonLine(Release()),
      "{\"schema\":\"cellgate.audit-record/1\",\"seq\":17,\"time_utc\":\"2026-11-22T10:15:00.123Z\","
      "\"type\":\"release\",\"release_id\":\"5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b\","
      "\"client_request_id\":\"\",\"principal\":\"Müller, \\\"Kalle\\\"\\nSchulamt\","
      "\"department\":\"schulamt\",\"role\":\"analyst\",\"certificate_identity\":\"\","
      "\"cert_sha256\":\"\",\"peer\":\"\",\"purpose\":\"bildungsbericht\","
      "\"legal_basis\":\"schulg_rlp_67\",\"justification\":\"=HYPERLINK(\\\"x\\\")\","
      "\"dataset\":\"abgang\",\"dataset_version\":3,\"dataset_version_hash\":\"d1\","
      "\"policy_id\":\"abgang-standard\",\"policy_version\":2,\"policy_hash\":\"p1\","
      "\"access_policy_hash\":\"\",\"query\":\"--dataset abgang --by abschluss --measure count "
      "--purpose bildungsbericht --legal-basis schulg_rlp_67\",\"query_hash\":\"q1\","
      "\"decision\":\"released\",\"reason_codes\":[\"threshold\",\"secondary\"],\"reason\":\"\","
      "\"cells\":12,\"published\":8,\"zero\":1,\"suppressed_primary\":2,"
      "\"suppressed_secondary\":1,\"not_applicable\":0,\"released_table_sha256\":\"t1\","
      "\"linked_releases\":4,\"source_name\":\"\",\"source_sha256\":\"\",\"row_count\":null,"
      "\"detail\":\"\",\"build_version\":\"cellgate 0.1.0\",\"leaf_hash\":\"l1\","
      "\"redacted\":[],\"unreadable\":[]}\n");
}

TEST(AuditColumnsTest, JsonLineOfARefusalHasNullCountsAndNoTableDigest) {
  const std::string line = AuditJsonLine(Refusal());
  EXPECT_THAT(line, HasSubstr("\"decision\":\"refused\",\"reason_codes\":[\"permission_denied\"]"));
  EXPECT_THAT(line, HasSubstr("\"dataset_version\":null"));
  EXPECT_THAT(line, HasSubstr("\"policy_version\":null"));
  EXPECT_THAT(line, HasSubstr("\"cells\":null,\"published\":null,\"zero\":null"));
  EXPECT_THAT(line, HasSubstr("\"released_table_sha256\":\"\",\"linked_releases\":null"));
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line
}

TEST(AuditColumnsTest, JsonEscapesMarkupSoALineCanBeEmbeddedInAPage) {
  v1::ExportedRecord r = Refusal();
  r.mutable_record()->mutable_requester()->set_principal("<script>alert(1)</script>");
  const std::string line = AuditJsonLine(r);
  EXPECT_THAT(line, HasSubstr("\\u003cscript\\u003e"));
  EXPECT_EQ(line.find("<script>"), std::string::npos);
}

TEST(AuditColumnsTest, InvalidUtf8BecomesAReplacementCharacter) {
  v1::ExportedRecord r = Refusal();
  r.mutable_record()->set_reason(std::string("bad \xff byte"));
  EXPECT_THAT(AuditJsonLine(r), HasSubstr("bad \xEF\xBF\xBD byte"));
  EXPECT_THAT(AuditCsvRow(r), HasSubstr("bad \xEF\xBF\xBD byte"));
}

// Format 2 (ADR 0005): a detail deleted by retention or unreadable leaves
// its fields empty; the export says which, so that an empty principal is
// not read as "nobody".
TEST(AuditColumnsTest, RedactedAndUnreadableDetailsAreNamedNotLeftLookingEmpty) {
  v1::ExportedRecord r = Refusal();
  r.mutable_record()->mutable_requester()->clear_principal();
  v1::DetailStatus* identity = r.add_details();
  identity->set_kind(v1::IDENTITY);
  identity->set_state(v1::DetailStatus::DETAIL_REDACTED);
  v1::DetailStatus* content = r.add_details();
  content->set_kind(v1::CONTENT);
  content->set_state(v1::DetailStatus::DETAIL_UNREADABLE);
  const std::string line = AuditJsonLine(r);
  EXPECT_THAT(line, HasSubstr("\"principal\":\"\","));
  EXPECT_THAT(line, HasSubstr("\"redacted\":[\"identity\"],\"unreadable\":[\"content\"]}"));
  EXPECT_THAT(AuditCsvRow(r), HasSubstr(",l2,identity,content\r\n"));
  content->set_state(v1::DetailStatus::DETAIL_PRESENT);
  EXPECT_THAT(AuditJsonLine(r), HasSubstr("\"redacted\":[\"identity\"],\"unreadable\":[]}"));
}

TEST(AuditColumnsTest, EveryColumnHasOneValue) {
  EXPECT_EQ(AuditValues(Release()).size(), AuditColumns().size());
  EXPECT_EQ(AuditValues(Refusal()).size(), AuditColumns().size());
}

}  // namespace
}  // namespace cellgate::client
