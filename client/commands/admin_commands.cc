#include "client/commands/admin_commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/commands/command_util.h"
#include "client/exit_codes.h"
#include "client/render/number_format.h"
#include "client/render/text_table.h"
#include "common/status_macros.h"
#include "common/textproto.h"

namespace cellgate::client {

absl::StatusOr<std::unique_ptr<FileChunkSource>> FileChunkSource::Open(const std::string& path,
                                                                       v1::IngestChunk header,
                                                                       size_t chunk_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return UsageError(absl::StrCat("cannot open \"", path, "\": ", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return UsageError(absl::StrCat("\"", path, "\" is not a regular file"));
  }
  return std::unique_ptr<FileChunkSource>(
      new FileChunkSource(fd, path, std::move(header), chunk_bytes));
}

FileChunkSource::FileChunkSource(int fd, std::string path, v1::IngestChunk header,
                                 size_t chunk_bytes)
    : fd_(fd), path_(std::move(path)), header_(std::move(header)), chunk_bytes_(chunk_bytes) {}

FileChunkSource::~FileChunkSource() { ::close(fd_); }

absl::StatusOr<bool> FileChunkSource::Next(v1::IngestChunk& chunk) {
  std::string data(chunk_bytes_, '\0');
  size_t filled = 0;
  while (filled < data.size()) {
    const ssize_t n = ::read(fd_, data.data() + filled, data.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot read \"", path_, "\": ", std::strerror(errno)));
    }
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  data.resize(filled);
  if (filled == 0 && sent_first_) return false;
  chunk.Clear();
  if (!sent_first_) chunk = header_;
  sent_first_ = true;
  chunk.set_data(std::move(data));
  return true;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::Status RunCreateDataset(const CommandLine& line, Connection& connection, std::ostream& out) {
  const std::string& path = line.args.at(0);
  v1::CreateDatasetRequest request;
  if (absl::Status s = ParseTextProtoFile(path, *request.mutable_schema()); !s.ok()) {
    return AsUsageError(s, absl::StrCat("cannot load the schema \"", path, "\""));
  }
  ASSIGN_OR_RETURN(const v1::CreateDatasetResponse response, connection.CreateDataset(request));
  out << "created dataset " << response.dataset() << "\n";
  return absl::OkStatus();
}

absl::Status RunIngest(const CommandLine& line, Connection& connection, std::ostream& out) {
  const std::string& path = line.args.at(1);
  v1::IngestChunk header;
  header.set_dataset(line.args.at(0));
  header.set_source_name(line.Value("source-name", BaseName(path)));
  header.set_legal_basis(line.Value("legal-basis"));
  ASSIGN_OR_RETURN(std::unique_ptr<FileChunkSource> chunks,
                   FileChunkSource::Open(path, std::move(header), kIngestChunkBytes));
  ASSIGN_OR_RETURN(const v1::IngestResponse response, connection.IngestVersion(*chunks));
  const v1::DatasetVersionInfo& v = response.version();
  out << "dataset       " << v.dataset() << "\n"
      << "version       " << v.version() << "\n"
      << "rows          " << FormatGermanInteger(v.row_count()) << "\n"
      << "version hash  " << v.version_hash() << "\n";
  return absl::OkStatus();
}

absl::Status RunRotateKey(const CommandLine& line, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  ASSIGN_OR_RETURN(const v1::RotateStoreKeyResponse response,
                   connection.RotateStoreKey(v1::RotateStoreKeyRequest()));
  if (format == OutputFormat::kJson) return WriteJson(response, out);
  out << "store key rotated; new key fingerprint " << response.key_fingerprint() << "\n";
  return absl::OkStatus();
}

absl::Status RunRotateSigningKey(const CommandLine& line, Connection& connection,
                                 std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  ASSIGN_OR_RETURN(const v1::RotateSigningKeyResponse response,
                   connection.RotateSigningKey(v1::RotateSigningKeyRequest()));
  if (format == OutputFormat::kJson) return WriteJson(response, out);
  out << "audit signing key rotated by the KEY_ROTATION record at seq " << response.seq()
      << "; new public key:\n"
      << response.public_key_pem()
      << "verifiers follow the rotation from the first key; keep pinning that one\n";
  return absl::OkStatus();
}

absl::Status RunVersions(const CommandLine& line, Connection& connection, std::ostream& out) {
  ASSIGN_OR_RETURN(const OutputFormat format, FormatFlag(line, {"table", "json"}));
  v1::ListVersionsRequest request;
  request.set_dataset(line.args.at(0));
  ASSIGN_OR_RETURN(const v1::ListVersionsResponse response, connection.ListVersions(request));
  if (format == OutputFormat::kJson) return WriteJson(response, out);
  TextTable table;
  table.AddColumn("version", TextTable::Align::kRight);
  table.AddColumn("rows", TextTable::Align::kRight);
  table.AddColumn("created");
  table.AddColumn("source");
  table.AddColumn("ingested by");
  table.AddColumn("version hash");
  for (const v1::DatasetVersionInfo& v : response.versions()) {
    table.AddRow({absl::StrCat(v.version()), FormatGermanInteger(v.row_count()),
                  OrDash(v.created_utc()), OrDash(v.source_name()), OrDash(v.ingested_by()),
                  v.version_hash()});
  }
  out << table.Render();
  return absl::OkStatus();
}

}  // namespace cellgate::client
