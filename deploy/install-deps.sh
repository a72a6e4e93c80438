#!/usr/bin/env bash
# Installs the Debian 12 packages cellgate needs to build, test and run the
# demo. Idempotent: does nothing when everything is present, and runs
# `apt-get update` once only when something is missing.
set -euo pipefail

# `install-deps.sh fuzz` adds the compiler for `make fuzz` (clang with the
# libFuzzer runtime); the default set is what `make test` and `make demo` need
# (chromium: the headless-browser checks of the HTML pages in tests/browser).
packages=(
  build-essential cmake make pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libsqlcipher-dev sqlcipher libabsl-dev libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  libglpk-dev
  libxlsxwriter-dev
  python3
  systemd
  prometheus-cpp-dev python3-yaml
  chromium fonts-dejavu-core
)
if [ "${1:-}" = "fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing packages and not root; run as root or install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
