import ShoalCore
import ShoalMDNS
import ShoalMultiformats
import Testing

/// Responses in the formats go-, rust- and py-libp2p really send (wire.md §10.3, interop.md §2.5), built by hand.
@Suite("mDNS response formats of the three implementations")
struct FormatTests {
    static let goName = "q8h2kd9s0a7x6c5v4b3n2m1l0k9j8h7g6f5d"
    static let rustName = "r1s2t3u4v5w6x7y8z9a0b1c2d3e4f5g6"
    static let pyName = String(repeating: "p", count: 30) + String(repeating: "7", count: 33)

    /// go: PTR in Answer; SRV, one TXT with several strings, and A in Extra; compressed names.
    static func goResponse(peer: PeerID) -> PacketBuilder {
        var packet = PacketBuilder(flags: 0x8400, answers: 1, additionals: 3)
        let service = PacketBuilder.name("_p2p._udp.local")
        let (serviceAt, _) = packet.record(
            service,
            type: 12,
            ttl: 3200,
            data: [UInt8(goName.count)] + Array(goName.utf8) + PacketBuilder.pointer(12)
        )
        let instanceAt = serviceAt + service.count + 10
        let (_, srvData) = packet.record(
            PacketBuilder.pointer(instanceAt),
            type: 33,
            rawClass: 0x8001,
            ttl: 3200,
            data: PacketBuilder.srv(
                port: 4001,
                target: [UInt8(goName.count)] + Array(goName.utf8) + [5] + Array("local".utf8) + [0]
            )
        )
        packet.record(
            PacketBuilder.pointer(instanceAt),
            type: 16,
            rawClass: 0x8001,
            ttl: 3200,
            data: PacketBuilder.txt([
                "dnsaddr=/ip4/192.168.1.20/tcp/4001/p2p/\(peer)",
                "dnsaddr=/ip6/fd00::20/tcp/4001/p2p/\(peer)",
            ])
        )
        packet.record(
            PacketBuilder.pointer(srvData + 6),
            type: 1,
            rawClass: 0x8001,
            ttl: 3200,
            data: [192, 168, 1, 20]
        )
        return packet
    }

    /// rust: PTR target is the bare label; one TXT per address in Additional, owner = that label, class 0x8001.
    static func rustResponse(peer: PeerID) -> PacketBuilder {
        var packet = PacketBuilder(id: 0, flags: 0x8400, answers: 1, additionals: 2)
        let label = [UInt8(rustName.count)] + Array(rustName.utf8) + [0]
        packet.record(PacketBuilder.name("_p2p._udp.local"), type: 12, ttl: 360, data: label)
        for address in ["/ip4/10.1.2.3/tcp/40001", "/ip4/10.1.2.3/udp/40001/quic-v1"] {
            packet.record(
                label,
                type: 16,
                rawClass: 0x8001,
                ttl: 360,
                data: PacketBuilder.txt(["dnsaddr=\(address)/p2p/\(peer)"])
            )
        }
        return packet
    }

    /// py: 63-character name, SRV port 4001, TXT `dnsaddr=` then `dnsaddr2=`, A 127.0.0.1.
    static func pyResponse(peer: PeerID) -> PacketBuilder {
        var packet = PacketBuilder(flags: 0x8400, answers: 1, additionals: 3)
        let instance = PacketBuilder.name("\(pyName)._p2p._udp.local")
        let host = PacketBuilder.name("\(pyName).local")
        packet.record(PacketBuilder.name("_p2p._udp.local"), type: 12, ttl: 4500, data: instance)
        packet.record(instance, type: 33, rawClass: 0x8001, ttl: 120, data: PacketBuilder.srv(port: 4001, target: host))
        packet.record(
            instance,
            type: 16,
            rawClass: 0x8001,
            ttl: 4500,
            data: PacketBuilder.txt([
                "dnsaddr=/ip4/127.0.0.1/tcp/38211/p2p/\(peer)",
                "dnsaddr2=/ip4/10.0.0.5/tcp/38211/p2p/\(peer)",
            ])
        )
        packet.record(host, type: 1, rawClass: 0x8001, ttl: 120, data: [127, 0, 0, 1])
        return packet
    }

    @Test("go-libp2p response: PTR + SRV + TXT + A with compression")
    func goFormat() throws {
        let message = try DNSMessage(decoding: Self.goResponse(peer: Fixtures.bob).bytes)
        guard case .srv(_, _, let port, let target) = message.additionals[0].data else {
            Issue.record("no SRV")
            return
        }
        #expect(port == 4001)
        #expect(target == (try DNSName("\(Self.goName).local")))
        #expect(message.additionals[2].name == target)
        let result = MDNSAnnouncement.parse(message)
        #expect(result.peers.count == 1)
        #expect(result.peers.first?.peer == Fixtures.bob)
        #expect(result.peers.first?.ttl == 3200)
        #expect(
            result.peers.first?.addresses.map(\.description) == [
                "/ip4/192.168.1.20/tcp/4001/p2p/\(Fixtures.bob)", "/ip6/fd00::20/tcp/4001/p2p/\(Fixtures.bob)",
            ]
        )
    }

    @Test("rust-libp2p response: bare-label PTR target and TXT owner")
    func rustFormat() throws {
        let message = try DNSMessage(decoding: Self.rustResponse(peer: Fixtures.bob).bytes)
        #expect(message.additionals.allSatisfy { $0.cacheFlush && $0.recordClass == 1 })
        let result = MDNSAnnouncement.parse(message)
        #expect(result.peers.map(\.peer) == [Fixtures.bob])
        #expect(result.peers.first?.addresses.count == 2)
        #expect(result.instanceNames == [try DNSName(Self.rustName)])
    }

    @Test("py-libp2p response: dnsaddr and dnsaddr2 keys")
    func pyFormat() throws {
        let message = try DNSMessage(decoding: Self.pyResponse(peer: Fixtures.bob).bytes)
        let result = MDNSAnnouncement.parse(message)
        #expect(
            result.peers.first?.addresses.map(\.description) == [
                "/ip4/127.0.0.1/tcp/38211/p2p/\(Fixtures.bob)", "/ip4/10.0.0.5/tcp/38211/p2p/\(Fixtures.bob)",
            ]
        )
    }

    @Test("our response carries PTR, then TXT, SRV and A/AAAA for the go, rust and py parsers")
    func ownFormat() throws {
        let message = try MDNSAnnouncement.response(
            peerName: Self.goName,
            peer: Fixtures.alice,
            addresses: [Fixtures.multiaddr("/ip4/192.168.1.10/tcp/4242")],
            hostAddresses: [.v4(IPv4Address("192.168.1.10")!), .v6(IPv6Address("fd00::10")!)],
            ttl: 120
        )
        let decoded = try DNSMessage(decoding: try message.encoded())
        let instance = try DNSName("\(Self.goName)._p2p._udp.local")
        #expect(decoded.answers == [DNSRecord(name: MDNSAnnouncement.serviceName, ttl: 120, data: .ptr(instance))])
        #expect(decoded.additionals.map(\.type) == [16, 33, 1, 28])
        #expect(decoded.additionals[0].name == instance)
        #expect(
            decoded.additionals[0].data
                == .txt([Array("dnsaddr=/ip4/192.168.1.10/tcp/4242/p2p/\(Fixtures.alice)".utf8)])
        )
        #expect(
            decoded.additionals[1].data
                == .srv(priority: 0, weight: 0, port: 4242, target: try DNSName("\(Self.goName).local"))
        )
        #expect(MDNSAnnouncement.parse(decoded).peers.map(\.peer) == [Fixtures.alice])
    }

    @Test("the response stays under 1,400 bytes with many addresses")
    func sizeCap() throws {
        let addresses = (0..<100).map { Fixtures.multiaddr("/ip4/10.0.\($0 / 250).\($0 % 250)/tcp/4001") }
        let message = try MDNSAnnouncement.response(
            peerName: Self.pyName,
            peer: Fixtures.alice,
            addresses: addresses,
            hostAddresses: [],
            ttl: 120
        )
        let bytes = try message.encoded()
        #expect(bytes.count <= MDNSAnnouncement.maximumResponseSize)
        guard case .txt(let strings) = message.additionals[0].data else {
            Issue.record("no TXT")
            return
        }
        #expect(strings.count > 5 && strings.count < 100)
    }

    // MARK: - Bad TXT contents

    func parse(_ strings: [String]) throws -> MDNSAnnouncement.ParseResult {
        var packet = PacketBuilder(flags: 0x8400, answers: 1, additionals: 1)
        let instance = PacketBuilder.name("abc._p2p._udp.local")
        packet.record(PacketBuilder.name("_p2p._udp.local"), type: 12, ttl: 120, data: instance)
        packet.record(instance, type: 16, ttl: 120, data: PacketBuilder.txt(strings))
        return MDNSAnnouncement.parse(try DNSMessage(decoding: packet.bytes))
    }

    @Test("bad multiaddrs, a missing /p2p and other keys are dropped, the rest is kept")
    func badStrings() throws {
        let result = try parse([
            "dnsaddr=/ip4/999.1.1.1/tcp/1/p2p/\(Fixtures.bob)",
            "dnsaddr=not a multiaddr",
            "dnsaddr=/ip4/10.0.0.1/tcp/1",
            "dnsaddr=/p2p/\(Fixtures.bob)/ip4/10.0.0.1/tcp/1",
            "dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/notapeer",
            "dnsaddrx=/ip4/10.0.0.3/tcp/1/p2p/\(Fixtures.bob)",
            "version=1",
            "dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Fixtures.bob)",
        ])
        #expect(result.rejectedStrings == 5)
        #expect(result.peers.map(\.addresses) == [[Fixtures.multiaddr("/ip4/10.0.0.2/tcp/1/p2p/\(Fixtures.bob)")]])
    }

    @Test("a record whose strings name two peers is rejected whole")
    func mixedIDs() throws {
        let result = try parse([
            "dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/\(Fixtures.bob)",
            "dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(Fixtures.carol)",
        ])
        #expect(result.peers.isEmpty)
        #expect(result.rejectedRecords == 1)
    }

    @Test("a query or a response without our service yields nothing")
    func unrelated() throws {
        var packet = PacketBuilder(flags: 0x8400, answers: 1)
        packet.record(
            PacketBuilder.name("_http._tcp.local"),
            type: 12,
            ttl: 120,
            data: PacketBuilder.name("web._http._tcp.local")
        )
        #expect(MDNSAnnouncement.parse(try DNSMessage(decoding: packet.bytes)).peers.isEmpty)
        #expect(MDNSAnnouncement.parse(MDNSAnnouncement.query()).peers.isEmpty)
    }
}
