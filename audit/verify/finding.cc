#include "audit/verify/finding.h"

#include "absl/strings/cord.h"

namespace cellgate::audit {
namespace {

constexpr char kPayloadUrl[] = "type.cellgate.example/audit.finding";

}  // namespace

absl::Status Finding(absl::string_view kind, absl::string_view message) {
  absl::Status status = absl::DataLossError(message);
  status.SetPayload(kPayloadUrl, absl::Cord(kind));
  return status;
}

std::string FindingKind(const absl::Status& status) {
  const auto kind = status.GetPayload(kPayloadUrl);
  return kind.has_value() ? std::string(*kind) : "";
}

}  // namespace cellgate::audit
