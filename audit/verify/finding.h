// What a verifier found, by kind: the names both verifiers (C++ and the
// Python script) print in their JSON as "finding_kind", so that CI can check
// that they agree (docs/audit-log-format.md, "Findings"). A finding is a
// DATA_LOSS status whose payload carries its kind. Thread-safe.
//
//   return Finding(kFindingChanged, "audit chain broken at record 4: ...");
//   ... FindingKind(status) == "changed"
#ifndef CELLGATE_AUDIT_VERIFY_FINDING_H_
#define CELLGATE_AUDIT_VERIFY_FINDING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cellgate::audit {

// A frame whose check fails, with intact data behind it; a record that does
// not parse.
inline constexpr char kFindingDamaged[] = "damaged";
// An unfinished final append (the server cuts it on start).
inline constexpr char kFindingTornTail[] = "torn_tail";
// A record changed (its successor's prev_leaf_hash, a checkpoint root, a
// time going back).
inline constexpr char kFindingChanged[] = "changed";
// Records removed from the middle (a gap in seq).
inline constexpr char kFindingMissing[] = "missing";
// Records in the wrong order (a later seq comes back).
inline constexpr char kFindingReordered[] = "reordered";
// A record repeating an earlier seq (inserted or duplicated).
inline constexpr char kFindingInserted[] = "inserted";
// A record no honest writer writes: another origin, a log not starting with
// START, a key rotation out of protocol, a detail after its redaction.
inline constexpr char kFindingForged[] = "forged";
// A checkpoint signature that does not verify under the key in force.
inline constexpr char kFindingBadSignature[] = "bad_signature";
// Fewer records than a trusted checkpoint covers.
inline constexpr char kFindingTruncated[] = "truncated";
// The first records differ from a trusted checkpoint (rolled back, forked).
inline constexpr char kFindingRolledBack[] = "rolled_back";
// A detail blob whose bytes differ from its header's hash.
inline constexpr char kFindingChangedDetail[] = "changed_detail";
// A detail blob or file gone without a RETENTION_REDACTION record.
inline constexpr char kFindingMissingDetail[] = "missing_detail";

// Returns DATA_LOSS with `message`, carrying `kind`.
absl::Status Finding(absl::string_view kind, absl::string_view message);

// The kind a status carries, or "" if it is no finding.
std::string FindingKind(const absl::Status& status);

}  // namespace cellgate::audit

#endif  // CELLGATE_AUDIT_VERIFY_FINDING_H_
