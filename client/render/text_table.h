// An aligned plain-text table for the terminal: an optional line of group
// headings, a header row, a rule of dashes, then the rows; columns padded to
// their widest cell in terminal columns (DisplayWidth: "–" and umlauts take
// one, combining marks none, CJK two). Render(width, key_columns) fits a
// wide table to the terminal by wrapping its columns into blocks that each
// repeat the key columns; nothing is cut. Start with TextTable. Not
// thread-safe.
#ifndef CELLGATE_CLIENT_RENDER_TEXT_TABLE_H_
#define CELLGATE_CLIENT_RENDER_TEXT_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cellgate::client {

// Returns the number of terminal columns `text` takes when printed: its
// UTF-8 code points, where combining marks and zero-width characters count
// 0, East Asian wide and fullwidth characters 2, and every other code point
// (and every byte that is not valid UTF-8) 1.
size_t DisplayWidth(absl::string_view text);

// Returns `text` broken at spaces into lines of at most `width` terminal
// columns (a longer word stays whole on a line of its own), every line
// after the first indented by `indent` spaces, each ending in "\n".
std::string WrapWords(absl::string_view text, size_t width, size_t indent = 0);

class TextTable {
 public:
  enum class Align { kLeft, kRight };

  // Adds a column with its header; columns appear in the order added.
  // Neighbouring columns with the same non-empty `group` share a heading
  // above their headers (e.g. a measure above its entries), wrapped onto
  // more lines where it is wider than its columns and the width allows no
  // wider columns.
  void AddColumn(std::string header, Align align = Align::kLeft, std::string group = "");

  // Adds a row. Missing trailing cells are blank; extra cells are dropped.
  void AddRow(std::vector<std::string> cells);

  // Returns the table in one block: columns separated by two spaces, no
  // trailing spaces, each line ending in "\n". With no columns, returns "".
  std::string Render() const;

  // Returns the table fitted to `width` terminal columns. The first
  // `key_columns` columns (the row labels) repeat in every block; the others
  // fill blocks from left to right, a group kept in one block where it fits.
  // Blocks are separated by a blank line. A column that does not fit beside
  // the key columns gets a block of its own and its lines are longer than
  // `width`: every column and every character is always shown.
  std::string Render(size_t width, size_t key_columns) const;

 private:
  // Returns the widest header or cell of each column.
  std::vector<size_t> ColumnWidths() const;
  // Returns the non-key columns split into blocks.
  std::vector<std::vector<size_t>> Blocks(const std::vector<size_t>& widths, size_t width,
                                          size_t key_columns) const;
  std::string RenderBlock(const std::vector<size_t>& columns, std::vector<size_t> widths,
                          size_t width) const;
  std::string RenderLine(const std::vector<size_t>& columns, const std::vector<std::string>& cells,
                         const std::vector<size_t>& widths) const;

  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::string> groups_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_RENDER_TEXT_TABLE_H_
