// How a replayed table differs from the recorded one, told without a
// figure: the cells whose status differs, and the number of cells with the
// same status whose figure differs. Pure; thread-safe.
#ifndef CELLGATE_SERVER_PIPELINE_TABLE_DIFFERENCE_H_
#define CELLGATE_SERVER_PIPELINE_TABLE_DIFFERENCE_H_

#include "cellgate/v1/audit_service.pb.h"
#include "cellgate/v1/table.pb.h"

namespace cellgate::pipeline {

// Fills layout_differs, status_differences (the first 100),
// status_difference_count and value_difference_count of `out`. Tables with
// different axes, measures or cell codes differ in layout; their cells are
// not compared.
void CompareReleasedTables(const v1::ReleasedTable& recorded, const v1::ReleasedTable& replayed,
                           v1::ReplayReleaseResponse& out);

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_TABLE_DIFFERENCE_H_
