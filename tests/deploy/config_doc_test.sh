#!/usr/bin/env bash
# docs/configuration.md documents every field of the server configuration:
# each field of ServerConfig, TlsConfig and Limits in config.proto must
# appear in the reference as `name` (top level) or `tls.name` / `limits.name`,
# and the reference names no field the schema lacks.
# Usage: config_doc_test.sh SOURCE_DIR
set -uo pipefail
proto="$1/proto/cellgate/v1/config.proto"
doc="$1/docs/configuration.md"
fail=0
[ -f "$doc" ] || { echo "FAIL - $doc is missing"; exit 1; }
fields() { # message name -> its field names
  awk -v m="$1" '$1 == "message" && $2 == m { inside = 1; next }
                 inside && /^}/ { inside = 0 }
                 inside && /^  [a-zA-Z].* = [0-9]+;/ { print $2 }' "$proto"
}
expected=()
for f in $(fields ServerConfig); do
  case $f in tls|limits) continue ;; esac
  expected+=("$f")
done
for f in $(fields TlsConfig); do expected+=("tls.$f"); done
for f in $(fields Limits); do expected+=("limits.$f"); done
[ ${#expected[@]} -gt 30 ] || { echo "FAIL - read only ${#expected[@]} fields from $proto"; fail=1; }
for name in "${expected[@]}"; do
  if grep -qF -- "\`$name\`" "$doc"; then echo "ok   - $name is documented"
  else echo "FAIL - $name is not in docs/configuration.md"; fail=1; fi
done
# Every option row of the reference tables names a real field.
for name in $(grep -oE '^\| `[a-z_.]+`' "$doc" | tr -d '|` '); do
  # Not a pipe into grep -q: under pipefail, printf's SIGPIPE when grep
  # stops at the first match would fail the check now and then.
  if grep -qx -- "$name" <<<"$(printf '%s\n' "${expected[@]}")"; then :
  else echo "FAIL - docs/configuration.md documents $name, which config.proto lacks"; fail=1; fi
done
exit $fail
