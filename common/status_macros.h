// Status propagation macros, because Abseil 20220623 has none.
//
//   absl::StatusOr<Table> Compute(const Query& q) {
//     RETURN_IF_ERROR(Validate(q));
//     ASSIGN_OR_RETURN(Plan plan, MakePlan(q));
//     return plan.Run();
//   }
//
// Both evaluate their argument once. Thread-safe (they are expressions).
#ifndef CELLGATE_COMMON_STATUS_MACROS_H_
#define CELLGATE_COMMON_STATUS_MACROS_H_

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::absl::Status _cellgate_status = (expr);          \
    if (!_cellgate_status.ok()) return _cellgate_status; \
  } while (0)

#define CELLGATE_CONCAT_INNER_(a, b) a##b
#define CELLGATE_CONCAT_(a, b) CELLGATE_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (a StatusOr); returns its status if not OK, otherwise
// moves the value into `lhs`, which may be a declaration.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  CELLGATE_ASSIGN_OR_RETURN_IMPL_(CELLGATE_CONCAT_(_cellgate_statusor_, __LINE__), lhs, rexpr)

#define CELLGATE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()

// Aborts with file and line if a programmer invariant is false. Never use it
// on input or environment errors: those return a Status.
#define CELLGATE_CHECK(cond)                                              \
  do {                                                                    \
    if (!(cond)) {                                                        \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                \
      std::abort();                                                       \
    }                                                                     \
  } while (0)

#endif  // CELLGATE_COMMON_STATUS_MACROS_H_
