#!/usr/bin/env bash
# Operating the real binaries: JSON log lines that parse and carry the
# release id of the response (and never a key, a justification or anything
# else the audit log encrypts), an online backup taken with `cellgate admin
# backup` while queries run (segments and detail blobs cut at the same
# record), `cellgate admin restore` into a new directory (refusing damaged
# or inconsistent detail files), and a server started on the restored state
# whose audit log verifies with both verifiers and whose answers to the same
# queries have the same digests.
# Usage: operations_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
bin=$build/bin
work=$(mktemp -d /tmp/cellgate-ops-XXXXXX)
server_pid=""
failures=0
passes=0
load_pids=()

cleanup() {
  for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null; done
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

check() { # name, command...
  local name=$1; shift
  if "$@"; then passes=$((passes + 1)); echo "ok   - $name"
  else failures=$((failures + 1)); echo "FAIL - $name"; fi
}

bash "$src/deploy/make-demo-certs.sh" "$work/pki" >/dev/null || { echo "FAIL - certs"; exit 1; }
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/store.key")
(umask 077; openssl genpkey -algorithm ed25519 -out "$work/audit-signing.key")
openssl pkey -in "$work/audit-signing.key" -pubout -out "$work/audit-signing.pub"
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/audit-content.key")
cp "$src/deploy/demo/access-policy.textproto" "$work/access.textproto"
"$bin/cellgate-musterstadt" --out "$work/data" --seed 11 --scale 0.05 \
  --datasets abgang >/dev/null || { echo "FAIL - generator"; exit 1; }
write_config() { # state directory
  cat > "$work/server.textproto" <<CFG
listen_address: "127.0.0.1:0"
port_file: "port"
store_path: "$1/store.db"
store_key_file: "store.key"
audit_dir: "$1/audit"
audit_origin: "cellgate.ops.example/audit/v1"
audit_signing_key_file: "audit-signing.key"
audit_content_key_file: "audit-content.key"
access_policy_file: "access.textproto"
policy_dir: "$src/policies/config"
log_file: "server.jsonl"
tls { server_cert_file: "pki/server.pem" server_key_file: "pki/server.key" client_ca_file: "pki/ca.pem" }
CFG
}
mkdir -m 0700 "$work/state"
write_config "$work/state"
source "$src/tests/e2e/server_harness.sh"
check "server starts" start_server
[ -s "$work/port" ] || cat "$work/server.log" "$work/server.jsonl" 2>/dev/null
as steward admin create-dataset "$work/data/schemas/abgang.textproto" >/dev/null
check "steward ingests abgang" as steward admin ingest abgang "$work/data/abgang.csv" --legal-basis schulg_rlp_67

queries=("--by abschluss" "--by sex --filter abgangsjahr=2025" "--by abschluss --by sex --totals")
ask() { # query flags, output format
  # shellcheck disable=SC2086
  as schulamt-analyst query --dataset abgang $1 --purpose bildungsbericht \
    --legal-basis schulg_rlp_67 --justification "Begruendung-OPS-5R2" --format "$2"
}
for i in "${!queries[@]}"; do ask "${queries[$i]}" csv | sha256sum > "$work/digest.$i"; done
table=$(ask "--by abschluss" table)
release_id=$(awk '$1 == "release" {print $2}' <<<"$table")
check "the answer names its release id" test -n "$release_id"
check "every log line is a JSON object with time, level and event" python3 - "$work/server.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "empty log"
for line in lines:
    o = json.loads(line)
    assert isinstance(o, dict) and {"time", "level", "event"} <= set(o), line
PY
check "the release's log line carries its release id, seq, principal and decision" \
  python3 - "$work/server.jsonl" "$release_id" <<'PY'
import json, sys
hits = [o for o in map(json.loads, open(sys.argv[1])) if o.get("request_id") == sys.argv[2]]
assert len(hits) == 1, hits
o = hits[0]
assert o["event"] == "release" and o["decision"] == "released" and o["seq"] > 0, o
assert o["principal"] == "schulamt-analyst" and o["dataset"] == "abgang", o
assert o["method"] == "/cellgate.v1.DataService/Query" and o["latency_ms"] >= 0, o
PY
refused() { ! as schulamt-analyst query --dataset abgang --by sex --purpose werbung \
  --legal-basis schulg_rlp_67 >/dev/null 2>&1; }
check "a query for a purpose not granted is refused" refused
check "the refusal's log line names the reason code" \
  grep -q '"event":"refusal".*"reason_code":"permission_denied"' "$work/server.jsonl"

# --- backup while queries run ----------------------------------------------------
for t in 1 2; do
  ( for i in $(seq 1 15); do
      ask "--by abschluss --filter abgangsjahr=202$((i % 6))" csv >/dev/null 2>&1
    done ) &
  load_pids+=($!)
done
check "cellgate admin backup succeeds while queries run" as steward admin backup "$work/backup"
for p in "${load_pids[@]}"; do wait "$p"; done
load_pids=()
check "the backup has store, audit log and manifest" \
  test -s "$work/backup/store.db" -a -s "$work/backup/audit/audit-000001.log" -a -s "$work/backup/MANIFEST"
check "the store copy is encrypted" bash -c '! grep -qa "SQLite format 3" "$1"' _ "$work/backup/store.db"
check "the backup is recorded as AUDIT_ACCESS" bash -c \
  'grep -q audit_access <<<"$1"' _ "$(as dpo audit list --type audit_access --limit 10)"
check "the backup's log line names its id" \
  grep -q "\"event\":\"backup\",\"request_id\":\"$(awk -F'"' '/backup_id/ {print $2}' "$work/backup/MANIFEST")\"" \
  "$work/server.jsonl"
check "no store or signing key in the log file" bash -c \
  '! grep -qaF -- "$1" "$3" && ! grep -qaF -- "$2" "$3"' _ "$(tr -d '\n' < "$work/store.key")" \
  "$(sed -n 2p "$work/audit-signing.key")" "$work/server.jsonl"
check "no content key, justification or certificate name in the log file" bash -c \
  '! grep -qaF -- "$1" "$2" && ! grep -qaF Begruendung-OPS "$2" && ! grep -qaF urn:cellgate "$2"' \
  _ "$(tr -d '\n' < "$work/audit-content.key")" "$work/server.jsonl"
check "the backup holds the detail files, encrypted" bash -c '
  ls "$1"/audit/details/identity-*.blobs "$1"/audit/details/content-*.blobs >/dev/null &&
  ! grep -qaF Begruendung-OPS "$1"/audit/details/*.blobs' _ "$work/backup"
stop_server

# --- restore into a new directory and serve from it --------------------------
check "restore refuses a damaged backup" bash -c '
  cp -r "$1" "$2" && printf x >> "$2/audit/audit-000001.log" &&
  ! "$3" admin restore "$2" "$4" 2>/dev/null' _ "$work/backup" "$work/damaged" "$bin/cellgate" \
  "$work/never"
# A copy of the backup with a byte of an identity blob flipped and the
# manifest's hash forged to match: only the blob's hash in its record can
# tell. The restore must refuse it and name the detail.
restore_refuses_changed_detail() {
  local copy=$work/damaged-detail f sum out
  cp -r "$work/backup" "$copy" || return 1
  f=$(ls "$copy"/audit/details/identity-*.blobs | head -1)
  python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' "$f"
  sum=$(sha256sum "$f" | cut -d" " -f1)
  python3 - "$copy/MANIFEST" "${f#"$copy"/}" "$sum" <<'PY'
import re, sys
path, name, digest = sys.argv[1:]
text = open(path).read()
text, n = re.subn(r'(path: "%s"\s*size: \d+\s*sha256: ")[0-9a-f]+' % re.escape(name),
                  r'\g<1>' + digest, text)
assert n == 1, n
open(path, "w").write(text)
PY
  out=$("$bin/cellgate" admin restore "$copy" "$work/never2" 2>&1) && return 1
  grep -q "identity detail" <<<"$out"
}
check "restore refuses a backup whose detail blob was changed (manifest forged to match)" \
  restore_refuses_changed_detail
check "restore refuses a detail file the manifest does not name" bash -c '
  cp -r "$1" "$2" && cp "$(ls "$2"/audit/details/content-*.blobs | head -1)" "$2/audit/details/content-1999.blobs" &&
  ! "$3" admin restore "$2" "$4" 2>/dev/null' \
  _ "$work/backup" "$work/extra-detail" "$bin/cellgate" "$work/never3"
check "cellgate admin restore verifies and lays out the backup" \
  "$bin/cellgate" admin restore "$work/backup" "$work/restored" --pubkey "$work/audit-signing.pub"
write_config "$work/restored"
check "the server starts on the restored state" start_server
check "audit verify passes on the restored log" bash -c \
  'grep -q "OK: the chain is intact" <<<"$1"' _ "$(as dpo audit verify)"
check "the restored log's details open with the content key (audit show)" bash -c \
  'grep -q "principal.*steward" <<<"$1"' _ \
  "$(as dpo audit show "$(awk -F': ' '/backup_record_seq/ {print $2}' "$work/backup/MANIFEST")")"
for i in "${!queries[@]}"; do
  now=$(ask "${queries[$i]}" csv | sha256sum)
  check "query $i gives the same digest after the restore" test "$now" = "$(cat "$work/digest.$i")"
done
stop_server
check "both verifiers agree on the restored log, details included" python3 -c '
import json, subprocess, sys
verify, py, log, pub = sys.argv[1:]
cc = json.loads(subprocess.run([verify, "--log", log, "--pubkey", pub, "--json"],
                               capture_output=True, text=True).stdout)
pv = json.loads(subprocess.run(["python3", py, "--log", log, "--pubkey", pub],
                               capture_output=True, text=True).stdout)
keys = ["ok", "records", "origin", "head_leaf_hash", "checkpoints", "details"]
assert cc["ok"] and all(cc[k] == pv[k] for k in keys), (cc, pv)
assert cc["details"]["checked"] > 0 and cc["details"]["unencrypted"] == 0, cc' \
  "$bin/cellgate-audit-verify" "$src/audit/verify/cellgate_audit_verify.py" "$work/restored/audit" \
  "$work/audit-signing.pub"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
