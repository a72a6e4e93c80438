#include "common/status_util.h"

#include "absl/strings/str_cat.h"

namespace cellgate {

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

}  // namespace cellgate
