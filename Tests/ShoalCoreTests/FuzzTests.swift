import ShoalCore
import ShoalCrypto
import Testing

@Suite("Decoder fuzzing: keys, peer IDs, signed records")
struct CoreFuzzTests {
    static func mutate(_ seed: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        switch rng.next() % 4 {
        case 0:
            return (0..<Int(rng.next() % 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case 1:
            if !bytes.isEmpty { bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 << (rng.next() % 8)) }
        case 2:
            bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
        default:
            bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(bytes.count + 1)))
        }
        return bytes
    }

    @Test("100,000 random and mutated inputs per decoder: values or ShoalErrors, never a crash")
    func fuzzDecoders() {
        var rng = SplitMix64(seed: 0x5EED)
        let key = PrivateKey()
        let seeds: [[UInt8]] = [key.publicKey.protobufBytes, key.peerID.bytes, key.protobufBytes.bytes]
        var decoded = [0, 0, 0, 0]
        var rejected = [0, 0, 0, 0]
        for i in 0..<100_000 {
            let input = Self.mutate(seeds[i % seeds.count], &rng)
            if (try? PublicKey(protobufBytes: input)) != nil { decoded[0] += 1 } else { rejected[0] += 1 }
            if (try? PeerID(bytes: input)) != nil { decoded[1] += 1 } else { rejected[1] += 1 }
            if (try? PrivateKey(protobufBytes: input)) != nil { decoded[2] += 1 } else { rejected[2] += 1 }
            let text = String(decoding: input, as: UTF8.self)
            if (try? PeerID(parsing: text)) != nil { decoded[3] += 1 } else { rejected[3] += 1 }
        }
        // Each decoder both accepted and rejected something: the mutations reach the valid and invalid paths.
        #expect(decoded[0] > 0 && rejected[0] > 0)
        #expect(decoded[1] > 0 && rejected[1] > 0)
        #expect(decoded[2] > 0 && rejected[2] > 0)
        #expect(rejected[3] > 0)
    }

    @Test("signed-record envelopes: 20,000 mutations decode or fail with ShoalError")
    func fuzzEnvelopes() throws {
        var rng = SplitMix64(seed: 7)
        let record = SignedPeerRecord(key: PrivateKey(), addresses: [], sequence: 1).envelopeBytes
        var rejected = 0
        for _ in 0..<20_000 {
            do { _ = try SignedPeerRecord(envelopeBytes: Self.mutate(record, &rng)) } catch is ShoalError {
                rejected += 1
            }
        }
        #expect(rejected > 10_000)
    }
}
