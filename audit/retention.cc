#include "audit/retention.h"

#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "audit/verify/detail_format.h"
#include "common/status_macros.h"

namespace cellgate::audit {
namespace {

std::string Rule(v1::DetailKind kind, int year, int years) {
  const char* field =
      kind == v1::IDENTITY ? "audit_identity_retention_years" : "audit_content_retention_years";
  return absl::StrCat(DetailKindName(kind), " details of ", year, " are kept until the end of ",
                      year + years, " (", field, ": ", years, ")");
}

}  // namespace

std::vector<ExpiredFile> ExpiredDetailFiles(
    const std::vector<std::pair<v1::DetailKind, int>>& files, const RetentionRules& rules,
    absl::Time now) {
  const int this_year = static_cast<int>(absl::ToCivilYear(now, absl::UTCTimeZone()).year());
  std::vector<ExpiredFile> expired;
  for (const auto& [kind, year] : files) {
    const int years = kind == v1::IDENTITY ? rules.identity_years : rules.content_years;
    if (years < 0 || year + years >= this_year) continue;
    expired.push_back({kind, year, Rule(kind, year, years)});
  }
  return expired;
}

absl::StatusOr<int> ApplyRetention(AuditLog& log, const std::string& dir,
                                   const RetentionRules& rules, absl::Time now) {
  ASSIGN_OR_RETURN(const auto files, ListDetailFiles(dir));
  int deleted = 0;
  for (const ExpiredFile& file : ExpiredDetailFiles(files, rules, now)) {
    absl::StatusOr<v1::Receipt> receipt = log.RedactDetails(file.kind, file.year, file.rule);
    // Gone already: deleted by a record whose unlink the next start repeats.
    if (receipt.status().code() == absl::StatusCode::kNotFound) continue;
    if (!receipt.ok()) return receipt.status();
    ++deleted;
  }
  return deleted;
}

RetentionSweeper::RetentionSweeper(AuditLog& log, std::string dir, RetentionRules rules,
                                   const Clock& clock, absl::Duration period)
    : log_(log),
      dir_(std::move(dir)),
      rules_(rules),
      clock_(clock),
      period_(period),
      thread_([this] { Loop(); }) {}

RetentionSweeper::~RetentionSweeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RetentionSweeper::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, absl::ToChronoNanoseconds(period_), [this] { return stopping_; })) {
    lock.unlock();
    absl::StatusOr<int> deleted = ApplyRetention(log_, dir_, rules_, clock_.Now());
    if (!deleted.ok()) {
      std::fprintf(
          stderr, "{\"level\":\"error\",\"event\":\"audit_retention_failed\",\"message\":\"%s\"}\n",
          absl::StrReplaceAll(deleted.status().message(), {{"\"", "'"}, {"\\", "/"}}).c_str());
    }
    lock.lock();
  }
}

}  // namespace cellgate::audit
