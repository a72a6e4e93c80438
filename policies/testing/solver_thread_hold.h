// For tests of the path where the shared solver thread is busy: while a
// SolverThreadHold lives, another caller holds SolverThread::Shared(), so
// every RunBeside meanwhile runs both of its parts on its own caller.
//
//   {
//     SolverThreadHold hold;
//     ... Protect(table) audits its sums inline ...
//   }
#ifndef CELLGATE_POLICIES_TESTING_SOLVER_THREAD_HOLD_H_
#define CELLGATE_POLICIES_TESTING_SOLVER_THREAD_HOLD_H_

#include <future>
#include <thread>

namespace cellgate::policies::testing {

class SolverThreadHold {
 public:
  // Returns once the shared solver thread runs the holding task.
  SolverThreadHold();
  // Lets the thread go and waits until the holder is through.
  ~SolverThreadHold();
  SolverThreadHold(const SolverThreadHold&) = delete;
  SolverThreadHold& operator=(const SolverThreadHold&) = delete;

 private:
  std::promise<void> release_;
  std::thread holder_;
};

}  // namespace cellgate::policies::testing

#endif  // CELLGATE_POLICIES_TESTING_SOLVER_THREAD_HOLD_H_
