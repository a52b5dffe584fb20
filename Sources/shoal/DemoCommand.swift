import ArgumentParser
import Foundation
import ShoalCore
import ShoalMultiformats

/// `shoal demo`: what `make run` runs. It shows, on this machine only, what Shoal can do today.
///
/// Every step does the real work it reports (keys are generated, written, read back and compared; addresses are
/// encoded and decoded) and the demo exits non-zero if any step fails.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a short local demonstration of Shoal's capabilities."
    )

    func run() async throws {
        print("Shoal \(ShoalVersion.string) demo")
        print("")
        try identities()
        try addresses()
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
