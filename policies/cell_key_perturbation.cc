#include "policies/cell_key_perturbation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::policies {
namespace {

constexpr uint64_t kOne = uint64_t{1} << 32;  // 1 in units of 2^-32
// Bounds on the size of a ptable: a file, not a data set.
constexpr int kMaxRows = 10000;
constexpr int64_t kMaxCount = 10000;
// Slack for probabilities written with finitely many decimals.
constexpr double kTolerance = 1e-6;

std::string RowField(int r, absl::string_view field = "") {
  return absl::StrCat("perturbation.ptable.rows[", r, "]", field.empty() ? "" : ".", field);
}

absl::Status Bad(absl::string_view what) { return absl::InvalidArgumentError(what); }

// The rules one row must meet by itself. Messages name the row, never a
// value: the ptable is secret.
absl::Status CheckRow(const v1::PerturbationRow& row, int r) {
  if (row.i() < 0) return Bad(absl::StrCat(RowField(r, "i"), " must be 0 or more"));
  if (row.i() > kMaxCount) {
    return Bad(absl::StrCat(RowField(r, "i"), " must be at most ", kMaxCount));
  }
  if (row.j() < 0) {
    return Bad(absl::StrCat(RowField(r, "j"), " must be 0 or more: no perturbed count is negative"));
  }
  if (row.v() != row.j() - row.i()) return Bad(absl::StrCat(RowField(r, "v"), " must be j - i"));
  if (row.i() == 0 && row.j() != 0) {
    return Bad(absl::StrCat(RowField(r), ": a count of 0 must stay 0"));
  }
  if (!(row.p() > 0 && row.p() <= 1)) {
    return Bad(absl::StrCat(RowField(r, "p"), " must be above 0 and at most 1"));
  }
  if (!(row.p_int_lb() >= 0 && row.p_int_lb() <= 1)) {
    return Bad(absl::StrCat(RowField(r, "p_int_lb"), " must lie in [0, 1]"));
  }
  if (!(row.p_int_ub() >= 0 && row.p_int_ub() <= 1)) {
    return Bad(absl::StrCat(RowField(r, "p_int_ub"), " must lie in [0, 1]"));
  }
  if (std::fabs(row.p_int_ub() - row.p_int_lb() - row.p()) > kTolerance) {
    return Bad(absl::StrCat(RowField(r, "p"), " must be p_int_ub - p_int_lb"));
  }
  return absl::OkStatus();
}

absl::Status CheckChannels(const v1::CellKeyPerturbation& config,
                           std::vector<v1::Channel>& channels) {
  for (int c = 0; c < config.channels_size(); ++c) {
    const v1::Channel channel = config.channels(c);
    if (channel != v1::INTERNAL && channel != v1::PUBLIC) {
      return Bad(absl::StrCat("perturbation.channels[", c, "] must be INTERNAL or PUBLIC"));
    }
    if (std::find(channels.begin(), channels.end(), channel) != channels.end()) {
      return Bad(absl::StrCat("perturbation.channels[", c, "] names a channel twice"));
    }
    channels.push_back(channel);
  }
  if (channels.empty()) channels.push_back(v1::PUBLIC);
  return absl::OkStatus();
}

}  // namespace

uint64_t FractionToFixed(double fraction) {
  return static_cast<uint64_t>(std::llround(fraction * static_cast<double>(kOne)));
}

absl::StatusOr<CellKeyPerturbation> CellKeyPerturbation::Create(
    const v1::CellKeyPerturbation& config, int64_t threshold_k) {
  std::vector<v1::Channel> channels;
  RETURN_IF_ERROR(CheckChannels(config, channels));
  const auto& rows = config.ptable().rows();
  if (rows.empty()) return Bad("perturbation.ptable has no rows");
  if (rows.size() > kMaxRows) {
    return Bad(absl::StrCat("perturbation.ptable has more than ", kMaxRows, " rows"));
  }
  std::vector<Block> blocks;
  std::vector<bool> seen;
  int64_t current = -1;
  double p_sum = 0;
  // Closes the block of `current`, whose last row is rows[r].
  auto close = [&](int r) -> absl::Status {
    if (blocks[current].upper.back() != kOne) {
      return Bad(absl::StrCat(RowField(r), " is the last row of its count and must end at p_int_ub 1"));
    }
    if (std::fabs(p_sum - 1) > kTolerance) {
      return Bad(absl::StrCat("the p of the rows of the count ending at ", RowField(r),
                              " must sum to 1"));
    }
    return absl::OkStatus();
  };
  for (int r = 0; r < rows.size(); ++r) {
    const v1::PerturbationRow& row = rows[r];
    RETURN_IF_ERROR(CheckRow(row, r));
    const bool starts = row.i() != current;
    if (starts) {
      if (current >= 0) RETURN_IF_ERROR(close(r - 1));
      if (row.i() < static_cast<int64_t>(seen.size()) && seen[row.i()]) {
        return Bad(absl::StrCat(RowField(r), " continues a count whose rows ended earlier (keep "
                                             "the rows of each count together, in interval order)"));
      }
      if (row.i() >= static_cast<int64_t>(blocks.size())) {
        blocks.resize(row.i() + 1);
        seen.resize(row.i() + 1, false);
      }
      seen[row.i()] = true;
      current = row.i();
      p_sum = 0;
    }
    Block& block = blocks[current];
    const uint64_t lb = FractionToFixed(row.p_int_lb());
    const uint64_t ub = FractionToFixed(row.p_int_ub());
    const uint64_t expected = block.upper.empty() ? 0 : block.upper.back();
    if (lb != expected) {
      return Bad(starts ? absl::StrCat(RowField(r, "p_int_lb"),
                                       " must be 0: the first row of a count starts at 0")
                        : absl::StrCat(RowField(r, "p_int_lb"),
                                       " must be the p_int_ub of the row before (the rows of a "
                                       "count cover [0, 1) in order)"));
    }
    if (ub <= lb) {
      return Bad(absl::StrCat(RowField(r), " has an empty interval (p_int_ub must be above p_int_lb)"));
    }
    block.upper.push_back(ub);
    block.noise.push_back(row.v());
    p_sum += row.p();
  }
  RETURN_IF_ERROR(close(rows.size() - 1));
  const int64_t max_count = static_cast<int64_t>(blocks.size()) - 1;
  if (max_count < 1) return Bad("perturbation.ptable needs rows for counts of 1 or more");
  for (int64_t i = 1; i <= max_count; ++i) {
    if (!seen[i]) {
      return Bad("perturbation.ptable lacks the rows of a count below its largest count (every "
                 "count from 1 up to the largest needs its rows)");
    }
  }
  if (!seen[0]) blocks[0] = Block{{kOne}, {0}};
  // Counts above the largest share its block, so checking up to it will do.
  for (int64_t n = 1; n < threshold_k && n <= max_count; ++n) {
    const Block& block = blocks[n];
    if (block.noise.size() == 1 && block.noise[0] == 0) {
      return Bad(absl::StrCat("perturbation.ptable publishes a count below threshold.k ",
                              threshold_k, " unchanged in every cell"));
    }
  }
  return CellKeyPerturbation(std::move(blocks), std::move(channels));
}

bool CellKeyPerturbation::AppliesTo(v1::Channel channel) const {
  if (channel == v1::CHANNEL_UNSPECIFIED) channel = v1::INTERNAL;
  return std::find(channels_.begin(), channels_.end(), channel) != channels_.end();
}

int64_t CellKeyPerturbation::Perturb(int64_t count, uint32_t cell_key) const {
  if (count <= 0) return 0;
  const int64_t max_count = static_cast<int64_t>(blocks_.size()) - 1;
  const Block& block = blocks_[std::min(count, max_count)];
  // lb <= key < ub: the first row whose upper bound lies above the key.
  const auto row = std::upper_bound(block.upper.begin(), block.upper.end(),
                                    static_cast<uint64_t>(cell_key));
  return count + block.noise[row - block.upper.begin()];
}

v1::CellValue CellKeyPerturbation::CountValue(int64_t count, uint32_t cell_key) const {
  v1::CellValue value;
  const int64_t published = Perturb(count, cell_key);
  value.set_status(published == 0 ? v1::ZERO : v1::PERTURBED);
  value.set_value(static_cast<double>(published));
  return value;
}

}  // namespace cellgate::policies
