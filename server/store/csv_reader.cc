#include "server/store/csv_reader.h"

#include <cstring>

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
  size_t i = 0;
  while (i < bytes.size()) {
    // At a record start, a whole line in this chunk without quotes is a
    // record by itself: parse it where it lies.
    if (pending_.empty() && !in_quotes_) {
      const void* found = std::memchr(bytes.data() + i, '\n', bytes.size() - i);
      if (found != nullptr) {
        const absl::string_view line =
            bytes.substr(i, static_cast<const char*>(found) - (bytes.data() + i));
        if (line.size() <= max_record_bytes_ && line.find('"') == absl::string_view::npos) {
          RETURN_IF_ERROR(EndRecord(line));
          i += line.size() + 1;
          continue;
        }
      }
    }
    RETURN_IF_ERROR(FeedByte(bytes[i++]));
  }
  return absl::OkStatus();
}

absl::Status CsvReader::FeedByte(char c) {
  if (c == '\n' && !in_quotes_) {
    const absl::Status ended = EndRecord(pending_);
    pending_.clear();
    return ended;
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
    return Error(record_line_, 1, absl::StrCat("record longer than ", max_record_bytes_, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status CsvReader::Finish() {
  RETURN_IF_ERROR(failed_);
  if (in_quotes_) return Error(record_line_, 1, "unbalanced quote at end of file");
  if (!pending_.empty()) {
    RETURN_IF_ERROR(EndRecord(pending_));
    pending_.clear();
  }
  return absl::OkStatus();
}

absl::Status CsvReader::EndRecord(absl::string_view text) {
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
  unquoted_.clear();
  // Unescaped text is never longer than the record: no reallocation moves
  // the views into it.
  unquoted_.reserve(text.size());
  size_t i = 0;
  while (true) {
    const size_t column = fields_.size() + 1;
    absl::string_view field;
    if (i < text.size() && text[i] == '"') {
      ++i;
      const size_t begin = unquoted_.size();
      while (true) {
        if (i >= text.size()) return Error(record_line_, column, "unbalanced quote");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            unquoted_.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        unquoted_.push_back(text[i++]);
      }
      field = absl::string_view(unquoted_).substr(begin);
      if (i < text.size() && text[i] != delimiter_) {
        return Error(record_line_, column, "characters after a closing quote");
      }
    } else {
      const size_t begin = i;
      while (i < text.size() && text[i] != delimiter_) {
        if (text[i] == '"') return Error(record_line_, column, "quote inside an unquoted field");
        if (text[i] == '\r') return Error(record_line_, column, "bare carriage return");
        ++i;
      }
      field = text.substr(begin, i - begin);
    }
    if (field.size() > max_field_bytes_) {
      return Error(record_line_, column,
                   absl::StrCat("field longer than ", max_field_bytes_, " bytes"));
    }
    fields_.push_back(field);
    if (i >= text.size()) break;
    ++i;  // the delimiter
  }
  return absl::OkStatus();
}

}  // namespace cellgate::store
