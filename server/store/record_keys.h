// Record keys for the cell key method (docs/adr/0004-cell-key-method.md):
// each record's key is a fraction of 1 in units of 2^-32, the first four
// bytes (little-endian) of HMAC-SHA-256 under the dataset's secret of its
// unit id, or, in a dataset without a UNIT_ID column, of its stored column
// bytes. So a unit keeps its key in every version of the dataset. Not
// thread-safe (one per ingest).
#ifndef CELLGATE_SERVER_STORE_RECORD_KEYS_H_
#define CELLGATE_SERVER_STORE_RECORD_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/crypto/hmac.h"

namespace cellgate::store {

// Bytes of a dataset secret, made once when the dataset is created.
inline constexpr size_t kDatasetSecretBytes = 32;

class RecordKeyer {
 public:
  // INVALID_ARGUMENT unless `dataset_secret` has kDatasetSecretBytes bytes
  // (the message never carries it); INTERNAL if OpenSSL fails.
  static absl::StatusOr<RecordKeyer> Create(absl::string_view dataset_secret);

  // The key of the unit whose UNIT_ID columns hold `unit_id` (the values
  // of all of them, each length-prefixed, in schema order).
  uint32_t ForUnit(absl::string_view unit_id);
  // The key of a record without unit id, from its stored column bytes:
  // identical records share a key (they fall into the same cells anyway).
  uint32_t ForContent(absl::string_view row_bytes);

 private:
  explicit RecordKeyer(crypto::HmacSha256 mac) : mac_(std::move(mac)) {}
  uint32_t KeyOf(absl::string_view domain, absl::string_view input);

  crypto::HmacSha256 mac_;
  std::string scratch_;
};

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_RECORD_KEYS_H_
