"""Shoal <-> py-libp2p interop scenarios, both directions, on 127.0.0.1.

Prints one line per scenario and `N passed, M failed` last; exits non-zero if any failed.
Usage: run_interop.py --shoal PATH_TO_SHOAL [--python PATH_TO_VENV_PYTHON]
"""

import argparse
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

    print(f"interop: {suite.passed} passed, {suite.failed} failed")
    sys.exit(0 if suite.failed == 0 else 1)


if __name__ == "__main__":
    main()
