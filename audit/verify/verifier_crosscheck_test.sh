#!/usr/bin/env bash
# The two verifiers agree: on every case audit_tamper_corpus writes (a
# signed, encrypted log that rotates its key and redacts a year, and copies
# of it damaged in every way the format names), cellgate-audit-verify and
# cellgate_audit_verify.py give the same verdict and the same finding kind,
# the one the case expects, and on clean logs the same summary.
# Usage: verifier_crosscheck_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1
bin=$2/bin
work=$(mktemp -d /tmp/cellgate-crosscheck-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$bin/audit_tamper_corpus" "$work" || { echo "FAIL - the corpus could not be written"; exit 1; }
failures=0
cases=0
for dir in "$work"/cases/*/; do
  name=$(basename "$dir")
  args=(--log "$dir/audit" --pubkey "$work/first.pub")
  [ -f "$dir/trusted" ] && args+=(--trusted-checkpoint "$dir/trusted")
  cc=$("$bin/cellgate-audit-verify" "${args[@]}" --json 2>/dev/null)
  py=$(python3 "$src/audit/verify/cellgate_audit_verify.py" "${args[@]}" 2>/dev/null)
  cases=$((cases + 1))
  if python3 - "$(cat "$dir/expect")" "$cc" "$py" <<'PY'
import json, sys
expect, cc, py = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
assert cc["ok"] == py["ok"], ("verdicts differ", cc, py)
if cc["ok"]:
    keys = ["records", "origin", "head_leaf_hash", "checkpoints", "unsealed_records",
            "signatures_checked", "signing_key_rotations", "details"]
    assert all(cc[k] == py[k] for k in keys), ("summaries differ", cc, py)
    assert expect == "", ("expected a finding", expect, cc)
else:
    assert cc["finding_kind"] == py["finding_kind"], ("kinds differ", cc, py)
    assert expect in ("*", cc["finding_kind"]), ("unexpected kind", expect, cc)
PY
  then echo "ok   - $name"; else echo "FAIL - $name"; failures=$((failures + 1)); fi
done
echo "$((cases - failures)) of $cases cases agree"
[ "$cases" -gt 20 ] && [ "$failures" -eq 0 ]
