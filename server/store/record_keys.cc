#include "server/store/record_keys.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::store {

absl::StatusOr<RecordKeyer> RecordKeyer::Create(absl::string_view dataset_secret) {
  if (dataset_secret.size() != kDatasetSecretBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a dataset secret has ", kDatasetSecretBytes, " bytes"));
  }
  ASSIGN_OR_RETURN(crypto::HmacSha256 mac, crypto::HmacSha256::Create(dataset_secret));
  return RecordKeyer(std::move(mac));
}

uint32_t RecordKeyer::ForUnit(absl::string_view unit_id) {
  return KeyOf("cellgate-record-key-v1/unit", unit_id);
}

uint32_t RecordKeyer::ForContent(absl::string_view row_bytes) {
  return KeyOf("cellgate-record-key-v1/row", row_bytes);
}

uint32_t RecordKeyer::KeyOf(absl::string_view domain, absl::string_view input) {
  // Domain separation: the two kinds of input never yield the same message.
  scratch_.assign(domain.data(), domain.size());
  scratch_.push_back('\0');
  scratch_.append(input.data(), input.size());
  const crypto::Digest tag = mac_.Mac(scratch_);
  return static_cast<uint32_t>(tag[0]) | static_cast<uint32_t>(tag[1]) << 8 |
         static_cast<uint32_t>(tag[2]) << 16 | static_cast<uint32_t>(tag[3]) << 24;
}

}  // namespace cellgate::store
