#include "client/report/audit_report.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::ExportedRecord Record(uint64_t seq, v1::RecordType type, const std::string& time,
                          const std::string& department, const std::string& principal) {
  v1::ExportedRecord out;
  v1::AuditRecord& r = *out.mutable_record();
  r.set_seq(seq);
  r.set_record_type(type);
  r.set_time_utc(time);
  r.set_release_id(absl::StrCat("id", seq));
  r.mutable_requester()->set_department(department);
  r.mutable_requester()->set_principal(principal);
  r.set_dataset("abgang");
  r.set_dataset_version(3);
  r.set_purpose("bildungsbericht");
  r.set_decision(type == v1::RELEASE ? v1::RELEASED : v1::REFUSED);
  if (type == v1::RELEASE) {
    r.mutable_counts()->set_cells(12);
    r.mutable_counts()->set_published(9);
    r.mutable_counts()->set_suppressed_primary(3);
  }
  return out;
}

ReportVerification Verified() {
  ReportVerification v;
  v.ok = true;
  v.records = 40;
  v.checkpoints = 12;
  v.signatures_checked = true;
  v.origin = "cellgate.test/audit/v1";
  v.head_leaf_hash = "ab12";
  return v;
}

int Occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The text between the first `open` and the next `close`.
std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  const size_t start = text.find(open);
  if (start == std::string::npos) return "";
  const size_t end = text.find(close, start + open.size());
  return text.substr(start + open.size(), end - start - open.size());
}

TEST(AuditReportTest, EscapesEveryTextFromTheLog) {
  AuditReport report(100);
  v1::ExportedRecord evil = Record(1, v1::REFUSAL, "2026-11-22T10:00:00.000Z",
                                   "<b>amt</b>", "<script>window.__pwned=1</script>");
  evil.mutable_record()->set_reason("\"><img src=x onerror=alert(1)>");
  evil.mutable_record()->set_purpose("a&b");
  report.Add(evil);
  const std::string html = report.Render(Verified(), ReportOptions());
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;amt&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("a&amp;b"));
  EXPECT_THAT(html, Not(HasSubstr("<script>window")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_EQ(Occurrences(html, "<script"), 1);  // ours only
}

TEST(AuditReportTest, PolicyAllowsExactlyTheInlineScriptAndStyleAndNothingElse) {
  AuditReport report(100);
  report.Add(Record(1, v1::RELEASE, "2026-11-22T10:00:00.000Z", "schulamt", "a"));
  const std::string html = report.Render(Verified(), ReportOptions());
  const std::string csp = Between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  auto hash = [](const std::string& text) {
    return absl::StrCat("'sha256-",
                        absl::Base64Escape(crypto::DigestBytes(crypto::Sha256(text))), "'");
  };
  EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
  EXPECT_THAT(csp, HasSubstr(absl::StrCat("script-src ", hash(Between(html, "<script>", "</script>")))));
  EXPECT_THAT(csp, HasSubstr(absl::StrCat("style-src ", hash(Between(html, "<style>", "</style>")))));
  EXPECT_THAT(html, Not(HasSubstr("src=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
}

TEST(AuditReportTest, ChartsReleasesAndRefusalsPerDepartmentOverTheDays) {
  AuditReport report(100);
  report.Add(Record(1, v1::RELEASE, "2026-11-20T10:00:00.000Z", "schulamt", "a"));
  report.Add(Record(2, v1::RELEASE, "2026-11-21T10:00:00.000Z", "jugendamt", "b"));
  report.Add(Record(3, v1::REFUSAL, "2026-11-22T10:00:00.000Z", "jugendamt", "b"));
  const std::string html = report.Render(Verified(), ReportOptions());
  const std::string section = Between(html, "<section id=\"nach-abteilung\">", "</section>");
  EXPECT_EQ(Occurrences(section, "<svg"), 2);  // releases and refusals
  // Three days on the axis, one line per department.
  EXPECT_THAT(section, HasSubstr("20.11.2026"));
  EXPECT_THAT(section, HasSubstr("22.11.2026"));
  EXPECT_THAT(section, HasSubstr("schulamt, 20.11.2026: 1"));
  EXPECT_THAT(section, HasSubstr("jugendamt, 22.11.2026: 1"));
  EXPECT_THAT(section, HasSubstr("<td>jugendamt</td><td class=\"n\">1</td><td class=\"n\">1</td>"
                                 "<td class=\"n\">50,0 %</td>"));
  const std::string overview = Between(html, "<section id=\"uebersicht\">", "</section>");
  EXPECT_THAT(overview, HasSubstr("<dt>Freigaben</dt><dd>2</dd>"));
  EXPECT_THAT(overview, HasSubstr("<dt>Ablehnungen</dt><dd>1</dd>"));
}

TEST(AuditReportTest, CountsPerMonthOverALongerSpan) {
  AuditReport report(100);
  report.Add(Record(1, v1::RELEASE, "2026-01-05T10:00:00.000Z", "schulamt", "a"));
  report.Add(Record(2, v1::RELEASE, "2026-04-21T10:00:00.000Z", "schulamt", "a"));
  const std::string html = report.Render(Verified(), ReportOptions());
  EXPECT_THAT(html, HasSubstr("01/2026"));
  EXPECT_THAT(html, HasSubstr("03/2026"));  // an empty month stays on the axis
  EXPECT_THAT(html, HasSubstr("Freigaben je Monat"));
}

TEST(AuditReportTest, ListsTheNewestRecordsFirstUpToTheLimitButCountsAll) {
  AuditReport report(2);
  report.Add(Record(1, v1::RELEASE, "2026-11-20T10:00:00.000Z", "schulamt", "a"));
  report.Add(Record(2, v1::RELEASE, "2026-11-20T11:00:00.000Z", "schulamt", "a"));
  report.Add(Record(3, v1::REFUSAL, "2026-11-20T12:00:00.000Z", "schulamt", "a"));
  const std::string html = report.Render(Verified(), ReportOptions());
  const std::string list = Between(html, "<table id=\"eintraege\">", "</table>");
  EXPECT_EQ(Occurrences(list, "<tr data-seq="), 2);
  EXPECT_LT(list.find("data-seq=\"3\""), list.find("data-seq=\"2\""));
  EXPECT_THAT(list, Not(HasSubstr("data-seq=\"1\"")));
  EXPECT_THAT(html, HasSubstr("die neuesten 2 von 3 Einträgen"));
  EXPECT_THAT(html, HasSubstr("<dt>Freigaben</dt><dd>2</dd>"));
  EXPECT_EQ(report.records(), 3u);
}

TEST(AuditReportTest, AFailedVerificationIsShownWithItsFinding) {
  AuditReport report(10);
  ReportVerification v;
  v.ok = false;
  v.source = ReportVerification::Source::kOffline;
  v.log_dir = "/tmp/copy";
  v.finding = "record 7: prev_leaf_hash <does not match>";
  const std::string html = report.Render(v, ReportOptions());
  EXPECT_THAT(html, HasSubstr("class=\"bad\" data-ok=\"false\""));
  EXPECT_THAT(html, HasSubstr("NICHT BESTANDEN"));
  EXPECT_THAT(html, HasSubstr("record 7: prev_leaf_hash &lt;does not match&gt;"));
  EXPECT_THAT(html, HasSubstr("offline, Kopie in /tmp/copy"));
}

TEST(AuditReportTest, TypesHaveGermanLabels) {
  EXPECT_EQ(RecordTypeLabel(v1::RELEASE), "Freigabe");
  EXPECT_EQ(RecordTypeLabel(v1::AUDIT_ACCESS), "Protokollzugriff");
  EXPECT_EQ(RecordTypeLabel(v1::RECORD_TYPE_UNSPECIFIED), "unbekannt");
}

}  // namespace
}  // namespace cellgate::client
