// Shared reading of a v1::ReleasedTable for the renderers: which axis entry
// each cell sits on, how many decimals a measure shows, and the name and
// DIN 55301 symbol of each cell status. Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_RENDER_TABLE_CELLS_H_
#define CELLGATE_CLIENT_RENDER_TABLE_CELLS_H_

#include <string>
#include <vector>

#include "cellgate/v1/table.pb.h"

namespace cellgate::client {

// Returns, for cell `cell_index` of `table`, one entry index per axis: the
// entry at the cell's row-major position if its code matches, else the first
// entry with the cell's code, else -1.
std::vector<int> EntriesOfCell(const v1::ReleasedTable& table, int cell_index);

// Returns the label people see for `entry`: its label, "Insgesamt" for an
// unlabelled total, or the code.
std::string EntryLabel(const v1::AxisEntry& entry);

// Returns how many ancestors of entry `index` in `axis` are not the total:
// 0 for the coarsest shown level, 1 for its children, ...
int EntryDepth(const v1::Axis& axis, int index);

// Returns the digits shown after the decimal comma: 0 for COUNT, the
// column's decimals for SUM, 1 for MEAN and SHARE (percent).
int DisplayDecimals(const v1::MeasureFacts& measure);

// Returns true for a SHARE whose share_of has no codes and that has no
// denominator from another dataset: the share of each
// entry of share_of's dimension in its total, derived on the client from
// the released counts (client/export/derived_shares.h), never asked of the
// server.
bool IsClientDerivedShare(const v1::Measure& measure);

// Returns true if cells with `status` carry a released figure (PUBLISHED,
// PERTURBED, ROUNDED, UNRELIABLE).
bool CarriesValue(v1::CellStatus status);

// Returns the symbol for a status without a shown figure ("." suppressed,
// "–" zero, "x" not applicable, "/" unreliable, "?" unspecified), or "" for
// statuses whose figure is shown.
std::string StatusSymbol(v1::CellStatus status);

// Returns the explanation of a symbol from StatusSymbol, e.g. "suppressed
// to protect individuals".
std::string SymbolMeaning(v1::CellStatus status);

// Returns the lower-case status name, e.g. "suppressed", "not_applicable".
std::string StatusName(v1::CellStatus status);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_RENDER_TABLE_CELLS_H_
