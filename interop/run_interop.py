"""Shoal <-> py-libp2p interop scenarios, both directions, on 127.0.0.1.

Prints one line per scenario and `N passed, M failed` last; exits non-zero if any failed.
Usage: run_interop.py --shoal PATH_TO_SHOAL [--python PATH_TO_VENV_PYTHON]
"""

import argparse
import base64
import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY_PEER = os.path.join(HERE, "py_peer.py")
TEN_MB = 10 * 1024 * 1024
STEP_TIMEOUT = 120


class Proc:
    """A child process whose stdout lines are collected by a thread (bounded waits only)."""

    def __init__(self, args, name):
        self.name = name
        self.p = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        self.lines = queue.Queue()
        self.stderr = []
        threading.Thread(target=self._pump, args=(self.p.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    @staticmethod
    def _pump(stream, q):
        for line in stream:
            q.put(line.rstrip("\n"))

    def _drain(self):
        for line in self.p.stderr:
            if len(self.stderr) < 200:
                self.stderr.append(line.rstrip("\n"))

    def next_line(self, timeout):
        return self.lines.get(timeout=timeout)

    def wait_for(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if predicate(obj):
                return obj
        return None

    def stop(self):
        try:
            self.p.stdin.close()
        except Exception:
            pass
        try:
            self.p.terminate()
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()
            self.p.wait(timeout=10)


def run_json(args, timeout=STEP_TIMEOUT):
    out = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"exit {out.returncode}: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, fn):
        start = time.monotonic()
        try:
            detail = fn()
            ok, note = (detail if isinstance(detail, tuple) else (bool(detail), ""))
        except Exception as error:
            ok, note = False, f"{type(error).__name__}: {error}"
        elapsed = time.monotonic() - start
        status = "PASS" if ok else "FAIL"
        print(f"{status} {name} ({elapsed:.2f} s){' - ' + note if note else ''}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def cid_of_multihash(multihash: bytes) -> str:
    """The CIDv1 (raw codec, base32 lower case, multibase prefix b) carrying `multihash`."""
    return "b" + base64.b32encode(bytes([0x01, 0x55]) + multihash).decode().lower().rstrip("=")


class PyDHT(Proc):
    """py_peer.py in `dht` mode: one command per line in, one JSON line out."""

    def command(self, line, timeout=90):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return json.loads(self.next_line(timeout))


def run_dht_scenarios(suite, shoal, python):
    """Kademlia: a py-libp2p KadDHT (server mode) and Shoal nodes find each other's provider records and peers."""
    py = PyDHT([python, PY_PEER, "dht", "--seed", "py-dht"], "py-dht")
    node_a = node_b = None
    try:
        py_addr = py.next_line(60)
        py_id = py_addr.split("/p2p/")[1]
        # Shoal node A joins through py; py adds A to its routing table (it does not on connect alone).
        node_a = Proc([shoal, "node", "--bootstrap", py_addr], "shoal-dht-a")
        a_addr = node_a.next_line(30)
        a_id = a_addr.split("/p2p/")[1]
        connected = py.command(f"connect {a_addr}")

        def py_adds_shoal():
            return connected["ok"], f"py routing table {connected.get('routing_table')}"

        def py_provides_shoal_finds():
            key = hashlib.sha256(b"py-provided-dataset").digest()
            multihash = bytes([0x12, 0x20]) + key
            out = py.command(f"provide {multihash.hex()}")
            if not out["ok"]:
                return False, out.get("error", "py provide failed")
            cid = cid_of_multihash(multihash)
            direct = run_json([shoal, "dht", "find-providers", cid, "--bootstrap", py_addr, "--json", "--limit", "5"])
            via_a = run_json([shoal, "dht", "find-providers", cid, "--bootstrap", a_addr, "--json", "--limit", "5"])
            direct_ids = {p["peer"] for p in direct["providers"]}
            via_ids = {p["peer"] for p in via_a["providers"]}
            ok = py_id in direct_ids and py_id in via_ids and direct["key"] == multihash.hex()
            return ok, f"found through py: {sorted(direct_ids)}, through a Shoal node: {sorted(via_ids)}"

        def shoal_provides_py_finds():
            out = run_json([shoal, "dht", "provide", "shoal-dataset-42", "--bootstrap", py_addr, "--json"])
            multihash = bytes.fromhex(out["key"])
            if multihash != bytes([0x12, 0x20]) + hashlib.sha256(b"shoal-dataset-42").digest():
                return False, "dataset key is not the SHA-256 multihash of the ID"
            found = py.command(f"find-providers {cid_of_multihash(multihash)}")
            ok = found["ok"] and out["peer"] in found["providers"]
            return ok, f"delivered to {out['peers']} peers; py found {found.get('providers')}"

        def shoal_record_via_py():
            # Announced through Shoal node A (the record lands on A and py), then looked up through py only.
            key = "a-dataset-announced-through-node-a"
            provided = run_json([shoal, "dht", "provide", key, "--bootstrap", a_addr, "--json"])
            found = run_json([shoal, "dht", "find-providers", key, "--bootstrap", py_addr, "--json"])
            ids = [p["peer"] for p in found["providers"]]
            return provided["peer"] in ids, f"delivered to {provided['peers']} peers, found {ids} through py"

        def shoal_find_node_on_py():
            out = run_json([shoal, "dht", "find-peer", a_id, "--bootstrap", py_addr, "--json"])
            listen = a_addr.split("/p2p/")[0]
            return out["peer"] == a_id and listen in out["addresses"], f"py answered FIND_NODE with {out['addresses']}"

        def py_find_node_on_shoal():
            # B joins through A only: py learns B's addresses from A's FIND_NODE reply.
            nonlocal node_b
            node_b = Proc([shoal, "node", "--bootstrap", a_addr], "shoal-dht-b")
            b_addr = node_b.next_line(30)
            b_id = b_addr.split("/p2p/")[1]
            time.sleep(1)
            out = py.command(f"find-peer {b_id}")
            listen = b_addr.split("/p2p/")[0]
            ok = out["ok"] and out["peer"] == b_id and any(a.startswith(listen) for a in out["addrs"])
            return ok, out.get("error", f"Shoal answered FIND_NODE with {out.get('addrs')}")

        suite.check("dht: py adds a Shoal server-mode node to its routing table", py_adds_shoal)
        suite.check("dht: py provides, Shoal finds the provider (directly and through a Shoal node)", py_provides_shoal_finds)
        suite.check("dht: Shoal provides (dataset ID key), py finds the provider", shoal_provides_py_finds)
        suite.check("dht: a provider announced through a Shoal node is found through py", shoal_record_via_py)
        suite.check("dht: Shoal FIND_NODE answered by py (find-peer)", shoal_find_node_on_py)
        suite.check("dht: py FIND_NODE answered by Shoal (py find_peer)", py_find_node_on_shoal)
    finally:
        for proc in (node_b, node_a, py):
            if proc is not None:
                proc.stop()


def print_throughput_figures(shoal, python, repeats=3, size=TEN_MB):
    """Benchmark figures, never a check: `size` bytes up + `size` down over /perf/1.0.0 between two py-libp2p peers
    and between two Shoal nodes, in the same run, and their ratio (the connections issue asks for Shoal >= 5x py).
    Both dialers time the same span: stream open, upload, download (each connects before its timer starts)."""

    def perf_seconds(listener_args, dial):
        listener = Proc(listener_args, "perf-listener")
        try:
            addr = listener.next_line(60)
            times = []
            for _ in range(repeats):
                times.append(dial(addr))
            return sorted(times)[len(times) // 2]
        finally:
            listener.stop()

    def py_dial(addr):
        out = run_json([python, PY_PEER, "dial", "--addr", addr, "--scenario", "perf", "--bytes", str(size)])
        if not out.get("ok"):
            raise RuntimeError(out.get("error", "py perf failed"))
        return out["final"]["time_seconds"]

    def shoal_dial(addr):
        out = run_json([shoal, "perf", addr, "--upload", str(size), "--download", str(size), "--json"])
        return out["uploadSeconds"] + out["downloadSeconds"]

    try:
        py_time = perf_seconds([python, PY_PEER, "listen", "--seed", "py-perf"], py_dial)
        shoal_time = perf_seconds([shoal, "node", "--events"], shoal_dial)
    except Exception as error:  # noqa: BLE001 - a figure that could not be measured is reported, not failed
        print(f"figure: throughput py<->py vs shoal<->shoal not measured: {type(error).__name__}: {error}")
        return
    mb = 2 * size / 1e6
    mib = size // (1024 * 1024)
    print(
        f"figure: {mib} MiB up + {mib} MiB down, median of {repeats}: py-libp2p<->py-libp2p {py_time:.3f} s "
        f"({mb / py_time:.1f} MB/s), shoal<->shoal {shoal_time:.3f} s ({mb / shoal_time:.1f} MB/s): "
        f"shoal is {py_time / shoal_time:.1f}x py-libp2p",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shoal", required=True)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    shoal, python = args.shoal, args.python
    suite = Suite()

    # ---- Shoal dials py-libp2p ----
    py = Proc([python, PY_PEER, "listen", "--seed", "py-listener"], "py-listener")
    try:
        py_addr = py.next_line(60)
        py_id = py_addr.split("/p2p/")[1]

        def swift_ping():
            out = run_json([shoal, "ping", py_addr, "--count", "5", "--json"])
            return out["peer"] == py_id and len(out["rttMilliseconds"]) == 5, f"median {sorted(out['rttMilliseconds'])[2]:.3f} ms"

        def swift_identify():
            out = run_json([shoal, "identify", py_addr, "--json"])
            listen = py_addr.split("/p2p/")[0]
            ok = out["peer"] == py_id and "/ipfs/ping/1.0.0" in out["protocols"] and "/perf/1.0.0" in out["protocols"]
            ok = ok and listen in out["listenAddresses"]
            return ok, f"agent {out['agentVersion']}, {len(out['protocols'])} protocols, signed record {out['signedPeerRecord']}"

        def py_sees_swift():
            node = Proc([shoal, "node", "--bootstrap", py_addr], "shoal-node")
            try:
                swift_addr = node.next_line(30)
                swift_id = swift_addr.split("/p2p/")[1]
                listen = swift_addr.split("/p2p/")[0]
                seen = py.wait_for(
                    lambda o: o.get("peer") == swift_id
                    and "/ipfs/ping/1.0.0" in o.get("protocols", [])
                    and any(a.startswith(listen) for a in o.get("addrs", [])),
                    30,
                )
                return seen is not None, "py identified the Shoal node's protocols and listen address" if seen else "not seen"
            finally:
                node.stop()

        def swift_perf():
            out = run_json([shoal, "perf", py_addr, "--upload", str(TEN_MB), "--download", str(TEN_MB), "--json"])
            ok = out["uploaded"] == TEN_MB and out["downloaded"] == TEN_MB
            up = TEN_MB / out["uploadSeconds"] / 1e6 if out["uploadSeconds"] else 0
            down = TEN_MB / out["downloadSeconds"] / 1e6 if out["downloadSeconds"] else 0
            return ok, f"upload {up:.1f} MB/s, download {down:.1f} MB/s"

        def swift_echo():
            out = run_json([shoal, "echo", py_addr, "--bytes", str(TEN_MB), "--json"])
            return out["matching"] == 1, f"10 MiB echoed, sha256 {out['sha256'][:16]}…"

        def swift_streams():
            out = run_json([shoal, "echo", py_addr, "--streams", "50", "--bytes", "65536", "--json"])
            return out["matching"] == 50, f"{out['matching']}/50 streams intact"

        suite.check("shoal->py ping", swift_ping)
        suite.check("shoal->py identify (Shoal sees py's ID, protocols, listen address)", swift_identify)
        suite.check("shoal->py identify (py sees Shoal's ID, protocols, listen address)", py_sees_swift)
        suite.check("shoal->py perf 10 MiB up + 10 MiB down", swift_perf)
        suite.check("shoal->py echo 10 MiB with SHA-256", swift_echo)
        suite.check("shoal->py 50 concurrent streams", swift_streams)
    finally:
        py.stop()

    # ---- py-libp2p dials Shoal ----
    node = Proc([shoal, "node", "--echo", "--events"], "shoal-node")
    try:
        swift_addr = node.next_line(30)
        swift_id = swift_addr.split("/p2p/")[1]
        listen = swift_addr.split("/p2p/")[0]

        def py_run(scenario, extra=()):
            return run_json([python, PY_PEER, "dial", "--addr", swift_addr, "--scenario", scenario, *extra])

        def py_ping():
            out = py_run("ping")
            return out["ok"], out.get("error", f"rtts {out.get('rtts_ms')}")

        def py_identify():
            out = py_run("identify")
            ok = out["ok"] and "/ipfs/ping/1.0.0" in out["protocols"] and "/echo/1.0.0" in out["protocols"]
            ok = ok and listen in out["listen_addrs"]
            return ok, out.get("error", f"agent {out.get('agent')}, signed record {out.get('has_signed_record')}")

        def swift_sees_py():
            out = py_run("ping")
            py_peer = out["py_peer"]
            seen = node.wait_for(
                lambda o: o.get("event") == "identified"
                and o.get("peer") == py_peer
                and "/ipfs/ping/1.0.0" in o.get("protocols", [])
                and len(o.get("addresses", [])) > 0,
                30,
            )
            return seen is not None, f"addresses {seen.get('addresses')}" if seen else "no identified event"

        def py_perf():
            out = py_run("perf", ["--bytes", str(TEN_MB)])
            return out["ok"], out.get("error", "10 MiB each way")

        def py_echo():
            out = py_run("echo", ["--bytes", str(TEN_MB)])
            return out["ok"], out.get("error", f"sha256 {out.get('sha256', '')[:16]}…")

        def py_streams():
            out = py_run("echo", ["--bytes", "65536", "--streams", "50"])
            return out["ok"], out.get("error", f"{out.get('matching')}/50 streams intact")

        suite.check("py->shoal ping", py_ping)
        suite.check("py->shoal identify (py sees Shoal's ID, protocols, listen address)", py_identify)
        suite.check("py->shoal identify (Shoal sees py's ID, protocols, listen address)", swift_sees_py)
        suite.check("py->shoal perf 10 MiB up + 10 MiB down", py_perf)
        suite.check("py->shoal echo 10 MiB with SHA-256", py_echo)
        suite.check("py->shoal 50 concurrent streams", py_streams)
    finally:
        node.stop()

    run_dht_scenarios(suite, shoal, python)
    # A debug build moves about 6 MB/s, so the figure is only taken with the release binary SHOAL_PERF_BIN names.
    perf_shoal = os.environ.get("SHOAL_PERF_BIN", "")
    if perf_shoal and os.access(perf_shoal, os.X_OK):
        # SHOAL_PERF_MIB sets the size each way (default 10 MiB; larger sizes weigh fixed costs less, on both sides).
        print_throughput_figures(perf_shoal, python, size=int(os.environ.get("SHOAL_PERF_MIB", "10")) * 1024 * 1024)
    else:
        print("figure: throughput against py-libp2p not measured (set SHOAL_PERF_BIN to a release shoal binary)")

    print(f"interop: {suite.passed} passed, {suite.failed} failed")
    sys.exit(0 if suite.failed == 0 else 1)


if __name__ == "__main__":
    main()
