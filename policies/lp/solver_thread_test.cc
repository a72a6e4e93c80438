// The solver thread runs a caller's second part beside the first, keeps
// solving LPs task after task, and never makes a caller wait behind
// another: when busy, the caller runs both parts itself.
#include "policies/lp/solver_thread.h"

#include <atomic>
#include <future>
#include <thread>

#include "gtest/gtest.h"
#include "policies/lp/linear_program.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::policies {
namespace {

// max x subject to x + y = total, x, y >= 0.
double LargestPart(double total) {
  LinearProgram lp;
  const int x = lp.AddVariable(0, kInfinity);
  const int y = lp.AddVariable(0, kInfinity);
  lp.AddEqualityRow({{x, 1}, {y, 1}}, total);
  absl::StatusOr<LpSolution> s = lp.Solve(LpSense::kMaximize, {{x, 1}});
  return s.ok() && s->outcome == LpSolution::kOptimal ? s->objective : -1;
}

TEST(SolverThreadTest, RunsTheSecondPartOnItsThreadBesideTheFirst) {
  SolverThread solver;
  for (int round = 1; round <= 3; ++round) {
    std::thread::id here_id;
    std::thread::id beside_id;
    double here_result = 0;
    double beside_result = 0;
    solver.RunBeside(
        [&] {
          here_id = std::this_thread::get_id();
          here_result = LargestPart(5);
        },
        [&] {
          beside_id = std::this_thread::get_id();
          beside_result = LargestPart(7 * round);
        });
    EXPECT_EQ(here_id, std::this_thread::get_id());
    EXPECT_NE(beside_id, std::this_thread::get_id());
    EXPECT_EQ(here_result, 5);
    EXPECT_EQ(beside_result, 7 * round);  // the thread's solver state lasts
    EXPECT_EQ(solver.tasks_run(), round);
  }
}

TEST(SolverThreadTest, WithoutItsThreadTheCallerRunsBothParts) {
  SolverThread solver{SolverThread::WithoutThread{}};
  std::thread::id beside_id;
  double here_result = 0;
  double beside_result = 0;
  solver.RunBeside([&] { here_result = LargestPart(4); },
                   [&] {
                     beside_id = std::this_thread::get_id();
                     beside_result = LargestPart(9);
                   });
  EXPECT_EQ(beside_id, std::this_thread::get_id());
  EXPECT_EQ(here_result, 4);
  EXPECT_EQ(beside_result, 9);
  EXPECT_EQ(solver.tasks_run(), 0);
}

TEST(SolverThreadTest, ABusyThreadLeavesTheWorkToTheCaller) {
  SolverThread solver;
  std::promise<void> second_done;
  std::shared_future<void> second_finished = second_done.get_future().share();
  std::promise<void> first_started;
  // The first caller's part beside holds the thread until the second
  // caller is through.
  std::thread first([&] {
    solver.RunBeside([] {},
                     [&] {
                       first_started.set_value();
                       second_finished.wait();
                     });
  });
  first_started.get_future().wait();
  std::thread::id beside_id;
  solver.RunBeside([] {}, [&] { beside_id = std::this_thread::get_id(); });
  EXPECT_EQ(beside_id, std::this_thread::get_id());
  second_done.set_value();
  first.join();
  EXPECT_EQ(solver.tasks_run(), 1);
}

}  // namespace
}  // namespace cellgate::policies
