import Foundation
import ShoalCore
import ShoalHost
import ShoalMultiformats

/// `shoal demo --in-process`: the first demo, in one process: identities, multiaddrs, two hosts.
///
/// Every step does the real work it reports (keys are generated, written, read back and compared; addresses are
/// encoded and decoded) and the demo exits non-zero if any step fails.
struct InProcessDemo {
    func run() async throws {
        print("Shoal \(ShoalVersion.string) demo (in process)")
        print("")
        try identities()
        try addresses()
        try await hosts()
        print("")
        print("demo finished: every step above was performed and checked")
    }

    private func identities() throws {
        print("1. Identities (Ed25519 via libsodium, libp2p peer IDs)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shoal-demo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["coordinator", "worker-1", "worker-2"] {
            let key = PrivateKey()
            let path = directory.appendingPathComponent("\(name).key").path
            try KeyFile.write(key, to: path)
            let reread = try KeyFile.read(from: path)
            guard reread.peerID == key.peerID else { throw CLIError(message: "key file round trip failed for \(name)") }
            let message = Array("hello from \(name)".utf8)
            guard try key.publicKey.isValidSignature(key.sign(message), for: message) else {
                throw CLIError(message: "signature check failed for \(name)")
            }
            print("   \(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(key.peerID)")
            print("   \("".padding(toLength: 12, withPad: " ", startingAt: 0)) \(key.peerID.cidString)")
        }
        print("   keys written with mode 0600, read back, signatures verified")
    }

    private func hosts() async throws {
        print("3. Two hosts on 127.0.0.1 (TCP + Noise + yamux), identify, ping, perf, a custom protocol")
        let loopback = try Multiaddr("/ip4/127.0.0.1/tcp/0")
        try await withHost(HostConfiguration(listenAddresses: [loopback])) { server in
            server.registerRequestHandler("/shoal/demo/upper/1.0.0") { _, request in
                Array(String(decoding: request, as: UTF8.self).uppercased().utf8)
            }
            print("   server listening on \(server.dialableAddresses[0])")
            try await withHost(HostConfiguration(listenAddresses: [loopback])) { client in
                let peer = try await client.connect(server.dialableAddresses[0])
                let info = try await client.identify(peer)
                print("   client identified \(peer): \(info.agentVersion), \(info.protocols.count) protocols")
                let rtts = try await client.ping(peer, count: 3)
                let millis = rtts.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1e3 }
                print("   ping round trips: \(millis.map { String(format: "%.2f ms", $0) }.joined(separator: ", "))")
                let perf = try await client.perf(peer, upload: 4_000_000, download: 4_000_000)
                guard perf.uploaded == 4_000_000, perf.downloaded == 4_000_000 else {
                    throw CLIError(message: "perf moved the wrong number of bytes")
                }
                print("   perf: 4 MB up and 4 MB down in \(String(format: "%.2f", perf.totalSeconds)) s")
                let reply = try await client.request(peer, protocol: "/shoal/demo/upper/1.0.0", Array("hello".utf8))
                guard reply == Array("HELLO".utf8) else {
                    throw CLIError(message: "custom protocol gave a wrong reply")
                }
                print(
                    "   custom protocol /shoal/demo/upper/1.0.0: \"hello\" -> \"\(String(decoding: reply, as: UTF8.self))\""
                )
            }
        }
    }

    private func addresses() throws {
        print("2. Multiaddrs (text <-> binary)")
        let id = PrivateKey().peerID
        for text in ["/ip4/127.0.0.1/tcp/4001/p2p/\(id)", "/ip6/::1/udp/4001/quic-v1", "/dnsaddr/bootstrap.example"] {
            let address = try Multiaddr(text)
            let back = try Multiaddr(bytes: address.bytes)
            guard back == address else { throw CLIError(message: "multiaddr round trip failed for \(text)") }
            print("   \(address)")
            print("     = \(address.bytes.hexString)")
        }
    }
}
