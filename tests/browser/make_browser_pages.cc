// make_browser_pages OUT_DIR: writes the two HTML pages the browser checks
// load, made by the real commands from fixed inputs through a fake
// connection (no server, nothing committed):
//   OUT_DIR/audit-report.html  `cellgate audit report` over a fixed log of 9
//                              records, two of them carrying markup in the
//                              principal and in a reason;
//   OUT_DIR/bericht.html       `cellgate pull` of a manifest with two tables
//                              (the export tests' tables) and a pending one.
// Exit code 0 on success; the error on stderr otherwise. TESTONLY.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli_flags.h"
#include "client/commands/audit_review_commands.h"
#include "client/commands/pull_command.h"
#include "client/testing/fake_connection.h"
#include "client/testing/test_tables.h"
#include "common/status_macros.h"

namespace cellgate::client {
namespace {

constexpr char kManifest[] = R"pb(
  id: "bericht"
  title: "Bildungsbericht 2025 (Browserprüfung)"
  publisher: "Bildungsbüro Musterstadt"
  purpose: "bildungsbericht"
  legal_basis: "schulg_rlp_67"
  formats: [ "html" ]
  tables {
    id: "abschluesse"
    title: "Schulabgänger nach Abschlussart"
    dataset: "abgang"
    years { dimension: "abgangsjahr" codes: "2025" }
    group_by { dimension: "abschluss" }
    measures { kind: COUNT }
    measures { kind: MEAN column: "alter" }
  }
  tables {
    id: "mh_schulart"
    title: "Schüler mit Migrationshintergrund nach Schulart"
    dataset: "schueler"
    years { dimension: "schuljahr" codes: "2025/26" }
    group_by { dimension: "schule" level: "schulart" }
    measures { kind: COUNT }
    shares { share_of { dimension: "mh" codes: "ja" } }
  }
  tables {
    id: "vhs"
    title: "Volkshochschule: Belegungen"
    dataset: "vhs_belegung"
    years { dimension: "arbeitsjahr" codes: "2025" }
    measures { kind: COUNT }
    pending_reason: "Datensatz fehlt noch"
  }
)pb";

v1::ExportedRecord Record(uint64_t seq, v1::RecordType type, const std::string& time,
                          const std::string& principal, const std::string& department,
                          const std::string& dataset, const std::string& purpose) {
  v1::ExportedRecord out;
  v1::AuditRecord& r = *out.mutable_record();
  r.set_seq(seq);
  r.set_record_type(type);
  r.set_time_utc(time);
  if (type == v1::RELEASE || type == v1::REFUSAL) {
    r.set_release_id(absl::StrCat("5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a", seq < 10 ? "0" : "", seq));
    r.set_decision(type == v1::RELEASE ? v1::RELEASED : v1::REFUSED);
  }
  r.mutable_requester()->set_principal(principal);
  r.mutable_requester()->set_department(department);
  r.mutable_requester()->set_role(principal.empty() ? "" : "analyst");
  r.set_dataset(dataset);
  r.set_dataset_version(dataset.empty() ? 0 : 3);
  r.set_purpose(purpose);
  r.set_legal_basis(purpose.empty() ? "" : "schulg_rlp_67");
  if (type == v1::RELEASE) {
    r.add_reason_codes("threshold");
    r.mutable_counts()->set_cells(12);
    r.mutable_counts()->set_published(9);
    r.mutable_counts()->set_suppressed_primary(2);
    r.mutable_counts()->set_suppressed_secondary(1);
  }
  out.set_leaf_hash(std::string(64, static_cast<char>('a' + seq % 6)));
  return out;
}

// Nine records over three days; record 5 comes from a certificate whose
// principal is markup, record 7 carries markup in its reason.
v1::ExportRecordsResponse FixedLog() {
  v1::ExportRecordsResponse page;
  auto add = [&](v1::ExportedRecord r) { *page.add_records() = std::move(r); };
  add(Record(0, v1::START, "2026-11-20T08:00:00.000Z", "", "", "", ""));
  add(Record(1, v1::DATASET_CREATED, "2026-11-20T08:05:00.000Z", "steward", "statistik", "abgang", ""));
  add(Record(2, v1::INGEST, "2026-11-20T08:06:00.000Z", "steward", "statistik", "abgang", ""));
  add(Record(3, v1::RELEASE, "2026-11-20T10:15:00.123Z", "jürgen.groß", "schulamt", "abgang",
             "bildungsbericht"));
  v1::ExportedRecord refused =
      Record(4, v1::REFUSAL, "2026-11-21T09:00:00.000Z", "jugendamt-analyst", "jugendamt",
             "abgang", "werbung");
  refused.mutable_record()->add_reason_codes("permission_denied");
  refused.mutable_record()->set_reason("purpose \"werbung\" is not granted to jugendamt");
  add(refused);
  v1::ExportedRecord intruder =
      Record(5, v1::REFUSAL, "2026-11-21T09:30:00.000Z", "<script>window.__pwned=1</script>",
             "", "abgang", "bildungsbericht");
  intruder.mutable_record()->add_reason_codes("permission_denied");
  add(intruder);
  add(Record(6, v1::RELEASE, "2026-11-22T11:00:00.000Z", "jugendamt-analyst", "jugendamt", "seu",
             "jugendhilfeplanung"));
  v1::ExportedRecord markup = Record(7, v1::REFUSAL, "2026-11-22T11:30:00.000Z",
                                     "schulamt-analyst", "schulamt", "seu", "bildungsbericht");
  markup.mutable_record()->add_reason_codes("invalid_argument");
  markup.mutable_record()->set_reason(
      "dimension \"\"><img src=x onerror=\"window.__pwned=2\">\" is unknown");
  add(markup);
  add(Record(8, v1::AUDIT_ACCESS, "2026-11-22T12:00:00.000Z", "dpo", "datenschutz", "", ""));
  page.set_log_size(9);
  return page;
}

absl::StatusOr<CommandLine> Line(std::vector<std::string> args) {
  return ParseCommandLine(args, nullptr);
}

absl::Status WriteAuditReport(const std::string& dir) {
  testing::FakeConnection fake;
  fake.export_records_pages = {FixedLog()};
  v1::VerifyLogResponse verified;
  verified.set_ok(true);
  verified.set_records(9);
  verified.set_checkpoints(4);
  verified.set_signatures_checked(true);
  verified.set_origin("cellgate.browser-test.example/audit/v1");
  verified.set_head_leaf_hash(std::string(64, 'c'));
  fake.verify_response = verified;
  ASSIGN_OR_RETURN(const CommandLine line,
                   Line({"audit", "report", "--out", absl::StrCat(dir, "/audit-report.html")}));
  std::ostringstream out;
  return RunAuditReport(line, fake, out);
}

absl::Status WritePullReport(const std::string& dir) {
  const std::string manifest = absl::StrCat(dir, "/bericht.textproto");
  std::ofstream(manifest) << kManifest;
  testing::FakeConnection fake;
  for (const char* id : {"abgang", "schueler"}) {
    v1::DatasetSummary* d = fake.list_datasets_response->add_datasets();
    d->set_id(id);
    d->set_latest_version(3);
    d->set_latest_version_hash("abc123");
  }
  fake.query_handler = [](const v1::QueryRequest& request) -> absl::StatusOr<v1::QueryResponse> {
    if (request.query().dataset() == "schueler") return testing::PulledShareTable().response();
    return testing::PulledLeaversTable().response();
  };
  ASSIGN_OR_RETURN(const CommandLine line, Line({"pull", manifest, "--out", dir}));
  std::ostringstream out, err;
  return RunPull(line, fake, out, err);
}

}  // namespace
}  // namespace cellgate::client

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_browser_pages OUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  for (const absl::Status& status :
       {cellgate::client::WriteAuditReport(dir), cellgate::client::WritePullReport(dir)}) {
    if (!status.ok()) {
      std::cerr << "make_browser_pages: " << status << "\n";
      return 1;
    }
  }
  return 0;
}
