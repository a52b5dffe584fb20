#!/usr/bin/env bash
# Installs the Debian packages Shoal needs, when they are missing. Used by `make build`, `make test` and `make run`.
#   libsodium-dev            the crypto library (Ed25519, X25519, ChaCha20-Poly1305, ...)
#   zlib1g-dev libzstd-dev   gzip and zstd Parquet compression
#   libsqlite3-dev           the system SQLite that GRDB links (ShoalQuery)
#   build-essential libgmp-dev   py-libp2p's fastecdsa dependency builds from source (interop suite only)
#   python3 python3-venv     the interop suite's virtual environment, when no python3 with venv is on PATH
set -euo pipefail

packages=(pkg-config libsodium-dev zlib1g-dev libzstd-dev libsqlite3-dev build-essential libgmp-dev)
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    packages+=(python3 python3-venv python3-dev)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "shoal needs these Debian packages: ${missing[*]} — run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
