// SolverThread: one background thread for LP work beside the caller's, e.g.
// the attacker audit of a table's sums while the caller audits its counts.
// It keeps the solver's per-thread state (GLPK's environment) from one task
// to the next, instead of a new thread building it each time, and frees it
// when it ends. Work is handed over only while the thread is idle, so
// callers on many threads never queue behind each other: when it is busy,
// or when the process could not start it, the caller runs both parts
// itself. Thread-safe.
//
//   SolverThread::Shared().RunBeside([&] { AuditCounts(); }, [&] { AuditSums(); });
#ifndef CELLGATE_POLICIES_LP_SOLVER_THREAD_H_
#define CELLGATE_POLICIES_LP_SOLVER_THREAD_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "absl/functional/function_ref.h"

namespace cellgate::policies {

class SolverThread {
 public:
  // The process's solver thread, started on first use; it lives until the
  // process ends (never destroyed, so no exit-time destructor waits on it).
  static SolverThread& Shared();

  // Starts the thread; if the process cannot start one, the caller runs
  // both parts of every RunBeside.
  SolverThread();
  // As if the thread could not be started (for tests).
  struct WithoutThread {};
  explicit SolverThread(WithoutThread);
  ~SolverThread();  // waits for a running task, then ends the thread
  SolverThread(const SolverThread&) = delete;
  SolverThread& operator=(const SolverThread&) = delete;

  // Runs `here` on the calling thread and `beside` on the solver thread at
  // the same time, and returns when both are done. If the solver thread is
  // busy with another caller's work, runs `here`, then `beside`, itself.
  // The two must not touch the same data unsynchronized.
  void RunBeside(absl::FunctionRef<void()> here, absl::FunctionRef<void()> beside);

  // Tasks the solver thread has run (for tests).
  int64_t tasks_run() const;

 private:
  void Loop();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable finished_;
  const absl::FunctionRef<void()>* task_ = nullptr;  // guarded by mu_
  bool busy_ = false;                                // guarded by mu_
  bool stopping_ = false;                            // guarded by mu_
  int64_t tasks_run_ = 0;                            // guarded by mu_
  std::thread thread_;
};

}  // namespace cellgate::policies

#endif  // CELLGATE_POLICIES_LP_SOLVER_THREAD_H_
