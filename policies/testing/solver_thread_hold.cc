#include "policies/testing/solver_thread_hold.h"

#include "policies/lp/solver_thread.h"

namespace cellgate::policies::testing {

SolverThreadHold::SolverThreadHold() {
  std::shared_future<void> released = release_.get_future().share();
  std::promise<void> holding;
  std::future<void> held = holding.get_future();
  holder_ = std::thread([released, holding = std::move(holding)]() mutable {
    SolverThread::Shared().RunBeside([] {},
                                     [&] {
                                       holding.set_value();
                                       released.wait();
                                     });
  });
  held.wait();
}

SolverThreadHold::~SolverThreadHold() {
  release_.set_value();
  holder_.join();
}

}  // namespace cellgate::policies::testing
