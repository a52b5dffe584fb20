"""A py-libp2p peer for Shoal's interop suite (listener or dialer), over TCP + Noise + yamux on loopback.

listen: serves ping (built in), identify (built in), perf (py-libp2p's PerfService) and /echo/1.0.0; prints its
        address, then one JSON line per peer it has identified; exits when stdin closes.
dial:   connects to ADDR and runs one scenario against it; prints one JSON line with the outcome.
dht:    a py-libp2p KadDHT in server mode; prints its address, then runs one command per stdin line and prints one
        JSON line per command: `connect MA` (connect, then add_peer: py's table does not fill on connect),
        `provide KEY`, `find-providers KEY`, `find-peer ID`, `routing-table`. KEY is a CID or a hex multihash.
"""

import argparse
import hashlib
import json
import os
import sys

import multiaddr
import trio

import libp2p.network.swarm as swarm
from libp2p import new_host
from libp2p.crypto.ed25519 import create_new_key_pair
from libp2p.crypto.x25519 import create_new_key_pair as x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.host.ping import PingService
from libp2p.network.stream.exceptions import StreamEOF
from libp2p.identity.identify.identify import ID as IDENTIFY_ID, parse_identify_response
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.perf.perf_service import PerfService
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_ID, Transport as NoiseTransport
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_ID, Yamux

ECHO_ID = TProtocol("/echo/1.0.0")
CHUNK = 65536

# Each connect() otherwise waits out a 250 ms Happy-Eyeballs head start, even with one address.
swarm._HAPPY_EYEBALLS_DELAY = 0


def make_host(seed: bytes):
    key_pair = create_new_key_pair(seed)
    return new_host(
        key_pair=key_pair,
        sec_opt={NOISE_ID: NoiseTransport(key_pair, noise_privkey=x25519_key_pair().private_key)},
        muxer_opt={YAMUX_ID: Yamux},
    )


def emit(obj) -> None:
    print(json.dumps(obj, sort_keys=True), flush=True)


async def read_chunk(stream) -> bytes:
    """A chunk, or b"" at end of stream (py-libp2p raises StreamEOF there)."""
    try:
        return await stream.read(CHUNK)
    except StreamEOF:
        return b""


async def echo_handler(stream) -> None:
    try:
        while True:
            data = await read_chunk(stream)
            if not data:
                break
            await stream.write(data)
        await stream.close()
    except Exception:
        await stream.reset()


async def read_all(stream, limit: int) -> bytes:
    out = bytearray()
    while True:
        data = await read_chunk(stream)
        if not data:
            return bytes(out)
        out += data
        if len(out) > limit:
            raise ValueError("peer sent more than expected")


async def run_listener(seed: bytes) -> None:
    host = make_host(seed)
    host.set_stream_handler(ECHO_ID, echo_handler)
    perf = PerfService(host)
    async with host.run(listen_addrs=[multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")]):
        await perf.start()
        print(str(host.get_addrs()[0]), flush=True)
        reported = {}
        stdin_closed = trio.Event()

        async def watch_stdin():
            await trio.to_thread.run_sync(sys.stdin.read)
            stdin_closed.set()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(watch_stdin)
            while not stdin_closed.is_set():
                store = host.get_peerstore()
                for pid in host.get_network().connections.keys():
                    try:
                        protocols = sorted(store.get_protocols(pid))
                        addrs = sorted(str(a) for a in store.addrs(pid))
                    except Exception:
                        continue
                    state = (tuple(protocols), tuple(addrs))
                    if protocols and reported.get(pid) != state:
                        reported[pid] = state
                        emit({"event": "identified", "peer": pid.to_base58(), "protocols": protocols, "addrs": addrs})
                with trio.move_on_after(0.2):
                    await stdin_closed.wait()
            nursery.cancel_scope.cancel()


async def scenario(host, peer_id, addr, name: str, size: int, streams: int):
    if name == "ping":
        rtts = await PingService(host).ping(peer_id, ping_amt=5)
        return {"ok": len(rtts) == 5, "rtts_ms": list(rtts)}
    if name == "identify":
        stream = await host.new_stream(peer_id, [IDENTIFY_ID])
        raw = await read_all(stream, 65536)
        await stream.close()
        message = parse_identify_response(raw)
        pubkey_ok = len(message.public_key) == 36
        listen = [str(multiaddr.Multiaddr(a)) for a in message.listen_addrs]
        return {
            "ok": pubkey_ok and bool(message.protocols),
            "protocols": sorted(message.protocols),
            "listen_addrs": listen,
            "agent": message.agent_version,
            "has_signed_record": len(message.signedPeerRecord) > 0 if hasattr(message, "signedPeerRecord") else None,
        }
    if name == "perf":
        final = None
        async for output in PerfService(host).measure_performance(addr, size, size):
            final = output
        ok = final is not None and final["upload_bytes"] == size and final["download_bytes"] == size
        return {"ok": ok, "final": final}
    if name == "echo":
        payload = os.urandom(size)
        results = []

        async def one():
            stream = await host.new_stream(peer_id, [ECHO_ID])
            received = bytearray()

            async def reader():
                received.extend(await read_all(stream, size))

            async with trio.open_nursery() as nursery:
                nursery.start_soon(reader)
                for offset in range(0, size, CHUNK):
                    await stream.write(payload[offset : offset + CHUNK])
                await stream.close_write()
            results.append(hashlib.sha256(bytes(received)).hexdigest())

        async with trio.open_nursery() as nursery:
            for _ in range(streams):
                nursery.start_soon(one)
        expected = hashlib.sha256(payload).hexdigest()
        matching = sum(1 for r in results if r == expected)
        return {"ok": matching == streams, "matching": matching, "streams": streams, "sha256": expected}
    raise SystemExit(f"unknown scenario {name}")


async def run_dialer(seed: bytes, target: str, name: str, size: int, streams: int) -> None:
    host = make_host(seed)
    addr = multiaddr.Multiaddr(target)
    info = info_from_p2p_addr(addr)
    async with host.run(listen_addrs=[multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")]):
        await host.connect(info)
        try:
            with trio.fail_after(120):
                result = await scenario(host, info.peer_id, addr, name, size, streams)
        except Exception as error:
            result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        result["py_peer"] = host.get_id().to_base58()
        result["py_addrs"] = [str(a) for a in host.get_addrs()]
        emit(result)


async def dht_command(host, dht, line: str):
    from libp2p.peer.id import ID

    words = line.split()
    if not words:
        return {"ok": False, "error": "empty command"}
    command, args = words[0], words[1:]
    if command == "connect":
        info = info_from_p2p_addr(multiaddr.Multiaddr(args[0]))
        await host.connect(info)
        added = False
        # Identify has to finish before add_peer sees the peer's protocols.
        for _ in range(50):
            added = await dht.add_peer(info.peer_id)
            if added:
                break
            await trio.sleep(0.1)
        return {"ok": added, "routing_table": dht.get_routing_table_size()}
    if command == "provide":
        ok = await dht.provide(args[0])
        return {"ok": bool(ok)}
    if command == "find-providers":
        providers = await dht.find_providers(args[0])
        peers = sorted({p.peer_id.to_base58() for p in providers})
        return {"ok": True, "providers": peers}
    if command == "find-peer":
        info = await dht.find_peer(ID.from_base58(args[0]))
        if info is None:
            return {"ok": False, "error": "not found"}
        return {"ok": True, "peer": info.peer_id.to_base58(), "addrs": [str(a) for a in info.addrs]}
    if command == "routing-table":
        return {"ok": True, "size": dht.get_routing_table_size()}
    return {"ok": False, "error": f"unknown command {command}"}


async def run_dht(seed: bytes) -> None:
    from libp2p.kad_dht.kad_dht import DHTMode, KadDHT
    from libp2p.tools.anyio_service import background_trio_service

    host = make_host(seed)
    async with host.run(listen_addrs=[multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")]):
        dht = KadDHT(host, DHTMode.SERVER)
        async with background_trio_service(dht):
            print(f"{host.get_addrs()[0]}", flush=True)
            while True:
                line = await trio.to_thread.run_sync(sys.stdin.readline)
                if not line:
                    break
                try:
                    with trio.fail_after(60):
                        result = await dht_command(host, dht, line.strip())
                except Exception as error:
                    result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
                emit(result)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["listen", "dial", "dht"])
    parser.add_argument("--seed", default="shoal-interop")
    parser.add_argument("--addr")
    parser.add_argument("--scenario", default="ping")
    parser.add_argument("--bytes", type=int, default=1 << 20)
    parser.add_argument("--streams", type=int, default=1)
    args = parser.parse_args()
    seed = hashlib.sha256(args.seed.encode()).digest()
    if args.mode == "listen":
        trio.run(run_listener, seed)
    elif args.mode == "dht":
        trio.run(run_dht, seed)
    else:
        trio.run(run_dialer, seed, args.addr, args.scenario, args.bytes, args.streams)


if __name__ == "__main__":
    main()
