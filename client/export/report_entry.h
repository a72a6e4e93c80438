// One table of a report that covers a whole manifest (the html page, the
// xlsx workbook): the table as pulled, or why nothing was. Start with
// ReportEntry. Plain data; thread-safe for reading.
#ifndef CELLGATE_CLIENT_EXPORT_REPORT_ENTRY_H_
#define CELLGATE_CLIENT_EXPORT_REPORT_ENTRY_H_

#include <string>

#include "cellgate/v1/manifest.pb.h"

namespace cellgate::client {

// One table of the report: what was pulled, or why nothing was.
struct ReportEntry {
  v1::ManifestTable table;
  const v1::PulledTable* pulled = nullptr;  // not owned; null if missing
  std::string missing_reason;               // e.g. the pending reason
};

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_REPORT_ENTRY_H_
