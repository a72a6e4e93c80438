// Rotating the store key without losing the store to a crash half way
// (docs/store-format.md, "Key rotation"):
//
//   1. a new random key is written to KEYFILE.next (0600, synced);
//   2. the store is re-encrypted under it (Store::Rekey, one transaction);
//   3. KEYFILE.next is renamed over KEYFILE and the directory synced.
//
// OpenStoreWithKeyFile finishes or abandons a rotation a crash interrupted:
// if KEYFILE.next opens the store, step 2 happened and step 3 is redone;
// otherwise KEYFILE.next is removed. Keys never appear in messages.
#ifndef CELLGATE_SERVER_STORE_KEY_ROTATION_H_
#define CELLGATE_SERVER_STORE_KEY_ROTATION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace cellgate::store {

// What OpenStoreWithKeyFile found of an interrupted rotation.
enum class PendingRotation { kNone, kCompleted, kAbandoned };

struct OpenedStore {
  std::unique_ptr<Store> store;
  PendingRotation pending = PendingRotation::kNone;
};

// Opens the store at options.path with the key in `key_file`, first
// settling an interrupted rotation as described above.
absl::StatusOr<OpenedStore> OpenStoreWithKeyFile(const StoreOptions& options,
                                                 const std::string& key_file,
                                                 const Clock& clock);

// Rotates the key of `store`, whose key is in `key_file`. Returns a
// fingerprint of the new key (first 16 hex digits of its SHA-256) for the
// audit record. On error before step 3 the old key stays valid.
absl::StatusOr<std::string> RotateStoreKey(Store& store, const std::string& key_file);

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_KEY_ROTATION_H_
