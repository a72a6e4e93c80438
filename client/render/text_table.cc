#include "client/render/text_table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cellgate::client {

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

void TextTable::AddColumn(std::string header, Align align) {
  headers_.push_back(std::move(header));
  aligns_.push_back(align);
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render() const {
  if (headers_.empty()) return "";
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = DisplayWidth(headers_[c]);
    for (const std::vector<std::string>& row : rows_) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out = RenderLine(headers_, widths);
  std::vector<std::string> rule;
  for (size_t width : widths) rule.push_back(std::string(width, '-'));
  absl::StrAppend(&out, RenderLine(rule, widths));
  for (const std::vector<std::string>& row : rows_) absl::StrAppend(&out, RenderLine(row, widths));
  return out;
}

std::string TextTable::RenderLine(const std::vector<std::string>& cells,
                                  const std::vector<size_t>& widths) const {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) line.append("  ");
    const std::string padding(widths[c] - DisplayWidth(cells[c]), ' ');
    if (aligns_[c] == Align::kRight)
      absl::StrAppend(&line, padding, cells[c]);
    else
      absl::StrAppend(&line, cells[c], padding);
  }
  line.erase(line.find_last_not_of(' ') + 1);
  line.push_back('\n');
  return line;
}

}  // namespace cellgate::client
