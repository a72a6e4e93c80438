// Streaming RFC 4180 CSV reader for ingest: bytes arrive in chunks split
// anywhere; complete records are handed to a callback with their line
// number. Strict: UTF-8 only, no NUL, one line-ending style per file,
// bounded record and field sizes. A record without quotes inside one chunk
// is parsed in place, without copying. Not thread-safe.
#ifndef CELLGATE_SERVER_STORE_CSV_READER_H_
#define CELLGATE_SERVER_STORE_CSV_READER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cellgate::store {

class CsvReader {
 public:
  // Receives one record: its fields (unquoted; the views are valid during
  // the call only) and the line it starts on. A non-OK return stops
  // reading and is returned by Feed/Finish.
  using RecordCallback =
      std::function<absl::Status(const std::vector<absl::string_view>& fields, int64_t line)>;

  CsvReader(std::string source_name, char delimiter, RecordCallback on_record,
            size_t max_record_bytes = 64 * 1024, size_t max_field_bytes = 4 * 1024);

  // Consumes `bytes`. INVALID_ARGUMENT "source:line:column: reason" on the
  // first malformed record; after an error the reader stays failed.
  absl::Status Feed(absl::string_view bytes);
  // Ends the input; a last record without a line ending is accepted.
  absl::Status Finish();

  int64_t records() const { return records_; }

 private:
  // Ends the record `text` (the bytes of its line(s) without the final LF).
  absl::Status EndRecord(absl::string_view text);
  absl::Status ParseRecord(absl::string_view text);
  // Feeds one byte through the quote-aware state machine.
  absl::Status FeedByte(char c);
  absl::Status Error(int64_t line, size_t column, absl::string_view reason);

  const std::string source_;
  const char delimiter_;
  const RecordCallback on_record_;
  const size_t max_record_bytes_;
  const size_t max_field_bytes_;
  std::string pending_;     // bytes of the current, unfinished record
  bool in_quotes_ = false;
  bool at_field_start_ = true;
  bool just_closed_ = false;
  int64_t line_ = 1;         // physical line the scanner is on
  int64_t record_line_ = 1;  // line the current record started on
  int line_ending_ = 0;      // 0 unknown, 1 LF, 2 CRLF
  bool first_record_ = true;
  int64_t records_ = 0;
  absl::Status failed_;
  std::vector<absl::string_view> fields_;
  std::string unquoted_;  // the unescaped text of quoted fields
};

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_CSV_READER_H_
