#!/usr/bin/env bash
# SWIM membership under real faults, with `shoal node --swim-port` processes.
#
#   kill-8      8 nodes on 127.0.0.1 (LAN profile), joined through node 0. Once every node sees the 7 others alive,
#               one is killed with SIGKILL; every survivor must print {"event":"member.dead"} for it within 15 s.
#               Prints the measured detection times (kill → each survivor's dead event): max and median.
#   partition-5 (root only) 5 nodes, each in a network namespace this script creates, joined by veth pairs to a
#               bridge in a hub namespace (10.79.0.0/24, inside the namespaces only). One node's link is cut
#               (`ip link set … down`): the others must mark it suspect, then dead; after the link comes back it
#               must rejoin (the others print member.alive or member.up for it again).
# Every wait is bounded; every process and namespace is removed on exit. Prints `N passed, M failed`; exits 1 on a
# failure.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${SHOAL_BIN:-}" ]; then
    swift build --product shoal ${BUILD_FLAGS:-} >&2 || exit 1
    SHOAL_BIN="$(swift build --show-bin-path ${BUILD_FLAGS:-})/shoal"
fi

work="$(mktemp -d)"
tag="swimf$$"
pids=()
namespaces=()
passed=0
failed=0

cleanup() {
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    wait 2>/dev/null
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

report() {  # case ok detail
    if [ "$2" = 1 ]; then
        passed=$((passed + 1)); echo "PASS $1: $3"
    else
        failed=$((failed + 1)); echo "FAIL $1: $3"
    fi
}

stop_nodes() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    wait 2>/dev/null
    pids=()
}

# The membership views of node outputs, from their JSON event lines (python3, standard library only).
cat > "$work/view.py" <<'EOF'
import json, statistics, sys

def events(path):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try: out.append(json.loads(line))
                except ValueError: pass
    return out

def peer(path):
    with open(path, errors="replace") as f:
        for line in f:
            if "/p2p/" in line and not line.startswith("{"):
                return line.strip().rsplit("/p2p/", 1)[1]
    return None

def view(path):
    state = {}
    for e in events(path):
        ev = e.get("event", "")
        if ev.startswith("member."):
            state[e["peer"]] = ev[len("member."):]
    return state

cmd = sys.argv[1]
if cmd == "peer":
    print(peer(sys.argv[2]) or "")
elif cmd == "full":  # full N file...: every node sees every other alive
    n = int(sys.argv[2]); files = sys.argv[3:]
    peers = [peer(f) for f in files]
    ok = all(p for p in peers)
    for f, p in zip(files, peers):
        v = view(f)
        alive = {q for q, s in v.items() if s in ("up", "alive", "updated")}
        ok = ok and all(q in alive for q in peers if q != p)
    sys.exit(0 if ok else 1)
elif cmd == "seen":  # seen KIND VICTIM SINCE file...: each file has member.KIND for VICTIM at >= SINCE
    kinds = sys.argv[2].split(","); victim = sys.argv[3]; since = float(sys.argv[4])
    for f in sys.argv[5:]:
        if not any(e.get("event") in ["member." + k for k in kinds] and e.get("peer") == victim
                   and e.get("at", 0) >= since for e in events(f)):
            sys.exit(1)
    sys.exit(0)
elif cmd == "times":  # times VICTIM SINCE file...: first dead event per file, seconds after SINCE
    victim = sys.argv[2]; since = float(sys.argv[3]); times = []
    for f in sys.argv[4:]:
        ts = [e["at"] - since for e in events(f)
              if e.get("event") == "member.dead" and e.get("peer") == victim and e.get("at", 0) >= since]
        times.append(min(ts) if ts else float("inf"))
    print(" ".join("%.2f" % t for t in times))
    finite = [t for t in times if t != float("inf")]
    if finite:
        print("max %.2f s, median %.2f s, n=%d" % (max(finite), statistics.median(finite), len(finite)))
elif cmd == "now":
    import time; print("%.3f" % time.time())
EOF
py() { python3 "$work/view.py" "$@"; }

# wait_for SECONDS COMMAND...: polls every 0.2 s; returns 0 as soon as COMMAND succeeds.
wait_for() {
    local limit=$1; shift
    local end=$((SECONDS + limit))
    while [ $SECONDS -lt $end ]; do
        "$@" && return 0
        sleep 0.2
    done
    "$@"
}

# start_node OUT [NETNS] -- ARGS...: starts `shoal node` with --events, output to OUT.
start_node() {
    local out=$1 ns=$2; shift 3
    if [ -n "$ns" ]; then
        ip netns exec "$ns" "$SHOAL_BIN" node --events "$@" >"$out" 2>"$out.err" &
    else
        "$SHOAL_BIN" node --events "$@" >"$out" 2>"$out.err" &
    fi
    pids+=($!)
}

has_peer() { [ -n "$(py peer "$1")" ]; }

# MARK: - kill-8: SIGKILL one of 8 loopback nodes
n=8
files=()
start_node "$work/k0" "" -- --listen /ip4/127.0.0.1/tcp/0 --swim-port 0
files+=("$work/k0")
if wait_for 20 has_peer "$work/k0"; then
    seed="$(grep -m1 '/p2p/' "$work/k0" | grep -v '^{')"
    for i in $(seq 1 $((n - 1))); do
        start_node "$work/k$i" "" -- --listen /ip4/127.0.0.1/tcp/0 --swim-port 0 --join "$seed"
        files+=("$work/k$i")
    done
    started=$SECONDS
    if wait_for 45 py full $n "${files[@]}"; then
        echo "kill-8: full membership on all $n nodes after $((SECONDS - started)) s"
        victim=5
        victim_peer="$(py peer "${files[$victim]}")"
        survivors=()
        for i in $(seq 0 $((n - 1))); do [ "$i" != "$victim" ] && survivors+=("${files[$i]}"); done
        t0="$(py now)"
        kill -KILL "${pids[$victim]}"
        wait "${pids[$victim]}" 2>/dev/null
        if wait_for 25 py seen dead "$victim_peer" "$t0" "${survivors[@]}"; then
            times="$(py times "$victim_peer" "$t0" "${survivors[@]}")"
            echo "kill-8: detection times (s): $(echo "$times" | head -1)"
            summary="$(echo "$times" | tail -1)"
            worst="$(echo "$summary" | sed -n 's/^max \([0-9.]*\) s.*/\1/p')"
            if awk -v w="$worst" 'BEGIN { exit !(w <= 15.0) }'; then
                report kill-8 1 "all 7 survivors printed member.dead: $summary"
            else
                report kill-8 0 "detection over 15 s: $summary"
            fi
        else
            report kill-8 0 "not every survivor printed member.dead within 25 s: $(py times "$victim_peer" "$t0" "${survivors[@]}" | tail -1)"
        fi
    else
        report kill-8 0 "no full membership within 45 s"
    fi
else
    report kill-8 0 "the seed node did not start: $(head -3 "$work/k0.err")"
fi
stop_nodes

# MARK: - partition-5: cut one node's link in a namespace topology, then heal it
if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
    echo "partition-5: skipped (needs root and ip netns to create network namespaces)"
else
    hub="$tag-hub"
    m=5
    ok=1
    ip netns add "$hub" && namespaces+=("$hub") || ok=0
    if [ $ok = 1 ]; then
        ip -n "$hub" link add br0 type bridge && ip -n "$hub" link set br0 up && ip -n "$hub" link set lo up || ok=0
    fi
    for i in $(seq 0 $((m - 1))); do
        [ $ok = 1 ] || break
        ns="$tag-n$i"
        ip netns add "$ns" && namespaces+=("$ns") || { ok=0; break; }
        ip -n "$ns" link set lo up
        ip link add "s$$n$i" netns "$ns" type veth peer name "h$$n$i" netns "$hub" || { ok=0; break; }
        ip -n "$ns" addr add "10.79.0.$((i + 1))/24" dev "s$$n$i" && ip -n "$ns" link set "s$$n$i" up \
            && ip -n "$hub" link set "h$$n$i" master br0 && ip -n "$hub" link set "h$$n$i" up || ok=0
    done
    if [ $ok = 0 ]; then
        report partition-5 0 "could not create the namespaces"
    else
        files=()
        start_node "$work/p0" "$tag-n0" -- --listen /ip4/10.79.0.1/tcp/4001 --swim-port 7946
        files+=("$work/p0")
        if wait_for 20 has_peer "$work/p0"; then
            seed="$(grep -m1 '/p2p/' "$work/p0" | grep -v '^{')"
            for i in $(seq 1 $((m - 1))); do
                start_node "$work/p$i" "$tag-n$i" -- --listen "/ip4/10.79.0.$((i + 1))/tcp/4001" --swim-port 7946 \
                    --join "$seed"
                files+=("$work/p$i")
            done
            if wait_for 45 py full $m "${files[@]}"; then
                cut=3
                cut_peer="$(py peer "${files[$cut]}")"
                others=()
                for i in $(seq 0 $((m - 1))); do [ "$i" != "$cut" ] && others+=("${files[$i]}"); done
                t0="$(py now)"
                ip -n "$hub" link set "h$$n$cut" down
                if wait_for 30 py seen suspect "$cut_peer" "$t0" "${others[@]}" \
                    && wait_for 30 py seen dead "$cut_peer" "$t0" "${others[@]}"; then
                    echo "partition-5: cut node marked suspect then dead by all $((m - 1)) others;" \
                        "dead after: $(py times "$cut_peer" "$t0" "${others[@]}" | tail -1)"
                    t1="$(py now)"
                    ip -n "$hub" link set "h$$n$cut" up
                    if wait_for 45 py seen alive,up "$cut_peer" "$t1" "${others[@]}"; then
                        healed=$(awk -v a="$(py now)" -v b="$t1" 'BEGIN { printf "%.1f", a - b }')
                        report partition-5 1 "suspect → dead → alive again after the heal (all others within ${healed} s)"
                    else
                        report partition-5 0 "the healed node did not come back alive within 45 s"
                    fi
                else
                    report partition-5 0 "the others did not mark the cut node suspect then dead within 30 s"
                fi
            else
                report partition-5 0 "no full membership within 45 s"
            fi
        else
            report partition-5 0 "the seed node did not start: $(head -3 "$work/p0.err")"
        fi
        stop_nodes
    fi
fi

echo "swim-faults: $passed passed, $failed failed"
[ $failed = 0 ]
