// The columns a pulled table is exported with: its measures, then its
// shares in manifest order. share_of shares and shares over another
// dataset (denominator_dataset, with the denominator's count before the
// share if it has a denominator_label) are the server's columns;
// of_dimension shares are derived here, on the client, from the released
// and already protected counts (100 × cell count / count of the dimension's
// total entry with the same other codes), so they reveal nothing the counts
// do not. Start with ExportView. Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_DERIVED_SHARES_H_
#define CELLGATE_CLIENT_EXPORT_DERIVED_SHARES_H_

#include "absl/status/statusor.h"
#include "cellgate/v1/manifest.pb.h"
#include "cellgate/v1/table.pb.h"

namespace cellgate::client {

// Returns a copy of `pulled` whose response table has one column per
// manifest measure, then one per manifest share. A derived column is a
// SHARE measure whose share_of names the dimension and the manifest's level
// for it, with no codes (FormatMeasure: "share:DIM[:LEVEL]"), decimals 1. Labels: the share's
// own, else the server's (share_of) or "Anteil an <axis label> insgesamt
// in %". The stored record stays the server's answer; only exports use
// this. FAILED_PRECONDITION naming the table if the answer lacks a column,
// the share's axis, its total entry or a COUNT measure.
absl::StatusOr<v1::PulledTable> ExportView(const v1::PulledTable& pulled);

// Returns the share of a cell whose count is `count` in the total whose
// count is `total`: SUPPRESSED if either is suppressed, NOT_APPLICABLE if
// the total is zero or has no figure, else 100 × count / total with the
// least certain status of the two (UNRELIABLE, PERTURBED, ROUNDED,
// PUBLISHED); a ZERO count gives a published 0.
v1::CellValue DerivedShare(const v1::CellValue& count, const v1::CellValue& total);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_DERIVED_SHARES_H_
