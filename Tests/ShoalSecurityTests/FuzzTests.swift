import ShoalCore
import ShoalCrypto
import ShoalSecurity
import Testing

/// Seeded fuzzing: random and mutated inputs must give either a result or a `ShoalError`, never a crash.
@Suite("Fuzzing the Noise decoders")
struct FuzzTests {
    static let iterations = 20_000

    /// Flips, inserts, deletes or overwrites a few bytes, or truncates.
    private static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !out.isEmpty:
                out[Int.random(in: 0..<out.count, using: &rng)] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1 where !out.isEmpty:
                out[Int.random(in: 0..<out.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 2:
                out.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...out.count, using: &rng))
            case 3 where !out.isEmpty:
                out.remove(at: Int.random(in: 0..<out.count, using: &rng))
            case 4:
                out = Array(out.prefix(Int.random(in: 0...out.count, using: &rng)))
            default:
                // Rewrite a length prefix (the first two bytes).
                if out.count >= 2 {
                    out[0] = UInt8.random(in: 0...1, using: &rng)
                    out[1] = UInt8.random(in: 0...255, using: &rng)
                }
            }
        }
        return out
    }

    /// Feeds `bytes` in random chunks; returns whether it completed, and fails the test on a non-ShoalError.
    private static func feed(_ bytes: [UInt8], to machine: inout NoiseHandshake, _ rng: inout SplitMix64) {
        var offset = 0
        do {
            while offset < bytes.count {
                let end = Swift.min(bytes.count, offset + Int.random(in: 1...80, using: &rng))
                if try machine.receive(bytes[offset..<end]).result != nil { return }
                offset = end
            }
        } catch is ShoalError {
            return
        } catch {
            Issue.record("non-Shoal error \(error)")
        }
    }

    @Test("the responder survives 20,000 random and mutated handshakes")
    func responder() throws {
        // A deterministic valid transcript: fixed keys on both sides.
        let initiatorIdentity = try PrivateKey(ed25519Seed: [UInt8](repeating: 1, count: 32))
        let responderIdentity = try PrivateKey(ed25519Seed: [UInt8](repeating: 2, count: 32))
        let responderConfig = NoiseHandshake.Configuration(
            identity: responderIdentity,
            staticKey: try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 3, count: 32)),
            ephemeralKey: try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 4, count: 32))
        )
        var initiator = NoiseHandshake(
            role: .initiator,
            configuration: .init(
                identity: initiatorIdentity,
                staticKey: try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 5, count: 32)),
                ephemeralKey: try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 6, count: 32))
            )
        )
        var responder = NoiseHandshake(role: .responder, configuration: responderConfig)
        let message1 = try initiator.start()
        let message2 = try responder.receive(message1).bytesToSend
        let step3 = try initiator.receive(message2)
        var transport = try #require(step3.result).transport
        let valid = message1 + step3.bytesToSend + (try transport.encrypt(Array("after".utf8)))
        // The valid transcript completes (so mutations explore deep states).
        var check = NoiseHandshake(role: .responder, configuration: responderConfig)
        var checkRNG = SplitMix64(seed: 1)
        Self.feed(valid, to: &check, &checkRNG)
        #expect(check.isComplete)

        var rng = SplitMix64(seed: 0x5eed_0001)
        var completed = 0
        for i in 0..<Self.iterations {
            let input: [UInt8]
            switch i % 4 {
            case 0: input = rng.bytes(Int.random(in: 0..<300, using: &rng))
            case 1: input = [0x00, 0x20] + rng.bytes(Int.random(in: 0..<300, using: &rng))
            default: input = Self.mutate(valid, &rng)
            }
            var machine = NoiseHandshake(role: .responder, configuration: responderConfig)
            Self.feed(input, to: &machine, &rng)
            if machine.isComplete { completed += 1 }
        }
        // Some mutations only touch the trailing transport frame; most break the handshake.
        #expect(completed < Self.iterations / 2)
    }

    @Test("the transport decoder survives 20,000 random and mutated frame streams")
    func transport() throws {
        let k1 = SecureBytes([UInt8](repeating: 8, count: 32))
        let k2 = SecureBytes([UInt8](repeating: 9, count: 32))
        var sender = NoiseTransport(sender: NoiseCipherState(key: k1), receiver: NoiseCipherState(key: k2))
        let fresh = NoiseTransport(sender: NoiseCipherState(key: k2), receiver: NoiseCipherState(key: k1))
        var valid: [UInt8] = []
        for size in [0, 5, 40, 300, 17] {
            try sender.encrypt([UInt8](repeating: 0x61, count: size), appendingTo: &valid)
        }

        var rng = SplitMix64(seed: 0x5eed_0002)
        var intact = 0
        for i in 0..<Self.iterations {
            let input = i % 3 == 0 ? rng.bytes(Int.random(in: 0..<200, using: &rng)) : Self.mutate(valid, &rng)
            var receiver = fresh
            var plain: [UInt8] = []
            var offset = 0
            do {
                while offset < input.count {
                    let end = Swift.min(input.count, offset + Int.random(in: 1...64, using: &rng))
                    if i % 2 == 0 {
                        try receiver.decrypt(input[offset..<end], appendingTo: &plain)
                    } else {
                        try receiver.feed(input[offset..<end])
                        while let p = try receiver.nextPlaintext() { plain += p }
                    }
                    offset = end
                }
                if input == valid { intact += 1 }
            } catch is ShoalError {
                continue
            } catch {
                Issue.record("non-Shoal error \(error)")
            }
            // Whatever decrypted is a prefix of the real plaintext (authenticated encryption).
            #expect(plain.allSatisfy { $0 == 0x61 })
        }
        _ = intact
    }

    @Test("the PSK key-file parser and the pnet decoder survive 20,000 random and mutated inputs")
    func privateNetwork() throws {
        let valid = Array(PreSharedKey.random().keyFileText.utf8)
        var rng = SplitMix64(seed: 0x5eed_0003)
        var parsed = 0
        for i in 0..<Self.iterations {
            let input = i % 4 == 0 ? rng.bytes(Int.random(in: 0..<150, using: &rng)) : Self.mutate(valid, &rng)
            do {
                _ = try PreSharedKey(keyFile: input)
                parsed += 1
            } catch is ShoalError {
                continue
            } catch {
                Issue.record("non-Shoal error \(error)")
            }
        }
        #expect(parsed < Self.iterations)
        // The pnet decoder accepts any bytes: whatever arrives after 24 bytes is decrypted, in any chunking.
        let psk = PreSharedKey.random()
        var sender = try PrivateNetworkConnection(psk: psk)
        let wire = sender.start() + sender.encrypt(rng.bytes(500))
        var whole = try PrivateNetworkConnection(psk: psk)
        let expected = whole.decrypt(wire)
        for _ in 0..<200 {
            var receiver = try PrivateNetworkConnection(psk: psk)
            var got: [UInt8] = []
            var offset = 0
            while offset < wire.count {
                let end = Swift.min(wire.count, offset + Int.random(in: 0...40, using: &rng))
                got += receiver.decrypt(wire[offset..<end])
                offset = end
            }
            #expect(got == expected)
        }
    }
}
