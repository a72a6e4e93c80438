// Work beside the caller's thread without exceptions: std::async with
// kBesideOrAtGet runs the task on a thread of its own, or, when no thread
// can be started, at get() on the caller's thread (libstdc++ falls back to
// deferred instead of throwing when both policies are allowed). Either
// way the result is the same; only the time differs.
//
//   std::future<absl::Status> synced = std::async(kBesideOrAtGet, [&] { return f.Sync(); });
//   ... other work ...
//   RETURN_IF_ERROR(synced.get());
#ifndef CELLGATE_COMMON_BESIDE_H_
#define CELLGATE_COMMON_BESIDE_H_

#include <future>

namespace cellgate {

inline constexpr std::launch kBesideOrAtGet = std::launch::async | std::launch::deferred;

}  // namespace cellgate

#endif  // CELLGATE_COMMON_BESIDE_H_
