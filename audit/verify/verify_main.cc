// cellgate-audit-verify: checks an audit log directory offline, without the
// server and without any secret.
//
//   cellgate-audit-verify --log DIR [--origin ORIGIN] [--pubkey PEM]
//                         [--trusted-checkpoint FILE] [--json]
//
// --pubkey: the log's first Ed25519 public key (PEM), which the DPO pins;
// every checkpoint's signature is checked against it and the keys it was
// rotated to (KEY_ROTATION records). --trusted-checkpoint: a checkpoint note
// kept outside the log (e.g. from a receipt); the log must extend it. The
// detail blobs (details/) are checked against the hashes in the headers; a
// file deleted by a RETENTION_REDACTION record counts as redacted.
// A finding goes to stderr (or into the JSON object with --json, with its
// kind as "finding_kind", the same names as cellgate_audit_verify.py).
// Exit codes: 0 the log is intact; 1 a finding (damage, broken chain, torn
// tail, wrong origin, changed or missing details); 2 usage error.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/detail_verifier.h"
#include "audit/verify/finding.h"
#include "audit/verify/log_reader.h"
#include "common/crypto/ed25519.h"
#include "common/files.h"

namespace {

constexpr char kUsage[] =
    "usage: cellgate-audit-verify --log DIR [--origin ORIGIN] [--pubkey PEM]\n"
    "                             [--trusted-checkpoint FILE] [--json]\n";

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

struct Outcome {
  bool ok = true;
  std::string finding;
  std::string kind;
  const cellgate::audit::ChainSummary* chain = nullptr;
  const cellgate::audit::DetailSummary* details = nullptr;
};

Outcome Found(const absl::Status& status, const cellgate::audit::ChainSummary* chain = nullptr,
              const std::string& prefix = "") {
  Outcome outcome;
  outcome.ok = false;
  outcome.finding = absl::StrCat(prefix, status.message());
  outcome.kind = cellgate::audit::FindingKind(status);
  if (outcome.kind.empty()) outcome.kind = "unreadable";
  outcome.chain = chain;
  return outcome;
}

std::string DetailsJson(const cellgate::audit::DetailSummary& d) {
  std::string rules;
  for (size_t i = 0; i < d.redaction_rules.size(); ++i) {
    absl::StrAppend(&rules, i ? "," : "", JsonString(d.redaction_rules[i]));
  }
  return absl::StrCat(",\"details\":{\"checked\":", d.checked, ",\"redacted\":", d.redacted,
                      ",\"unencrypted\":", d.unencrypted, ",\"tail_bytes\":", d.tail_bytes,
                      ",\"redaction_rules\":[", rules, "]}");
}

void PrintDetails(const cellgate::audit::DetailSummary& d) {
  std::printf("%llu details checked (%llu unencrypted), %llu redacted by retention\n",
              static_cast<unsigned long long>(d.checked),
              static_cast<unsigned long long>(d.unencrypted),
              static_cast<unsigned long long>(d.redacted));
  for (const std::string& rule : d.redaction_rules) std::printf("  redacted: %s\n", rule.c_str());
  if (d.tail_bytes > 0) {
    std::printf(
        "%llu bytes of details after the last record (a commit in progress; the "
        "server cuts them on start)\n",
        static_cast<unsigned long long>(d.tail_bytes));
  }
}

int Report(bool json, const Outcome& outcome) {
  const bool ok = outcome.ok;
  const std::string& finding = outcome.finding;
  const cellgate::audit::ChainSummary* summary = outcome.chain;
  if (json) {
    std::string out = absl::StrCat("{\"ok\":", ok ? "true" : "false");
    if (!finding.empty()) {
      absl::StrAppend(&out, ",\"finding\":", JsonString(finding),
                      ",\"finding_kind\":", JsonString(outcome.kind));
    }
    if (outcome.details != nullptr) out += DetailsJson(*outcome.details);
    if (summary != nullptr) {
      absl::StrAppend(&out, ",\"signing_key_rotations\":", summary->signing_key_rotations);
      absl::StrAppend(&out, ",\"records\":", summary->records,
                      ",\"checkpoints\":", summary->checkpoints,
                      ",\"unsealed_records\":", summary->unsealed_records,
                      ",\"signatures_checked\":", summary->signatures_checked ? "true" : "false",
                      ",\"origin\":", JsonString(summary->origin),
                      ",\"head_leaf_hash\":", JsonString(summary->head_leaf_hash),
                      ",\"by_type\":{");
      for (size_t i = 0; i < summary->by_type.size(); ++i) {
        absl::StrAppend(&out, i ? "," : "", JsonString(summary->by_type[i].first), ":",
                        summary->by_type[i].second);
      }
      out += "}";
    }
    std::printf("%s}\n", out.c_str());
  } else {
    if (summary != nullptr) {
      std::vector<std::string> types;
      for (const auto& [name, n] : summary->by_type) types.push_back(absl::StrCat(name, " ", n));
      std::printf("%llu records, origin %s\nhead leaf hash %s\n%s\n",
                  static_cast<unsigned long long>(summary->records), summary->origin.c_str(),
                  summary->head_leaf_hash.c_str(), absl::StrJoin(types, ", ").c_str());
      std::printf("%llu checkpoints (%s), %llu records after the last one\n",
                  static_cast<unsigned long long>(summary->checkpoints),
                  summary->signatures_checked ? "signatures verified" : "signatures NOT checked",
                  static_cast<unsigned long long>(summary->unsealed_records));
      if (summary->signing_key_rotations > 0) {
        std::printf("signing key rotated %llu time(s), each proven from the pinned key\n",
                    static_cast<unsigned long long>(summary->signing_key_rotations));
      }
    }
    if (outcome.details != nullptr) PrintDetails(*outcome.details);
    if (ok) {
      std::printf("OK: the chain and the details are intact\n");
    } else {
      std::fprintf(stderr, "FINDING (%s): %s\n", outcome.kind.c_str(), finding.c_str());
    }
  }
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::string origin;
  std::string pubkey_file;
  std::string trusted_file;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json") {
      json = true;
    } else if (arg == "--log" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--origin" && i + 1 < argc) {
      origin = argv[++i];
    } else if (arg == "--pubkey" && i + 1 < argc) {
      pubkey_file = argv[++i];
    } else if (arg == "--trusted-checkpoint" && i + 1 < argc) {
      trusted_file = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "cellgate-audit-verify: unexpected argument \"%s\"\n%s", arg.c_str(),
                   kUsage);
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "cellgate-audit-verify: --log DIR is required\n%s", kUsage);
    return 2;
  }
  std::string public_key;
  if (!pubkey_file.empty()) {
    absl::StatusOr<std::string> pem = cellgate::ReadFileBounded(pubkey_file, 64 * 1024);
    absl::StatusOr<std::string> raw =
        pem.ok() ? cellgate::crypto::Ed25519PublicKeyFromPem(*pem) : pem.status();
    if (!raw.ok()) {
      std::fprintf(stderr, "cellgate-audit-verify: --pubkey %s: %s\n", pubkey_file.c_str(),
                   std::string(raw.status().message()).c_str());
      return 2;
    }
    public_key = *raw;
  }
  absl::StatusOr<cellgate::audit::ReadResult> log = cellgate::audit::ReadLog(dir);
  if (!log.ok()) return Report(json, Found(log.status()));
  absl::StatusOr<cellgate::audit::ChainSummary> summary =
      cellgate::audit::VerifyChain(log->records, origin, public_key);
  if (!summary.ok()) return Report(json, Found(summary.status()));
  if (!trusted_file.empty()) {
    absl::StatusOr<std::string> note = cellgate::ReadFileBounded(trusted_file, 64 * 1024);
    const absl::Status trusted = note.ok() ? cellgate::audit::CheckTrustedCheckpoint(
                                                 log->records, *note, summary->signing_keys)
                                           : note.status();
    if (!trusted.ok()) {
      return Report(
          json, Found(trusted, &*summary, absl::StrCat("trusted checkpoint ", trusted_file, ": ")));
    }
  }
  if (log->torn_tail_bytes > 0) {
    return Report(
        json,
        Found(cellgate::audit::Finding(
                  cellgate::audit::kFindingTornTail,
                  absl::StrCat(log->segment_path, " ends in a torn tail of ", log->torn_tail_bytes,
                               " bytes (an unfinished append; the server cuts it on start)")),
              &*summary));
  }
  absl::StatusOr<cellgate::audit::DetailSummary> details =
      cellgate::audit::VerifyDetails(dir, log->records);
  if (!details.ok()) return Report(json, Found(details.status(), &*summary));
  Outcome outcome;
  outcome.chain = &*summary;
  outcome.details = &*details;
  return Report(json, outcome);
}
