#include "common/status_util.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace cellgate {

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  absl::Status annotated(status.code(), absl::StrCat(context, ": ", status.message()));
  // Payloads (e.g. the kind of an audit finding) travel with the status.
  status.ForEachPayload([&annotated](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

}  // namespace cellgate
