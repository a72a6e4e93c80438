// The DPO's review export and report on the client: records per second
// turned into JSON Lines and CSV rows (client/report/audit_columns.h), and
// into the report page (AuditReport: counting, keeping the newest 10,000,
// rendering), against proto JSON of the same records (what `audit show
// --format json` prints) in the same binary and run:
//
//   BM_JsonLines / BM_CsvRows / BM_ProtoJsonBaseline   per record
//   BM_Report/N                                        N records, one page
//
// Records are releases and refusals of a realistic size (~0.6 KB without
// the table). Results: docs/performance.md.
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "client/render/json.h"
#include "client/report/audit_columns.h"
#include "client/report/audit_report.h"

namespace cellgate::client {
namespace {

v1::ExportedRecord Sample(int64_t i) {
  v1::ExportedRecord out;
  v1::AuditRecord& r = *out.mutable_record();
  r.set_seq(static_cast<uint64_t>(i));
  r.set_record_type(i % 5 == 4 ? v1::REFUSAL : v1::RELEASE);
  r.set_time_utc(absl::StrCat("2026-", 1 + (i / 3000) % 12 < 10 ? "0" : "", 1 + (i / 3000) % 12,
                              "-1", i % 10, "T10:15:00.123Z"));
  r.set_release_id(absl::StrCat("5f1e0c2a9b8d7e6f5a4b3c2d", 10000000 + i));
  r.mutable_requester()->set_principal(absl::StrCat("analyst-", i % 40));
  r.mutable_requester()->set_department(absl::StrCat("amt-", i % 9));
  r.mutable_requester()->set_role("analyst");
  r.mutable_requester()->set_certificate_identity(absl::StrCat("urn:cellgate:principal:analyst-", i % 40));
  r.mutable_requester()->set_cert_sha256(std::string(64, 'c'));
  r.set_purpose(i % 3 == 0 ? "bildungsbericht" : "jugendhilfeplanung");
  r.set_legal_basis("schulg_rlp_67");
  r.set_justification("Bildungsbericht 2026, Kapitel 4: Abgänge nach Abschlussart und Stadtteil");
  r.set_dataset(i % 2 == 0 ? "abgang" : "schueler");
  r.set_dataset_version(3);
  r.set_dataset_version_hash(std::string(64, 'd'));
  r.set_policy_id("abgang-standard");
  r.set_policy_version(2);
  r.set_policy_hash(std::string(64, 'p'));
  v1::Query& q = *r.mutable_query();
  q.set_dataset(r.dataset());
  q.add_group_by()->set_dimension("abschluss");
  q.add_group_by()->set_dimension("stadtteil");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  q.set_totals(true);
  r.set_query_hash(std::string(64, 'q'));
  r.set_decision(r.record_type() == v1::RELEASE ? v1::RELEASED : v1::REFUSED);
  if (r.record_type() == v1::RELEASE) {
    r.add_reason_codes("threshold");
    r.add_reason_codes("secondary");
    r.mutable_counts()->set_cells(120);
    r.mutable_counts()->set_published(97);
    r.mutable_counts()->set_suppressed_primary(15);
    r.mutable_counts()->set_suppressed_secondary(8);
    r.set_released_table_sha256(std::string(64, 't'));
  } else {
    r.add_reason_codes("permission_denied");
    r.set_reason("purpose \"werbung\" is not granted");
  }
  out.set_leaf_hash(std::string(64, 'l'));
  return out;
}

template <typename Render>
void PerRecord(benchmark::State& state, Render render) {
  std::vector<v1::ExportedRecord> records;
  for (int64_t i = 0; i < 1000; ++i) records.push_back(Sample(i));
  size_t bytes = 0;
  for (auto _ : state) {
    for (const v1::ExportedRecord& r : records) bytes += render(r).size();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_JsonLines(benchmark::State& state) { PerRecord(state, AuditJsonLine); }
void BM_CsvRows(benchmark::State& state) { PerRecord(state, AuditCsvRow); }
void BM_ProtoJsonBaseline(benchmark::State& state) {
  PerRecord(state, [](const v1::ExportedRecord& r) { return RenderJson(r).value_or(""); });
}

void BM_Report(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<v1::ExportedRecord> records;
  for (int64_t i = 0; i < n; ++i) records.push_back(Sample(i));
  ReportVerification verified;
  verified.ok = true;
  size_t bytes = 0;
  for (auto _ : state) {
    AuditReport report(10000);
    for (const v1::ExportedRecord& r : records) report.Add(r);
    bytes = report.Render(verified, ReportOptions()).size();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["page_bytes"] = static_cast<double>(bytes);
}

BENCHMARK(BM_JsonLines);
BENCHMARK(BM_CsvRows);
BENCHMARK(BM_ProtoJsonBaseline);
BENCHMARK(BM_Report)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cellgate::client

BENCHMARK_MAIN();
