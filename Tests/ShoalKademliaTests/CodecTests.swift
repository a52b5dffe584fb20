import ShoalCore
import ShoalKademlia
import Testing

@Suite("Message codec")
struct CodecTests {
    static func sampleMessages() throws -> [KadMessage] {
        var rng = SplitMix64(seed: 21)
        let a = randomPeerID(&rng)
        let b = randomPeerID(&rng)
        return [
            KadMessage(
                type: .findNode,
                key: a.bytes,
                closerPeers: [peerInfo(a), KadPeerInfo(id: b, connection: .connected)]
            ),
            KadMessage(
                type: .putValue,
                key: Array("/pk/x".utf8),
                record: KadRecord(key: Array("/pk/x".utf8), value: [1, 2, 3])
            ),
            KadMessage(
                type: .getValue,
                key: [9],
                record: KadRecord(key: [9], value: [], timeReceived: "2026-11-26T00:00:00Z")
            ),
            KadMessage(
                type: .addProvider,
                key: [0x12, 0x20] + rng.bytes(32),
                providerPeers: [peerInfo(b, address: 7)]
            ),
            KadMessage(type: .getProviders, key: [1, 2], closerPeers: [peerInfo(a)], providerPeers: [peerInfo(b)]),
            KadMessage(type: .ping, clusterLevelRaw: 3),
            KadMessage(type: .unknown(42), key: [1]),
        ]
    }

    @Test("messages round-trip through the codec, whole and framed")
    func roundTrip() throws {
        let codec = KadMessageCodec()
        for message in try Self.sampleMessages() {
            #expect(try codec.decode(codec.encode(message)) == message)
            var decoder = KadFrameDecoder()
            try decoder.append(codec.encodeFrame(message))
            #expect(try decoder.nextMessage() == message)
            #expect(try decoder.nextMessage() == nil)
        }
    }

    @Test("frames fed one byte at a time decode the same, several in a row")
    func byteAtATime() throws {
        let codec = KadMessageCodec()
        let messages = try Self.sampleMessages()
        let stream = try messages.flatMap { try codec.encodeFrame($0) }
        var decoder = KadFrameDecoder()
        var decoded: [KadMessage] = []
        for byte in stream {
            try decoder.append([byte])
            while let message = try decoder.nextMessage() { decoded.append(message) }
        }
        #expect(decoded == messages)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test("proto3 defaults: PUT_VALUE and NOT_CONNECTED are absent on the wire and decode from absence")
    func proto3Defaults() throws {
        let codec = KadMessageCodec()
        let put = try codec.encode(KadMessage(type: .putValue, key: [7]))
        #expect(put == [0x12, 0x01, 0x07])  // only field 2 (key)
        #expect(try codec.decode([]).type == .putValue)
        #expect(try codec.decode([]) == KadMessage(type: .putValue))
        var rng = SplitMix64(seed: 1)
        let id = randomPeerID(&rng)
        let withPeer = try codec.encode(KadMessage(type: .findNode, closerPeers: [KadPeerInfo(id: id)]))
        // 08 04 (FIND_NODE) then 42 len (0a 22 <id>) and no connection field.
        #expect(withPeer == [0x08, 0x04, 0x42, 0x24, 0x0a, 0x22] + id.bytes)
        #expect(try codec.decode(withPeer).closerPeers[0].connection == .notConnected)
    }

    @Test("unknown fields (rust's Record.publisher = 666, ttl = 777, a new Message field) are skipped")
    func unknownFieldsSkipped() throws {
        // Record { key = "k"; value = "v"; 666: bytes "p"; 777: varint 60 }
        let record: [UInt8] = [0x0a, 0x01, 0x6b, 0x12, 0x01, 0x76] + [0xd2, 0x29, 0x01, 0x70] + [0xc8, 0x30, 0x3c]
        // Message { type = GET_VALUE; key = "k"; record; 15: varint 1; 20: fixed32 }
        var body: [UInt8] = [0x08, 0x01, 0x12, 0x01, 0x6b, 0x1a, UInt8(record.count)] + record
        body += [0x78, 0x01, 0xa5, 0x01, 1, 2, 3, 4]
        let message = try KadMessageCodec().decode(body)
        #expect(message == KadMessage(type: .getValue, key: [0x6b], record: KadRecord(key: [0x6b], value: [0x76])))
    }

    @Test("a peer entry with a malformed id is dropped and counted, the rest is kept")
    func malformedPeerDropped() throws {
        var rng = SplitMix64(seed: 2)
        let good = randomPeerID(&rng)
        // closerPeers: { id = 01 02 } and { id = good }
        let body: [UInt8] = [0x08, 0x04, 0x42, 0x04, 0x0a, 0x02, 0x01, 0x02, 0x42, 0x24, 0x0a, 0x22] + good.bytes
        let (message, dropped) = try KadMessageCodec().decodeCountingDroppedPeers(body)
        #expect(dropped == 1)
        #expect(message.closerPeers.map(\.id) == [good])
    }

    @Test("malformed protobuf is rejected with malformedInput")
    func malformedRejected() {
        let codec = KadMessageCodec()
        for bad: [UInt8] in [[0x08], [0x12, 0x05, 1], [0x0f], [0x1a, 0x02, 0x0a, 0x05], [0xff, 0xff, 0xff]] {
            #expect(throws: ShoalError(.malformedInput, "")) { try codec.decode(bad) }
        }
    }

    @Test("oversize bodies, frames and keys are rejected with limitExceeded")
    func limits() throws {
        let small = KadMessageCodec(maximumMessageSize: 64, maximumKeyLength: 8)
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try small.encode(KadMessage(type: .findNode, key: [UInt8](repeating: 1, count: 9)))
        }
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try small.encode(
                KadMessage(type: .ping, record: KadRecord(key: [], value: [UInt8](repeating: 0, count: 100)))
            )
        }
        let longKey = try KadMessageCodec().encode(KadMessage(type: .getValue, key: [UInt8](repeating: 1, count: 9)))
        #expect(throws: ShoalError(.limitExceeded, "")) { try small.decode(longKey) }
        #expect(throws: ShoalError(.limitExceeded, "")) { try small.decode([UInt8](repeating: 0, count: 65)) }
        // A length prefix above the cap is refused before the body arrives.
        var decoder = KadFrameDecoder(codec: small)
        try decoder.append([0x41])
        #expect(throws: ShoalError(.limitExceeded, "")) { try decoder.nextFrame() }
        // The default accepts 4 MiB and refuses one byte more.
        var big = KadFrameDecoder()
        try big.append(KadVarintBytes.encode(4 << 20))
        #expect(try big.nextFrame() == nil)
        var tooBig = KadFrameDecoder()
        try tooBig.append(KadVarintBytes.encode((4 << 20) + 1))
        #expect(throws: ShoalError(.limitExceeded, "")) { try tooBig.nextFrame() }
        // The buffer itself is bounded.
        var flooded = KadFrameDecoder(codec: small)
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try flooded.append([UInt8](repeating: 0, count: 64 + 9 + KadFrameDecoder.bufferSlack + 1))
        }
    }

    @Test("non-minimal and over-long length prefixes are malformed")
    func badPrefixes() throws {
        for prefix: [UInt8] in [[0x81, 0x00], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]] {
            var decoder = KadFrameDecoder()
            try decoder.append(prefix)
            #expect(throws: ShoalError(.malformedInput, "")) { try decoder.nextFrame() }
        }
    }

    @Test("seeded fuzz: 60,000 random and mutated inputs never crash the decoder")
    func fuzz() throws {
        var rng = SplitMix64(seed: 0xF022)
        let codec = KadMessageCodec(maximumMessageSize: 4096)
        let seeds = try Self.sampleMessages().map { try codec.encodeFrame($0) }
        var decodedCount = 0
        var rejected = 0
        for round in 0..<60_000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = rng.bytes(Int.random(in: 0...64, using: &rng))
            } else {
                input = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
                for _ in 0..<Int.random(in: 1...4, using: &rng) where !input.isEmpty {
                    let index = Int.random(in: 0..<input.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: input[index] = UInt8.random(in: 0...255, using: &rng)
                    case 1: input.remove(at: index)
                    default: input.insert(UInt8.random(in: 0...255, using: &rng), at: index)
                    }
                }
            }
            var decoder = KadFrameDecoder(codec: codec)
            do {
                try decoder.append(input)
                while let message = try decoder.nextMessage() {
                    decodedCount += 1
                    // Whatever decodes re-encodes and decodes to the same message.
                    #expect(try codec.decode(codec.encode(message)) == message)
                }
            } catch let error as ShoalError {
                #expect(error.code == .malformedInput || error.code == .limitExceeded)
                rejected += 1
            }
        }
        #expect(decodedCount > 1_000 && rejected > 1_000)
    }
}

/// Varint encoding for tests (the module's own is internal).
enum KadVarintBytes {
    static func encode(_ value: Int) -> [UInt8] {
        var rest = UInt64(value)
        var out: [UInt8] = []
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
        return out
    }
}
