#!/usr/bin/env bash
# The py-libp2p interop suite: makes a venv with the pinned py-libp2p (outside tracked files), builds shoal, and
# runs every scenario both ways on 127.0.0.1. Prints one line per scenario and `N passed, M failed` last.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${SHOAL_INTEROP_VENV:-.build-interop/venv}"
if [ ! -x "$venv/bin/python" ] || ! cmp -s interop/requirements.txt "$venv/.requirements"; then
    echo "interop: creating the py-libp2p venv in $venv (about 30 s)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r interop/requirements.txt
    cp interop/requirements.txt "$venv/.requirements"
fi

if [ -z "${SHOAL_BIN:-}" ] || [ ! -x "$SHOAL_BIN" ]; then
    swift build --product shoal ${BUILD_FLAGS:-} >&2
    SHOAL_BIN="$(swift build --show-bin-path ${BUILD_FLAGS:-})/shoal"
fi
exec timeout 900 "$venv/bin/python" interop/run_interop.py --shoal "$SHOAL_BIN" --python "$venv/bin/python"
