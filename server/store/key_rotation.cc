#include "server/store/key_rotation.h"

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace cellgate::store {
namespace {

std::string NextKeyPath(const std::string& key_file) { return key_file + ".next"; }

// Step 3: the new key becomes the key.
absl::Status Promote(const std::string& key_file) {
  return RenameDurably(NextKeyPath(key_file), key_file);
}

}  // namespace

absl::StatusOr<OpenedStore> OpenStoreWithKeyFile(const StoreOptions& options,
                                                 const std::string& key_file,
                                                 const Clock& clock) {
  OpenedStore opened;
  const std::string next = NextKeyPath(key_file);
  if (std::filesystem::exists(next)) {
    absl::StatusOr<std::unique_ptr<Store>> with_next =
        Store::Open(options, FileKeySource(next), clock);
    if (with_next.ok()) {
      RETURN_IF_ERROR(Promote(key_file));
      opened.store = *std::move(with_next);
      opened.pending = PendingRotation::kCompleted;
      return opened;
    }
    ASSIGN_OR_RETURN(opened.store, Store::Open(options, FileKeySource(key_file), clock));
    std::filesystem::remove(next);
    RETURN_IF_ERROR(SyncParentDirectory(key_file));
    opened.pending = PendingRotation::kAbandoned;
    return opened;
  }
  ASSIGN_OR_RETURN(opened.store, Store::Open(options, FileKeySource(key_file), clock));
  return opened;
}

absl::StatusOr<std::string> RotateStoreKey(Store& store, const std::string& key_file) {
  ASSIGN_OR_RETURN(std::string raw, crypto::RandomBytes(32));
  std::string hex = crypto::HexEncode(raw);
  const std::string fingerprint = crypto::HexEncode(crypto::Sha256(raw)).substr(0, 16);
  absl::StatusOr<SecretKey> key = SecretKey::FromBytes(raw);
  crypto::Cleanse(raw.data(), raw.size());
  const absl::Status written = WriteFileAtomically(NextKeyPath(key_file), hex + "\n", 0600);
  crypto::Cleanse(hex.data(), hex.size());
  RETURN_IF_ERROR(written);
  if (!key.ok()) return key.status();
  const absl::Status rekeyed = store.Rekey(*key);
  if (!rekeyed.ok()) {
    // The transaction rolled back: the old key still opens the store.
    std::filesystem::remove(NextKeyPath(key_file));
    return rekeyed;
  }
  RETURN_IF_ERROR(Promote(key_file));
  return fingerprint;
}

}  // namespace cellgate::store
