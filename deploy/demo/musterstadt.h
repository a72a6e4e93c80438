// cellgate-musterstadt: writes the synthetic microdata of the fictional city
// Musterstadt (see /work/shared/DEMO-CITY.md) for demos, tests and
// benchmarks: per dataset a schema `DIR/schemas/<id>.textproto`
// (v1::DatasetSchema) and `DIR/<id>.csv`. Same seed and scale give
// byte-identical files on every machine; rows are streamed, so memory does
// not grow with the scale. Thread-safe (no shared mutable state).
//
//   ASSIGN_OR_RETURN(MusterstadtOptions options, ParseMusterstadtArgs(args));
//   ASSIGN_OR_RETURN(std::vector<DatasetReport> written, GenerateMusterstadt(options));
#ifndef CELLGATE_DEPLOY_DEMO_MUSTERSTADT_H_
#define CELLGATE_DEPLOY_DEMO_MUSTERSTADT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace cellgate::demo {

struct MusterstadtOptions {
  // Output directory; created (with parents) if missing. Required.
  std::string out_dir;
  // Seed of all randomness.
  uint64_t seed = 2026;
  // Multiplies every dataset's size: 1.0 is the city of 220,000 people
  // (population about 1.1 million rows). Allowed: 0.000001 … 10000
  // (the benchmarks use about 1000 for 10 million school-entry records).
  double scale = 1.0;
  // Dataset ids to write, from MusterstadtDatasetIds(); empty means all.
  std::vector<std::string> datasets;
};

// What GenerateMusterstadt wrote for one dataset.
struct DatasetReport {
  std::string id;
  int64_t rows = 0;      // data rows, without the header
  int64_t csv_bytes = 0;
  std::string csv_path;
  std::string schema_path;
};

// Returns the usage text of the command line tool.
std::string MusterstadtUsage();

// Parses `args` (without the program name): --out DIR, --seed N, --scale F,
// --datasets a,b (also as --flag=value). INVALID_ARGUMENT naming the flag
// and quoting the value for an unknown flag, a missing or bad value, an
// unknown dataset, or a missing --out.
absl::StatusOr<MusterstadtOptions> ParseMusterstadtArgs(absl::Span<const std::string> args);

// Writes the schema and CSV file of each selected dataset into
// options.out_dir, each file atomically. INVALID_ARGUMENT for bad options;
// the errno-derived code (e.g. PERMISSION_DENIED) naming the path if a
// directory or file cannot be created or written.
absl::StatusOr<std::vector<DatasetReport>> GenerateMusterstadt(const MusterstadtOptions& options);

}  // namespace cellgate::demo

#endif  // CELLGATE_DEPLOY_DEMO_MUSTERSTADT_H_
