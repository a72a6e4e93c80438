#include "deploy/demo/generators.h"

#include "common/status_macros.h"
#include "deploy/demo/random.h"

namespace cellgate::demo {
namespace {

constexpr int64_t kSocialFactorPpm[] = {550000, 800000, 1000000, 1250000, 1600000};

}  // namespace

int64_t Scaled(const GeneratorParams& params, int64_t count) {
  const __int128 product = static_cast<__int128>(count) * params.scale_ppm + kMillion / 2;
  return static_cast<int64_t>(product / kMillion);
}

int64_t ScaledForYear(const GeneratorParams& params, uint64_t stream, int year, int64_t count,
                      int64_t spread_ppm) {
  DemoRandom random(MixKey({params.seed, stream, static_cast<uint64_t>(year)}));
  const int64_t factor_ppm = kMillion + random.Between(-spread_ppm, spread_ppm);
  const __int128 varied = static_cast<__int128>(count) * factor_ppm + kMillion / 2;
  return Scaled(params, static_cast<int64_t>(varied / kMillion));
}

int64_t SocialPpm(int64_t ppm, int sozialindex) {
  CELLGATE_CHECK(sozialindex >= 1 && sozialindex <= 5);
  return ppm * kSocialFactorPpm[sozialindex - 1] / kMillion;
}

HexKey::HexKey(uint64_t hi, uint64_t lo) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    text_[i] = kDigits[(hi >> (60 - 4 * i)) & 0xf];
    text_[16 + i] = kDigits[(lo >> (60 - 4 * i)) & 0xf];
  }
}

}  // namespace cellgate::demo
