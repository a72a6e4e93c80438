// `cellgate admin ...`, the data steward's commands: create a dataset from a
// schema textproto, ingest a CSV file as a new version (client-streamed in
// 1 MiB chunks) and list the versions. Start with RunIngest. FileChunkSource
// is not thread-safe; the functions are.
#ifndef CELLGATE_CLIENT_COMMANDS_ADMIN_COMMANDS_H_
#define CELLGATE_CLIENT_COMMANDS_ADMIN_COMMANDS_H_

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellgate/v1/admin_service.pb.h"
#include "client/cli_flags.h"
#include "client/connection.h"

namespace cellgate::client {

// Bytes of CSV per ingest chunk (the server's default limit).
inline constexpr size_t kIngestChunkBytes = 1 << 20;

// Streams a file as ingest chunks of at most `chunk_bytes` bytes; the first
// chunk also carries the header fields of `header` (dataset, source name,
// legal basis). An empty file yields one chunk with the header only.
class FileChunkSource final : public IngestChunkSource {
 public:
  // Opens `path`. Usage error naming the file if it cannot be opened or is
  // not a regular file. REQUIRES: chunk_bytes > 0.
  static absl::StatusOr<std::unique_ptr<FileChunkSource>> Open(const std::string& path,
                                                               v1::IngestChunk header,
                                                               size_t chunk_bytes);
  ~FileChunkSource() override;
  FileChunkSource(const FileChunkSource&) = delete;
  FileChunkSource& operator=(const FileChunkSource&) = delete;

  // UNAVAILABLE naming the file if reading fails.
  absl::StatusOr<bool> Next(v1::IngestChunk& chunk) override;

 private:
  FileChunkSource(int fd, std::string path, v1::IngestChunk header, size_t chunk_bytes);

  const int fd_;
  const std::string path_;
  const v1::IngestChunk header_;
  const size_t chunk_bytes_;
  bool sent_first_ = false;
};

// Returns the last component of `path` ("data/schueler.csv" → "schueler.csv").
std::string BaseName(const std::string& path);

// Run `admin create-dataset SCHEMA.textproto`, `admin ingest DATASET
// FILE.csv --legal-basis L [--source-name NAME]` and `admin versions
// DATASET`. Local files that cannot be read or parsed are usage errors
// naming the file; otherwise they return the server's status.
absl::Status RunCreateDataset(const CommandLine& line, Connection& connection, std::ostream& out);
absl::Status RunIngest(const CommandLine& line, Connection& connection, std::ostream& out);
// `admin rotate-key`: asks the server to re-encrypt its store under a new
// key and prints the new key's fingerprint (data steward).
absl::Status RunRotateKey(const CommandLine& line, Connection& connection, std::ostream& out);
// `admin rotate-signing-key`: asks the server to replace the audit signing
// key (a KEY_ROTATION record sealed by the old and the new key) and prints
// the new public key; the DPO keeps pinning the first key (data steward).
absl::Status RunRotateSigningKey(const CommandLine& line, Connection& connection,
                                 std::ostream& out);

absl::Status RunVersions(const CommandLine& line, Connection& connection, std::ostream& out);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_COMMANDS_ADMIN_COMMANDS_H_
