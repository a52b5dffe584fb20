import Foundation
import ShoalMultiformats
import Testing

@Suite("Multiaddr operations")
struct MultiaddrOperationsTests {
    static let peer = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"

    @Test("encapsulate appends; decapsulate removes the last occurrence (go-multiaddr TestEncapsulate)")
    func encapsulation() throws {
        let base = try Multiaddr("/ip4/127.0.0.1/udp/1234")
        let combined = try base.encapsulate(Multiaddr("/udp/5678"))
        #expect(combined.description == "/ip4/127.0.0.1/udp/1234/udp/5678")
        let back = try #require(combined.decapsulate(try Multiaddr("/udp/5678")))
        #expect(back.description == "/ip4/127.0.0.1/udp/1234")
        #expect(back.bytes == base.bytes)
        #expect(try back.decapsulate(Multiaddr("/ip4/127.0.0.1")) == nil)
        // Not found: unchanged (go's documented behaviour).
        let tcp = try Multiaddr("/ip4/1.2.3.4/tcp/80")
        #expect(try tcp.decapsulate(Multiaddr("/udp/80")) == tcp)
        #expect(try tcp.decapsulate(Multiaddr("/tcp/80"))?.description == "/ip4/1.2.3.4")
        #expect(try tcp.decapsulate(Multiaddr("/ip4/1.2.3.4/tcp/80/tls")) == tcp)
        // The last occurrence wins.
        let twice = try Multiaddr("/ip4/1.2.3.4/tcp/1/ip4/1.2.3.4/tcp/1/ws")
        #expect(try twice.decapsulate(Multiaddr("/ip4/1.2.3.4/tcp/1"))?.description == "/ip4/1.2.3.4/tcp/1")
    }

    @Test("decapsulate by protocol drops the peer ID; encapsulating a component adds it")
    func decapsulateProtocol() throws {
        let address = try Multiaddr("/ip4/10.0.0.1/tcp/4001/p2p/\(Self.peer)")
        let bare = try #require(address.decapsulate(.p2p))
        #expect(bare.description == "/ip4/10.0.0.1/tcp/4001")
        #expect(bare.decapsulate(.ip4) == nil)
        #expect(bare.decapsulate(.udp) == bare)
        let peerID = try #require(address.peerIDBytes)
        #expect(try bare.encapsulate(Multiaddr.Component.p2p(peerID)) == address)
    }

    @Test("nothing may follow a unix path")
    func unixMustBeLast() throws {
        let unix = try Multiaddr("/unix/tmp/shoal.sock")
        #expect(unix.components.count == 1)
        #expect(unix.components[0].valueText == "/tmp/shoal.sock")
        #expect(unix.bytes == [0x90, 0x03, 15] + Array("/tmp/shoal.sock".utf8))
        let error = expectFailure { () throws(MultiformatsError) in try unix.encapsulate(Multiaddr("/tcp/1")) }
        #expect(error?.code == .malformed)
        // In text, everything after /unix is the path.
        #expect(try Multiaddr("/unix/a/tcp/1").components.count == 1)
        #expect(try Multiaddr("/ip4/0.0.0.0/unix/a/b/c/d").last(.unix)?.valueText == "/a/b/c/d")
    }

    @Test("accessors")
    func accessors() throws {
        let address = try Multiaddr("/ip6zone/eth0/ip6/fe80::1/udp/4001/quic-v1/p2p/\(Self.peer)")
        #expect(address.udpPort == 4001)
        #expect(address.tcpPort == nil)
        #expect(address.ipAddress == .v6(IPv6Address("fe80::1")!))
        #expect(address.ip6Zone == "eth0")
        #expect(address.dnsName == nil)
        #expect(address.peerIDMultihash?.base58 == Self.peer)
        #expect(address.contains(.quicV1))
        #expect(!address.contains(.tcp))
        #expect(address.protocols == [.ip6zone, .ip6, .udp, .quicV1, .p2p])
        let dns = try Multiaddr("/dns4/example.com/tcp/443/tls/ws")
        #expect(dns.dnsName == "example.com")
        #expect(dns.tcpPort == 443)
        #expect(dns.ipAddress == nil)
        #expect(dns.peerIDBytes == nil)
        let ip4 = try Multiaddr("/ip4/192.0.2.1/tcp/1")
        #expect(ip4.ipAddress?.description == "192.0.2.1")
        #expect(ip4.first(.tcp)?.valueText == "1")
        // Relay address: the last /p2p is the target peer.
        let relayed = try Multiaddr(
            "/ip4/1.2.3.4/tcp/1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/p2p-circuit/p2p/\(Self.peer)"
        )
        #expect(relayed.peerIDMultihash?.base58 == Self.peer)
    }

    @Test("components can be built directly and validated")
    func components() throws {
        let built = try Multiaddr(components: [
            .ip4(IPv4Address("127.0.0.1")!), .tcp(4001), try Multiaddr.Component(.ws),
        ])
        #expect(built.description == "/ip4/127.0.0.1/tcp/4001/ws")
        #expect(try Multiaddr.Component(.udp, text: "53").bytes == hex("91020035"))
        #expect(Multiaddr.Component.udp(53).description == "/udp/53")
        #expect(Multiaddr.Component.ip6(IPv6Address("::1")!).valueText == "::1")
        #expect(expectFailure { () throws(MultiformatsError) in try Multiaddr(components: []) }?.code == .malformed)
        #expect(
            expectFailure { () throws(MultiformatsError) in try Multiaddr.Component(.tcp, value: [1]) }?.code
                == .invalidLength
        )
        #expect(
            expectFailure { () throws(MultiformatsError) in try Multiaddr.Component(.ws, value: [1]) }?.code
                == .invalidValue
        )
        #expect(
            expectFailure { () throws(MultiformatsError) in try Multiaddr.Component(.ws, text: "x") }?.code
                == .invalidValue
        )
        #expect(
            expectFailure { () throws(MultiformatsError) in try Multiaddr.Component.p2p([0x12, 0x01, 0x00]) }?.code
                == .invalidLength
        )
    }

    @Test("protocol table: codes from multicodec table.csv, names both ways")
    func protocolTable() {
        let expected: [(String, UInt64)] = [
            ("ip4", 4), ("tcp", 6), ("udp", 273), ("ip6", 41), ("ip6zone", 42), ("dns", 53), ("dns4", 54),
            ("dns6", 55), ("dnsaddr", 56), ("p2p", 421), ("quic", 460), ("quic-v1", 461), ("ws", 477), ("wss", 478),
            ("tls", 448), ("noise", 454), ("p2p-circuit", 290), ("unix", 400), ("memory", 777), ("http", 480),
            ("webrtc-direct", 280), ("webrtc", 281), ("certhash", 466), ("webtransport", 465), ("sni", 449),
        ]
        for (name, code) in expected {
            #expect(MultiaddrProtocol(name: name)?.code == code, "\(name)")
            #expect(MultiaddrProtocol(code: code)?.name == name, "\(code)")
        }
        #expect(MultiaddrProtocol(name: "ipfs") == .p2p)
        #expect(MultiaddrProtocol(name: "udp")?.code != 17)
        #expect(MultiaddrProtocol(code: 17) == nil)
        #expect(Set(MultiaddrProtocol.all.map(\.code)).count == MultiaddrProtocol.all.count)
    }

    @Test("memory values are 8-byte big-endian u64 (as in go- and rust-multiaddr)")
    func memory() throws {
        let address = try Multiaddr("/memory/1234567890123")
        #expect(address.bytes == hex("8906 0000011f71fb04cb"))
        #expect(address.description == "/memory/1234567890123")
    }
}

@Suite("Multiaddr Codable")
struct MultiaddrCodableTests {
    struct Config: Codable, Equatable {
        var listen: [Multiaddr]
    }

    @Test("encodes as its text and decodes from text")
    func codable() throws {
        let config = Config(listen: [try Multiaddr("/ip4/127.0.0.1/tcp/4001"), try Multiaddr("/ip6/::1/udp/1/quic-v1")])
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        #expect(json == #"{"listen":["\/ip4\/127.0.0.1\/tcp\/4001","\/ip6\/::1\/udp\/1\/quic-v1"]}"#)
        #expect(try JSONDecoder().decode(Config.self, from: Data(json.utf8)) == config)
        let alias = #"{"listen":["/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"]}"#
        let decoded = try JSONDecoder().decode(Config.self, from: Data(alias.utf8))
        #expect(decoded.listen.first?.description == "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC")
        #expect(throws: MultiformatsError.self) {
            try JSONDecoder().decode(Config.self, from: Data(#"{"listen":["/ip4/1.2.3"]}"#.utf8))
        }
    }
}
