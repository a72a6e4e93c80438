#!/usr/bin/env bash
# Operating the real binaries: JSON log lines that parse and carry the
# release id of the response (and never a key), an online backup taken with
# `cellgate admin backup` while queries run, `cellgate admin restore` into a
# new directory, and a server started on the restored state whose audit log
# verifies and whose answers to the same queries have the same digests.
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
    --legal-basis schulg_rlp_67 --format "$2"
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
stop_server

# --- restore into a new directory and serve from it --------------------------
check "restore refuses a damaged backup" bash -c '
  cp -r "$1" "$2" && printf x >> "$2/audit/audit-000001.log" &&
  ! "$3" admin restore "$2" "$4" 2>/dev/null' _ "$work/backup" "$work/damaged" "$bin/cellgate" \
  "$work/never"
check "cellgate admin restore verifies and lays out the backup" \
  "$bin/cellgate" admin restore "$work/backup" "$work/restored" --pubkey "$work/audit-signing.pub"
write_config "$work/restored"
check "the server starts on the restored state" start_server
check "audit verify passes on the restored log" bash -c \
  'grep -q "OK: the chain is intact" <<<"$1"' _ "$(as dpo audit verify)"
for i in "${!queries[@]}"; do
  now=$(ask "${queries[$i]}" csv | sha256sum)
  check "query $i gives the same digest after the restore" test "$now" = "$(cat "$work/digest.$i")"
done
stop_server

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
