// Steward operations with their audit records: create a dataset, ingest a
// new version (all or nothing), list versions. Free of any transport;
// thread-safe.
#ifndef CELLGATE_SERVER_PIPELINE_ADMIN_OPERATIONS_H_
#define CELLGATE_SERVER_PIPELINE_ADMIN_OPERATIONS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/audit_log.h"
#include "audit/signing_key_file.h"
#include "cellgate/v1/dataset.pb.h"
#include "server/pipeline/dataset_catalog.h"
#include "server/pipeline/request_info.h"
#include "server/store/store.h"

namespace cellgate::pipeline {

// One ingest in progress: feed chunks, then Finish. Discards everything if
// destroyed unfinished. Not thread-safe.
class PendingIngest {
 public:
  PendingIngest(std::unique_ptr<store::IngestSession> session, std::string dataset,
                std::string source_name)
      : session_(std::move(session)), dataset_(std::move(dataset)),
        source_name_(std::move(source_name)) {}
  store::IngestSession& session() { return *session_; }
  const std::string& dataset() const { return dataset_; }
  const std::string& source_name() const { return source_name_; }

 private:
  std::unique_ptr<store::IngestSession> session_;
  std::string dataset_;
  std::string source_name_;
};

class AdminOperations {
 public:
  // References must outlive this object. `rotatable_key_file` is the store
  // key file RotateStoreKey may replace ("" if the key is not in a file);
  // `signing_key_file` the audit signing key file RotateSigningKey may
  // replace ("" if none, or a systemd credential).
  AdminOperations(DatasetCatalog& catalog, audit::AuditLog& log,
                  std::string rotatable_key_file = "", std::string signing_key_file = "");

  // Creates a dataset and records DATASET_CREATED. INVALID_ARGUMENT for a
  // bad schema, ALREADY_EXISTS, UNAVAILABLE if the log cannot record.
  absl::Status CreateDataset(const RequestInfo& request, const v1::DatasetSchema& schema);

  // Starts an ingest. NOT_FOUND for an unknown dataset; INVALID_ARGUMENT for
  // a bad source name.
  absl::StatusOr<std::unique_ptr<PendingIngest>> BeginIngest(const RequestInfo& request,
                                                             absl::string_view dataset,
                                                             absl::string_view source_name);

  // Ends an ingest. `error` is the first error of the chunk stream (OK if
  // none): then, or if the commit fails, nothing is stored and an INGEST
  // record with decision REFUSED is written. Otherwise commits the version,
  // loads it and records INGEST. UNAVAILABLE if the log is not writable
  // (checked before the commit).
  absl::StatusOr<v1::DatasetVersionInfo> FinishIngest(const RequestInfo& request,
                                                      std::unique_ptr<PendingIngest> ingest,
                                                      absl::string_view legal_basis,
                                                      const absl::Status& error);

  absl::StatusOr<std::vector<v1::DatasetVersionInfo>> ListVersions(absl::string_view dataset);

  // Re-encrypts the store under a new random key (store/key_rotation.h),
  // between a KEY_ROTATION record that it starts and one with its outcome.
  // Returns the new key's fingerprint. FAILED_PRECONDITION if the key is not
  // in a file cellgate may replace; UNAVAILABLE if the log cannot record.
  absl::StatusOr<std::string> RotateStoreKey(const RequestInfo& request);

  // Rotates the audit signing key to a new one the server generates: a
  // KEY_ROTATION record naming both public keys, sealed by the old key and
  // then the new one; the key file is replaced crash-safely
  // (audit/signing_key_file.h). FAILED_PRECONDITION if the key is not in a
  // file cellgate may replace; UNAVAILABLE if the log cannot record.
  absl::StatusOr<audit::RotatedSigningKey> RotateSigningKey(const RequestInfo& request);

 private:
  DatasetCatalog& catalog_;
  audit::AuditLog& log_;
  const std::string rotatable_key_file_;
  const std::string signing_key_file_;
  absl::Mutex rotation_mu_;  // one rotation at a time
};

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_ADMIN_OPERATIONS_H_
