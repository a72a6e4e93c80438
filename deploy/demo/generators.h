// Row generators of the Musterstadt demo datasets, one per dataset, and the
// small helpers they share. Each generator writes the rows of its dataset in
// schema column order (see schemas.h) and keeps no per-row state, so memory
// does not grow with the scale. Internal to cellgate::musterstadt; use
// GenerateMusterstadt() in musterstadt.h. Thread-safe (no shared state).
#ifndef CELLGATE_DEPLOY_DEMO_GENERATORS_H_
#define CELLGATE_DEPLOY_DEMO_GENERATORS_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "deploy/demo/csv_file_writer.h"

namespace cellgate::demo {

struct GeneratorParams {
  uint64_t seed = 2026;
  // The scale factor in parts per million (1,000,000 = the city of 220,000).
  int64_t scale_ppm = 1'000'000;
};

// Returns `count` (at scale 1) times the scale, rounded to nearest.
int64_t Scaled(const GeneratorParams& params, int64_t count);

// Returns `count` (at scale 1) times the scale, varied by up to ±`spread_ppm`
// per `year` (e.g. births 2,050 ± 80), deterministically from the seed.
int64_t ScaledForYear(const GeneratorParams& params, uint64_t stream, int year, int64_t count,
                      int64_t spread_ppm);

// Returns `ppm` scaled by the migration/poverty factor of social index
// `sozialindex` (1..5; 0.55 … 1.6 times the city average).
int64_t SocialPpm(int64_t ppm, int sozialindex);

// 32 lower-case hex digits: a pseudonymous 128-bit unit key.
class HexKey {
 public:
  HexKey(uint64_t hi, uint64_t lo);
  absl::string_view view() const { return absl::string_view(text_, sizeof(text_)); }

 private:
  char text_[32];
};

// Writers for the nine datasets.
void WritePopulationRows(const GeneratorParams& params, CsvFileWriter& out);
void WriteSchuelerRows(const GeneratorParams& params, CsvFileWriter& out);
void WriteUebergangRows(const GeneratorParams& params, CsvFileWriter& out);
void WriteAbgangRows(const GeneratorParams& params, CsvFileWriter& out);
void WriteSeuRows(const GeneratorParams& params, CsvFileWriter& out);
void WriteKitaKindRows(const GeneratorParams& params, CsvFileWriter& out);
void WriteSgb2PersonRows(const GeneratorParams& params, CsvFileWriter& out);
void WriteVhsKursRows(const GeneratorParams& params, CsvFileWriter& out);
void WriteVhsBelegungRows(const GeneratorParams& params, CsvFileWriter& out);

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_GENERATORS_H_
