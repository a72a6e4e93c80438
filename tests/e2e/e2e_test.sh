#!/usr/bin/env bash
# End-to-end: the real cellgate-server and cellgate binaries on a temporary
# directory and port 0. Checks the release path, the DPO's view and review
# tools (export as JSON Lines and CSV, the report page, a replay), the clear
# errors for a wrong key, a corrupted ingest file and a malformed query, and
# that each of those changes nothing.
# Usage: e2e_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1
build=$2
bin=$build/bin
work=$(mktemp -d /tmp/cellgate-e2e-XXXXXX)
server_pid=""
failures=0
passes=0

cleanup() {
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

expect_fail() { # name, expected exit code, expected stderr substring, command...
  local name=$1 code=$2 text=$3; shift 3
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -eq "$code" ] && grep -qF -- "$text" <<<"$out"; then
    passes=$((passes + 1)); echo "ok   - $name"
  else
    failures=$((failures + 1)); echo "FAIL - $name (exit $rc, stderr: $out)"
  fi
}

# --- set-up: certificates, key, data, config -------------------------------
bash "$src/deploy/make-demo-certs.sh" "$work/pki" >/dev/null || { echo "FAIL - certs"; exit 1; }
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/store.key")
(umask 077; openssl genpkey -algorithm ed25519 -out "$work/audit-signing.key")
openssl pkey -in "$work/audit-signing.key" -pubout -out "$work/audit-signing.pub"
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/audit-content.key")
cp "$src/deploy/demo/access-policy.textproto" "$work/access.textproto"
"$bin/cellgate-musterstadt" --out "$work/data" --seed 7 --scale 0.05 \
  --datasets abgang,seu >/dev/null || { echo "FAIL - generator"; exit 1; }
cat > "$work/server.textproto" <<CFG
listen_address: "127.0.0.1:0"
port_file: "port"
store_path: "store.db"
store_key_file: "store.key"
audit_dir: "audit"
audit_origin: "cellgate.e2e.example/audit/v1"
audit_signing_key_file: "audit-signing.key"
audit_content_key_file: "audit-content.key"
access_policy_file: "access.textproto"
policy_dir: "$src/policies/config"
tls { server_cert_file: "pki/server.pem" server_key_file: "pki/server.key" client_ca_file: "pki/ca.pem" }
CFG

source "$src/tests/e2e/server_harness.sh"

check "server starts with mTLS on port 0" start_server
port=$(cat "$work/port")

# --- steward loads data ------------------------------------------------------
check "steward creates abgang" as steward admin create-dataset "$work/data/schemas/abgang.textproto"
check "steward ingests abgang" as steward admin ingest abgang "$work/data/abgang.csv" --legal-basis schulg_rlp_67
versions_before=$(as steward admin versions abgang)

# --- a department queries -----------------------------------------------------
out=$(as schulamt-analyst query --dataset abgang --by abschluss --by staatsangehoerigkeit \
  --filter abgangsjahr=2025 --totals --purpose bildungsbericht --legal-basis schulg_rlp_67)
check "query prints an aligned table with German labels" grep -q "Insgesamt" <<<"$out"
csv=$(as schulamt-analyst query --dataset abgang --by abschluss --by sex --by staatsangehoerigkeit \
  --filter abgangsjahr=2025 --totals --purpose bildungsbericht --legal-basis schulg_rlp_67 --format csv)
check "query as csv has a status column" grep -q "status" <<<"$(head -1 <<<"$csv")"
check "small cells are suppressed" grep -q "SUPPRESSED\|suppressed" <<<"$csv"
justification="Sozialplanung Nordstadt vertraulich 4711"
json=$(as schulamt-analyst query --dataset abgang --by abschluss --purpose bildungsbericht \
  --legal-basis schulg_rlp_67 --justification "$justification" --format json)
check "json answer carries a receipt" python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d["receipt"]["release_id"]' <<<"$json"
python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["receipt"]["checkpoint"], end="")' \
  <<<"$json" > "$work/kept-checkpoint" 2>/dev/null
check "the receipt carries a signed checkpoint" grep -q "cellgate.e2e.example/audit/v1" "$work/kept-checkpoint"

# --- cellgate pull: a manifest table through the real client ------------------
manifest=$src/client/manifests/bildungsbericht.textproto
check "pull writes a table of the shipped manifest" \
  as bildungsbuero-analyst pull "$manifest" --out "$work/pull" --tables abschluesse
check "the csv-de file opens in German Excel (BOM) and names its release" \
  bash -c 'head -c 3 "$1" | od -An -tx1 | grep -q "ef bb bf" && grep -q "^Release-ID;" "$1"' \
  _ "$work/pull/abschluesse.de.csv"
check "the json file carries the release id the server gave" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["schema"]=="cellgate.table/1" and len(d["provenance"]["release_id"])==32' \
  "$work/pull/abschluesse.json"
check "the manifest's share is derived from the released counts" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
m=[x for x in d["measures"] if x["kind"]=="share"]
assert len(m)==1 and m[0]["derived_on_client"] and m[0]["id"]=="share:abschluss"
c=[x for x in d["cells"] if x["statuses"][0]=="published" and x["statuses"][-1]=="published"]
assert c and all(0<=x["values"][-1]<=100 for x in c)' \
  "$work/pull/abschluesse.json"
check "the html report is written" grep -q "<svg" "$work/pull/bildungsbericht-2025.html"
check "the xlsx workbook has the table's sheet, its figures as numbers and the release ids" \
  bash -c 'python3 "$1/client/testdata/xlsx_dump.py" "$2" > "$3" &&
    grep -q "^sheet 1 \"abschluesse\"" "$3" && grep -q "^sheet 2 \"Release-IDs\"" "$3" &&
    grep -q " n [0-9.]* fmt=\"#,##0\"" "$3" && grep -q "Zeichenerklärung" "$3"' \
  _ "$src" "$work/pull/bildungsbericht-2025.xlsx" "$work/xlsx-dump.txt"
resumed() {
  # The whole output first: grep -q would stop reading at the match, and
  # whatever the client writes after it (a sanitizer's report at exit)
  # would fail the pipe.
  local out
  out=$(as bildungsbuero-analyst pull "$manifest" --out "$work/pull" --tables abschluesse --resume 2>&1) || return 1
  grep -q "1 skipped" <<<"$out"
}
check "pull --resume skips the written table" resumed

# --- clear errors that change nothing -----------------------------------------
expect_fail "malformed query names the bad dimension" 5 'stadtteill' \
  as schulamt-analyst query --dataset abgang --by stadtteill --purpose bildungsbericht --legal-basis schulg_rlp_67
expect_fail "purpose not granted is denied" 4 'purpose "jugendhilfeplanung"' \
  as schulamt-analyst query --dataset abgang --by sex --purpose jugendhilfeplanung --legal-basis schulg_rlp_67
expect_fail "unknown principal is denied" 4 'not a known principal' \
  as intruder datasets
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=foreign \
  -addext subjectAltName=URI:urn:cellgate:principal:schulamt-analyst \
  -keyout "$work/foreign.key" -out "$work/foreign.pem" 2>/dev/null
expect_fail "certificate from another CA is rejected and explained" 3 'rejected during the handshake' \
  "$bin/cellgate" --server "localhost:$port" --ca "$work/pki/ca.pem" \
  --cert "$work/foreign.pem" --key "$work/foreign.key" datasets
printf 'pupil_key,abgangsjahr,schulart,sex,staatsangehoerigkeit,mh,abschluss\nx1,2025,GY,m,deutsch,nein,AHR\nx2,2025,GY,q,deutsch,nein,AHR\n' > "$work/bad.csv"
expect_fail "corrupted ingest names file, line and column" 5 'bad.csv:3:' \
  as steward admin ingest abgang "$work/bad.csv" --legal-basis schulg_rlp_67
check "corrupted ingest stored nothing" test "$(as steward admin versions abgang)" = "$versions_before"

# --- the DPO reviews -------------------------------------------------------------
list=$(as dpo audit list --limit 1000)
check "audit list shows releases and refusals" bash -c 'grep -qi release <<<"$1" && grep -qi refus <<<"$1"' _ "$list"
seq=$(grep -i 'release' <<<"$list" | grep -vi refus | tail -1 | awk '{print $1}')
shown=$(as dpo audit show "$seq")
check "audit show displays who asked" grep -q "bildungsbuero-analyst" <<<"$shown"
check "audit show displays the audit against earlier releases" \
  grep -q "release ledger *linked to [0-9]* earlier releases" <<<"$shown"

# --- the DPO exports the log and verifies the copy offline ------------------------
check "the server verifies its own log for the DPO" \
  bash -c 'grep -q "OK: the chain is intact" <<<"$1"' _ "$(as dpo audit verify)"
check "the DPO exports the log" as dpo audit export "$work/exported"
exported_size=$(stat -c %s "$work/exported/audit-000001.log")
check "the export is the server's log byte for byte" \
  cmp -n "$exported_size" "$work/exported/audit-000001.log" "$work/audit/audit-000001.log"
check "the exported copy verifies offline" \
  "$bin/cellgate-audit-verify" --log "$work/exported" --pubkey "$work/audit-signing.pub"
check "the export carries the detail files" test -s "$work/exported/details/identity-$(date -u +%Y).blobs"
release_seq=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["receipt"]["seq"])' <<<"$json")
offline=$(as dpo audit show "$release_seq" --log "$work/exported" --content-key "$work/audit-content.key")
check "the DPO reads the exported record offline with the content key" \
  bash -c 'grep -q "schulamt-analyst" <<<"$1" && grep -qF "$2" <<<"$1"' _ "$offline" "$justification"
check "without the content key the offline record names no one" \
  bash -c '! grep -q "schulamt-analyst" <<<"$1" && grep -q "no content key given" <<<"$1"' _ \
  "$(as dpo audit show "$release_seq" --log "$work/exported")"
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/wrong-content.key")
expect_fail "a wrong content key is a clear error" 5 'wrong audit content key' \
  as dpo audit show "$release_seq" --log "$work/exported" --content-key "$work/wrong-content.key"
expect_fail "export refuses a directory that holds files" 2 'not empty' \
  as dpo audit export "$work/exported"

# --- the DPO's review tools: JSON Lines and CSV, the report page, a replay ----
check "the DPO exports the records as JSON Lines" \
  as dpo audit export "$work/records.jsonl" --format jsonl
check "every line is a versioned record; releases and refusals name who and why" python3 -c '
import json,sys
lines=[json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert lines and all(l["schema"]=="cellgate.audit-record/1" for l in lines)
rel=[l for l in lines if l["type"]=="release"]
ref=[l for l in lines if l["type"]=="refusal"]
assert rel and ref
assert any(l["principal"]=="schulamt-analyst" and l["purpose"]=="bildungsbericht" and
           l["dataset_version"]>0 and len(l["released_table_sha256"])==64 and
           l["policy_version"]>0 for l in rel)
assert all(l["cells"] is None and l["released_table_sha256"]=="" for l in ref)
assert all(l["type"]!="checkpoint" for l in lines)' "$work/records.jsonl"
refused_csv=$(as dpo audit export - --format csv --decision refused)
check "the CSV export has its header and only the refusals asked for" python3 -c '
import csv,io,sys
rows=list(csv.DictReader(io.StringIO(sys.argv[1], newline="")))
assert rows and all(r["decision"]=="refused" for r in rows), rows
assert "principal" in rows[0] and "reason_codes" in rows[0]' "$refused_csv"
check "the DPO writes the report page" as dpo audit report --out "$work/report.html"
check "the report shows the server's verification and the records" \
  bash -c 'grep -q "data-ok=\"true\"" "$1" && grep -q "schulamt-analyst" "$1" && grep -q "<svg" "$1"' \
  _ "$work/report.html"
check "the report verifies the exported copy offline" \
  as dpo audit report --out "$work/report-offline.html" --log "$work/exported" \
  --pubkey "$work/audit-signing.pub"
check "the offline report matched the listed records with the copy" \
  grep -q "aufgeführte Einträge stimmen mit der geprüften Kopie" "$work/report-offline.html"
release_id=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["receipt"]["release_id"])' <<<"$json")
jsonl_before=$(as dpo audit export - --format jsonl --type release | wc -l)
replayed=$(as dpo audit replay "$release_id")
check "a replay of a release matches its digest" grep -q "MATCH: the release is reproduced exactly" <<<"$replayed"
jsonl_after=$(as dpo audit export - --format jsonl --type release | wc -l)
access=$(as dpo audit export - --format jsonl --type audit_access)
check "a replay adds no release and is recorded as audit access" \
  bash -c '[ "$1" = "$2" ] && grep -q "replay of release $3" <<<"$4"' \
  _ "$jsonl_before" "$jsonl_after" "$release_id" "$access"
expect_fail "an analyst may not replay a release" 4 'role' \
  as schulamt-analyst audit replay "$release_id"
# --- the whole report: the Bildungsbüro pulls every table of the manifest ------
# The other datasets of the report (at a scale where the small transition
# tables can be released next to each other), then one pull as the
# Bildungsbüro: all 15 tables, shares across datasets included.
"$bin/cellgate-musterstadt" --out "$work/data" --seed 7 --scale 0.2 \
  --datasets population,schueler,uebergang,kita_kind,sgb2_person,vhs_kurs,vhs_belegung \
  >/dev/null || { echo "FAIL - generator"; exit 1; }
load_all() {
  for ds in population schueler uebergang seu kita_kind sgb2_person vhs_kurs vhs_belegung; do
    as steward admin create-dataset "$work/data/schemas/$ds.textproto" >/dev/null &&
      as steward admin ingest "$ds" "$work/data/$ds.csv" --legal-basis bdsg_3 >/dev/null ||
      return 1
  done
}
check "steward loads the report's other datasets" load_all
pull_all=$(as bildungsbuero-analyst pull "$manifest" --out "$work/report" 2>&1; echo "exit status $?")
pulled_all() {
  grep -q "15 written, 0 skipped, 0 pending, 0 failed" <<<"$pull_all" &&
    grep -q "^exit status 0$" <<<"$pull_all" || { tail -20 <<<"$pull_all"; return 1; }
}
check "the Bildungsbüro pulls the whole manifest in one pull: 15 written, none pending or failed" \
  pulled_all
check "every table of the manifest has its files" python3 -c '
import os, re, sys
ids = re.findall(r"^\s+id: \"([a-z0-9_]+)\"$", open(sys.argv[1]).read(), re.M)
assert len(ids) == 15, ids
missing = [i for i in ids for ext in (".csv", ".de.csv", ".json", ".ffcsv.csv")
           if not os.path.exists(os.path.join(sys.argv[2], i + ext))]
assert not missing, missing' "$manifest" "$work/report"
check "the SGB-II-Quote takes its denominator from the population and names it" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = [m for m in d["measures"] if m["kind"] == "share"]
assert len(s) == 1 and s[0]["denominator"]["dataset"] == "population", s
assert d["provenance"]["denominator_dataset"] == "population"
assert len(d["provenance"]["denominator_dataset_version_hash"]) == 64
# The population is perturbed on the public channel: a share over it is
# "perturbed" (docs/adr/0008), and still a percentage.
v = [c["values"][-1] for c in d["cells"] if c["statuses"][-1] in ("published", "perturbed")]
assert v and all(0 <= x <= 100 for x in v), v' "$work/report/sgb2_u15_stt.json"

# --- the steward rotates the store key ------------------------------------------
cp "$work/store.key" "$work/store.key.before-rotation"
rotated=$(as steward admin rotate-key)
check "the steward rotates the store key" grep -q "new key fingerprint" <<<"$rotated"
check "the key file holds a new key" bash -c '! cmp -s "$1" "$2"' _ "$work/store.key" "$work/store.key.before-rotation"
check "the rotation is in the audit log" \
  bash -c 'grep -q key_rotation <<<"$1"' _ "$(as dpo audit list --type key_rotation)"
check "queries still work after the rotation" \
  bash -c 'grep -q abgang <<<"$1"' _ "$(as schulamt-analyst datasets)"
expect_fail "an analyst may not rotate the key" 4 'role' as schulamt-analyst admin rotate-key

# --- the steward rotates the audit signing key; the DPO keeps the first key --
cp "$work/audit-signing.pub" "$work/audit-signing.first.pub"
rotated_signing=$(as steward admin rotate-signing-key)
check "the steward rotates the audit signing key" grep -q "KEY_ROTATION record at seq" <<<"$rotated_signing"
check "the signing key file holds the new key" bash -c \
  '! cmp -s <(openssl pkey -in "$1" -pubout) "$2"' _ "$work/audit-signing.key" "$work/audit-signing.first.pub"
check "queries still work after the signing key rotation" \
  bash -c 'grep -q abgang <<<"$1"' _ "$(as schulamt-analyst datasets)"

# --- SIGHUP reloads the access policy; a broken file keeps the old one --------
wait_for_log() { for _ in $(seq 1 50); do grep -q "$1" "$work/server.log" && return 0; sleep 0.1; done; return 1; }
cp "$work/access.textproto" "$work/access.good"
echo 'departments { id: ' > "$work/access.textproto"
kill -HUP "$server_pid"
check "a broken access policy on SIGHUP is rejected and logged" wait_for_log access_policy_reload_failed
check "the server keeps serving under the old policy" \
  bash -c 'grep -q abgang <<<"$1"' _ "$(as schulamt-analyst datasets)"
cp "$work/access.good" "$work/access.textproto"
kill -HUP "$server_pid"
check "a good access policy on SIGHUP is reloaded" wait_for_log '"access_policy_reloaded"'

stop_server

# --- wrong key: clear error, store untouched ------------------------------------
sum_before=$(sha256sum "$work/store.db" | cut -d' ' -f1)
cp "$work/store.key" "$work/store.key.good"
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/store.key")
expect_fail "wrong key gives the clear error" 1 'cannot open store: wrong key or not a cellgate store' \
  "$bin/cellgate-server" --config "$work/server.textproto"
check "wrong key left the store unchanged" test "$(sha256sum "$work/store.db" | cut -d' ' -f1)" = "$sum_before"
chmod 644 "$work/store.key"
expect_fail "group-readable key file is refused" 1 'chmod 600' \
  "$bin/cellgate-server" --config "$work/server.textproto"
cp "$work/store.key.good" "$work/store.key"; chmod 600 "$work/store.key"
check "server restarts with the right key and keeps its data" start_server
port=$(cat "$work/port")
check "data survives the restart" bash -c 'grep -q abgang <<<"$1"' _ "$(as schulamt-analyst datasets)"
# The release ledger survives the restart: the same query gets the same
# table, cell for cell (values and statuses; the release id is new).
again=$(as schulamt-analyst query --dataset abgang --by abschluss --by sex --by staatsangehoerigkeit \
  --filter abgangsjahr=2025 --totals --purpose bildungsbericht --legal-basis schulg_rlp_67 --format csv)
check "a repeated query after a restart gets the same table" test "$again" = "$csv"
stop_server
cp "$work/store.key" "$work/store.key.rotated"
cp "$work/store.key.before-rotation" "$work/store.key"
expect_fail "the key from before the rotation no longer opens the store" 1 \
  'cannot open store: wrong key or not a cellgate store' \
  "$bin/cellgate-server" --config "$work/server.textproto"
cp "$work/store.key.rotated" "$work/store.key"

# --- the DPO verifies the log offline; a changed byte is found ------------------
verify="$bin/cellgate-audit-verify"
check "audit log verifies offline after a clean stop, from the first signing key" \
  "$verify" --log "$work/audit" --origin cellgate.e2e.example/audit/v1 \
  --pubkey "$work/audit-signing.first.pub" --trusted-checkpoint "$work/kept-checkpoint"
report=$("$verify" --log "$work/audit" --json)
check "verify reports START, RELEASE and STOP records" python3 -c \
  'import json,sys; d=json.loads(sys.stdin.read()); t=d["by_type"]; assert d["ok"] and t["START"]>=2 and t["RELEASE"]>=1 and t["STOP"]>=2, d' <<<"$report"
# The independent Python verifier agrees with the C++ one on the same log.
pyverify=(python3 "$src/audit/verify/cellgate_audit_verify.py")
first_pub="$work/audit-signing.first.pub"
py_report=$("${pyverify[@]}" --log "$work/audit" --pubkey "$first_pub" \
  --trusted-checkpoint "$work/kept-checkpoint")
cc_report=$("$verify" --log "$work/audit" --pubkey "$first_pub" --json)
check "the Python verifier agrees with cellgate-audit-verify" python3 -c '
import json, sys
py, cc = json.loads(sys.argv[1]), json.loads(sys.argv[2])
keys = ["ok", "records", "origin", "head_leaf_hash", "checkpoints", "unsealed_records",
        "signing_key_rotations", "details"]
assert all(py[k] == cc[k] for k in keys), (py, cc)
assert cc["signing_key_rotations"] == 1 and cc["details"]["checked"] > 0, cc
assert cc["details"]["unencrypted"] == 0, cc' "$py_report" "$cc_report"
# Both name the same kind of finding on the same damage.
same_finding() { # kind, log dir, extra args...
  local kind=$1 dir=$2; shift 2
  local cc py
  cc=$("$verify" --log "$dir" --pubkey "$first_pub" --json "$@")
  py=$("${pyverify[@]}" --log "$dir" --pubkey "$first_pub" "$@")
  python3 -c '
import json, sys
kind, cc, py = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
assert not cc["ok"] and not py["ok"], (cc, py)
assert cc["finding_kind"] == py["finding_kind"] == kind, (kind, cc, py)' "$kind" "$cc" "$py"
}
year=$(date -u +%Y)
cp -a "$work/audit" "$work/audit-blob-flipped"
python3 - "$work/audit-blob-flipped/details/identity-$year.blobs" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[len(data) // 2] ^= 0x01
open(path, "wb").write(bytes(data))
PY
check "both verifiers name a changed detail" same_finding changed_detail "$work/audit-blob-flipped"
cp -a "$work/audit" "$work/audit-blob-deleted"
rm "$work/audit-blob-deleted/details/identity-$year.blobs"
check "both verifiers name a deleted detail file without a redaction missing" \
  same_finding missing_detail "$work/audit-blob-deleted"
# No plaintext identity, justification or table content in what the log stores.
check "no requester identity or justification in the raw audit files" \
  bash -c '! grep -rqaF -e "schulamt-analyst" -e "$2" -e "urn:cellgate:principal" "$1"' _ "$work/audit" "$justification"
check "the raw audit files still name the department (an office) in clear" \
  grep -rqaF "schulamt" "$work/audit"
cp -a "$work/audit" "$work/audit-tampered"
python3 - "$work/audit-tampered/audit-000001.log" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[len(data) // 2] ^= 0x01
open(path, "wb").write(bytes(data))
PY
expect_fail "a flipped byte in the log is a finding" 1 'damaged frame' \
  "$verify" --log "$work/audit-tampered"
check "the Python verifier finds the flipped byte too, as damage" \
  same_finding damaged "$work/audit-tampered"
# Cutting the tail back to before the kept checkpoint's size is found.
cp -a "$work/audit" "$work/audit-cut"
python3 - "$work/audit-cut/audit-000001.log" <<'PY'
import struct, sys
path = sys.argv[1]
data = open(path, "rb").read()
offset, frames = 0, []
while offset < len(data):
    (n,) = struct.unpack_from("<I", data, offset)
    frames.append(offset)
    offset += 4 + n + 8
open(path, "wb").write(data[: frames[3]])  # keep START, its checkpoint and one more
PY
expect_fail "a cut-off log fails against the kept checkpoint" 1 'cut off' \
  "$verify" --log "$work/audit-cut" --pubkey "$first_pub" \
  --trusted-checkpoint "$work/kept-checkpoint"
check "the Python verifier finds the cut too, as a truncation" \
  same_finding truncated "$work/audit-cut" --trusted-checkpoint "$work/kept-checkpoint"

# --- no key material in anything the server wrote or said -------------------------
signing_key_body=$(sed -n 2p "$work/audit-signing.key")
for key in "$work/store.key" "$work/store.key.before-rotation"; do
  check "no store key ($(basename "$key")) in the server log or the audit log" \
    bash -c '! grep -rqaF -- "$1" "$2/server.log" "$2/audit"' _ "$(tr -d '\n' < "$key")" "$work"
done
check "no signing key in the server log or the audit log" \
  bash -c '! grep -rqaF -- "$1" "$2/server.log" "$2/audit"' _ "$signing_key_body" "$work"
check "no audit content key in the server log or the audit log" \
  bash -c '! grep -rqaF -- "$1" "$2/server.log" "$2/audit"' _ "$(cat "$work/audit-content.key")" "$work"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
