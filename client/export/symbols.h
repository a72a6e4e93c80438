// The symbols exported files show for cells without a figure, by symbol set
// (DIN 55301 or an office's letter codes), and the German legend of each
// set. The status is data; the symbol is this display choice. Thread-safe
// (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_SYMBOLS_H_
#define CELLGATE_CLIENT_EXPORT_SYMBOLS_H_

#include <string>
#include <vector>

#include "cellgate/v1/manifest.pb.h"
#include "cellgate/v1/table.pb.h"

namespace cellgate::client {

// One line of a legend.
struct LegendEntry {
  v1::CellStatus status;
  std::string symbol;   // e.g. "."
  std::string meaning;  // German, e.g. "Zahlenwert geheim zu halten …"
};

// Returns the symbol for a cell with `status` in `set`, or "" if the cell
// shows its figure (published, perturbed, rounded). UNRELIABLE cells carry
// a figure too, but exports show the symbol in its place; an unknown status
// shows "?".
std::string CellSymbol(v1::CellStatus status, v1::SymbolSet set);

// Returns the legend of `set`: every symbol CellSymbol can return for it
// (except "?"), in the order of DIN 55301.
std::vector<LegendEntry> SymbolLegend(v1::SymbolSet set);

// Returns the name of `set` for machine-readable files: "din55301" or
// "letters".
std::string SymbolSetName(v1::SymbolSet set);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_SYMBOLS_H_
