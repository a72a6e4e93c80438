// Streams a CSV file (`,` delimiter, LF line ends, UTF-8) row by row with a
// bounded buffer, and publishes it atomically: rows go to "<path>.tmp", which
// Commit() syncs and renames to `path`. An uncommitted writer removes its
// temporary file. Start with `CsvFileWriter::Create`. Not thread-safe.
#ifndef CELLGATE_DEPLOY_DEMO_CSV_FILE_WRITER_H_
#define CELLGATE_DEPLOY_DEMO_CSV_FILE_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cellgate::demo {

class CsvFileWriter {
 public:
  // Creates "<path>.tmp" and writes the header row of `columns`. Returns the
  // errno-derived code (e.g. PERMISSION_DENIED, NOT_FOUND) naming the path.
  static absl::StatusOr<std::unique_ptr<CsvFileWriter>> Create(
      const std::string& path, const std::vector<std::string>& columns);
  ~CsvFileWriter();
  CsvFileWriter(const CsvFileWriter&) = delete;
  CsvFileWriter& operator=(const CsvFileWriter&) = delete;

  // Appends one row. A write error is kept and returned by Commit().
  // REQUIRES: one field per column; no field contains ',', '"', CR or LF.
  void AddRow(absl::Span<const absl::string_view> fields);
  // Flushes, syncs and renames the file to its final path. Returns the first
  // write error, if any, and then leaves no file behind. Call once.
  absl::Status Commit();

  // Rows written so far, without the header.
  int64_t rows() const { return rows_; }

 private:
  CsvFileWriter(std::string path, int fd, size_t columns);
  void Flush();

  const std::string path_;
  const std::string temp_path_;
  int fd_;  // -1 once closed
  const size_t columns_;
  std::string buffer_;
  absl::Status error_;  // first write error
  int64_t rows_ = 0;
  bool committed_ = false;
};

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_CSV_FILE_WRITER_H_
