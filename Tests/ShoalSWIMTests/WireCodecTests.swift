import ShoalCore
import ShoalCrypto
import ShoalSWIM
import ShoalTestKit
import Testing

@Suite("SWIM wire codec")
struct WireCodecTests {
    static func sampleMessages() -> [SWIM.Message] {
        [
            .ping(sequence: 7, target: nodeID(2)),
            .pingRequest(sequence: 0xFFFF_FFFF, target: nodeID(3), targetAddress: testAddress(3), wantsNack: true),
            .pingRequest(sequence: 1, target: nodeID(3), targetAddress: try! SWIM.Address([]), wantsNack: false),
            .ack(sequence: 42),
            .nack(sequence: 43),
            .record(record(4, incarnation: 9, metadata: Array(repeating: 0xAB, count: 512))),
            .record(record(5, incarnation: 1, state: .left)),
            .suspect(SWIM.Claim(node: nodeID(6), incarnation: 3, from: nodeID(1))),
            .dead(SWIM.Claim(node: nodeID(7), incarnation: .max, from: nodeID(1))),
        ]
    }

    @Test("every message type round-trips, with exact sizes")
    func roundTrip() throws {
        let p = packet(from: 1, Self.sampleMessages())
        let bytes = try SWIM.WireCodec.encode(p)
        let expected =
            SWIM.WireCodec.packetHeaderByteCount + p.messages.reduce(0) { $0 + SWIM.WireCodec.encodedSize(of: $1) }
        #expect(bytes.count == expected)
        #expect(try SWIM.WireCodec.decode(bytes) == p)
        for m in Self.sampleMessages() {
            let single = packet(from: 9, [m])
            #expect(try SWIM.WireCodec.decode(SWIM.WireCodec.encode(single)) == single)
        }
    }

    @Test("decoded records keep valid signatures; node ID gives the libp2p peer ID bytes")
    func signaturesSurvive() throws {
        let r = record(4, incarnation: 2, metadata: Array("role=worker".utf8))
        let back = try SWIM.WireCodec.decode(SWIM.WireCodec.encode(packet(from: 4, [.record(r)])))
        #expect(back.records.first?.hasValidSignature == true)
        let id = nodeID(4)
        #expect(id.peerIDBytes.count == 38)
        #expect(Array(id.peerIDBytes.prefix(6)) == [0x00, 0x24, 0x08, 0x01, 0x12, 0x20])
        #expect(Array(id.peerIDBytes.suffix(32)) == testKey(4).publicKey.rawRepresentation)
        #expect(id.publicKeyBytes == testKey(4).publicKey.rawRepresentation)
    }

    @Test("every truncation of a valid packet throws malformedInput")
    func truncations() throws {
        let bytes = try SWIM.WireCodec.encode(packet(from: 1, Self.sampleMessages()))
        for length in 0..<bytes.count {
            #expect(throws: ShoalError(.malformedInput, "")) { try SWIM.WireCodec.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test("trailing bytes, unknown types, bad flags and versions are rejected")
    func badInput() throws {
        let bytes = try SWIM.WireCodec.encode(packet(from: 1, [.ack(sequence: 1)]))
        #expect(throws: ShoalError(.malformedInput, "")) { try SWIM.WireCodec.decode(bytes + [0]) }
        var badType = bytes
        badType[SWIM.WireCodec.packetHeaderByteCount] = 0x7F
        #expect(throws: ShoalError(.malformedInput, "")) { try SWIM.WireCodec.decode(badType) }
        var badVersion = bytes
        badVersion[0] = 2
        #expect(throws: ShoalError(.malformedInput, "")) { try SWIM.WireCodec.decode(badVersion) }
        var zeroCount = Array(bytes.prefix(SWIM.WireCodec.packetHeaderByteCount))
        zeroCount[zeroCount.count - 1] = 0
        #expect(throws: ShoalError(.malformedInput, "")) { try SWIM.WireCodec.decode(zeroCount) }
        // A body length that claims more than the message needs.
        var longBody = bytes
        longBody[SWIM.WireCodec.packetHeaderByteCount + 2] = 5
        #expect(throws: ShoalError(.malformedInput, "")) { try SWIM.WireCodec.decode(longBody + [0]) }
        var req = try SWIM.WireCodec.encode(
            packet(
                from: 1,
                [.pingRequest(sequence: 1, target: nodeID(2), targetAddress: testAddress(2), wantsNack: true)]
            )
        )
        req[SWIM.WireCodec.packetHeaderByteCount + 3 + 44] = 0x03
        #expect(throws: ShoalError(.malformedInput, "")) { try SWIM.WireCodec.decode(req) }
    }

    @Test("oversized packets are refused by the encoder and the decoder")
    func oversize() throws {
        let big = SWIM.Message.record(record(4, incarnation: 1, metadata: Array(repeating: 1, count: 512)))
        let p = packet(from: 1, Array(repeating: big, count: 3))
        #expect(throws: ShoalError(.limitExceeded, "")) { try SWIM.WireCodec.encode(p) }
        #expect(throws: ShoalError(.limitExceeded, "")) { try SWIM.WireCodec.decode(Array(repeating: 1, count: 1401)) }
        #expect(throws: ShoalError(.limitExceeded, "")) { try SWIM.WireCodec.encode(packet(from: 1, [])) }
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try SWIM.MemberRecord(
                signingWith: testKey(1),
                uid: 1,
                incarnation: 0,
                state: .alive,
                address: testAddress(1),
                metadata: Array(repeating: 0, count: 513)
            )
        }
        #expect(throws: ShoalError(.limitExceeded, "")) { try SWIM.Address(Array(repeating: 0, count: 65)) }
    }

    @Test("push-pull states round-trip and reject truncation")
    func pushPull() throws {
        var group = try makeGroup(5)
        _ = group[0].receive(
            packet(from: 1, [.suspect(SWIM.Claim(node: nodeID(2), incarnation: 0, from: nodeID(1)))]),
            from: testAddress(1),
            now: 0
        )
        let state = group[0].makePushPullState(join: true)
        #expect(state.entries.count == 6)
        let bytes = try SWIM.WireCodec.encode(state)
        #expect(try SWIM.WireCodec.decodePushPull(bytes) == state)
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: ShoalError.self) { try SWIM.WireCodec.decodePushPull(Array(bytes.prefix(length))) }
        }
        var lying = bytes
        lying[42...45] = [0xFF, 0xFF, 0xFF, 0xFF]
        #expect(throws: ShoalError(.limitExceeded, "")) { try SWIM.WireCodec.decodePushPull(lying) }
    }

    @Test("fuzz: 60,000 random and mutated datagrams never crash the decoder or packet security")
    func fuzz() throws {
        var random = SimRandom(seed: 0xF022)
        let seeds =
            try Self.sampleMessages().map { try SWIM.WireCodec.encode(packet(from: 1, [$0])) }
            + [try SWIM.WireCodec.encode(packet(from: 1, Array(Self.sampleMessages().prefix(5))))]
        var security = SWIM.PacketSecurity(mode: .signed, key: testKey(0), uid: 100)
        var decoded = 0
        for i in 0..<60_000 {
            var bytes: [UInt8]
            if i % 4 == 0 {
                bytes = (0..<random.below(1500)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                bytes = seeds[random.below(seeds.count)]
                for _ in 0...random.below(6) {
                    switch random.below(4) {
                    case 0 where !bytes.isEmpty:
                        bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                    case 1 where !bytes.isEmpty:
                        bytes.removeLast(random.below(min(bytes.count, 40)) + 1)
                    case 2:
                        bytes.append(UInt8(truncatingIfNeeded: random.next()))
                    default:
                        if !bytes.isEmpty { bytes[random.below(bytes.count)] ^= 1 << UInt8(random.below(8)) }
                    }
                }
            }
            if (try? SWIM.WireCodec.decode(bytes)) != nil { decoded += 1 }
            if i % 10 == 0 {
                do {
                    let ok = (security.open([0xA2] + bytes) == nil)
                    #expect(ok)
                }
            }
        }
        #expect(decoded < 60_000)
        #expect(security.counters.accepted == 0)
    }

    @Test("fuzz: 5,000 mutated push-pull states never crash the decoder")
    func fuzzPushPull() throws {
        var random = SimRandom(seed: 0x9911)
        var group = try makeGroup(6)
        _ = group[0].receive(
            packet(from: 1, [.dead(SWIM.Claim(node: nodeID(2), incarnation: 0, from: nodeID(1)))]),
            from: testAddress(1),
            now: 0
        )
        let valid = try SWIM.WireCodec.encode(group[0].makePushPullState(join: false))
        var decoded = 0
        for _ in 0..<5_000 {
            var bytes = valid
            for _ in 0...random.below(4) {
                if random.chance(0.3) {
                    bytes.removeLast(random.below(min(bytes.count, 100)) + 1)
                } else if !bytes.isEmpty {
                    bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            if (try? SWIM.WireCodec.decodePushPull(bytes)) != nil { decoded += 1 }
        }
        #expect(decoded < 5_000)
    }
}

@Suite("SWIM push-pull stream framing")
struct PushPullFramingTests {
    @Test("a framed state parses fed one byte at a time and all at once, with pipelined bytes kept")
    func byteAtATime() throws {
        let group = try makeGroup(4)
        let state = group[1].makePushPullState(join: true)
        let frame = try SWIM.WireCodec.encodeFrame(state)
        var buffer: [UInt8] = []
        var parsed: (state: SWIM.PushPullState, consumed: Int)?
        for byte in frame {
            #expect(parsed?.consumed == nil)
            buffer.append(byte)
            parsed = try SWIM.WireCodec.decodeFrame(buffer)
        }
        #expect(parsed?.state == state)
        #expect(parsed?.consumed == frame.count)
        let pipelined = try #require(try SWIM.WireCodec.decodeFrame(frame + [1, 2, 3]))
        #expect(pipelined.state == state)
        #expect(pipelined.consumed == frame.count)
    }

    @Test("an oversized declared length is refused before the body arrives; a bad body throws")
    func limits() throws {
        #expect(throws: ShoalError(.limitExceeded, "")) { try SWIM.WireCodec.decodeFrame([0x01, 0x00, 0x00, 0x01]) }
        #expect(throws: ShoalError(.malformedInput, "")) { try SWIM.WireCodec.decodeFrame([0, 0, 0, 2, 9, 9]) }
        #expect(try SWIM.WireCodec.decodeFrame([0, 0])?.consumed == nil)
    }
}
