// An aligned plain-text table for the terminal: a header row, a rule of
// dashes, then the rows; columns padded to their widest cell counted in
// UTF-8 code points (so "–" and umlauts take one column). Start with
// TextTable. Not thread-safe.
#ifndef CELLGATE_CLIENT_RENDER_TEXT_TABLE_H_
#define CELLGATE_CLIENT_RENDER_TEXT_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cellgate::client {

// Returns the number of UTF-8 code points in `text` (continuation bytes
// 10xxxxxx are not counted).
size_t DisplayWidth(absl::string_view text);

class TextTable {
 public:
  enum class Align { kLeft, kRight };

  // Adds a column with its header; columns appear in the order added.
  void AddColumn(std::string header, Align align = Align::kLeft);

  // Adds a row. Missing trailing cells are blank; extra cells are dropped.
  void AddRow(std::vector<std::string> cells);

  // Returns the table: columns separated by two spaces, no trailing spaces,
  // each line ending in "\n". With no columns, returns "".
  std::string Render() const;

 private:
  std::string RenderLine(const std::vector<std::string>& cells,
                         const std::vector<size_t>& widths) const;

  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_RENDER_TEXT_TABLE_H_
