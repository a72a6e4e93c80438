#!/usr/bin/env bash
# Creates the demo PKI of the Musterstadt demo in OUTDIR (openssl CLI only):
#   ca.pem/ca.key          demo CA (basicConstraints critical CA:TRUE,
#                          keyUsage keyCertSign,cRLSign)
#   server.pem/server.key  SAN DNS:localhost, IP:127.0.0.1; EKU serverAuth
#   <id>.pem/<id>.key      client certificates for schulamt-analyst,
#                          jugendamt-analyst, bildungsbuero-analyst, dpo,
#                          steward and intruder (valid
#                          from the CA but absent from the access policy), each
#                          with CN=<id>, exactly one URI SAN
#                          urn:cellgate:principal:<id> and EKU clientAuth
# All keys are P-256, certificates are valid for 825 days, key files have
# mode 0600 and OUTDIR has mode 0700. Idempotent: if OUTDIR/ca.pem exists the
# CA is reused and only missing files are created. Demo use only.
#
# usage: deploy/make-demo-certs.sh OUTDIR
set -euo pipefail

readonly DAYS=825
readonly CLIENT_IDS=(schulamt-analyst jugendamt-analyst bildungsbuero-analyst dpo steward intruder)
readonly URI_PREFIX="urn:cellgate:principal:"

die() {
  echo "make-demo-certs: $*" >&2
  exit 1
}

[[ $# -eq 1 && -n "$1" ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
command -v openssl >/dev/null || die "openssl not found"
readonly OUT="$1"

umask 077
mkdir -p -- "$OUT" || die "cannot create directory \"$OUT\""
chmod 700 -- "$OUT"
[[ -w "$OUT" ]] || die "directory \"$OUT\" is not writable"
WORK="$(mktemp -d "$OUT/.make-demo-certs.XXXXXX")"
readonly WORK
trap 'rm -rf -- "$WORK"' EXIT

# new_key FILE: writes a P-256 private key (PKCS#8 PEM, mode 0600).
new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ||
    die "cannot create key \"$1\""
  chmod 600 -- "$1"
}

# serial: prints a random positive 127-bit serial number in hex.
serial() {
  local hex
  hex="$(openssl rand -hex 16)"
  printf '0x%x%s' $(( 0x${hex:0:1} & 7 )) "${hex:1}"
}

# write_config FILE CN [EXTENSIONS]: a self-contained openssl config, so that
# the system openssl.cnf plays no part.
write_config() {
  cat >"$1" <<CNF
[req]
prompt = no
distinguished_name = dn
x509_extensions = ext
[dn]
O = cellgate demo
CN = $2
[ext]
${3:-}
CNF
}

make_ca() {
  new_key "$WORK/ca.key"
  write_config "$WORK/ca.cnf" "Musterstadt Demo-CA" "basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash"
  openssl req -new -x509 -config "$WORK/ca.cnf" -key "$WORK/ca.key" -out "$WORK/ca.pem" \
    -days "$DAYS" -sha256 -set_serial "$(serial)" 2>/dev/null ||
    die "cannot create the CA certificate"
  chmod 644 -- "$WORK/ca.pem"
  mv -f -- "$WORK/ca.key" "$OUT/ca.key"
  mv -f -- "$WORK/ca.pem" "$OUT/ca.pem"
  echo "created $OUT/ca.pem, $OUT/ca.key (demo CA)"
}

# make_leaf NAME CN EXTENSIONS: creates NAME.pem/NAME.key signed by the CA.
make_leaf() {
  local name="$1" cn="$2" ext="$3"
  new_key "$WORK/$name.key"
  printf '%s\n' "$ext" >"$WORK/$name.ext"
  write_config "$WORK/$name.cnf" "$cn"
  openssl req -new -config "$WORK/$name.cnf" -key "$WORK/$name.key" -out "$WORK/$name.csr" \
    2>/dev/null || die "cannot create the request for \"$name\""
  openssl x509 -req -in "$WORK/$name.csr" -CA "$OUT/ca.pem" -CAkey "$OUT/ca.key" \
    -set_serial "$(serial)" -days "$DAYS" -sha256 -extfile "$WORK/$name.ext" \
    -out "$WORK/$name.pem" 2>/dev/null || die "cannot sign the certificate \"$name\""
  chmod 644 -- "$WORK/$name.pem"
  mv -f -- "$WORK/$name.key" "$OUT/$name.key"
  mv -f -- "$WORK/$name.pem" "$OUT/$name.pem"
  echo "created $OUT/$name.pem, $OUT/$name.key"
}

leaf_missing() {
  [[ ! -f "$OUT/$1.pem" || ! -f "$OUT/$1.key" ]]
}

readonly LEAF_COMMON="basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid"

fresh_ca=0
if [[ -f "$OUT/ca.pem" ]]; then
  [[ -f "$OUT/ca.key" ]] || die "\"$OUT/ca.pem\" exists but \"$OUT/ca.key\" is missing"
  echo "kept    $OUT/ca.pem (existing CA reused)"
else
  make_ca
  fresh_ca=1  # certificates of an earlier CA would not verify: replace them
fi

if [[ $fresh_ca -eq 1 ]] || leaf_missing server; then
  make_leaf server localhost "$LEAF_COMMON
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1"
else
  echo "kept    $OUT/server.pem"
fi

for id in "${CLIENT_IDS[@]}"; do
  if [[ $fresh_ca -eq 1 ]] || leaf_missing "$id"; then
    make_leaf "$id" "$id" "$LEAF_COMMON
extendedKeyUsage = clientAuth
subjectAltName = URI:${URI_PREFIX}${id}"
  else
    echo "kept    $OUT/$id.pem"
  fi
done

# Self-check: every certificate chains to the CA; every key file is private.
for name in server "${CLIENT_IDS[@]}"; do
  openssl verify -CAfile "$OUT/ca.pem" "$OUT/$name.pem" >/dev/null 2>&1 ||
    die "\"$OUT/$name.pem\" does not verify against \"$OUT/ca.pem\""
done
chmod 600 -- "$OUT"/*.key
echo "done: demo PKI in $OUT (CA, server, ${CLIENT_IDS[*]})"
