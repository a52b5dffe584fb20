#!/usr/bin/env bash
# mDNS discovery between `shoal node --mdns` processes (and py-libp2p) inside throw-away network namespaces.
#
# Multicast never touches the machine's real interfaces: every node runs in a namespace this script creates and
# removes (trap). Cases:
#   lo-2, lo-10   N nodes in one namespace on its loopback (IP_MULTICAST_IF=127.0.0.1), all-to-all discovery.
#   lo-dial-2     two nodes with --mdns-dial on loopback: each must end up connected to the other.
#   veth-2        two namespaces joined by a veth pair (10.77.0.1/24, 10.77.0.2/24), default interface choice.
#   veth6-2       the same with IPv6 only (fd77::1/64, fd77::2/64): discovery over ff02::fb.
#   py-both-ways  a py-libp2p host (new_host(enable_mDNS=True)) and a shoal node discover each other.
# Targets: 2 nodes within 1 s of the second start, 10 nodes all-to-all within 3 s.
# Prints one line per case and `N passed, M failed`; exits 1 on a failure. Needs root and `ip netns`.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
    echo "mdns-netns: skipped (needs root to create network namespaces)"
    exit 0
fi
if ! ip netns list >/dev/null 2>&1; then
    echo "mdns-netns: skipped (ip netns is unavailable)"
    exit 0
fi

if [ -z "${SHOAL_BIN:-}" ]; then
    swift build --product shoal ${BUILD_FLAGS:-} >&2 || exit 1
    SHOAL_BIN="$(swift build --show-bin-path ${BUILD_FLAGS:-})/shoal"
fi
venv="${SHOAL_INTEROP_VENV:-.build-interop/venv}"

tag="shoalmdns$$"
work="$(mktemp -d)"
namespaces=()
pids=()
passed=0
failed=0

cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    sleep 0.3
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

make_namespace() {  # name
    ip netns add "$1" || return 1
    namespaces+=("$1")
    ip -n "$1" link set lo up
    # SwiftNIO joins groups only on devices flagged MULTICAST (the kernel itself does not need the flag on lo).
    ip -n "$1" link set lo multicast on
}

stop_nodes() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    pids=()
}

report() {  # case ok detail
    if [ "$2" = 1 ]; then
        passed=$((passed + 1)); echo "PASS $1: $3"
    else
        failed=$((failed + 1)); echo "FAIL $1: $3"
    fi
}

# Peer ID of the node whose output is $1 (first line: address/p2p/ID).
peer_of() { head -n 1 "$1" 2>/dev/null | sed -n 's#.*/p2p/##p'; }

# Whether every node output (files after EVENT) has an EVENT event ("discovered" via mdns, or "connected") naming
# every other node. Events are JSON objects with sorted keys, one per line.
all_seen() {
    local event="$1" file other id via=""
    [ "$event" = discovered ] && via="\"via\":\"mdns\""
    shift
    for file in "$@"; do
        for other in "$@"; do
            [ "$file" = "$other" ] && continue
            id="$(peer_of "$other")"
            [ -n "$id" ] || return 1
            grep -F "\"event\":\"$event\"" "$file" | grep -F "${via:-}" | grep -qF "\"peer\":\"$id\"" || return 1
        done
    done
}

# Runs N shoal nodes in namespaces given as arguments after N; measures discovery from the last start.
run_nodes() {  # case event target_seconds N namespace... (one namespace per node) -- extra shoal args
    local name="$1" event="$2" target="$3" count="$4"
    shift 4
    local spaces=() extra=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do spaces+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    extra=("$@")
    local files=() i start=0 now elapsed done=0
    for i in $(seq 1 "$count"); do
        local ns="${spaces[$(( (i - 1) % ${#spaces[@]} ))]}"
        local out="$work/$name-$i.out"
        files+=("$out")
        start="$EPOCHREALTIME"
        ip netns exec "$ns" "$SHOAL_BIN" node --mdns --events "${extra[@]}" >"$out" 2>"$work/$name-$i.err" &
        pids+=($!)
    done
    local deadline=$(( ${target%.*} + 7 ))
    while :; do
        now="$EPOCHREALTIME"
        elapsed="$(awk -v a="$now" -v b="$start" 'BEGIN { printf "%.3f", a - b }')"
        if all_seen "$event" "${files[@]}"; then done=1; break; fi
        if awk -v e="$elapsed" -v d="$deadline" 'BEGIN { exit !(e > d) }'; then break; fi
        sleep 0.02
    done
    stop_nodes
    if [ "$done" = 1 ]; then
        local ok=0
        awk -v e="$elapsed" -v t="$target" 'BEGIN { exit !(e <= t) }' && ok=1
        report "$name" "$ok" "$count nodes all-to-all ($event) in $(printf '%.3f' "$elapsed") s after the last start (target $target s)"
    else
        local errs
        errs="$(cat "$work/$name"-*.err 2>/dev/null | head -n 3 | tr '\n' ' ')"
        report "$name" 0 "$count nodes: not all $event within $deadline s ${errs}"
    fi
}

lo_args=(--mdns-interface lo --mdns-loopback --listen /ip4/127.0.0.1/tcp/0)

# Waits (at most 5 s) until no IPv6 address in the given namespaces is tentative (duplicate address detection still
# running): the link-local address that mDNS over ff02::fb sends from is unusable until then.
wait_for_dad() {
    local ns
    for _ in $(seq 100); do
        local tentative=0
        for ns in "$@"; do
            [ -n "$(ip -n "$ns" -6 addr show tentative 2>/dev/null)" ] && tentative=1
        done
        [ "$tentative" = 0 ] && return 0
        sleep 0.05
    done
    return 1
}

# MARK: - lo-2 and lo-10
make_namespace "$tag-lo" || { echo "mdns-netns: cannot create a namespace"; exit 1; }
run_nodes lo-2 discovered 1 2 "$tag-lo" -- "${lo_args[@]}"
run_nodes lo-10 discovered 3 10 "$tag-lo" -- "${lo_args[@]}"
# With --mdns-dial the discovered peers are dialed: every node ends up connected to the other.
run_nodes lo-dial-2 connected 2 2 "$tag-lo" -- "${lo_args[@]}" --mdns-dial

# MARK: - veth-2: two namespaces, one veth pair, default interface choice (lo excluded)
make_namespace "$tag-a" && make_namespace "$tag-b" \
    && ip link add "v$$a" netns "$tag-a" type veth peer name "v$$b" netns "$tag-b" \
    && ip -n "$tag-a" addr add 10.77.0.1/24 dev "v$$a" && ip -n "$tag-a" link set "v$$a" up \
    && ip -n "$tag-b" addr add 10.77.0.2/24 dev "v$$b" && ip -n "$tag-b" link set "v$$b" up
if [ $? = 0 ]; then
    wait_for_dad "$tag-a" "$tag-b" || echo "mdns-netns: IPv6 addresses still tentative after 5 s" >&2
    run_nodes veth-2 discovered 1 2 "$tag-a" "$tag-b" -- --listen /ip4/0.0.0.0/tcp/0
else
    report veth-2 0 "could not set up the veth pair"
fi

# MARK: - veth6-2: IPv6 only (no IPv4 address at all), so discovery must go through ff02::fb
make_namespace "$tag-c" && make_namespace "$tag-d" \
    && ip link add "w$$c" netns "$tag-c" type veth peer name "w$$d" netns "$tag-d" \
    && ip -n "$tag-c" addr add fd77::1/64 dev "w$$c" nodad && ip -n "$tag-c" link set "w$$c" up \
    && ip -n "$tag-d" addr add fd77::2/64 dev "w$$d" nodad && ip -n "$tag-d" link set "w$$d" up
if [ $? = 0 ]; then
    wait_for_dad "$tag-c" "$tag-d" || echo "mdns-netns: IPv6 addresses still tentative after 5 s" >&2
    run_nodes veth6-2 discovered 1 2 "$tag-c" "$tag-d" -- --listen /ip6/::/tcp/0
else
    report veth6-2 0 "could not set up the veth pair"
fi

# MARK: - py-both-ways
if [ -x "$venv/bin/python" ]; then
    ns="$tag-lo"
    py_out="$work/py.out"
    coproc PY { ip netns exec "$ns" "$venv/bin/python" interop/mdns_py_peer.py --seconds 20 >"$py_out" 2>"$work/py.err"; }
    pids+=("$PY_PID")
    for _ in $(seq 200); do grep -q '"id"' "$py_out" 2>/dev/null && break; sleep 0.05; done
    py_id="$(sed -n 's/.*"id": "\([^"]*\)".*/\1/p' "$py_out" | head -n 1)"
    start="$EPOCHREALTIME"
    ip netns exec "$ns" "$SHOAL_BIN" node --mdns --events "${lo_args[@]}" >"$work/py-shoal.out" 2>"$work/py-shoal.err" &
    pids+=($!)
    ok=0
    for _ in $(seq 500); do
        shoal_id="$(peer_of "$work/py-shoal.out")"
        if [ -n "$py_id" ] && [ -n "$shoal_id" ] \
            && grep '"discovered"' "$work/py-shoal.out" | grep -q "$py_id" \
            && grep -q "\"discovered\": \"$shoal_id\"" "$py_out"; then
            ok=1; break
        fi
        sleep 0.02
    done
    elapsed="$(awk -v a="$EPOCHREALTIME" -v b="$start" 'BEGIN { printf "%.3f", a - b }')"
    stop_nodes
    if [ "$ok" = 1 ]; then
        report py-both-ways 1 "py-libp2p and shoal discovered each other in $(printf '%.3f' "$elapsed") s"
    else
        report py-both-ways 0 "py id=${py_id:-none}: shoal saw py: $(grep -c "${py_id:-none}" "$work/py-shoal.out"), py saw: $(grep -c discovered "$py_out") $(tail -n 2 "$work/py.err" | tr '\n' ' ')"
    fi
else
    echo "SKIP py-both-ways: no py-libp2p venv at $venv (interop/run.sh makes it)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
