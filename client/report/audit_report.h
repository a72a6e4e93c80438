// The DPO's report page (cellgate audit report): one self-contained HTML
// file with releases and refusals per department, dataset and purpose over
// time (inline SVG charts), the list of records with a search box, and the
// result of verifying the log. Every text from the log is escaped; the one
// inline script and style are pinned by a Content-Security-Policy hash, so
// the page loads nothing and runs nothing else. Start with AuditReport.
// Not thread-safe (one builder per page).
//
//   AuditReport report(10000);
//   for (...) report.Add(record);   // streamed, page by page
//   std::string html = report.Render(verification, options);
#ifndef CELLGATE_CLIENT_REPORT_AUDIT_REPORT_H_
#define CELLGATE_CLIENT_REPORT_AUDIT_REPORT_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "cellgate/v1/audit_service.pb.h"

namespace cellgate::client {

// What the page says about the log's integrity.
struct ReportVerification {
  enum class Source { kServer, kOffline };
  Source source = Source::kServer;
  bool ok = false;
  // Why the check failed (the first break), when !ok.
  std::string finding;
  uint64_t records = 0;
  uint64_t checkpoints = 0;
  uint64_t unsealed_records = 0;
  bool signatures_checked = false;
  std::string origin;
  std::string head_leaf_hash;
  // Detail blobs whose bytes matched their hashes, and those deleted by a
  // RETENTION_REDACTION record (format 2, ADR 0005).
  uint64_t details_checked = 0;
  uint64_t details_redacted = 0;
  // Offline only: the verified copy, and how the listed records compare
  // with it (same leaf hash; newer than the copy, so not checked offline).
  std::string log_dir;
  uint64_t rows_checked = 0;
  uint64_t rows_after_copy = 0;
};

struct ReportOptions {
  // Shown in the header: the server asked, when the page was made, and the
  // filters in words (empty: the whole log).
  std::string server;
  std::string generated_utc;
  std::string filters;
};

class AuditReport {
 public:
  // Keeps at most `max_rows` records (the newest) for the list; the charts
  // and sums count every record added. REQUIRES: max_rows > 0.
  explicit AuditReport(size_t max_rows) : max_rows_(max_rows) {}

  // Counts `record` and keeps it for the list. Records come in log order.
  void Add(const v1::ExportedRecord& record);

  // Returns the page.
  std::string Render(const ReportVerification& verification, const ReportOptions& options) const;

  // Number of records added.
  uint64_t records() const { return records_; }

 private:
  // Releases and refusals of one group on one day ("2026-11-22").
  struct Tally {
    int64_t released = 0;
    int64_t refused = 0;
  };
  using Series = std::map<std::string, std::map<std::string, Tally>>;  // group -> day -> tally

  std::string Overview() const;
  std::string ByGroup(const std::string& title, const std::string& what,
                      const std::string& column, const Series& series, int number) const;
  std::string RecordList() const;

  const size_t max_rows_;
  uint64_t records_ = 0;
  Tally total_;
  std::string first_time_;
  std::string last_time_;
  Series by_department_;
  Series by_dataset_;
  Series by_purpose_;
  std::deque<v1::ExportedRecord> rows_;
};

// Returns the German name of a record type for people, e.g. "Freigabe".
std::string RecordTypeLabel(v1::RecordType type);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_REPORT_AUDIT_REPORT_H_
