// Small file helpers with Status errors and bounded reads. Thread-safe.
#ifndef CELLGATE_COMMON_FILES_H_
#define CELLGATE_COMMON_FILES_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace cellgate {

// Returns the whole content of `path`. NOT_FOUND if it does not exist,
// INVALID_ARGUMENT if it is larger than `max_bytes`, and an error naming the
// path (never the content) for anything else.
absl::StatusOr<std::string> ReadFileBounded(const std::string& path, int64_t max_bytes);

// Reads a secret file (a key): opened without following a symbolic link,
// and only if it is a regular file owned by the user running cellgate and
// not accessible by group or others. FAILED_PRECONDITION naming `what`
// (e.g. `key file "/etc/cellgate/store.key"`) and the reason otherwise,
// NOT_FOUND if it does not exist; never the content. The caller wipes the
// returned bytes when done.
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, absl::string_view what,
                                            int64_t max_bytes);

// Renames `from` over `to` and syncs the directory of `to`, so that the new
// name survives a crash (e.g. a key file's ".next" becoming the key).
// UNAVAILABLE naming both paths on error.
absl::Status RenameDurably(const std::string& from, const std::string& to);

// Syncs the directory that holds `path` (after a file in it was created,
// renamed or removed). Errors as SyncDirectory's.
absl::Status SyncParentDirectory(const std::string& path);

// Writes `content` to `path` atomically: a temporary file in the same
// directory, fsync, rename, fsync of the directory. `mode` applies to the new
// file. The old file stays intact on any error.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view content,
                                 unsigned mode = 0644);

// Makes the entries of directory `dir` durable (fsync of the directory),
// e.g. after a rename or a new file. On error the status names `dir`
// (NOT_FOUND, PERMISSION_DENIED or UNAVAILABLE).
absl::Status SyncDirectory(const std::string& dir);

// A file written piece by piece and made visible all at once, for output
// too large to hold in memory: Append writes to "<path>.tmp", Commit syncs
// and renames it to `path` (as WriteFileAtomically does). Destroying an
// uncommitted file removes the temporary file; `path` is never
// half-written. Move-only; not thread-safe.
class AtomicFile {
 public:
  // Creates "<path>.tmp" with `mode`. Errors name the temporary file.
  static absl::StatusOr<AtomicFile> Create(const std::string& path, unsigned mode = 0644);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // Appends `bytes`. An error (naming the file) leaves the file unusable.
  absl::Status Append(absl::string_view bytes);
  // Syncs, renames to `path` and syncs the directory. FAILED_PRECONDITION
  // after an earlier error or a second Commit.
  absl::Status Commit();

 private:
  AtomicFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;  // owned; -1 once closed
  bool failed_ = false;
};

}  // namespace cellgate

#endif  // CELLGATE_COMMON_FILES_H_
