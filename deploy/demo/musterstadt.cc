#include "deploy/demo/musterstadt.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "deploy/demo/csv_file_writer.h"
#include "deploy/demo/generators.h"
#include "deploy/demo/random.h"
#include "deploy/demo/schemas.h"

namespace cellgate::demo {
namespace {

constexpr double kMinScale = 1e-6;
constexpr double kMaxScale = 10000.0;

using RowWriter = void (*)(const GeneratorParams&, CsvFileWriter&);

RowWriter WriterFor(absl::string_view id) {
  if (id == "population") return WritePopulationRows;
  if (id == "schueler") return WriteSchuelerRows;
  if (id == "uebergang") return WriteUebergangRows;
  if (id == "abgang") return WriteAbgangRows;
  if (id == "kita_kind") return WriteKitaKindRows;
  if (id == "sgb2_person") return WriteSgb2PersonRows;
  if (id == "vhs_kurs") return WriteVhsKursRows;
  if (id == "vhs_belegung") return WriteVhsBelegungRows;
  return WriteSeuRows;
}

absl::Status ValidateOptions(const MusterstadtOptions& options) {
  if (options.out_dir.empty()) return absl::InvalidArgumentError("missing required flag \"--out\"");
  if (!std::isfinite(options.scale) || options.scale < kMinScale || options.scale > kMaxScale) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag \"--scale\" must lie in [0.000001, 10000], got \"", options.scale, "\""));
  }
  for (const std::string& id : options.datasets) {
    if (!MusterstadtSchema(id).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown dataset \"", id, "\" in \"--datasets\" (known: ",
                       absl::StrJoin(MusterstadtDatasetIds(), ", "), ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status SetFlag(MusterstadtOptions& options, absl::string_view flag, absl::string_view value) {
  const auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag \"", flag, "\" must be ", what, ", got \"", value, "\""));
  };
  if (flag == "--out") {
    if (value.empty()) return bad("a directory");
    options.out_dir = std::string(value);
  } else if (flag == "--seed") {
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), options.seed);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
      return bad("an unsigned 64-bit integer");
    }
  } else if (flag == "--scale") {
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), options.scale);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
      return bad("a decimal number");
    }
  } else if (flag == "--datasets") {
    absl::btree_set<std::string> seen;
    options.datasets.clear();
    for (absl::string_view id : absl::StrSplit(value, ',')) {
      if (id.empty()) return bad("a comma-separated list of dataset ids");
      if (seen.insert(std::string(id)).second) options.datasets.emplace_back(id);
    }
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown flag \"", flag, "\""));
  }
  return absl::OkStatus();
}

absl::Status MakeDirectory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::ErrnoToStatus(ec.value(),
                               absl::StrCat("cannot create directory \"", path, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<DatasetReport> WriteDataset(const MusterstadtOptions& options,
                                           const GeneratorParams& params, const std::string& id) {
  ASSIGN_OR_RETURN(const v1::DatasetSchema schema, MusterstadtSchema(id));
  DatasetReport report;
  report.id = id;
  report.schema_path = absl::StrCat(options.out_dir, "/schemas/", id, ".textproto");
  report.csv_path = absl::StrCat(options.out_dir, "/", id, ".csv");
  RETURN_IF_ERROR(WriteFileAtomically(report.schema_path, SchemaText(schema)));
  ASSIGN_OR_RETURN(std::unique_ptr<CsvFileWriter> out,
                   CsvFileWriter::Create(report.csv_path, ColumnNames(schema)));
  WriterFor(id)(params, *out);
  RETURN_IF_ERROR(out->Commit());
  report.rows = out->rows();
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(report.csv_path, ec);
  report.csv_bytes = ec ? -1 : static_cast<int64_t>(size);
  return report;
}

}  // namespace

std::string MusterstadtUsage() {
  return absl::StrCat(
      "usage: cellgate-musterstadt --out DIR [--seed N] [--scale F] [--datasets a,b,...]\n"
      "  Writes synthetic microdata of the fictional city Musterstadt:\n"
      "  DIR/schemas/<id>.textproto (v1.DatasetSchema) and DIR/<id>.csv.\n"
      "  --seed N       seed of all randomness (default 2026)\n"
      "  --scale F      size factor, 1.0 = 220,000 inhabitants (default 1.0)\n"
      "  --datasets L   comma-separated subset of: ",
      absl::StrJoin(MusterstadtDatasetIds(), ","), " (default: all)\n");
}

absl::StatusOr<MusterstadtOptions> ParseMusterstadtArgs(absl::Span<const std::string> args) {
  MusterstadtOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    const size_t equals = arg.find('=');
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    if (equals != absl::string_view::npos) {
      RETURN_IF_ERROR(SetFlag(options, arg.substr(0, equals), arg.substr(equals + 1)));
      continue;
    }
    if (i + 1 >= args.size() || absl::StartsWith(args[i + 1], "--")) {
      if (arg != "--out" && arg != "--seed" && arg != "--scale" && arg != "--datasets") {
        return absl::InvalidArgumentError(absl::StrCat("unknown flag \"", arg, "\""));
      }
      return absl::InvalidArgumentError(absl::StrCat("flag \"", arg, "\" needs a value"));
    }
    RETURN_IF_ERROR(SetFlag(options, arg, args[++i]));
  }
  RETURN_IF_ERROR(ValidateOptions(options));
  return options;
}

absl::StatusOr<std::vector<DatasetReport>> GenerateMusterstadt(const MusterstadtOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  RETURN_IF_ERROR(MakeDirectory(absl::StrCat(options.out_dir, "/schemas")));
  GeneratorParams params;
  params.seed = options.seed;
  params.scale_ppm = std::llround(options.scale * kMillion);
  const std::vector<std::string>& ids =
      options.datasets.empty() ? MusterstadtDatasetIds() : options.datasets;
  std::vector<DatasetReport> reports;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(DatasetReport report, WriteDataset(options, params, id));
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace cellgate::demo
