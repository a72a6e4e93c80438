// The terminal view of a pulled table (`cellgate pull --show ID`): its
// title, the table laid out as pivot_layout.h says (the down axes' German
// labels as row labels, hierarchy levels indented; each measure's heading
// over its columns; German numbers; the chosen symbols), wrapped into
// blocks that fit the terminal width and repeat the row labels, then the
// footnotes, the source and release, and a legend of the symbols that
// appear. Start with RenderTerminalView. Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_TERMINAL_VIEW_H_
#define CELLGATE_CLIENT_EXPORT_TERMINAL_VIEW_H_

#include <string>

#include "cellgate/v1/manifest.pb.h"
#include "client/export/export_format.h"

namespace cellgate::client {

// Returns the view of `pulled` (as exported, i.e. through ExportView) for a
// terminal `width` columns wide, each line ending in "\n". Lines are longer
// than `width` only where a single column or word is.
std::string RenderTerminalView(const v1::PulledTable& pulled, const ExportOptions& options,
                               size_t width);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_TERMINAL_VIEW_H_
