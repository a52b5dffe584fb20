import ShoalCore
import ShoalMDNS
import ShoalMultiformats
import Testing

@Suite("DNS message codec")
struct DNSCodecTests {
    static let service = PacketBuilder.name("_p2p._udp.local")

    @Test("the PTR query is byte-exact and round-trips")
    func queryBytes() throws {
        let bytes = try MDNSAnnouncement.query().encoded()
        var expected = PacketBuilder(flags: 0, questions: 1)
        expected.question(Self.service, type: 12)
        #expect(bytes == expected.bytes)
        let decoded = try DNSMessage(decoding: bytes)
        #expect(decoded.questions == [DNSQuestion(name: MDNSAnnouncement.serviceName, type: DNSRecordType.ptr)])
        #expect(!decoded.isResponse)
    }

    @Test("a rust-libp2p query with a random ID and the unicast bit decodes")
    func rustQuery() throws {
        var packet = PacketBuilder(id: 0xBEEF, flags: 0, questions: 1)
        packet.question(Self.service, type: 12, rawClass: 0x8001)
        let message = try DNSMessage(decoding: packet.bytes)
        #expect(message.id == 0xBEEF)
        #expect(message.questions.first?.unicastResponse == true)
        #expect(message.questions.first?.recordClass == 1)
    }

    @Test("every record type round-trips and the writer compresses names")
    func roundTrip() throws {
        let instance = try DNSName("abcdefabcdefabcdefabcdefabcdefabcdef._p2p._udp.local")
        let host = try DNSName("abcdefabcdefabcdefabcdefabcdefabcdef.local")
        let message = DNSMessage(
            id: 7,
            flags: DNSMessage.responseFlags,
            questions: [DNSQuestion(name: MDNSAnnouncement.serviceName, type: DNSRecordType.ptr)],
            answers: [DNSRecord(name: MDNSAnnouncement.serviceName, ttl: 120, data: .ptr(instance))],
            authorities: [DNSRecord(name: host, ttl: 5, data: .unknown(type: 47, data: [1, 2, 3]))],
            additionals: [
                DNSRecord(
                    name: instance,
                    ttl: 120,
                    data: .txt([Array("dnsaddr=/ip4/1.2.3.4/tcp/1".utf8), []]),
                    cacheFlush: true
                ),
                DNSRecord(name: instance, ttl: 120, data: .srv(priority: 1, weight: 2, port: 4001, target: host)),
                DNSRecord(name: host, ttl: 120, data: .a(IPv4Address("10.0.0.1")!)),
                DNSRecord(name: host, ttl: 120, data: .aaaa(IPv6Address("fd00::1")!)),
            ]
        )
        let bytes = try message.encoded()
        #expect(try DNSMessage(decoding: bytes) == message)
        let uncompressed =
            12 + message.questions.reduce(0) { $0 + $1.name.wireLength + 4 }
            + message.allRecords.reduce(0) { $0 + $1.name.wireLength + 10 }
        #expect(bytes.count < uncompressed)
        #expect(bytes.contains(0xC0))
    }

    @Test("names compare case-insensitively")
    func caseInsensitive() throws {
        #expect(try DNSName("_P2P._UDP.Local.") == MDNSAnnouncement.serviceName)
        #expect(try DNSName("_p2p._tcp.local") != MDNSAnnouncement.serviceName)
    }

    // MARK: - Bounds and bad input

    @Test("a label over 63 bytes and a name over 255 bytes are rejected")
    func nameBounds() throws {
        let long = String(repeating: "a", count: 64)
        #expect(throws: ShoalError(.limitExceeded, "")) { try DNSName(long + ".local") }
        let label = String(repeating: "b", count: 63)
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try DNSName([label, label, label, label, "x"].joined(separator: "."))
        }
        #expect(throws: ShoalError(.malformedInput, "")) { try DNSName("a..local") }
        // On the wire: four 63-byte labels plus one more exceed 255 bytes.
        var packet = PacketBuilder(flags: 0, questions: 1)
        var name: [UInt8] = []
        for _ in 0..<4 { name += [63] + [UInt8](repeating: 0x61, count: 63) }
        name += [3, 0x61, 0x62, 0x63, 0]
        packet.question(name, type: 12)
        #expect(throws: ShoalError(.limitExceeded, "")) { try DNSMessage(decoding: packet.bytes) }
        // A length byte of 64 is the reserved 01 label type.
        var reserved = PacketBuilder(flags: 0, questions: 1)
        reserved.question([64] + [UInt8](repeating: 0x61, count: 64) + [0], type: 12)
        #expect(throws: ShoalError(.malformedInput, "")) { try DNSMessage(decoding: reserved.bytes) }
    }

    @Test("a pointer to itself or forwards is a loop and is rejected")
    func pointerLoops() throws {
        var selfLoop = PacketBuilder(flags: 0, questions: 1)
        selfLoop.question(PacketBuilder.pointer(12), type: 12)
        #expect(throws: ShoalError(.malformedInput, "")) { try DNSMessage(decoding: selfLoop.bytes) }
        var forward = PacketBuilder(flags: 0, questions: 2)
        forward.question(PacketBuilder.pointer(18), type: 12)
        forward.question(PacketBuilder.pointer(12), type: 12)
        #expect(throws: ShoalError(.malformedInput, "")) { try DNSMessage(decoding: forward.bytes) }
        // Two labels pointing at each other: 12 -> "a" then pointer to 16; 16 -> "b" then pointer to 12.
        var mutual = PacketBuilder(flags: 0, questions: 1)
        mutual.bytes += [1, 0x61] + PacketBuilder.pointer(16) + [1, 0x62] + PacketBuilder.pointer(12)
        #expect(throws: ShoalError.self) { try DNSMessage(decoding: mutual.bytes) }
    }

    @Test("a chain of more than 32 backward pointers is rejected")
    func pointerDepth() throws {
        var packet = PacketBuilder(flags: 0x8400, answers: 2)
        // Record 1: owner "a", unknown type 99, data = root then 40 pointers each to the previous one.
        var chain: [UInt8] = [0]
        let dataStart = 12 + 3 + 10
        for index in 0..<40 { chain += PacketBuilder.pointer(dataStart + (index == 0 ? 0 : 1 + 2 * (index - 1))) }
        packet.record([1, 0x61, 0], type: 99, ttl: 1, data: chain)
        // Record 2: owner = pointer to the last pointer of the chain.
        packet.record(PacketBuilder.pointer(dataStart + 1 + 2 * 39), type: 99, ttl: 1, data: [])
        #expect(throws: ShoalError(.limitExceeded, "")) { try DNSMessage(decoding: packet.bytes) }
        // A short chain (10 pointers) is fine.
        var short = PacketBuilder(flags: 0x8400, answers: 2)
        short.record([1, 0x61, 0], type: 99, ttl: 1, data: chain)
        short.record(PacketBuilder.pointer(dataStart + 1 + 2 * 9), type: 99, ttl: 1, data: [])
        #expect(try DNSMessage(decoding: short.bytes).answers[1].name == DNSName(labels: []))
    }

    @Test("packet size and counts are bounded")
    func counts() throws {
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try DNSMessage(decoding: [UInt8](repeating: 0, count: DNSMessage.maximumPacketSize + 1))
        }
        let tooManyQuestions = PacketBuilder(flags: 0, questions: 65).bytes
        #expect(throws: ShoalError(.limitExceeded, "")) { try DNSMessage(decoding: tooManyQuestions) }
        let tooManyRecords = PacketBuilder(flags: 0x8400, answers: 200, additionals: 100).bytes
        #expect(throws: ShoalError(.limitExceeded, "")) { try DNSMessage(decoding: tooManyRecords) }
        var txt = PacketBuilder(flags: 0x8400, answers: 1)
        txt.record([1, 0x61, 0], type: 16, ttl: 1, data: [UInt8](repeating: 0, count: 65))
        #expect(throws: ShoalError(.limitExceeded, "")) { try DNSMessage(decoding: txt.bytes) }
        let big = DNSMessage(answers: [
            DNSRecord(name: try DNSName("a"), ttl: 1, data: .txt([[UInt8](repeating: 1, count: 256)]))
        ])
        #expect(throws: ShoalError(.invalidArgument, "")) { try big.encoded() }
    }

    @Test("truncated and inconsistent records are malformed")
    func malformed() throws {
        var packet = PacketBuilder(flags: 0x8400, answers: 1)
        packet.record(Self.service, type: 12, ttl: 120, data: PacketBuilder.name("x._p2p._udp.local"))
        let bytes = packet.bytes
        #expect(try DNSMessage(decoding: bytes).answers.count == 1)
        // Every strict prefix is truncated: the decoder throws, one byte at a time.
        for end in 0..<bytes.count {
            #expect(throws: ShoalError(.malformedInput, "")) { try DNSMessage(decoding: Array(bytes[..<end])) }
        }
        var badA = PacketBuilder(flags: 0x8400, answers: 1)
        badA.record([1, 0x61, 0], type: 1, ttl: 1, data: [1, 2, 3])
        #expect(throws: ShoalError(.malformedInput, "")) { try DNSMessage(decoding: badA.bytes) }
        var overrun = PacketBuilder(flags: 0x8400, answers: 1)
        overrun.record([1, 0x61, 0], type: 16, ttl: 1, data: [5, 0x61])
        #expect(throws: ShoalError(.malformedInput, "")) { try DNSMessage(decoding: overrun.bytes) }
        var slack = PacketBuilder(flags: 0x8400, answers: 1)
        slack.record([1, 0x61, 0], type: 12, ttl: 1, data: [1, 0x62, 0, 0xFF])
        #expect(throws: ShoalError(.malformedInput, "")) { try DNSMessage(decoding: slack.bytes) }
    }

    // MARK: - Fuzz

    @Test("50,000 random and mutated packets never crash the decoder or the machine")
    func fuzz() throws {
        var rng = SplitMix64(seed: 0x6D64_6E73)
        let seeds: [[UInt8]] = [
            try MDNSAnnouncement.query().encoded(),
            try MDNSAnnouncement.response(
                peerName: "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz",
                peer: Fixtures.alice,
                addresses: [Fixtures.multiaddr("/ip4/10.0.0.1/tcp/4001"), Fixtures.multiaddr("/ip6/fd00::1/tcp/4001")],
                hostAddresses: [.v4(IPv4Address("10.0.0.1")!)],
                ttl: 120
            ).encoded(),
            FormatTests.goResponse(peer: Fixtures.bob).bytes,
            FormatTests.rustResponse(peer: Fixtures.bob).bytes,
            FormatTests.pyResponse(peer: Fixtures.bob).bytes,
        ]
        var machine = MDNSMachine(localPeer: Fixtures.carol, seed: 1)
        _ = machine.start(
            now: .zero,
            interfaces: [Fixtures.lan],
            addresses: [Fixtures.multiaddr("/ip4/192.168.1.10/tcp/1")]
        )
        var decoded = 0
        for round in 0..<50_000 {
            var packet: [UInt8]
            if round % 5 == 0 {
                packet = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                packet = seeds[round % seeds.count]
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    let index = Int.random(in: 0..<packet.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: packet[index] = UInt8.random(in: 0...255, using: &rng)
                    case 1: packet[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                    default: packet = Array(packet[..<index])
                    }
                    if packet.isEmpty { break }
                }
            }
            if (try? DNSMessage(decoding: packet)) != nil { decoded += 1 }
            if round % 10 == 0 { _ = machine.receive(packet, interface: Fixtures.lan, now: .milliseconds(round)) }
        }
        #expect(decoded > 0)
        #expect(machine.statistics.packetsReceived == 5000)
        #expect(machine.statistics.malformedPackets > 0)
    }
}
