// audit_tamper_corpus OUTDIR: writes a signed, encrypted audit log that
// rotates its signing key and deletes a year of identities, and next to it
// copies of it damaged in every way the verifiers name, one directory per
// case, for verifier_crosscheck_test.sh to run both verifiers on. TESTONLY.
//
//   OUTDIR/first.pub             the pinned first signing key (PEM)
//   OUTDIR/cases/NAME/audit/     a log directory (segments and details/)
//   OUTDIR/cases/NAME/expect     the finding kind both must name ("" = ok,
//                                "*" = any, as long as they agree)
//   OUTDIR/cases/NAME/trusted    optional: a checkpoint note to check against
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/audit_log.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/frame_format.h"
#include "audit/verify/log_reader.h"
#include "audit/verify/merkle.h"
#include "common/canonical.h"
#include "common/files.h"
#include "tests/testing/fake_clock.h"

namespace cellgate::audit {
namespace {

namespace fs = std::filesystem;
using Key = std::shared_ptr<const crypto::Ed25519PrivateKey>;

constexpr char kOrigin[] = "cellgate.crosscheck.example/audit/v1";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "audit_tamper_corpus: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> value, const std::string& what) {
  if (!value.ok()) Die(absl::StrCat(what, ": ", value.status().message()));
  return *std::move(value);
}

void Must(const absl::Status& status, const std::string& what) {
  if (!status.ok()) Die(absl::StrCat(what, ": ", status.message()));
}

std::string Read(const fs::path& path) {
  return Must(ReadFileBounded(path.string(), int64_t{1} << 30), path.string());
}

void Write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::FILE* f = std::fopen(path.string().c_str(), "wb");
  if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    Die(absl::StrCat("cannot write ", path.string()));
  }
  std::fclose(f);
}

v1::AuditRecord Release(int i) {
  v1::AuditRecord r;
  r.set_record_type(v1::RELEASE);
  r.set_release_id(absl::StrCat("r", i));
  r.mutable_requester()->set_principal(absl::StrCat("analyst", i % 10));
  r.mutable_requester()->set_department("schulamt");
  r.set_justification("Bildungsbericht");
  r.mutable_released_table()->add_cells()->add_values()->set_value(100 + i);
  return r;
}

// The log every case starts from, and what the cases need to know of it.
struct Base {
  fs::path dir;
  Key first, second;
  std::string trusted;  // a receipt's checkpoint from before the rotation
};

Base WriteBase(const fs::path& dir) {
  Base base{dir, nullptr, nullptr, ""};
  base.first = std::make_shared<const crypto::Ed25519PrivateKey>(
      Must(crypto::Ed25519PrivateKey::Generate(), "key"));
  base.second = std::make_shared<const crypto::Ed25519PrivateKey>(
      Must(crypto::Ed25519PrivateKey::Generate(), "key"));
  testing::FakeClock clock(testing::UtcDay(2026, 6, 1));
  AuditLogOptions options;
  options.dir = dir.string();
  options.origin = kOrigin;
  options.signing_key = base.first;
  options.content_key =
      std::make_shared<const crypto::AesGcmKey>(Must(crypto::AesGcmKey::Generate(), "content key"));
  {
    auto log = Must(AuditLog::Open(options, clock), "open");
    for (int i = 1; i <= 3; ++i) Must(log->Append(Release(i)).status(), "append");
    clock.Set(testing::UtcDay(2027, 2, 1));
    base.trusted = Must(log->Append(Release(4)), "append").checkpoint();
    Must(log->RotateSigningKey(base.second, v1::AuditRecord()).status(), "rotate");
    Must(log->Append(Release(5)).status(), "append");
    clock.Set(testing::UtcDay(2028, 1, 2));
    Must(log->RedactDetails(v1::IDENTITY, 2026, "crosscheck rule").status(), "redact");
    Must(log->Append(Release(6)).status(), "append");
  }
  return base;
}

class Corpus {
 public:
  Corpus(const fs::path& out, const Base& base) : out_(out), base_(base) {}

  // A copy of the base log as case `name`, changed by `change` (given the
  // case's log directory), expecting `kind`.
  void Case(const std::string& name, const std::string& kind,
            const std::function<void(const fs::path&)>& change, bool trusted = false) {
    const fs::path dir = out_ / "cases" / name;
    fs::create_directories(dir);
    fs::copy(base_.dir, dir / "audit", fs::copy_options::recursive);
    change(dir / "audit");
    Write(dir / "expect", kind);
    if (trusted) Write(dir / "trusted", base_.trusted);
  }

  const Base& base() const { return base_; }

 private:
  const fs::path out_;
  const Base& base_;
};

fs::path Segment(const fs::path& dir) { return dir / SegmentName(1); }

std::vector<std::string> Frames(const fs::path& dir) {
  const ReadResult log = Must(ReadLog(dir.string()), "read");
  std::vector<std::string> frames;
  for (const StoredRecord& r : log.records) frames.push_back(EncodeFrame(r.bytes));
  return frames;
}

std::vector<v1::AuditRecord> Headers(const fs::path& dir) {
  std::vector<v1::AuditRecord> headers;
  for (const StoredRecord& r : Must(ReadLog(dir.string()), "read").records) {
    headers.push_back(r.record);
  }
  return headers;
}

void WriteFrames(const fs::path& dir, const std::vector<std::string>& frames) {
  std::string bytes;
  for (const std::string& f : frames) bytes += f;
  Write(Segment(dir), bytes);
}

// Rewrites the headers as the log with a new chain; `signer` picks the
// key of each checkpoint (an attacker holding those keys).
void Rechain(const fs::path& dir, std::vector<v1::AuditRecord> headers,
             const std::function<const crypto::Ed25519PrivateKey&(size_t)>& signer) {
  std::vector<std::string> frames;
  std::string prev(32, '\0');
  CompactRange tree;
  for (size_t i = 0; i < headers.size(); ++i) {
    v1::AuditRecord& h = headers[i];
    h.set_seq(i);
    h.set_prev_leaf_hash(prev);
    if (h.time_utc().empty()) h.set_time_utc(headers[i - 1].time_utc());
    if (h.log_origin().empty()) h.set_log_origin(kOrigin);
    if (h.record_type() == v1::CHECKPOINT) {
      h.set_detail(Must(SignCheckpoint(kOrigin, i, tree.Root(), signer(i)), "sign"));
    }
    const std::string bytes = CanonicalBytes(h);
    frames.push_back(EncodeFrame(bytes));
    tree.Append(LeafHash(bytes));
    prev = crypto::DigestBytes(LeafHash(bytes));
  }
  WriteFrames(dir, frames);
}

void FlipByte(const fs::path& path, size_t at) {
  std::string bytes = Read(path);
  bytes[at % bytes.size()] ^= 0x01;
  Write(path, bytes);
}

void AddCases(Corpus& corpus) {
  const Base& base = corpus.base();
  const auto nothing = [](const fs::path&) {};
  corpus.Case("clean", "", nothing);
  corpus.Case("clean-with-trusted-checkpoint", "", nothing, /*trusted=*/true);
  corpus.Case("record-deleted", "missing", [](const fs::path& d) {
    auto f = Frames(d);
    f.erase(f.begin() + 3);
    WriteFrames(d, f);
  });
  corpus.Case("records-swapped", "reordered", [](const fs::path& d) {
    auto f = Frames(d);
    std::swap(f[3], f[4]);
    WriteFrames(d, f);
  });
  corpus.Case("tail-duplicated", "inserted", [](const fs::path& d) {
    auto f = Frames(d);
    f.push_back(f.back());
    WriteFrames(d, f);
  });
  corpus.Case("segment-torn", "torn_tail", [](const fs::path& d) {
    const std::string bytes = Read(Segment(d));
    Write(Segment(d), bytes.substr(0, bytes.size() - 5));
  });
  corpus.Case("segment-byte-flipped", "damaged",
              [](const fs::path& d) { FlipByte(Segment(d), Read(Segment(d)).size() / 3); });
  corpus.Case("record-changed-and-reframed", "changed", [](const fs::path& d) {
    auto headers = Headers(d);
    auto f = Frames(d);
    headers[2].set_dataset("other");
    f[2] = EncodeFrame(CanonicalBytes(headers[2]));
    WriteFrames(d, f);
  });
  corpus.Case("checkpoint-by-another-key", "bad_signature", [](const fs::path& d) {
    const Key other = std::make_shared<const crypto::Ed25519PrivateKey>(
        Must(crypto::Ed25519PrivateKey::Generate(), "key"));
    Rechain(d, Headers(d), [&](size_t) -> const crypto::Ed25519PrivateKey& { return *other; });
  });
  corpus.Case("another-origin", "forged", [](const fs::path& d) {
    auto headers = Headers(d);
    headers[4].set_log_origin("cellgate.elsewhere.example/audit/v1");
    WriteFrames(d, [&] {
      auto f = Frames(d);
      f[4] = EncodeFrame(CanonicalBytes(headers[4]));
      return f;
    }());
  });
  corpus.Case(
      "log-cut-before-trusted-checkpoint", "truncated",
      [](const fs::path& d) {
        auto f = Frames(d);
        f.resize(4);
        WriteFrames(d, f);
      },
      /*trusted=*/true);
  // Signing-key rotation: the honest one is in every case; these forge one.
  corpus.Case("rotation-signed-only-by-the-new-key", "bad_signature", [&](const fs::path& d) {
    auto headers = Headers(d);
    headers.resize(4);  // START CHECKPOINT RELEASE CHECKPOINT, first key
    v1::AuditRecord rotation;
    rotation.set_record_type(v1::KEY_ROTATION);
    rotation.mutable_signing_key_rotation()->set_previous_public_key(base.first->public_key());
    rotation.mutable_signing_key_rotation()->set_new_public_key(base.second->public_key());
    headers.push_back(rotation);
    v1::AuditRecord checkpoint;
    checkpoint.set_record_type(v1::CHECKPOINT);
    headers.push_back(checkpoint);
    headers.push_back(checkpoint);
    Rechain(d, headers, [&](size_t i) -> const crypto::Ed25519PrivateKey& {
      return i < 4 ? *base.first : *base.second;
    });
  });
  corpus.Case("rotation-never-confirmed", "forged", [&](const fs::path& d) {
    Rechain(d, Headers(d), [&](size_t) -> const crypto::Ed25519PrivateKey& { return *base.first; });
  });
  // Details.
  corpus.Case("detail-byte-flipped", "changed_detail",
              [](const fs::path& d) { FlipByte(d / DetailFileName(v1::CONTENT, 2026), 40); });
  corpus.Case("detail-file-deleted", "missing_detail",
              [](const fs::path& d) { fs::remove(d / DetailFileName(v1::CONTENT, 2026)); });
  corpus.Case("detail-file-cut", "missing_detail", [](const fs::path& d) {
    const fs::path path = d / DetailFileName(v1::IDENTITY, 2027);
    const std::string bytes = Read(path);
    Write(path, bytes.substr(0, bytes.size() - 1));
  });
  corpus.Case("detail-tail-appended", "", [](const fs::path& d) {
    const fs::path path = d / DetailFileName(v1::CONTENT, 2028);
    Write(path, Read(path) + "uncommitted");
  });
  corpus.Case("redacted-year-stays-clean", "", [](const fs::path& d) {
    std::error_code error;  // deleted by its RETENTION_REDACTION record already
    fs::remove(d / DetailFileName(v1::IDENTITY, 2026), error);
  });
  corpus.Case("foreign-file-among-details", "damaged",
              [](const fs::path& d) { Write(d / kDetailDirectory / "notes.txt", "x"); });
  // A sweep: both must agree on every byte they see flipped.
  const size_t segment = Read(Segment(base.dir)).size();
  for (size_t at = 7; at < segment; at += segment / 12 + 1) {
    corpus.Case(absl::StrCat("sweep-segment-", at), "*",
                [at](const fs::path& d) { FlipByte(Segment(d), at); });
  }
  const size_t content = Read(base.dir / DetailFileName(v1::CONTENT, 2027)).size();
  for (size_t at = 3; at < content; at += content / 6 + 1) {
    corpus.Case(absl::StrCat("sweep-detail-", at), "changed_detail",
                [at](const fs::path& d) { FlipByte(d / DetailFileName(v1::CONTENT, 2027), at); });
  }
}

}  // namespace
}  // namespace cellgate::audit

int main(int argc, char** argv) {
  namespace audit = cellgate::audit;
  if (argc != 2) {
    std::fprintf(stderr, "usage: audit_tamper_corpus OUTDIR\n");
    return 2;
  }
  const std::filesystem::path out(argv[1]);
  std::filesystem::remove_all(out);
  std::filesystem::create_directories(out);
  const audit::Base base = audit::WriteBase(out / "base");
  audit::Write(
      out / "first.pub",
      audit::Must(cellgate::crypto::Ed25519PublicKeyToPem(base.first->public_key()), "pem"));
  audit::Corpus corpus(out, base);
  audit::AddCases(corpus);
  return 0;
}
