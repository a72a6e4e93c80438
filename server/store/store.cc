#include "server/store/store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <functional>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/store/schema_validator.h"
#include "server/store/sqlite_statement.h"

namespace cellgate::store {
namespace {

constexpr int64_t kFormatVersion = 1;
constexpr size_t kChunkBytes = 16 << 20;

constexpr char kSchemaSql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS datasets(id TEXT PRIMARY KEY, schema BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS versions(dataset TEXT NOT NULL, version INTEGER NOT NULL,"
    " info BLOB NOT NULL, PRIMARY KEY(dataset, version));"
    "CREATE TABLE IF NOT EXISTS column_chunks(dataset TEXT NOT NULL, version INTEGER NOT NULL,"
    " column_index INTEGER NOT NULL, chunk_index INTEGER NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY(dataset, version, column_index, chunk_index));"
    "CREATE TABLE IF NOT EXISTS ledger(seq INTEGER PRIMARY KEY, dataset TEXT NOT NULL,"
    " version INTEGER NOT NULL, release_id TEXT NOT NULL UNIQUE, entry BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS dataset_secrets(dataset TEXT PRIMARY KEY, secret BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS record_key_chunks(dataset TEXT NOT NULL, version INTEGER NOT NULL,"
    " chunk_index INTEGER NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY(dataset, version, chunk_index));"
    "CREATE TABLE IF NOT EXISTS kept_policies(hash TEXT PRIMARY KEY, policy BLOB NOT NULL);";

// Writes `data` as chunks of at most kChunkBytes through `insert`, whose
// parameters 1.. are bound by `bind` and whose last two are the chunk index
// and the data. An empty blob still gets one (empty) chunk.
absl::Status WriteChunks(Statement& insert, absl::string_view data, int first_free,
                         const std::function<void(Statement&)>& bind) {
  size_t offset = 0;
  int64_t index = 0;
  do {
    bind(insert);
    insert.BindInt(first_free, index++);
    insert.BindBlob(first_free + 1, data.substr(offset, kChunkBytes));
    RETURN_IF_ERROR(insert.Step("writing a chunk").status());
    insert.Reset();
    offset += kChunkBytes;
  } while (offset < data.size());
  return absl::OkStatus();
}

// Applies the raw key and the pinned cipher settings, then proves the key
// with a read before anything is written.
absl::Status Unlock(sqlite3* db, const SecretKey& key, int page_size) {
  std::string pragma = absl::StrCat("x'", crypto::HexEncode(key.bytes()), "'");
  const int rc = sqlite3_key(db, pragma.data(), static_cast<int>(pragma.size()));
  crypto::Cleanse(pragma.data(), pragma.size());
  if (rc != SQLITE_OK) return SqliteError(db, rc, "setting the store key");
  const std::string settings = absl::StrCat(
      "PRAGMA cipher_page_size = ", page_size,
      "; PRAGMA kdf_iter = 64000; PRAGMA cipher_use_hmac = ON;");
  RETURN_IF_ERROR(Exec(db, settings.c_str(), "applying cipher settings"));
  return Exec(db, "SELECT count(*) FROM sqlite_master;", "reading the store");
}

absl::StatusOr<std::string> CipherVersion(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement st, Statement::Prepare(db, "PRAGMA cipher_version;"));
  ASSIGN_OR_RETURN(const bool row, st.Step("reading cipher_version"));
  const std::string version = row ? std::string(st.ColumnBlob(0)) : "";
  if (version.empty()) {
    return absl::FailedPreconditionError(
        "the linked SQLite library is not SQLCipher (PRAGMA cipher_version is empty); "
        "refusing to write an unencrypted store");
  }
  return version;
}

absl::Status CheckFormat(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement st,
                   Statement::Prepare(db, "SELECT value FROM meta WHERE key = 'format_version';"));
  ASSIGN_OR_RETURN(const bool row, st.Step("reading the store format"));
  if (!row) {
    return Exec(db,
                absl::StrCat("INSERT INTO meta(key, value) VALUES('format_version', '",
                             kFormatVersion, "');")
                    .c_str(),
                "writing the store format");
  }
  if (st.ColumnBlob(0) != absl::StrCat(kFormatVersion)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store format version ", st.ColumnBlob(0), " is not supported (expected ", kFormatVersion,
        ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options,
                                                   const KeySource& keys, const Clock& clock) {
  struct stat st {};
  const bool exists = ::stat(options.path.c_str(), &st) == 0;
  if (!exists && !options.create_if_missing) {
    return absl::NotFoundError(absl::StrCat("store \"", options.path, "\" does not exist"));
  }
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  absl::Cleanup close_on_error = [db] { sqlite3_close(db); };
  if (rc != SQLITE_OK) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open store \"", options.path, "\": ", sqlite3_errstr(rc)));
  }
  ASSIGN_OR_RETURN(std::string cipher_version, CipherVersion(db));
  ASSIGN_OR_RETURN(const SecretKey key, keys.Load());
  RETURN_IF_ERROR(Unlock(db, key, options.page_size));
  RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                           "PRAGMA foreign_keys = ON;", "configuring the store"));
  RETURN_IF_ERROR(Exec(db, kSchemaSql, "creating the store tables"));
  RETURN_IF_ERROR(CheckFormat(db));
  std::move(close_on_error).Cancel();
  ASSIGN_OR_RETURN(sqlite3* const backup_db, OpenBackupReader(options.path, key,
                                                               options.page_size));
  std::unique_ptr<Store> store(new Store(db, clock, options));
  store->cipher_version_ = std::move(cipher_version);
  absl::MutexLock lock(&store->backup_mu_);
  store->backup_db_ = backup_db;
  store->key_fingerprint_ = crypto::HexEncode(crypto::Sha256(key.bytes())).substr(0, 16);
  return store;
}

absl::StatusOr<sqlite3*> Store::OpenBackupReader(const std::string& path, const SecretKey& key,
                                                 int page_size) {
  sqlite3* db = nullptr;
  // CREATE: ATTACH creates the backup file with these flags.
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  absl::Cleanup close_on_error = [db] { sqlite3_close(db); };
  if (rc != SQLITE_OK) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open store \"", path, "\" for backups: ", sqlite3_errstr(rc)));
  }
  RETURN_IF_ERROR(Unlock(db, key, page_size));
  std::move(close_on_error).Cancel();
  return db;
}

absl::Status Store::Rekey(const SecretKey& new_key) {
  absl::MutexLock backup_lock(&backup_mu_);  // no backup reads meanwhile
  absl::MutexLock lock(&mu_);
  std::string pragma = absl::StrCat("x'", crypto::HexEncode(new_key.bytes()), "'");
  const int rc = sqlite3_rekey(db_, pragma.data(), static_cast<int>(pragma.size()));
  crypto::Cleanse(pragma.data(), pragma.size());
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "re-encrypting the store");
  RETURN_IF_ERROR(Exec(db_, "PRAGMA wal_checkpoint(TRUNCATE);", "checkpointing after rekey"));
  // Every page once, under the new key.
  RETURN_IF_ERROR(Exec(db_, "SELECT count(*), sum(length(data)) FROM column_chunks;",
                       "reading the store under the new key"));
  // The backup reader still holds the old key.
  sqlite3_close(backup_db_);
  backup_db_ = nullptr;
  ASSIGN_OR_RETURN(backup_db_, OpenBackupReader(options_.path, new_key, options_.page_size));
  key_fingerprint_ = crypto::HexEncode(crypto::Sha256(new_key.bytes())).substr(0, 16);
  return absl::OkStatus();
}

Store::~Store() {
  {
    absl::MutexLock backup_lock(&backup_mu_);
    sqlite3_close(backup_db_);
  }
  absl::MutexLock lock(&mu_);
  sqlite3_close(db_);
}

absl::Status Store::CreateDataset(const v1::DatasetSchema& schema) {
  RETURN_IF_ERROR(ValidateSchema(schema));
  ASSIGN_OR_RETURN(std::string secret, options_.random_bytes(kDatasetSecretBytes));
  absl::Status created =
      secret.size() == kDatasetSecretBytes
          ? absl::OkStatus()
          : absl::InternalError("the random source gave a dataset secret of the wrong size");
  if (created.ok()) {
    absl::MutexLock lock(&mu_);
    created = Exec(db_, "BEGIN IMMEDIATE;", "starting to create the dataset");
    if (created.ok()) created = InsertDatasetLocked(schema, secret);
    if (created.ok()) created = Exec(db_, "COMMIT;", "committing the dataset");
    if (!created.ok()) Exec(db_, "ROLLBACK;", "rolling back").IgnoreError();
  }
  crypto::Cleanse(secret.data(), secret.size());
  return created;
}

absl::Status Store::InsertDatasetLocked(const v1::DatasetSchema& schema,
                                        const std::string& secret) {
  ASSIGN_OR_RETURN(Statement st,
                   Statement::Prepare(db_, "INSERT INTO datasets(id, schema) VALUES(?, ?);"));
  st.BindText(1, schema.id());
  const std::string bytes = schema.SerializeAsString();
  st.BindBlob(2, bytes);
  const absl::StatusOr<bool> done = st.Step("storing the dataset");
  if (absl::IsAlreadyExists(done.status())) {
    return absl::AlreadyExistsError(absl::StrCat("dataset \"", schema.id(), "\" already exists"));
  }
  RETURN_IF_ERROR(done.status());
  ASSIGN_OR_RETURN(Statement keep, Statement::Prepare(
      db_, "INSERT OR REPLACE INTO dataset_secrets(dataset, secret) VALUES(?, ?);"));
  keep.BindText(1, schema.id());
  keep.BindBlob(2, secret);
  return keep.Step("storing the dataset secret").status();
}

absl::StatusOr<std::string> Store::DatasetSecret(absl::string_view id) {
  // Made outside the lock: the random source may block.
  ASSIGN_OR_RETURN(std::string fresh, options_.random_bytes(kDatasetSecretBytes));
  absl::Cleanup wipe = [&fresh] { crypto::Cleanse(fresh.data(), fresh.size()); };
  if (fresh.size() != kDatasetSecretBytes) {
    return absl::InternalError("the random source gave a dataset secret of the wrong size");
  }
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(Statement add, Statement::Prepare(
      db_, "INSERT OR IGNORE INTO dataset_secrets(dataset, secret) VALUES(?, ?);"));
  add.BindText(1, id);
  add.BindBlob(2, fresh);
  RETURN_IF_ERROR(add.Step("storing a dataset secret").status());
  ASSIGN_OR_RETURN(Statement get, Statement::Prepare(
      db_, "SELECT secret FROM dataset_secrets WHERE dataset = ?;"));
  get.BindText(1, id);
  ASSIGN_OR_RETURN(const bool row, get.Step("reading a dataset secret"));
  if (!row || get.ColumnBlob(0).size() != kDatasetSecretBytes) {
    return absl::DataLossError(absl::StrCat("the secret of dataset \"", id, "\" is damaged"));
  }
  return std::string(get.ColumnBlob(0));
}

absl::StatusOr<std::vector<v1::DatasetSchema>> Store::ListDatasets() const {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(Statement st, Statement::Prepare(db_, "SELECT schema FROM datasets ORDER BY id;"));
  std::vector<v1::DatasetSchema> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, st.Step("listing datasets"));
    if (!row) break;
    if (!out.emplace_back().ParseFromString(std::string(st.ColumnBlob(0)))) {
      return absl::DataLossError("a stored dataset schema is damaged");
    }
  }
  return out;
}

absl::StatusOr<v1::DatasetSchema> Store::GetDatasetLocked(absl::string_view id) const {
  ASSIGN_OR_RETURN(Statement st, Statement::Prepare(db_, "SELECT schema FROM datasets WHERE id = ?;"));
  st.BindText(1, id);
  ASSIGN_OR_RETURN(const bool row, st.Step("reading a dataset"));
  if (!row) return absl::NotFoundError(absl::StrCat("unknown dataset \"", id, "\""));
  v1::DatasetSchema schema;
  if (!schema.ParseFromString(std::string(st.ColumnBlob(0)))) {
    return absl::DataLossError(absl::StrCat("the schema of dataset \"", id, "\" is damaged"));
  }
  return schema;
}

absl::StatusOr<v1::DatasetSchema> Store::GetDataset(absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  return GetDatasetLocked(id);
}

absl::StatusOr<std::vector<v1::DatasetVersionInfo>> Store::ListVersions(
    absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(GetDatasetLocked(id).status());
  ASSIGN_OR_RETURN(Statement st, Statement::Prepare(
      db_, "SELECT info FROM versions WHERE dataset = ? ORDER BY version;"));
  st.BindText(1, id);
  std::vector<v1::DatasetVersionInfo> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, st.Step("listing versions"));
    if (!row) break;
    if (!out.emplace_back().ParseFromString(std::string(st.ColumnBlob(0)))) {
      return absl::DataLossError(absl::StrCat("version info of \"", id, "\" is damaged"));
    }
  }
  return out;
}

absl::Status Store::AppendLedger(const v1::LedgerRelease& release) {
  std::string entry;
  if (!release.SerializeToString(&entry)) {
    return absl::InternalError("cannot encode a ledger release");
  }
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(Statement st, Statement::Prepare(
      db_, "INSERT INTO ledger(dataset, version, release_id, entry) VALUES(?, ?, ?, ?);"));
  st.BindText(1, release.dataset());
  st.BindInt(2, release.dataset_version());
  st.BindText(3, release.release_id());
  st.BindBlob(4, entry);
  return st.Step("appending to the release ledger").status();
}

absl::Status Store::ReadLedger(
    const std::function<absl::Status(v1::LedgerRelease)>& visit) const {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(Statement st,
                   Statement::Prepare(db_, "SELECT seq, entry FROM ledger ORDER BY seq;"));
  while (true) {
    ASSIGN_OR_RETURN(const bool row, st.Step("reading the release ledger"));
    if (!row) return absl::OkStatus();
    v1::LedgerRelease release;
    if (!release.ParseFromString(std::string(st.ColumnBlob(1)))) {
      return absl::DataLossError(
          absl::StrCat("release ledger entry ", st.ColumnInt(0), " is damaged"));
    }
    RETURN_IF_ERROR(visit(std::move(release)));
  }
}

absl::StatusOr<std::unique_ptr<IngestSession>> Store::BeginIngest(absl::string_view dataset,
                                                                  absl::string_view source_name,
                                                                  absl::string_view ingested_by) {
  ASSIGN_OR_RETURN(v1::DatasetSchema schema, GetDataset(dataset));
  ASSIGN_OR_RETURN(std::string secret, DatasetSecret(dataset));
  absl::StatusOr<RecordKeyer> keyer = RecordKeyer::Create(secret);
  crypto::Cleanse(secret.data(), secret.size());
  RETURN_IF_ERROR(keyer.status());
  return std::unique_ptr<IngestSession>(
      new IngestSession(*this, std::move(schema), std::string(source_name),
                        std::string(ingested_by), std::make_unique<RecordKeyer>(*std::move(keyer))));
}

absl::StatusOr<v1::DatasetVersionInfo> Store::CommitVersion(const v1::DatasetSchema& schema,
                                                            v1::DatasetVersionInfo info,
                                                            std::vector<v1::ColumnData> columns,
                                                            const std::string& record_keys) {
  info.set_version_hash(VersionHash(schema, columns));
  info.set_created_utc(FormatRfc3339Millis(clock_.Now()));
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE;", "starting the ingest transaction"));
  absl::Cleanup rollback = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    Exec(db_, "ROLLBACK;", "rolling back").IgnoreError();
  };
  ASSIGN_OR_RETURN(Statement max, Statement::Prepare(
      db_, "SELECT coalesce(max(version), 0) FROM versions WHERE dataset = ?;"));
  max.BindText(1, schema.id());
  RETURN_IF_ERROR(max.Step("numbering the version").status());
  info.set_version(max.ColumnInt(0) + 1);
  ASSIGN_OR_RETURN(Statement chunk, Statement::Prepare(
      db_, "INSERT INTO column_chunks VALUES(?, ?, ?, ?, ?);"));
  for (size_t c = 0; c < columns.size(); ++c) {
    RETURN_IF_ERROR(WriteChunks(chunk, columns[c].data(), 4, [&](Statement& st) {
      st.BindText(1, schema.id());
      st.BindInt(2, info.version());
      st.BindInt(3, static_cast<int64_t>(c));
    }));
  }
  ASSIGN_OR_RETURN(Statement key_chunk, Statement::Prepare(
      db_, "INSERT INTO record_key_chunks VALUES(?, ?, ?, ?);"));
  RETURN_IF_ERROR(WriteChunks(key_chunk, record_keys, 3, [&](Statement& st) {
    st.BindText(1, schema.id());
    st.BindInt(2, info.version());
  }));
  ASSIGN_OR_RETURN(Statement version, Statement::Prepare(
      db_, "INSERT INTO versions(dataset, version, info) VALUES(?, ?, ?);"));
  version.BindText(1, schema.id());
  version.BindInt(2, info.version());
  const std::string info_bytes = info.SerializeAsString();
  version.BindBlob(3, info_bytes);
  RETURN_IF_ERROR(version.Step("recording the version").status());
  RETURN_IF_ERROR(Exec(db_, "COMMIT;", "committing the ingest"));
  std::move(rollback).Cancel();
  return info;
}

absl::StatusOr<v1::VersionData> Store::LoadVersion(absl::string_view id, int64_t version) const {
  v1::VersionData out;
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(const v1::DatasetSchema schema, GetDatasetLocked(id));
  ASSIGN_OR_RETURN(Statement info, Statement::Prepare(
      db_, "SELECT info FROM versions WHERE dataset = ? AND version = ?;"));
  info.BindText(1, id);
  info.BindInt(2, version);
  ASSIGN_OR_RETURN(const bool found, info.Step("reading a version"));
  if (!found) return absl::NotFoundError(absl::StrCat("dataset \"", id, "\" has no version ", version));
  if (!out.mutable_info()->ParseFromString(std::string(info.ColumnBlob(0)))) {
    return absl::DataLossError(absl::StrCat("version info of \"", id, "\" is damaged"));
  }
  // Blobs are read by rowid straight into the column: no 16 MiB copy per
  // chunk, so the load needs about the memory of the columns alone.
  ASSIGN_OR_RETURN(Statement chunks, Statement::Prepare(
      db_, "SELECT column_index, rowid FROM column_chunks WHERE dataset = ? AND version = ?"
           " ORDER BY column_index, chunk_index;"));
  chunks.BindText(1, id);
  chunks.BindInt(2, version);
  std::vector<v1::ColumnData> columns;
  for (const v1::ColumnSchema& c : schema.columns()) {
    if (c.kind() == v1::UNIT_ID) continue;
    v1::ColumnData& data = columns.emplace_back();
    data.set_name(c.name());
    data.set_width(c.kind() == v1::DIMENSION     ? DimensionWidth(c)
                   : c.kind() == v1::CONTRIBUTOR ? kContributorWidth
                                                 : 8);
    data.mutable_data()->reserve(static_cast<size_t>(out.info().row_count()) * data.width());
  }
  while (true) {
    ASSIGN_OR_RETURN(const bool row, chunks.Step("reading column chunks"));
    if (!row) break;
    const int64_t c = chunks.ColumnInt(0);
    if (c < 0 || c >= static_cast<int64_t>(columns.size())) {
      return absl::DataLossError(absl::StrCat("dataset \"", id, "\" v", version,
                                              " has a chunk of an unknown column"));
    }
    RETURN_IF_ERROR(AppendBlob(db_, "column_chunks", "data", chunks.ColumnInt(1),
                               *columns[c].mutable_data(), "reading a column chunk"));
  }
  for (const v1::ColumnData& c : columns) {
    if (c.data().size() != static_cast<size_t>(out.info().row_count()) * c.width()) {
      return absl::DataLossError(absl::StrCat("dataset \"", id, "\" v", version, " column \"",
                                              c.name(), "\" has the wrong size"));
    }
  }
  if (VersionHash(schema, columns) != out.info().version_hash()) {
    return absl::DataLossError(
        absl::StrCat("dataset \"", id, "\" v", version, " does not match its version hash"));
  }
  for (auto& c : columns) *out.add_columns() = std::move(c);
  ASSIGN_OR_RETURN(Statement keys, Statement::Prepare(
      db_, "SELECT rowid FROM record_key_chunks WHERE dataset = ? AND version = ?"
           " ORDER BY chunk_index;"));
  keys.BindText(1, id);
  keys.BindInt(2, version);
  std::string& record_keys = *out.mutable_record_keys();
  record_keys.reserve(static_cast<size_t>(out.info().row_count()) * 4);
  while (true) {
    ASSIGN_OR_RETURN(const bool row, keys.Step("reading record keys"));
    if (!row) break;
    RETURN_IF_ERROR(AppendBlob(db_, "record_key_chunks", "data", keys.ColumnInt(0), record_keys,
                               "reading record keys"));
  }
  if (record_keys.empty()) record_keys.shrink_to_fit();
  // Versions ingested before record keys existed have none.
  if (!record_keys.empty() &&
      record_keys.size() != static_cast<size_t>(out.info().row_count()) * 4) {
    return absl::DataLossError(absl::StrCat("dataset \"", id, "\" v", version,
                                            " has record keys of the wrong size"));
  }
  return out;
}

IngestSession::IngestSession(Store& store, v1::DatasetSchema schema, std::string source_name,
                             std::string ingested_by, std::unique_ptr<RecordKeyer> keyer)
    : store_(store), schema_(std::move(schema)), source_name_(std::move(source_name)),
      ingested_by_(std::move(ingested_by)), keyer_(std::move(keyer)),
      builder_(schema_, keyer_.get()),
      reader_(source_name_, schema_.csv().delimiter() == ";" ? ';' : ',',
              [this](const std::vector<absl::string_view>& fields, int64_t line) {
                return OnRecord(fields, line);
              }) {}

absl::Status IngestSession::OnRecord(const std::vector<absl::string_view>& fields, int64_t line) {
  size_t bad_column = 1;
  const absl::Status s =
      header_seen_ ? builder_.AddRow(fields, &bad_column) : builder_.SetHeader(fields, &bad_column);
  header_seen_ = true;
  if (s.ok()) return s;
  return absl::InvalidArgumentError(
      absl::StrCat(source_name_, ":", line, ":", bad_column, ": ", s.message()));
}

absl::Status IngestSession::AddChunk(absl::string_view bytes) {
  RETURN_IF_ERROR(failed_);
  if (done_) return absl::FailedPreconditionError("the ingest is already committed");
  bytes_ += static_cast<int64_t>(bytes.size());
  if (bytes_ > store_.options_.max_ingest_bytes) {
    failed_ = absl::InvalidArgumentError(absl::StrCat(
        source_name_, ": file is larger than ", store_.options_.max_ingest_bytes, " bytes"));
    return failed_;
  }
  file_hash_.Update(bytes);
  failed_ = reader_.Feed(bytes);
  return failed_;
}

absl::StatusOr<v1::DatasetVersionInfo> IngestSession::Commit() {
  RETURN_IF_ERROR(failed_);
  if (done_) return absl::FailedPreconditionError("the ingest is already committed");
  done_ = true;
  RETURN_IF_ERROR(reader_.Finish());
  if (!header_seen_) {
    return absl::InvalidArgumentError(absl::StrCat(source_name_, ":1:1: the file is empty"));
  }
  if (builder_.rows() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(source_name_, ":2:1: no data rows"));
  }
  v1::DatasetVersionInfo info;
  info.set_dataset(schema_.id());
  info.set_row_count(builder_.rows());
  info.set_source_sha256(crypto::HexEncode(file_hash_.Finish()));
  info.set_source_name(source_name_);
  info.set_ingested_by(ingested_by_);
  return store_.CommitVersion(schema_, std::move(info), builder_.TakeColumns(),
                              builder_.TakeRecordKeys());
}

absl::Status Store::KeepPolicy(absl::string_view hash, const v1::DisclosurePolicy& policy) {
  std::string bytes;
  if (!policy.SerializeToString(&bytes)) return absl::InternalError("cannot encode a policy");
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(Statement st, Statement::Prepare(
      db_, "INSERT OR IGNORE INTO kept_policies(hash, policy) VALUES(?, ?);"));
  st.BindText(1, hash);
  st.BindBlob(2, bytes);
  return st.Step("keeping a policy version").status();
}

absl::StatusOr<v1::DisclosurePolicy> Store::KeptPolicy(absl::string_view hash) const {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(Statement st,
                   Statement::Prepare(db_, "SELECT policy FROM kept_policies WHERE hash = ?;"));
  st.BindText(1, hash);
  ASSIGN_OR_RETURN(const bool row, st.Step("reading a kept policy"));
  if (!row) {
    return absl::NotFoundError(
        absl::StrCat("the store keeps no policy with hash ", hash.substr(0, 64)));
  }
  v1::DisclosurePolicy policy;
  if (!policy.ParseFromString(std::string(st.ColumnBlob(0)))) {
    return absl::DataLossError(absl::StrCat("kept policy ", hash.substr(0, 64), " is damaged"));
  }
  return policy;
}

}  // namespace cellgate::store
