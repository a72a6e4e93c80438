#!/usr/bin/env bash
# The systemd unit and its configuration: the unit passes systemd-analyze
# verify, carries the hardening the threat model relies on, and names the
# same config file, credentials and state directory as the shipped
# server.textproto, which cellgate-server --check-config accepts.
# Usage: deploy_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
unit="$src/deploy/systemd/cellgate.service"
config="$src/deploy/systemd/server.textproto"
fail=0
check() { # name, command...
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then echo "ok   - $name"; else echo "FAIL - $name"; fail=1; fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# systemd-analyze checks that ExecStart binaries exist: point them at the build.
sed "s|/usr/bin/cellgate-server|$build/bin/cellgate-server|g" "$unit" > "$work/cellgate.service"
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify accepts the unit" \
    bash -c "systemd-analyze verify '$work/cellgate.service' 2>&1 | grep -v 'cellgate.service.*Failed to look up' | (! grep -qiE 'error|invalid|unknown')"
else
  echo "FAIL - systemd-analyze is not installed (deploy/install-deps.sh installs it)"; fail=1
fi
for setting in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
               StateDirectory=cellgate User=cellgate UMask=0077 Restart=on-failure \
               CapabilityBoundingSet= MemoryDenyWriteExecute=yes; do
  check "the unit sets $setting" grep -qx "$setting" "$unit"
done
# The unit and the config agree.
check "the unit starts the server with the shipped config path" \
  grep -q -- "--config /etc/cellgate/server.textproto" "$unit"
for credential in $(grep -oE 'credential: "[^"]+"' "$config" | cut -d'"' -f2); do
  check "credential $credential is loaded by the unit" grep -qE "^LoadCredential=$credential:" "$unit"
done
check "the store lives in the unit's StateDirectory" grep -q 'store_path: "/var/lib/cellgate/' "$config"
check "the audit log lives in the unit's StateDirectory" grep -q 'audit_dir: "/var/lib/cellgate/' "$config"
check "cellgate-server --check-config accepts the shipped config" \
  "$build/bin/cellgate-server" --config "$config" --check-config
# A broken config is refused with its error, as ExecStartPre relies on.
printf 'listen_address: "0.0.0.0:8443"\nstore_key_file: "a"\nstore_key_env: "B"\n' > "$work/bad.textproto"
check "--check-config refuses a config with two key sources" \
  bash -c "! '$build/bin/cellgate-server' --config '$work/bad.textproto' --check-config"
exit $fail
