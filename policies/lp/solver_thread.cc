#include "policies/lp/solver_thread.h"

#include <system_error>

#include "policies/lp/linear_program.h"

namespace cellgate::policies {

SolverThread& SolverThread::Shared() {
  static SolverThread* const shared = new SolverThread();
  return *shared;
}

SolverThread::SolverThread() {
  try {
    // std::thread reports a thread it cannot start by throwing; this is
    // the one place here.
    thread_ = std::thread([this] { Loop(); });
  } catch (const std::system_error&) {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;  // RunBeside runs both parts on the caller
  }
}

SolverThread::SolverThread(WithoutThread) : stopping_(true) {}

SolverThread::~SolverThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SolverThread::RunBeside(absl::FunctionRef<void()> here, absl::FunctionRef<void()> beside) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (busy_ || stopping_) {
      lock.unlock();
      here();
      beside();
      return;
    }
    busy_ = true;
    task_ = &beside;
  }
  wake_.notify_one();
  here();
  std::unique_lock<std::mutex> lock(mu_);
  finished_.wait(lock, [this] { return task_ == nullptr; });
  busy_ = false;
}

int64_t SolverThread::tasks_run() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_run_;
}

void SolverThread::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || task_ != nullptr; });
    if (task_ == nullptr) break;  // stopping, nothing left to run
    const absl::FunctionRef<void()>* task = task_;
    lock.unlock();
    (*task)();
    lock.lock();
    task_ = nullptr;
    ++tasks_run_;
    finished_.notify_all();
  }
  lock.unlock();
  ReleaseThreadSolverState();
}

}  // namespace cellgate::policies
