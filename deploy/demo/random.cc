#include "deploy/demo/random.h"

#include "common/status_macros.h"

namespace cellgate::demo {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t MixKey(std::initializer_list<uint64_t> parts) {
  uint64_t state = 0x6a09e667f3bcc908ULL;
  uint64_t h = 0;
  for (uint64_t part : parts) {
    state ^= part;
    h = SplitMix64(state);
    state = h;
  }
  return h;
}

uint64_t StreamId(const char* name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char* p = name; *p != '\0'; ++p) {
    h ^= static_cast<unsigned char>(*p);
    h *= 0x100000001b3ULL;
  }
  return h;
}

DemoRandom::DemoRandom(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) word = SplitMix64(state);
}

uint64_t DemoRandom::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t DemoRandom::Below(uint64_t n) {
  CELLGATE_CHECK(n > 0);
  return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
}

int64_t DemoRandom::Between(int64_t lo, int64_t hi) {
  CELLGATE_CHECK(lo <= hi);
  return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

bool DemoRandom::Chance(int64_t ppm) {
  if (ppm <= 0) return false;
  return static_cast<int64_t>(Below(kMillion)) < ppm;
}

size_t DemoRandom::Pick(absl::Span<const uint32_t> weights) {
  uint64_t total = 0;
  for (uint32_t w : weights) total += w;
  CELLGATE_CHECK(total > 0);
  uint64_t r = Below(total);
  for (size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return weights.size() - 1;  // Unreachable: r < total.
}

int64_t DemoRandom::NormalMilli(int64_t mean_milli, int64_t sd_milli) {
  // The sum of 12 uniforms on [0, 1) has mean 6 and variance 1; in units of
  // 10^-6 this is exact integer arithmetic.
  int64_t sum = 0;
  for (int i = 0; i < 12; ++i) sum += static_cast<int64_t>(Below(kMillion));
  const int64_t z_micro = sum - 6 * static_cast<int64_t>(kMillion);
  return mean_milli + z_micro * sd_milli / static_cast<int64_t>(kMillion);
}

}  // namespace cellgate::demo
