#include "server/pipeline/admin_operations.h"

#include "server/store/key_rotation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/pipeline/text_checks.h"

namespace cellgate::pipeline {
namespace {

v1::AuditRecord AdminRecord(const RequestInfo& request, v1::RecordType type,
                            absl::string_view dataset) {
  v1::AuditRecord record;
  record.set_record_type(type);
  *record.mutable_requester() = request.requester;
  record.set_access_policy_hash(request.access_policy_hash);
  record.set_method(request.method);
  record.set_dataset(std::string(dataset));
  return record;
}

void MarkRefused(v1::AuditRecord& record, const absl::Status& status) {
  record.set_decision(v1::REFUSED);
  record.add_reason_codes(absl::AsciiStrToLower(absl::StatusCodeToString(status.code())));
  record.set_reason(std::string(status.message()));
}

}  // namespace

AdminOperations::AdminOperations(DatasetCatalog& catalog, audit::AuditLog& log,
                                 std::string rotatable_key_file, std::string signing_key_file)
    : catalog_(catalog),
      log_(log),
      rotatable_key_file_(std::move(rotatable_key_file)),
      signing_key_file_(std::move(signing_key_file)) {}

absl::StatusOr<audit::RotatedSigningKey> AdminOperations::RotateSigningKey(
    const RequestInfo& request) {
  absl::MutexLock lock(&rotation_mu_);
  if (signing_key_file_.empty()) {
    return absl::FailedPreconditionError(
        "the audit signing key does not come from a key file (audit_signing_key_file), so "
        "cellgate cannot rotate it");
  }
  v1::AuditRecord record = AdminRecord(request, v1::KEY_ROTATION, "");
  record.set_decision(v1::RELEASED);
  record.set_detail("audit signing key rotated");
  return audit::RotateSigningKeyFile(log_, signing_key_file_, std::move(record));
}

absl::StatusOr<std::string> AdminOperations::RotateStoreKey(const RequestInfo& request) {
  absl::MutexLock lock(&rotation_mu_);
  if (rotatable_key_file_.empty()) {
    return absl::FailedPreconditionError(
        "the store key does not come from a key file (store_key_file), so cellgate cannot "
        "rotate it; rotate the environment variable or systemd credential outside cellgate");
  }
  v1::AuditRecord begin = AdminRecord(request, v1::KEY_ROTATION, "");
  begin.set_detail("store key rotation started");
  RETURN_IF_ERROR(log_.Append(std::move(begin)).status());
  absl::StatusOr<std::string> fingerprint =
      store::RotateStoreKey(catalog_.store(), rotatable_key_file_);
  v1::AuditRecord done = AdminRecord(request, v1::KEY_ROTATION, "");
  if (fingerprint.ok()) {
    done.set_decision(v1::RELEASED);
    done.set_detail(absl::StrCat("store key rotated; new key fingerprint ", *fingerprint));
  } else {
    MarkRefused(done, fingerprint.status());
  }
  RETURN_IF_ERROR(log_.Append(std::move(done)).status());
  return fingerprint;
}

absl::Status AdminOperations::CreateDataset(const RequestInfo& request,
                                            const v1::DatasetSchema& schema) {
  if (!log_.healthy()) return absl::UnavailableError("audit log is not writable");
  v1::AuditRecord record = AdminRecord(request, v1::DATASET_CREATED, schema.id());
  const absl::Status created = catalog_.store().CreateDataset(schema);
  if (created.ok()) {
    record.set_decision(v1::RELEASED);
  } else {
    MarkRefused(record, created);
  }
  RETURN_IF_ERROR(log_.Append(std::move(record)).status());
  return created;
}

absl::StatusOr<std::unique_ptr<PendingIngest>> AdminOperations::BeginIngest(
    const RequestInfo& request, absl::string_view dataset, absl::string_view source_name) {
  RETURN_IF_ERROR(CheckText(source_name, "source_name", 256));
  const std::string name = source_name.empty() ? "upload.csv" : std::string(source_name);
  ASSIGN_OR_RETURN(std::unique_ptr<store::IngestSession> session,
                   catalog_.store().BeginIngest(dataset, name, request.requester.principal()));
  return std::make_unique<PendingIngest>(std::move(session), std::string(dataset), name);
}

absl::StatusOr<v1::DatasetVersionInfo> AdminOperations::FinishIngest(
    const RequestInfo& request, std::unique_ptr<PendingIngest> ingest,
    absl::string_view legal_basis, const absl::Status& error) {
  v1::AuditRecord record = AdminRecord(request, v1::INGEST, ingest->dataset());
  record.set_source_name(ingest->source_name());
  record.set_legal_basis(std::string(legal_basis));
  absl::StatusOr<v1::DatasetVersionInfo> info = absl::UnknownError("ingest not committed");
  if (!error.ok()) {
    info = error;
  } else {
    if (!log_.healthy()) return absl::UnavailableError("audit log is not writable");
    info = ingest->session().Commit();
  }
  ingest.reset();  // discards an uncommitted session
  if (!info.ok()) {
    MarkRefused(record, info.status());
    RETURN_IF_ERROR(log_.Append(std::move(record)).status());
    return info.status();
  }
  record.set_decision(v1::RELEASED);
  record.set_dataset_version(info->version());
  record.set_dataset_version_hash(info->version_hash());
  record.set_source_sha256(info->source_sha256());
  record.set_row_count(info->row_count());
  const absl::Status loaded = catalog_.AddVersion(info->dataset(), info->version());
  if (!loaded.ok()) record.set_detail(std::string(loaded.message()));
  RETURN_IF_ERROR(log_.Append(std::move(record)).status());
  RETURN_IF_ERROR(loaded);
  return info;
}

absl::StatusOr<std::vector<v1::DatasetVersionInfo>> AdminOperations::ListVersions(
    absl::string_view dataset) {
  return catalog_.store().ListVersions(dataset);
}

}  // namespace cellgate::pipeline
