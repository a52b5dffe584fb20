"""A py-libp2p peer with mDNS on, for interop/mdns-netns.sh (run it only inside a network namespace: zeroconf
multicasts on every interface).

Prints {"id": ..., "address": ...} first, then {"discovered": PEER_ID, "addresses": [...]} for each peer its mDNS
listener reports; exits when stdin closes or after --seconds.
"""

import argparse
import json
import sys
import threading

import multiaddr
import trio

from libp2p import new_host
from libp2p.discovery.events.peerDiscovery import peerDiscovery


def emit(obj) -> None:
    print(json.dumps(obj, sort_keys=True), flush=True)


async def main(seconds: float) -> None:
    host = new_host(enable_mDNS=True)
    lock = threading.Lock()

    def on_discovered(info) -> None:  # called on zeroconf's thread
        with lock:
            emit({"discovered": str(info.peer_id), "addresses": [str(a) for a in info.addrs]})

    peerDiscovery.register_peer_discovered_handler(on_discovered)
    async with host.run([multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")]):
        address = host.get_addrs()[0]
        emit({"id": str(host.get_id()), "address": str(address)})
        with trio.move_on_after(seconds):
            await trio.to_thread.run_sync(sys.stdin.read, abandon_on_cancel=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    trio.run(main, parser.parse_args().seconds)
