// cellgate-musterstadt: command line front end of GenerateMusterstadt().
// Exit codes: 0 success, 1 generation failed, 2 bad command line.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "deploy/demo/musterstadt.h"

int main(int argc, char** argv) {
  using cellgate::demo::DatasetReport;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::fputs(cellgate::demo::MusterstadtUsage().c_str(), stdout);
      return 0;
    }
  }
  const auto options = cellgate::demo::ParseMusterstadtArgs(args);
  if (!options.ok()) {
    std::fprintf(stderr, "cellgate-musterstadt: %s\n%s",
                 std::string(options.status().message()).c_str(),
                 cellgate::demo::MusterstadtUsage().c_str());
    return 2;
  }
  const auto reports = cellgate::demo::GenerateMusterstadt(*options);
  if (!reports.ok()) {
    std::fprintf(stderr, "cellgate-musterstadt: %s\n", reports.status().ToString().c_str());
    return 1;
  }
  for (const DatasetReport& r : *reports) {
    std::printf("%-10s %10lld rows %12lld bytes  %s  %s\n", r.id.c_str(),
                static_cast<long long>(r.rows), static_cast<long long>(r.csv_bytes),
                r.csv_path.c_str(), r.schema_path.c_str());
  }
  return 0;
}
