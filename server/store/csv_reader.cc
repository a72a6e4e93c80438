#include "server/store/csv_reader.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/utf8.h"

namespace cellgate::store {

CsvReader::CsvReader(std::string source_name, char delimiter, RecordCallback on_record,
                     size_t max_record_bytes, size_t max_field_bytes)
    : source_(std::move(source_name)), delimiter_(delimiter), on_record_(std::move(on_record)),
      max_record_bytes_(max_record_bytes), max_field_bytes_(max_field_bytes) {}

absl::Status CsvReader::Error(int64_t line, size_t column, absl::string_view reason) {
  failed_ = absl::InvalidArgumentError(absl::StrCat(source_, ":", line, ":", column, ": ", reason));
  return failed_;
}

absl::Status CsvReader::Feed(absl::string_view bytes) {
  RETURN_IF_ERROR(failed_);
  for (const char c : bytes) {
    if (c == '\n' && !in_quotes_) {
      RETURN_IF_ERROR(EndRecord());
      continue;
    }
    // Quotes open quoted text only at the start of a field; a quote right
    // after a closing quote is an escaped quote. Stray quotes elsewhere are
    // reported by ParseRecord.
    if (c == '"') {
      if (in_quotes_) {
        in_quotes_ = false;
        just_closed_ = true;
      } else if (at_field_start_ || just_closed_) {
        in_quotes_ = true;
        just_closed_ = false;
      }
    } else {
      just_closed_ = false;
    }
    at_field_start_ = !in_quotes_ && c == delimiter_;
    if (c == '\n') ++line_;
    pending_.push_back(c);
    if (pending_.size() > max_record_bytes_) {
      return Error(record_line_, 1,
                   absl::StrCat("record longer than ", max_record_bytes_, " bytes"));
    }
  }
  return absl::OkStatus();
}

absl::Status CsvReader::Finish() {
  RETURN_IF_ERROR(failed_);
  if (in_quotes_) return Error(record_line_, 1, "unbalanced quote at end of file");
  if (!pending_.empty()) RETURN_IF_ERROR(EndRecord());
  return absl::OkStatus();
}

absl::Status CsvReader::EndRecord() {
  absl::string_view text = pending_;
  const int ending = (!text.empty() && text.back() == '\r') ? 2 : 1;
  if (ending == 2) text.remove_suffix(1);
  if (line_ending_ == 0) line_ending_ = ending;
  if (ending != line_ending_) {
    return Error(record_line_, 1, "mixed line endings (CRLF and LF) in one file");
  }
  if (first_record_ && absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  first_record_ = false;
  if (!text.empty()) {
    RETURN_IF_ERROR(ParseRecord(text));
    ++records_;
    const absl::Status handled = on_record_(fields_, record_line_);
    if (!handled.ok()) {
      failed_ = handled;
      return failed_;
    }
  }
  pending_.clear();
  at_field_start_ = true;
  just_closed_ = false;
  ++line_;
  record_line_ = line_;
  return absl::OkStatus();
}

absl::Status CsvReader::ParseRecord(absl::string_view text) {
  const size_t bad = FirstInvalidUtf8(text);
  if (bad != text.size()) return Error(record_line_, 1, "invalid UTF-8");
  if (text.find('\0') != absl::string_view::npos) return Error(record_line_, 1, "NUL byte");
  fields_.clear();
  size_t i = 0;
  while (true) {
    const size_t column = fields_.size() + 1;
    std::string& field = fields_.emplace_back();
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) return Error(record_line_, column, "unbalanced quote");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
      if (i < text.size() && text[i] != delimiter_) {
        return Error(record_line_, column, "characters after a closing quote");
      }
    } else {
      while (i < text.size() && text[i] != delimiter_) {
        if (text[i] == '"') return Error(record_line_, column, "quote inside an unquoted field");
        if (text[i] == '\r') return Error(record_line_, column, "bare carriage return");
        field.push_back(text[i++]);
      }
    }
    if (field.size() > max_field_bytes_) {
      return Error(record_line_, column,
                   absl::StrCat("field longer than ", max_field_bytes_, " bytes"));
    }
    if (i >= text.size()) break;
    ++i;  // the delimiter
  }
  return absl::OkStatus();
}

}  // namespace cellgate::store
