// Disclosure policy files and access policy files as text: parse and
// validate arbitrary input; a valid policy must also build a protector.
#include <cstdint>

#include "cellgate/v1/access.pb.h"
#include "common/textproto.h"
#include "policies/policy_loader.h"
#include "policies/table_protector.h"
#include "server/auth/access_control.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<cellgate::v1::DisclosurePolicy> policy =
      cellgate::policies::ParsePolicy(text, "fuzz.textproto");
  if (policy.ok()) cellgate::policies::TableProtector::Create(*policy).status().IgnoreError();
  cellgate::v1::AccessPolicy access;
  if (cellgate::ParseTextProto(text, "access.textproto", access).ok()) {
    cellgate::auth::AccessControl::FromPolicy(access, "fuzz").status().IgnoreError();
  }
  return 0;
}
