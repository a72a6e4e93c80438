#!/usr/bin/env bash
# Crash test with real processes: clients release tables while the server is
# killed with SIGKILL at random moments, again and again. After every
# restart (which recovers the log) the audit log must verify, and every
# answer a client received must have its record in the log at its seq with
# the same release id and leaf hash (so no seq was reused and no released
# table went unrecorded).
# Usage: crash_test.sh SOURCE_DIR BUILD_DIR [ITERATIONS]
set -uo pipefail
src=$1
build=$2
iterations=${3:-12}
bin=$build/bin
work=$(mktemp -d /tmp/cellgate-crash-XXXXXX)
server_pid=""

cleanup() {
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null
  jobs -p | xargs -r kill 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL - $*"; exit 1; }

bash "$src/deploy/make-demo-certs.sh" "$work/pki" >/dev/null || fail "certs"
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/store.key")
(umask 077; openssl genpkey -algorithm ed25519 -out "$work/signing.key")
openssl pkey -in "$work/signing.key" -pubout -out "$work/signing.pub"
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/content.key")
"$bin/cellgate-musterstadt" --out "$work/data" --seed 11 --scale 0.05 --datasets abgang \
  >/dev/null || fail "generator"
cat > "$work/server.textproto" <<CFG
listen_address: "127.0.0.1:0"
port_file: "port"
store_path: "store.db"
store_key_file: "store.key"
audit_dir: "audit"
audit_origin: "cellgate.crash.example/audit/v1"
audit_signing_key_file: "signing.key"
audit_content_key_file: "content.key"
access_policy_file: "$src/deploy/demo/access-policy.textproto"
policy_dir: "$src/policies/config"
tls { server_cert_file: "pki/server.pem" server_key_file: "pki/server.key" client_ca_file: "pki/ca.pem" }
CFG

source "$src/tests/e2e/server_harness.sh"

start_server || fail "server start"
as steward admin create-dataset "$work/data/schemas/abgang.textproto" >/dev/null || fail "create"
as steward admin ingest abgang "$work/data/abgang.csv" --legal-basis schulg_rlp_67 >/dev/null \
  || fail "ingest"

# A client that releases tables until the server goes away, saving each
# answer it received.
client() { # id
  local n=0
  while true; do
    out=$(as schulamt-analyst query --dataset abgang --by abschluss --by sex \
      --purpose bildungsbericht --legal-basis schulg_rlp_67 --format json 2>/dev/null) || return 0
    echo "$out" > "$work/answers/$1-$n.json"
    n=$((n + 1))
  done
}
mkdir -p "$work/answers"
for i in $(seq 1 "$iterations"); do
  for c in 1 2 3 4; do client "$i.$c" & done
  sleep "0.$((RANDOM % 9 + 1))"
  kill -KILL "$server_pid"
  wait "$server_pid" 2>/dev/null
  wait
  start_server || { cat "$work/server.log"; fail "restart $i after SIGKILL"; }
done
kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=""

"$bin/cellgate-audit-verify" --log "$work/audit" --pubkey "$work/signing.pub" \
  || fail "the log does not verify after $iterations crashes"
python3 "$src/audit/verify/cellgate_audit_verify.py" --log "$work/audit" --pubkey "$work/signing.pub" \
  >/dev/null || fail "the Python verifier disagrees after $iterations crashes"
answers=$(ls "$work/answers" | wc -l)
[ "$answers" -gt 0 ] || fail "no client received an answer"
python3 - "$work/audit" "$work/answers" <<'PY' || fail "an answer has no matching record"
import base64, glob, hashlib, json, os, struct, sys
log_dir, answers = sys.argv[1], sys.argv[2]
leaves = []
for path in sorted(glob.glob(os.path.join(log_dir, "audit-*.log"))):
    data = open(path, "rb").read()
    offset = 0
    while offset + 4 <= len(data):
        (n,) = struct.unpack_from("<I", data, offset)
        record = data[offset + 4: offset + 4 + n]
        if len(record) < n:
            break
        leaves.append(hashlib.sha256(b"\x00" + record).digest())
        offset += 4 + n + 8
missing = 0
for path in glob.glob(os.path.join(answers, "*.json")):
    receipt = json.load(open(path))["receipt"]
    seq = int(receipt["seq"])
    leaf = receipt["leaf_hash"]
    want = bytes.fromhex(leaf) if all(c in "0123456789abcdef" for c in leaf) and len(leaf) == 64 \
        else base64.b64decode(leaf)
    if seq >= len(leaves) or leaves[seq] != want:
        print(f"answer {os.path.basename(path)}: seq {seq} has no matching record")
        missing += 1
sys.exit(1 if missing else 0)
PY
echo "ok - $iterations SIGKILLs, $answers answers, each recorded at its seq; log verifies"
