#include "client/commands/backup_commands.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/detail_verifier.h"
#include "audit/verify/log_reader.h"
#include "client/exit_codes.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/sha256.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/textproto.h"
#include "google/protobuf/text_format.h"

namespace cellgate::client {
namespace {

namespace fs = std::filesystem;

constexpr char kManifestName[] = "MANIFEST";
constexpr int64_t kMaxManifestBytes = 1 << 20;

// Only the names a backup has: store.db, audit/audit-NNNNNN.log and the
// detail files audit/details/<identity|content>-YYYY.blobs.
bool IsBackupPath(const std::string& path) {
  if (path == "store.db") return true;
  const std::string name = path.substr(std::min(path.size(), sizeof("audit/") - 1));
  if (absl::StartsWith(path, "audit/details/")) {
    return audit::ParseDetailFileName(path.substr(sizeof("audit/details/") - 1)).ok();
  }
  return absl::StartsWith(path, "audit/") && absl::StartsWith(name, "audit-") &&
         absl::EndsWith(name, ".log") && name.find('/') == std::string::npos &&
         name.find("..") == std::string::npos;
}

// DATA_LOSS if `dir`'s audit/ holds a file the manifest does not name: a
// restore copies only what the manifest names, so everything checked must
// be in it.
absl::Status CheckNoUnlistedAuditFile(const fs::path& dir, const v1::BackupManifest& manifest) {
  std::set<std::string> listed;
  for (const v1::BackupFile& file : manifest.files()) listed.insert(file.path());
  std::error_code error;
  for (fs::recursive_directory_iterator it(dir / "audit", error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_directory(error)) continue;
    const std::string path = fs::relative(it->path(), dir, error).string();
    if (listed.count(path) == 0) {
      return absl::DataLossError(absl::StrCat("the backup holds ", path.substr(0, 128),
                                              ", which its manifest does not name"));
    }
  }
  if (error) {
    return absl::DataLossError(
        absl::StrCat("cannot list ", (dir / "audit").string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

absl::Status RequireNewDirectory(const fs::path& dir) {
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
    return UsageError(absl::StrCat(dir.string(), " is not empty; use a new directory"));
  }
  return absl::OkStatus();
}

absl::Status MakePrivateDirectory(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error || ::chmod(dir.c_str(), 0700) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir.string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

// The directory a backup file goes into, made private when it is new.
absl::Status MakeParentOf(const fs::path& root, const std::string& path) {
  const fs::path parent = (root / path).parent_path();
  std::error_code error;
  if (fs::is_directory(parent, error)) return absl::OkStatus();
  return MakePrivateDirectory(parent);
}

std::string FileSha256(const fs::path& path, uint64_t* size) {
  std::ifstream in(path, std::ios::binary);
  crypto::Sha256Hasher hash;
  std::string buffer(1 << 20, '\0');
  *size = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    hash.Update(absl::string_view(buffer.data(), static_cast<size_t>(n)));
    *size += static_cast<uint64_t>(n);
  }
  return crypto::HexEncode(hash.Finish());
}

// Checks every file of `dir` against `manifest`, then the audit copy's
// chain, count and head against the manifest.
absl::Status VerifyBackup(const fs::path& dir, const v1::BackupManifest& manifest,
                          const std::string& public_key) {
  bool has_store = false;
  for (const v1::BackupFile& file : manifest.files()) {
    if (!IsBackupPath(file.path())) {
      return absl::DataLossError(absl::StrCat("the manifest names an unexpected file \"",
                                              file.path().substr(0, 64), "\""));
    }
    has_store |= file.path() == "store.db";
    uint64_t size = 0;
    const std::string sha256 = FileSha256(dir / file.path(), &size);
    if (size != file.size() || sha256 != file.sha256()) {
      return absl::DataLossError(absl::StrCat("backup file ", (dir / file.path()).string(),
                                              " does not match its manifest entry"));
    }
  }
  if (!has_store) return absl::DataLossError("the backup manifest names no store.db");
  ASSIGN_OR_RETURN(const audit::ReadResult log, audit::ReadLog((dir / "audit").string()));
  if (log.torn_tail_bytes > 0) {
    return absl::DataLossError("the backup's audit log copy ends in a torn frame");
  }
  absl::StatusOr<audit::ChainSummary> chain =
      audit::VerifyChain(log.records, manifest.audit_origin(), public_key);
  if (!chain.ok()) {
    return absl::DataLossError(
        absl::StrCat("the backup's audit log does not verify: ", chain.status().message()));
  }
  // The detail blobs (format 2): each one its header names, intact, and
  // nothing more: a blob no record of the copy names would be the identity
  // or content of a request after the cut.
  RETURN_IF_ERROR(CheckNoUnlistedAuditFile(dir, manifest));
  absl::StatusOr<audit::DetailSummary> details =
      audit::VerifyDetails((dir / "audit").string(), log.records);
  if (!details.ok()) {
    return absl::DataLossError(absl::StrCat("the backup's audit log does not verify: ",
                                            details.status().message()));
  }
  if (details->tail_bytes > 0) {
    return absl::DataLossError(absl::StrCat("the backup's detail files hold ", details->tail_bytes,
                                            " bytes that no record of its audit log names"));
  }
  if (chain->records != manifest.audit_records() ||
      chain->head_leaf_hash != manifest.audit_head_leaf_hash()) {
    return absl::DataLossError(absl::StrCat(
        "the backup's audit log has ", chain->records, " records ending in ",
        chain->head_leaf_hash, "; the manifest says ", manifest.audit_records(), " ending in ",
        manifest.audit_head_leaf_hash()));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::BackupManifest> ReadManifest(const fs::path& dir) {
  v1::BackupManifest manifest;
  const std::string path = (dir / kManifestName).string();
  absl::Status parsed = ParseTextProtoFile(path, manifest);
  if (!parsed.ok()) return AsUsageError(parsed, "cannot read the backup manifest");
  return manifest;
}

}  // namespace

absl::Status RunBackup(const CommandLine& line, Connection& connection, std::ostream& out) {
  const fs::path dir(line.args.at(0));
  RETURN_IF_ERROR(RequireNewDirectory(dir));
  // Everything is written beside DIR first and renamed into place at the end.
  const fs::path partial = dir.string() + ".partial";
  std::error_code error;
  fs::remove_all(partial, error);
  RETURN_IF_ERROR(MakePrivateDirectory(partial / "audit"));
  std::ofstream file;
  std::string current;
  v1::BackupManifest manifest;
  bool finished = false;
  absl::Status streamed = connection.Backup(
      v1::BackupRequest(), [&](const v1::BackupChunk& chunk) -> absl::Status {
        if (chunk.has_manifest()) {
          manifest = chunk.manifest();
          finished = true;
          return absl::OkStatus();
        }
        if (!IsBackupPath(chunk.path())) {
          return absl::InternalError(absl::StrCat("server sent an unexpected file name \"",
                                                  chunk.path().substr(0, 64), "\""));
        }
        if (chunk.path() != current) {
          file.close();
          RETURN_IF_ERROR(MakeParentOf(partial, chunk.path()));
          file.open(partial / chunk.path(), std::ios::binary | std::ios::trunc);
          ::chmod((partial / chunk.path()).c_str(), 0600);
          current = chunk.path();
        }
        file.write(chunk.data().data(), static_cast<std::streamsize>(chunk.data().size()));
        if (!file) return absl::InternalError(absl::StrCat("cannot write ", current));
        return absl::OkStatus();
      });
  file.close();
  absl::Status status = streamed;
  if (status.ok() && !finished) status = absl::DataLossError("the backup stream ended early");
  if (status.ok()) status = VerifyBackup(partial, manifest, "");
  if (status.ok()) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(manifest, &text);
    status = WriteFileAtomically((partial / kManifestName).string(), text, 0600);
  }
  if (status.ok()) {
    fs::remove(dir, error);  // an empty DIR, if it existed
    fs::rename(partial, dir, error);
    if (error) {
      status = absl::FailedPreconditionError(
          absl::StrCat("cannot rename ", partial.string(), " to ", dir.string(), ": ",
                       error.message()));
    }
  }
  if (!status.ok()) {
    fs::remove_all(partial, error);
    return status;
  }
  out << "backup " << manifest.backup_id() << " written to " << dir.string() << ": store "
      << "(key " << manifest.store_key_fingerprint() << ", " << manifest.ledger_entries()
      << " ledger entries) and audit log up to record " << manifest.audit_records() - 1
      << "\nrestore with: cellgate admin restore " << dir.string() << " NEW_STATE_DIR\n";
  return absl::OkStatus();
}

absl::Status RunRestore(const CommandLine& line, std::ostream& out) {
  const fs::path backup(line.args.at(0));
  const fs::path target(line.args.at(1));
  ASSIGN_OR_RETURN(const v1::BackupManifest manifest, ReadManifest(backup));
  std::string public_key;
  if (const auto it = line.flags.find("pubkey"); it != line.flags.end()) {
    absl::StatusOr<std::string> pem = ReadFileBounded(it->second.back(), 1 << 16);
    if (!pem.ok()) return AsUsageError(pem.status(), "cannot read the --pubkey file");
    absl::StatusOr<std::string> raw = crypto::Ed25519PublicKeyFromPem(*pem);
    if (!raw.ok()) return AsUsageError(raw.status(), "cannot read the --pubkey file");
    public_key = *std::move(raw);
  }
  RETURN_IF_ERROR(VerifyBackup(backup, manifest, public_key));
  RETURN_IF_ERROR(RequireNewDirectory(target));
  RETURN_IF_ERROR(MakePrivateDirectory(target / "audit"));
  for (const v1::BackupFile& file : manifest.files()) {
    std::error_code error;
    RETURN_IF_ERROR(MakeParentOf(target, file.path()));
    fs::copy_file(backup / file.path(), target / file.path(), error);
    if (error || ::chmod((target / file.path()).c_str(), 0600) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot copy ", file.path(), " into ", target.string(), ": ", error.message()));
    }
    uint64_t size = 0;
    if (FileSha256(target / file.path(), &size) != file.sha256()) {
      return absl::DataLossError(absl::StrCat("the copy of ", file.path(), " does not match"));
    }
  }
  std::error_code error;
  if (fs::is_directory(target / "audit" / audit::kDetailDirectory, error)) {
    RETURN_IF_ERROR(SyncDirectory((target / "audit" / audit::kDetailDirectory).string()));
  }
  RETURN_IF_ERROR(SyncDirectory((target / "audit").string()));
  RETURN_IF_ERROR(SyncDirectory(target.string()));
  out << "restored backup " << manifest.backup_id() << " (" << manifest.time_utc() << ") into "
      << target.string() << "\nconfigure the server with store_path: \""
      << (target / "store.db").string() << "\" and audit_dir: \"" << (target / "audit").string()
      << "\"; the store opens with the key " << manifest.store_key_fingerprint()
      << " and cipher_page_size " << manifest.store_page_size()
      << ", the audit log's details with the audit content key of the backup's time\n";
  return absl::OkStatus();
}

}  // namespace cellgate::client
