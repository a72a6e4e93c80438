#!/usr/bin/env bash
# make demo: generates Musterstadt, creates the encrypted store, certificates
# and config, starts cellgate-server, loads the data as the steward, asks
# queries as departments through the real client, pulls the Bildungsbericht
# manifest (client/manifests/bildungsbericht.textproto) into demo-out/
# bildungsbericht/, shows the DPO an audit record, and stops the server. Everything goes under demo-out/.
# Usage: run-demo.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
bin=$build/bin
out=$root/demo-out
scale=${DEMO_SCALE:-1.0}
server_pid=""

stop() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
    echo "==> server stopped"
  fi
}
trap stop EXIT

step() { printf '\n==> %s\n' "$*"; }

rm -rf "$out/store.db" "$out/store.db-wal" "$out/store.db-shm" "$out/audit" "$out/port" \
  "$out/bildungsbericht"
mkdir -p "$out"

step "generating Musterstadt (seed 2026, scale $scale) into $out/data"
"$bin/cellgate-musterstadt" --out "$out/data" --seed 2026 --scale "$scale"

step "demo certificates in $out/pki"
bash "$root/deploy/make-demo-certs.sh" "$out/pki" >/dev/null
ls "$out/pki"

step "store key $out/store.key (256-bit, mode 0600)"
if [ ! -s "$out/store.key" ]; then
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$out/store.key")
fi
chmod 600 "$out/store.key"

step "audit signing key $out/audit-signing.key (Ed25519, not the store key) and its public key for the DPO"
if [ ! -s "$out/audit-signing.key" ]; then
  (umask 077; openssl genpkey -algorithm ed25519 -out "$out/audit-signing.key")
fi
openssl pkey -in "$out/audit-signing.key" -pubout -out "$out/audit-signing.pub"

step "audit content key $out/audit-content.key (256-bit, mode 0600): encrypts who asked and what was released in the log"
if [ ! -s "$out/audit-content.key" ]; then
  (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$out/audit-content.key")
fi
chmod 600 "$out/audit-content.key"

cat > "$out/server.textproto" <<CFG
# cellgate demo server configuration (paths relative to this file)
listen_address: "127.0.0.1:0"
port_file: "port"
store_path: "store.db"
store_key_file: "store.key"
audit_signing_key_file: "audit-signing.key"
audit_content_key_file: "audit-content.key"
audit_dir: "audit"
audit_origin: "cellgate.musterstadt.example/audit/v1"
access_policy_file: "$root/deploy/demo/access-policy.textproto"
policy_dir: "$root/policies/config"
tls {
  server_cert_file: "pki/server.pem"
  server_key_file: "pki/server.key"
  client_ca_file: "pki/ca.pem"
}
CFG

step "starting cellgate-server (mTLS, log in $out/server.log)"
"$bin/cellgate-server" --config "$out/server.textproto" 2>"$out/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$out/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log"; exit 1; }
  sleep 0.1
done
port=$(cat "$out/port")
echo "listening on localhost:$port"

as() { # principal, cellgate args...
  local who=$1; shift
  echo "\$ cellgate [as $who] $*" >&2
  "$bin/cellgate" --server "localhost:$port" --ca "$out/pki/ca.pem" \
    --cert "$out/pki/$who.pem" --key "$out/pki/$who.key" "$@"
}

step "the data steward creates the datasets and ingests them (encrypted store $out/store.db)"
for ds in population schueler uebergang abgang seu kita_kind sgb2_person vhs_kurs vhs_belegung; do
  as steward admin create-dataset "$out/data/schemas/$ds.textproto"
  as steward admin ingest "$ds" "$out/data/$ds.csv" --legal-basis bdsg_3
done

step "the Schulamt asks: pupils by school type and sex, 2025/26"
as schulamt-analyst query --dataset schueler --by schule:schulart --by sex \
  --filter schuljahr=2025/26 --totals \
  --purpose bildungsbericht --legal-basis schulg_rlp_67

step "the Schulamt asks: school leavers by qualification, sex and citizenship, 2025 (small cells are suppressed: '.')"
as schulamt-analyst query --dataset abgang --by abschluss --by sex --by staatsangehoerigkeit \
  --filter abgangsjahr=2025 --totals \
  --purpose bildungsbericht --legal-basis schulg_rlp_67

step "the Jugendamt asks: school-entry exams, count and mean age in months by recommendation and sex, 2025"
as jugendamt-analyst query --dataset seu --by empfehlung --by sex \
  --measure count --measure mean:alter_monate --filter einschulungsjahr=2025 --totals \
  --purpose jugendhilfeplanung --legal-basis sgb8_80

step "the Jugendamt tries a dataset it is not granted (refused and logged)"
as jugendamt-analyst query --dataset abgang --by sex \
  --purpose jugendhilfeplanung --legal-basis sgb8_80 || true

step "the Jugendamt asks: Betreuungsquote under 3 by Sozialraum, 2025 (a share over the population, docs/adr/0008)"
as jugendamt-analyst query --dataset kita_kind --by bezirk:sozialraum \
  --measure count --measure count:@population --measure share:@population \
  --filter stichtag=2025 --filter alter:altersgruppe=0-2 --totals \
  --purpose jugendhilfeplanung --legal-basis sgb8_80

step "the Jugendamt asks for Kita children per child in SGB-II households: sgb2_person is not granted to it (refused and logged)"
as jugendamt-analyst query --dataset kita_kind --by bezirk:stadtteil \
  --measure share:@sgb2_person --filter stichtag=2025 \
  --purpose jugendhilfeplanung --legal-basis sgb8_80 || true

manifest=$root/client/manifests/bildungsbericht.textproto
report=$out/bildungsbericht
step "the Bildungsbüro pulls the whole Bildungsbericht manifest (15 tables, public channel) into $report"
pull_log=$out/pull.log
as bildungsbuero-analyst pull "$manifest" --out "$report" | tee "$pull_log"
grep -q "15 written, 0 skipped, 0 pending, 0 failed" "$pull_log" ||
  { echo "the pull did not write all 15 tables"; exit 1; }

step "pulling again with --resume skips the tables already written from the same data"
as bildungsbuero-analyst pull "$manifest" --out "$report" --resume | tail -1
ls "$report"

step "the Bildungsbüro asks: VHS enrolments by sex and age group, 2025 (enrolments are rows of vhs_belegung)"
as bildungsbuero-analyst query --dataset vhs_belegung --by sex --by age_group \
  --filter arbeitsjahr=2025 --totals --purpose bildungsbericht --legal-basis bdsg_3

step "the Bildungsbüro asks: VHS teaching hours by Programmbereich and Kursort, 2025 (a sum with fewer than 3 Kursleitungen, or one that a Kursleitung dominates, is suppressed: '.')"
as bildungsbuero-analyst query --dataset vhs_kurs --by programmbereich --by kursort \
  --measure count --measure sum:unterrichtsstunden --filter arbeitsjahr=2025 --totals \
  --purpose bildungsbericht --legal-basis bdsg_3

step "the data-protection officer reviews the release log ($out/audit)"
as dpo audit list --limit 40
last_release=$(as dpo audit list --limit 1000 --type release 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {s=$1} END {print s}')
as dpo audit show "$last_release"

stop
server_pid=""

step "the DPO verifies the log offline: chain, Merkle roots and checkpoint signatures"
echo "\$ cellgate-audit-verify --log $out/audit --pubkey $out/audit-signing.pub"
"$bin/cellgate-audit-verify" --log "$out/audit" --pubkey "$out/audit-signing.pub"

step "the DPO reads that record offline: only the content key opens who asked and the table"
echo "\$ cellgate audit show $last_release --log $out/audit --content-key $out/audit-content.key"
"$bin/cellgate" audit show "$last_release" --log "$out/audit" --content-key "$out/audit-content.key" \
  | sed -n 1,20p

step "done. Everything is in $out:"
cat <<TXT
  data/            generated Musterstadt CSV files and schemas
  pki/             demo CA, server and client certificates (keys mode 0600)
  store.key        the store key (mode 0600)
  store.db         the SQLCipher store (encrypted)
  audit-signing.*  the audit checkpoint signing key (mode 0600) and its public key
  audit-content.key the audit content key (mode 0600): the DPO's key to the log's details
  audit/           the hash-chained release log with signed checkpoints; details/
                   holds requester identities and tables, encrypted
  bildungsbericht/ the pulled report tables (csv, csv-de, json, ffcsv) and
                   bildungsbericht-2025.html, the report page with charts
  server.textproto the server configuration
  server.log       the server's log
TXT
