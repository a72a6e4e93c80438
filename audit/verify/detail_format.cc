#include "audit/verify/detail_format.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "audit/verify/frame_format.h"
#include "common/canonical.h"
#include "common/crypto/sha256.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"

namespace cellgate::audit {
namespace {

namespace fs = std::filesystem;

constexpr char kAadDomain[] = "cellgate.audit.detail/2";
constexpr char kBlobSuffix[] = ".blobs";
constexpr size_t kSealedOverhead =
    1 + crypto::kAesGcmKeyIdBytes + crypto::kAesGcmNonceBytes + crypto::kAesGcmTagBytes;

// The fields of an AuditRecord that stay in the header, in clear: what
// verification and the DPO's filters need and what names no person. Every
// other field is a detail: the identity fields below, and everything else
// (including fields added later) release content.
constexpr int kHeaderFields[] = {
    1,  2,  3,  4,  5, 6, 7,  // seq, prev_leaf_hash, origin, type, time, instance, build
    10,                       // release_id
    13, 14,                   // purpose, legal_basis
    16, 17, 18,               // dataset, dataset_version, dataset_version_hash
    19, 20, 21, 22,           // policy id, version and hash, access_policy_hash
    24, 25, 26,               // query_hash, decision, reason_codes
    28, 29, 31,               // counts, released_table_sha256, method
    40, 41, 42,               // source_name, source_sha256, row_count
    50,                       // detail (checkpoint notes, start and recovery texts)
    60, 61, 62, 63,           // details, format_version, signing_key_rotation, redaction
};

bool IsHeaderField(int number) { return absl::c_linear_search(kHeaderFields, number); }

constexpr int kRequesterField = 12;  // split: department and role stay
constexpr int kClientRequestIdField = 11;
constexpr int kJustificationField = 15;

bool IsIdentityField(int number) {
  return number == kClientRequestIdField || number == kJustificationField;
}

// Moves the fields that name a person from `from` to `to`. Department and
// role (an office and a role, not a person) stay.
void MoveIdentity(v1::Requester& from, v1::Requester& to) {
  to.set_principal(std::move(*from.mutable_principal()));
  to.set_certificate_identity(std::move(*from.mutable_certificate_identity()));
  to.set_cert_sha256(std::move(*from.mutable_cert_sha256()));
  to.set_peer(std::move(*from.mutable_peer()));
  from.clear_principal();
  from.clear_certificate_identity();
  from.clear_cert_sha256();
  from.clear_peer();
}

// Keeps in `r` only the fields of `kind`: clears the others.
void KeepOnly(v1::DetailKind kind, v1::AuditRecord& r) {
  const google::protobuf::Descriptor* d = r.GetDescriptor();
  const google::protobuf::Reflection* reflection = r.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = d->field(i);
    const int number = field->number();
    const bool identity = IsIdentityField(number) || number == kRequesterField;
    const bool keep = kind == v1::IDENTITY  ? identity
                      : kind == v1::CONTENT ? !identity && !IsHeaderField(number)
                                            : false;
    if (!keep) reflection->ClearField(&r, field);
  }
  if (kind == v1::IDENTITY && r.has_requester()) {
    r.mutable_requester()->clear_department();
    r.mutable_requester()->clear_role();
    if (r.requester().ByteSizeLong() == 0) r.clear_requester();
  }
  if (kind != v1::CONTENT) r.GetReflection()->MutableUnknownFields(&r)->Clear();
}

std::string KeyIdHex(absl::string_view id) { return crypto::HexEncode(id); }

}  // namespace

SplitRecord SplitDetails(v1::AuditRecord full) {
  // Fields are moved, not copied: a release's table is most of the record.
  SplitRecord split;
  v1::AuditRecord identity;
  v1::AuditRecord content;
  const google::protobuf::Descriptor* d = full.GetDescriptor();
  const google::protobuf::Reflection* reflection = full.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> identity_fields;
  std::vector<const google::protobuf::FieldDescriptor*> content_fields;
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = d->field(i);
    const int number = field->number();
    if (IsIdentityField(number)) {
      identity_fields.push_back(field);
    } else if (number != kRequesterField && !IsHeaderField(number)) {
      content_fields.push_back(field);
    }
  }
  reflection->SwapFields(&full, &identity, identity_fields);
  reflection->SwapFields(&full, &content, content_fields);
  // Fields unknown to this build are release content too.
  content.GetReflection()->MutableUnknownFields(&content)->Swap(
      reflection->MutableUnknownFields(&full));
  // The requester: the person to the identity detail, office and role stay.
  if (full.has_requester()) {
    MoveIdentity(*full.mutable_requester(), *identity.mutable_requester());
    if (identity.requester().ByteSizeLong() == 0) identity.clear_requester();
    if (full.requester().ByteSizeLong() == 0) full.clear_requester();
  }
  split.header = std::move(full);
  if (identity.ByteSizeLong() > 0) split.fragments.emplace_back(v1::IDENTITY, std::move(identity));
  if (content.ByteSizeLong() > 0) split.fragments.emplace_back(v1::CONTENT, std::move(content));
  return split;
}

absl::Status MergeDetail(v1::DetailKind kind, const v1::AuditRecord& fragment,
                         v1::AuditRecord& record) {
  v1::AuditRecord kept = fragment;
  KeepOnly(kind, kept);
  if (CanonicalBytes(kept) != CanonicalBytes(fragment) ||
      (kind != v1::IDENTITY && kind != v1::CONTENT)) {
    return absl::DataLossError(
        absl::StrCat("the ", DetailKindName(kind), " detail holds fields of another kind"));
  }
  record.MergeFrom(fragment);
  return absl::OkStatus();
}

std::string DetailAad(absl::string_view origin, uint64_t seq, v1::DetailKind kind) {
  std::string aad(kAadDomain, sizeof(kAadDomain));  // with its NUL
  for (int shift = 56; shift >= 0; shift -= 8) {
    aad.push_back(static_cast<char>((seq >> shift) & 0xff));
  }
  aad.push_back(static_cast<char>(kind));
  aad.append(origin.data(), origin.size());
  return aad;
}

absl::StatusOr<std::string> SealDetail(absl::string_view fragment_bytes, absl::string_view aad,
                                       const crypto::AesGcmKey* key) {
  if (key == nullptr) return absl::StrCat(absl::string_view(&kBlobPlain, 1), fragment_bytes);
  absl::StatusOr<std::string> nonce = crypto::RandomBytes(crypto::kAesGcmNonceBytes);
  if (!nonce.ok()) return nonce.status();
  absl::StatusOr<std::string> sealed = key->Seal(*nonce, fragment_bytes, aad);
  if (!sealed.ok()) return sealed.status();
  return absl::StrCat(absl::string_view(&kBlobAesGcm, 1), key->id(), *nonce, *sealed);
}

bool DetailEncrypted(absl::string_view stored) {
  return !stored.empty() && stored[0] == kBlobAesGcm;
}

std::string DetailKeyId(absl::string_view stored) {
  if (!DetailEncrypted(stored) || stored.size() < kSealedOverhead) return "";
  return std::string(stored.substr(1, crypto::kAesGcmKeyIdBytes));
}

absl::StatusOr<std::string> OpenDetail(absl::string_view stored, absl::string_view aad,
                                       const crypto::AesGcmKey* key) {
  if (stored.empty()) return absl::DataLossError("the detail blob is empty");
  if (stored[0] == kBlobPlain) return std::string(stored.substr(1));
  if (stored[0] != kBlobAesGcm) {
    return absl::DataLossError(absl::StrFormat("the detail blob has an unknown format 0x%02x",
                                               static_cast<unsigned char>(stored[0])));
  }
  if (stored.size() < kSealedOverhead) return absl::DataLossError("the detail blob is truncated");
  const std::string id = DetailKeyId(stored);
  if (key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("the detail is encrypted with audit content key ", KeyIdHex(id),
                     " and no content key was given"));
  }
  if (key->id() != id) {
    return absl::FailedPreconditionError(
        absl::StrCat("wrong audit content key: the key given has id ", KeyIdHex(key->id()),
                     ", the detail was encrypted with key ", KeyIdHex(id)));
  }
  const absl::string_view nonce = stored.substr(1 + id.size(), crypto::kAesGcmNonceBytes);
  const absl::string_view sealed = stored.substr(1 + id.size() + nonce.size());
  absl::StatusOr<std::string> opened = key->Open(nonce, sealed, aad);
  if (!opened.ok()) {
    return absl::DataLossError(
        "the detail does not authenticate: it was changed, or moved from another record");
  }
  return opened;
}

std::string DetailKindName(v1::DetailKind kind) {
  switch (kind) {
    case v1::IDENTITY:
      return "identity";
    case v1::CONTENT:
      return "content";
    default:
      return "unknown";
  }
}

absl::StatusOr<int> RecordYear(absl::string_view time_utc) {
  int year = 0;
  if (time_utc.size() < 5 || time_utc[4] != '-' || !absl::ascii_isdigit(time_utc[0]) ||
      !absl::SimpleAtoi(time_utc.substr(0, 4), &year)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time \"", time_utc.substr(0, 32), "\" does not begin with a year"));
  }
  return year;
}

std::string DetailFileName(v1::DetailKind kind, int year) {
  return absl::StrFormat("%s/%s-%04d%s", kDetailDirectory, DetailKindName(kind), year, kBlobSuffix);
}

absl::StatusOr<std::pair<v1::DetailKind, int>> ParseDetailFileName(absl::string_view name) {
  for (v1::DetailKind kind : {v1::IDENTITY, v1::CONTENT}) {
    const std::string prefix = DetailKindName(kind) + "-";
    if (!absl::StartsWith(name, prefix) || !absl::EndsWith(name, kBlobSuffix)) continue;
    absl::string_view digits = name.substr(prefix.size());
    digits.remove_suffix(sizeof(kBlobSuffix) - 1);
    int year = 0;
    if (digits.size() == 4 && absl::c_all_of(digits, absl::ascii_isdigit) &&
        absl::SimpleAtoi(digits, &year)) {
      return std::make_pair(kind, year);
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", name.substr(0, 64), "\" is not a detail file name"));
}

absl::StatusOr<std::vector<std::pair<v1::DetailKind, int>>> ListDetailFiles(
    const std::string& log_dir) {
  const fs::path dir = fs::path(log_dir) / kDetailDirectory;
  std::vector<std::pair<v1::DetailKind, int>> files;
  std::error_code error;
  if (!fs::exists(dir, error)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    absl::StatusOr<std::pair<v1::DetailKind, int>> parsed = ParseDetailFileName(name);
    if (!parsed.ok() || !entry.is_regular_file(error)) {
      return absl::DataLossError(
          absl::StrCat(dir.string(), ": unexpected file ", name, " among the detail files"));
    }
    files.push_back(*parsed);
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot list ", dir.string(), ": ", error.message()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

void RedactionIndex::Add(const StoredRecord& stored) {
  const v1::AuditRecord& r = stored.record;
  if (r.record_type() != v1::RETENTION_REDACTION || !r.has_redaction()) return;
  int year = 0;
  if (r.redaction().period().size() != 4 || !absl::SimpleAtoi(r.redaction().period(), &year)) {
    return;
  }
  entries_.emplace(std::make_pair(static_cast<int>(r.redaction().kind()), year),
                   Entry{stored.seq, r.redaction()});
}

const RedactionIndex::Entry* RedactionIndex::Find(v1::DetailKind kind, int year) const {
  const auto it = entries_.find({static_cast<int>(kind), year});
  return it == entries_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::map<std::pair<v1::DetailKind, int>, DetailFileStats>> DetailFilesOf(
    const std::vector<StoredRecord>& records, const RedactionIndex& redactions) {
  std::map<std::pair<v1::DetailKind, int>, DetailFileStats> files;
  for (const StoredRecord& stored : records) {
    if (stored.record.details().empty()) continue;
    absl::StatusOr<int> year = RecordYear(stored.record.time_utc());
    if (!year.ok()) return year.status();
    for (const v1::DetailRef& ref : stored.record.details()) {
      if (redactions.Find(ref.kind(), *year) != nullptr) continue;
      DetailFileStats& stats = files[{ref.kind(), *year}];
      if (stats.blobs == 0) stats.first_seq = stored.seq;
      stats.last_seq = stored.seq;
      ++stats.blobs;
      stats.bytes = std::max<uint64_t>(
          stats.bytes, ref.offset() + kFrameHeaderBytes + ref.length() + kFrameCheckBytes);
    }
  }
  return files;
}

}  // namespace cellgate::audit
