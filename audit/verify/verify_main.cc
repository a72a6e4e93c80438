// cellgate-audit-verify: checks an audit log directory offline, without the
// server and without any key.
//
//   cellgate-audit-verify --log DIR [--origin ORIGIN] [--pubkey PEM]
//                         [--trusted-checkpoint FILE] [--json]
//
// --pubkey: the log's Ed25519 public key (PEM); every checkpoint's
// signature is checked. --trusted-checkpoint: a checkpoint note kept
// outside the log (e.g. from a receipt); the log must extend it.
// A finding goes to stderr (or into the JSON object with --json).
// Exit codes: 0 the log is intact; 1 a finding (damage, broken chain, torn
// tail, wrong origin); 2 usage error.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "audit/verify/chain_verifier.h"
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

int Report(bool json, bool ok, const std::string& finding,
           const cellgate::audit::ChainSummary* summary) {
  if (json) {
    std::string out = absl::StrCat("{\"ok\":", ok ? "true" : "false");
    if (!finding.empty()) absl::StrAppend(&out, ",\"finding\":", JsonString(finding));
    if (summary != nullptr) {
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
    }
    if (ok) {
      std::printf("OK: the chain is intact\n");
    } else {
      std::fprintf(stderr, "FINDING: %s\n", finding.c_str());
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
  if (!log.ok()) return Report(json, false, std::string(log.status().message()), nullptr);
  absl::StatusOr<cellgate::audit::ChainSummary> summary =
      cellgate::audit::VerifyChain(log->records, origin, public_key);
  if (!summary.ok()) return Report(json, false, std::string(summary.status().message()), nullptr);
  if (!trusted_file.empty()) {
    absl::StatusOr<std::string> note = cellgate::ReadFileBounded(trusted_file, 64 * 1024);
    const absl::Status trusted =
        note.ok() ? cellgate::audit::CheckTrustedCheckpoint(log->records, *note, public_key)
                  : note.status();
    if (!trusted.ok()) {
      return Report(json, false,
                    absl::StrCat("trusted checkpoint ", trusted_file, ": ", trusted.message()),
                    &*summary);
    }
  }
  if (log->torn_tail_bytes > 0) {
    return Report(json, false,
                  absl::StrCat(log->segment_path, " ends in a torn tail of ", log->torn_tail_bytes,
                               " bytes (an unfinished append; the server cuts it on start)"),
                  &*summary);
  }
  return Report(json, true, "", &*summary);
}
