// The encrypted store: a SQLCipher 3.4.1 database holding dataset schemas,
// immutable versions and their columns as blobs, the release ledger and the
// policy versions releases were decided under, so that loading a version
// is decryption and copying, not row-by-row SQL. Format: docs/store-format.md.
// Store is thread-safe (one connection behind a mutex); IngestSession is not.
//
//   FileKeySource keys("/var/lib/cellgate/store.key");
//   ASSIGN_OR_RETURN(auto store, Store::Open({.path = "store.db"}, keys, clock));
//   ASSIGN_OR_RETURN(auto ingest, store->BeginIngest("schueler", "s.csv", "steward"));
//   RETURN_IF_ERROR(ingest->AddChunk(bytes));
//   ASSIGN_OR_RETURN(v1::DatasetVersionInfo v, ingest->Commit());
#ifndef CELLGATE_SERVER_STORE_STORE_H_
#define CELLGATE_SERVER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cellgate/v1/dataset.pb.h"
#include "cellgate/v1/ledger.pb.h"
#include "cellgate/v1/policy.pb.h"
#include "common/clock.h"
#include "common/crypto/sha256.h"
#include "server/store/column_builder.h"
#include "server/store/csv_reader.h"
#include "server/store/key_source.h"
#include "server/store/record_keys.h"

struct sqlite3;

namespace cellgate::store {

struct StoreOptions {
  // Path of the SQLCipher file.
  std::string path;
  // PRAGMA cipher_page_size, set on every open (3.x does not store it; a
  // mismatch reads as a wrong key). Large pages decrypt blobs faster.
  int page_size = 65536;
  // Create the file if it does not exist (else NOT_FOUND).
  bool create_if_missing = true;
  // Largest CSV file one ingest accepts, in bytes.
  int64_t max_ingest_bytes = int64_t{2} << 30;
  // Source of the per-dataset secrets behind the record keys (the cell key
  // method); tests inject a fixed one. Returns `n` random bytes.
  std::function<absl::StatusOr<std::string>(size_t n)> random_bytes = crypto::RandomBytes;
};

class IngestSession;

// What a backup's snapshot holds, handed to its callback.
struct StoreSnapshot {
  // Releases in the snapshot's ledger.
  int64_t ledger_entries = 0;
  // PRAGMA cipher_page_size of the copy, and the fingerprint of the key it
  // is encrypted under (first 16 hex digits of SHA-256 of the key).
  int page_size = 0;
  std::string key_fingerprint;
};

class Store {
 public:
  // Opens or creates the store. FAILED_PRECONDITION "cannot open store:
  // wrong key or not a cellgate store" for a wrong key, wrong page size or a
  // foreign file (the file is not written then); FAILED_PRECONDITION if the
  // linked library is not SQLCipher. Key source errors pass through.
  // `clock` must outlive the store.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options,
                                                     const KeySource& keys, const Clock& clock);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Validates and stores a new dataset schema, with the dataset's secret
  // for its record keys (from StoreOptions.random_bytes), in one
  // transaction. INVALID_ARGUMENT for a bad schema (see
  // schema_validator.h); ALREADY_EXISTS if the id is taken; the errors of
  // random_bytes.
  absl::Status CreateDataset(const v1::DatasetSchema& schema);
  // Returns all schemas sorted by id.
  absl::StatusOr<std::vector<v1::DatasetSchema>> ListDatasets() const;
  // Returns one schema; NOT_FOUND `unknown dataset "x"`.
  absl::StatusOr<v1::DatasetSchema> GetDataset(absl::string_view id) const;
  // Returns the dataset's versions, oldest first; NOT_FOUND for an unknown
  // dataset.
  absl::StatusOr<std::vector<v1::DatasetVersionInfo>> ListVersions(absl::string_view id) const;
  // Starts an ingest of one CSV file into a new version; NOT_FOUND for an
  // unknown dataset. The session must not outlive the store.
  absl::StatusOr<std::unique_ptr<IngestSession>> BeginIngest(absl::string_view dataset,
                                                             absl::string_view source_name,
                                                             absl::string_view ingested_by);
  // Loads a version's columns and record keys (empty for a version
  // ingested before record keys existed). NOT_FOUND if it does not exist;
  // DATA_LOSS if its blobs do not match its recorded size or hash.
  absl::StatusOr<v1::VersionData> LoadVersion(absl::string_view id, int64_t version) const;
  // Appends one release to the release ledger in its own transaction,
  // durable when this returns. ALREADY_EXISTS if the release id is already
  // in the ledger; UNAVAILABLE if the disk refuses.
  absl::Status AppendLedger(const v1::LedgerRelease& release);
  // Calls `visit` for every ledger release, oldest first, while holding the
  // store (visit must not call the store). Stops at the first error it
  // returns; DATA_LOSS for an entry that does not decode.
  absl::Status ReadLedger(const std::function<absl::Status(v1::LedgerRelease)>& visit) const;

  // Keeps a disclosure policy under its hex hash, so that a past release
  // can be replayed under the policy that protected it. Keeping the same
  // hash again changes nothing. UNAVAILABLE if the disk refuses.
  absl::Status KeepPolicy(absl::string_view hash, const v1::DisclosurePolicy& policy);
  // Returns the policy kept under `hash`; NOT_FOUND if none, DATA_LOSS if
  // it does not decode.
  absl::StatusOr<v1::DisclosurePolicy> KeptPolicy(absl::string_view hash) const;

  // Re-encrypts every page under `new_key` (PRAGMA rekey, one transaction:
  // a crash leaves the file under the old key), truncates the WAL and
  // proves the new key with a full read. Blocks all other calls meanwhile.
  // See key_rotation.h for the protocol around it.
  absl::Status Rekey(const SecretKey& new_key);

  // Writes a consistent copy of the store to the new file `dest_path`,
  // encrypted under the same key and page size (sqlcipher_export from a
  // read transaction on a second connection; store_backup.cc). Other calls
  // go on meanwhile. `on_snapshot` runs once the snapshot is fixed and
  // before the copy is written; its error aborts the backup. The file is
  // synced; on any error it is removed. ALREADY_EXISTS if `dest_path`
  // exists; UNAVAILABLE if it cannot be written.
  absl::Status Backup(const std::string& dest_path,
                      absl::FunctionRef<absl::Status(const StoreSnapshot&)> on_snapshot);

  // The SQLCipher version reported by the library, e.g. "3.4.1".
  const std::string& cipher_version() const { return cipher_version_; }

 private:
  friend class IngestSession;
  Store(sqlite3* db, const Clock& clock, StoreOptions options)
      : db_(db), clock_(clock), options_(std::move(options)) {}
  absl::StatusOr<v1::DatasetVersionInfo> CommitVersion(const v1::DatasetSchema& schema,
                                                       v1::DatasetVersionInfo info,
                                                       std::vector<v1::ColumnData> columns,
                                                       const std::string& record_keys);
  // The dataset's secret; made now (from random_bytes) for a dataset
  // created before secrets existed.
  absl::StatusOr<std::string> DatasetSecret(absl::string_view id);
  absl::StatusOr<v1::DatasetSchema> GetDatasetLocked(absl::string_view id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Opens the second connection that backups read from (store_backup.cc).
  static absl::StatusOr<sqlite3*> OpenBackupReader(const std::string& path, const SecretKey& key,
                                                   int page_size);
  absl::Status InsertDatasetLocked(const v1::DatasetSchema& schema, const std::string& secret)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  sqlite3* db_ ABSL_GUARDED_BY(mu_);  // owned
  const Clock& clock_;
  const StoreOptions options_;
  std::string cipher_version_;
  // The backup reader: idle between backups, reopened by Rekey. Taken
  // before mu_ where both are held.
  absl::Mutex backup_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  sqlite3* backup_db_ ABSL_GUARDED_BY(backup_mu_) = nullptr;  // owned
  std::string key_fingerprint_ ABSL_GUARDED_BY(backup_mu_);
};

// One ingest in progress. Nothing is visible until Commit; destroying the
// session without Commit discards everything.
class IngestSession {
 public:
  // Parses the next bytes (a chunk may end anywhere). INVALID_ARGUMENT
  // "source:line:column: reason" on the first bad record; the session is
  // dead afterwards.
  absl::Status AddChunk(absl::string_view bytes);
  // Checks the end of the file and writes the version in one transaction.
  absl::StatusOr<v1::DatasetVersionInfo> Commit();

 private:
  friend class Store;
  IngestSession(Store& store, v1::DatasetSchema schema, std::string source_name,
                std::string ingested_by, std::unique_ptr<RecordKeyer> keyer);
  absl::Status OnRecord(const std::vector<absl::string_view>& fields, int64_t line);

  Store& store_;
  const v1::DatasetSchema schema_;
  const std::string source_name_;
  const std::string ingested_by_;
  std::unique_ptr<RecordKeyer> keyer_;  // before builder_, which borrows it
  ColumnBuilder builder_;
  CsvReader reader_;
  crypto::Sha256Hasher file_hash_;
  int64_t bytes_ = 0;
  bool header_seen_ = false;
  bool done_ = false;
  absl::Status failed_;
};

}  // namespace cellgate::store

#endif  // CELLGATE_SERVER_STORE_STORE_H_
