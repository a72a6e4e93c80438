#include "client/render/text_table.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/utf8.h"

namespace cellgate::client {
namespace {

// Spaces between two columns.
constexpr size_t kGap = 2;

struct Range {
  char32_t first;
  char32_t last;
};

// Combining marks, zero-width spaces and joiners, variation selectors, BOM.
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

// East Asian wide and fullwidth characters, and the emoji blocks.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
    {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

template <size_t N>
bool InRanges(char32_t c, const Range (&ranges)[N]) {
  for (const Range& r : ranges) {
    if (c >= r.first && c <= r.last) return true;
  }
  return false;
}

// Decodes the code point at text[i] and advances i; a byte that starts no
// valid sequence yields U+FFFD (width 1) alone.
char32_t NextCodePoint(absl::string_view text, size_t& i) {
  const size_t length = Utf8SequenceLength(text, i);
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  if (length <= 1) {
    ++i;
    return length == 1 ? lead : 0xFFFD;
  }
  char32_t c = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) c = (c << 6) | (text[i + k] & 0x3F);
  i += length;
  return c;
}

std::string Spaces(size_t n) { return std::string(n, ' '); }

size_t LongestWord(absl::string_view text) {
  size_t longest = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    longest = std::max(longest, DisplayWidth(word));
  }
  return longest;
}

size_t LineCount(absl::string_view text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

void TrimAndEnd(std::string& line) {
  line.erase(line.find_last_not_of(' ') + 1);
  line.push_back('\n');
}

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const char32_t c = NextCodePoint(text, i);
    width += InRanges(c, kZeroWidth) ? 0 : InRanges(c, kWide) ? 2 : 1;
  }
  return width;
}

std::string WrapWords(absl::string_view text, size_t width, size_t indent) {
  std::string out;
  std::string line;
  size_t used = 0;
  bool empty = true;  // no word on `line` yet
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    const size_t w = DisplayWidth(word);
    if (!empty && used + 1 + w > width) {
      absl::StrAppend(&out, line, "\n");
      line = Spaces(indent);
      used = indent;
      empty = true;
    }
    if (!empty) {
      line.push_back(' ');
      ++used;
    }
    absl::StrAppend(&line, word);
    used += w;
    empty = false;
  }
  if (!empty) absl::StrAppend(&out, line, "\n");
  return out;
}

void TextTable::AddColumn(std::string header, Align align, std::string group) {
  headers_.push_back(std::move(header));
  aligns_.push_back(align);
  groups_.push_back(std::move(group));
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render() const {
  // Wide enough for any table, with room for the arithmetic below.
  return Render(std::numeric_limits<size_t>::max() / 4, 0);
}

std::string TextTable::Render(size_t width, size_t key_columns) const {
  if (headers_.empty()) return "";
  key_columns = std::min(key_columns, headers_.size());
  const std::vector<size_t> widths = ColumnWidths();
  std::vector<std::vector<size_t>> blocks = Blocks(widths, width, key_columns);
  if (blocks.empty()) blocks.emplace_back();  // key columns only
  std::string out;
  for (size_t b = 0; b < blocks.size(); ++b) {
    std::vector<size_t> columns;
    for (size_t c = 0; c < key_columns; ++c) columns.push_back(c);
    columns.insert(columns.end(), blocks[b].begin(), blocks[b].end());
    if (b > 0) out.push_back('\n');
    absl::StrAppend(&out, RenderBlock(columns, widths, width));
  }
  return out;
}

std::vector<size_t> TextTable::ColumnWidths() const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = DisplayWidth(headers_[c]);
    for (const std::vector<std::string>& row : rows_) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  return widths;
}

// A block's columns, each followed by a gap, take `used`; they fit if
// used - kGap <= width. A group goes whole into the current block if it fits
// with its heading on one line; else whole into a new block, with its
// heading on one line or, if that is too wide, wrapped; else it is split
// column by column, each part keeping room for the heading's longest word.
std::vector<std::vector<size_t>> TextTable::Blocks(const std::vector<size_t>& widths,
                                                   size_t width, size_t key_columns) const {
  size_t key_width = 0;
  for (size_t c = 0; c < key_columns; ++c) key_width += widths[c] + kGap;
  std::vector<std::vector<size_t>> blocks;
  std::vector<size_t> current;
  size_t used = key_width;
  const size_t limit = width + kGap;
  auto flush = [&] {
    blocks.push_back(std::move(current));
    current.clear();
    used = key_width;
  };
  for (size_t begin = key_columns; begin < headers_.size();) {
    size_t end = begin + 1;
    while (!groups_[begin].empty() && end < headers_.size() && groups_[end] == groups_[begin]) ++end;
    const size_t word = LongestWord(groups_[begin]);
    size_t span = 0;
    for (size_t c = begin; c < end; ++c) span += widths[c] + (c > begin ? kGap : 0);
    const size_t one_line = std::max(span, DisplayWidth(groups_[begin])) + kGap;
    const size_t wrapped = std::max(span, word) + kGap;
    if (!current.empty() && used + one_line > limit) flush();
    if (used + one_line <= limit || used + wrapped <= limit) {
      for (size_t c = begin; c < end; ++c) current.push_back(c);
      used += used + one_line <= limit ? one_line : wrapped;
    } else {
      size_t chunk = 0;  // the part of the group in the current block
      for (size_t c = begin; c < end; ++c) {
        size_t with = chunk == 0 ? widths[c] : chunk + kGap + widths[c];
        if (chunk > 0 && used + std::max(with, word) + kGap > limit) {
          flush();
          with = widths[c];
        }
        current.push_back(c);
        chunk = with;
      }
      used += std::max(chunk, word) + kGap;
    }
    begin = end;
  }
  if (!current.empty()) blocks.push_back(std::move(current));
  return blocks;
}

// Group headings sit on lines above the headers, bottom-aligned. A heading
// wider than its columns widens the last of them if the block still fits
// `width`, else it wraps (widening only to its longest word).
std::string TextTable::RenderBlock(const std::vector<size_t>& columns, std::vector<size_t> widths,
                                   size_t width) const {
  // Runs of one group within this block: [start, end) positions in `columns`.
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = 0; i < columns.size();) {
    size_t j = i + 1;
    const std::string& group = groups_[columns[i]];
    while (!group.empty() && j < columns.size() && groups_[columns[j]] == group) ++j;
    runs.emplace_back(i, j);
    i = j;
  }
  size_t line_width = 0;
  for (size_t c : columns) line_width += widths[c] + kGap;
  line_width -= kGap;
  std::vector<std::vector<std::string>> headings(runs.size());
  std::vector<size_t> spans(runs.size());
  size_t depth = 0;
  for (size_t r = 0; r < runs.size(); ++r) {
    const auto [i, j] = runs[r];
    const std::string& group = groups_[columns[i]];
    for (size_t k = i; k < j; ++k) spans[r] += widths[columns[k]] + (k > i ? kGap : 0);
    if (group.empty()) continue;
    auto widen = [&](size_t to) {
      if (to <= spans[r]) return;
      widths[columns[j - 1]] += to - spans[r];
      line_width += to - spans[r];
      spans[r] = to;
    };
    // One line if the room left in `width` allows; else as few lines as the
    // room allows, on the narrowest span that needs no more of them.
    const size_t label = DisplayWidth(group);
    const size_t room = width > line_width ? width - line_width : 0;
    const size_t most = std::max(spans[r] + room, LongestWord(group));
    if (label <= most) {
      widen(label);
      headings[r] = {group};
    } else {
      const size_t lines = LineCount(WrapWords(group, most));
      size_t narrow = std::max(spans[r], LongestWord(group));
      while (LineCount(WrapWords(group, narrow)) > lines) ++narrow;
      widen(narrow);
      headings[r] = absl::StrSplit(WrapWords(group, spans[r]), '\n', absl::SkipEmpty());
    }
    depth = std::max(depth, headings[r].size());
  }
  std::string out;
  for (size_t d = 0; d < depth; ++d) {
    std::string line;
    for (size_t r = 0; r < runs.size(); ++r) {
      const size_t skip = depth - headings[r].size();
      const std::string text = d >= skip ? headings[r][d - skip] : "";
      if (r > 0) line.append(Spaces(kGap));
      absl::StrAppend(&line, text, Spaces(spans[r] - DisplayWidth(text)));
    }
    TrimAndEnd(line);
    absl::StrAppend(&out, line);
  }
  absl::StrAppend(&out, RenderLine(columns, headers_, widths));
  std::vector<std::string> rule(headers_.size());
  for (size_t c : columns) rule[c] = std::string(widths[c], '-');
  absl::StrAppend(&out, RenderLine(columns, rule, widths));
  for (const std::vector<std::string>& row : rows_) {
    absl::StrAppend(&out, RenderLine(columns, row, widths));
  }
  return out;
}

std::string TextTable::RenderLine(const std::vector<size_t>& columns,
                                  const std::vector<std::string>& cells,
                                  const std::vector<size_t>& widths) const {
  std::string line;
  for (size_t i = 0; i < columns.size(); ++i) {
    const size_t c = columns[i];
    if (i > 0) line.append(Spaces(kGap));
    const std::string padding = Spaces(widths[c] - DisplayWidth(cells[c]));
    if (aligns_[c] == Align::kRight) {
      absl::StrAppend(&line, padding, cells[c]);
    } else {
      absl::StrAppend(&line, cells[c], padding);
    }
  }
  TrimAndEnd(line);
  return line;
}

}  // namespace cellgate::client
