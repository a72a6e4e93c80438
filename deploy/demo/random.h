// Deterministic pseudo-random numbers for the Musterstadt demo generator:
// xoshiro256** seeded with splitmix64, integer-only sampling, so that the same
// seed gives byte-identical data on every machine and standard library.
// NOT for anything secret. Start with `DemoRandom`; `MixKey` derives
// independent streams (one per person, pupil or dataset). Not thread-safe.
#ifndef CELLGATE_DEPLOY_DEMO_RANDOM_H_
#define CELLGATE_DEPLOY_DEMO_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "absl/types/span.h"

namespace cellgate::demo {

// One million: probabilities are given in parts per million (ppm).
inline constexpr uint32_t kMillion = 1'000'000;

// Returns a 64-bit hash of `parts`, built from the splitmix64 finalizer. The
// same parts in the same order always give the same value.
uint64_t MixKey(std::initializer_list<uint64_t> parts);

// Returns a small stable number for `name` (FNV-1a), e.g. a dataset id, to
// use as a part of MixKey.
uint64_t StreamId(const char* name);

// xoshiro256** with integer-only sampling helpers.
class DemoRandom {
 public:
  // Seeds the four state words from splitmix64 started at `seed`.
  explicit DemoRandom(uint64_t seed);

  // Returns the next 64 random bits.
  uint64_t Next();
  // Returns a value in [0, n) (multiply-high; bias below 2^-40 for our n).
  // REQUIRES: n > 0.
  uint64_t Below(uint64_t n);
  // Returns a value in [lo, hi]. REQUIRES: lo <= hi.
  int64_t Between(int64_t lo, int64_t hi);
  // Returns true with probability `ppm` / 1,000,000 (ppm >= 10^6: always).
  bool Chance(int64_t ppm);
  // Returns an index i with probability weights[i] / sum(weights).
  // REQUIRES: weights non-empty with a positive sum.
  size_t Pick(absl::Span<const uint32_t> weights);
  // Returns an approximately normal value with the given mean and standard
  // deviation, both in thousandths, as a sum of 12 uniforms (Irwin-Hall).
  int64_t NormalMilli(int64_t mean_milli, int64_t sd_milli);

 private:
  uint64_t s_[4];
};

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_RANDOM_H_
