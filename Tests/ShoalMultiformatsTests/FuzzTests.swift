import ShoalMultiformats
import Testing

/// Seeded fuzzing: every decoder gets at least 100,000 random or mutated inputs per run and must return a value or
/// throw a ``MultiformatsError`` (typed throws: nothing else can escape), never trap. Inputs that decode must
/// re-encode to what was decoded. Seeds are fixed, so a failure reproduces.
@Suite("Fuzzing")
struct FuzzTests {
    static let iterations = 100_000

    /// Counts outcomes so each fuzzer is known to reach both the success and the error paths.
    struct Tally {
        var accepted = 0
        var rejected = 0
    }

    @Test("uvarint")
    func uvarint() {
        var rng = SplitMix64(seed: 0x5511)
        var tally = Tally()
        for _ in 0..<Self.iterations {
            // Bytes biased towards the interesting ones: zero groups and continuation bits.
            var input: [UInt8] = []
            for _ in 0..<rng.int(in: 0...11) {
                switch rng.below(4) {
                case 0: input.append(0x00)
                case 1: input.append(0x80)
                default: input.append(rng.byte())
                }
            }
            do {
                if let (value, used) = try UVarint.decode(input) {
                    tally.accepted += 1
                    if UVarint.encode(value) != Array(input[..<used]) {
                        Issue.record("uvarint \(hexString(input)) does not re-encode")
                    }
                }
            } catch {
                tally.rejected += 1
            }
        }
        #expect(tally.accepted > 1000 && tally.rejected > 1000)
    }

    @Test("multibase, every base", arguments: Multibase.Base.allCases)
    func multibase(base: Multibase.Base) {
        var rng = SplitMix64(seed: 0x3300 &+ UInt64(Multibase.Base.allCases.firstIndex(of: base)!))
        var tally = Tally()
        let prefix = UInt8(ascii: base.prefix.unicodeScalars.first!)
        let alphabet = Array(Multibase.encode([UInt8](0...255), as: base).utf8.dropFirst())
        let pool = (0..<256).map { _ in Array(Multibase.encode(rng.bytes(upTo: 24), as: base).utf8) }
        for iteration in 0..<Self.iterations {
            var text: [UInt8]
            if iteration % 2 == 0 {
                text = rng.mutate(pool[iteration / 2 % pool.count])
            } else {
                // Characters mostly from the base's alphabet, sometimes anything.
                text = [prefix]
                for _ in 0..<rng.int(in: 0...40) {
                    text.append(rng.below(16) == 0 ? rng.byte() & 0x7f : rng.pick(alphabet))
                }
            }
            let string = String(decoding: text, as: UTF8.self)
            do {
                let (decodedBase, bytes) = try Multibase.decodeWithBase(string)
                tally.accepted += 1
                if Multibase.encode(bytes, as: decodedBase) != string {
                    Issue.record("\(string) decodes but does not re-encode identically")
                }
            } catch {
                tally.rejected += 1
            }
        }
        #expect(tally.accepted > 100 && tally.rejected > 100, "\(base): \(tally)")
    }

    @Test("multihash")
    func multihash() {
        var rng = SplitMix64(seed: 0x4411)
        var tally = Tally()
        let seeds = [
            hex("0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"),
            hex("1220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b"),
        ]
        for iteration in 0..<Self.iterations {
            let input = iteration % 2 == 0 ? rng.mutate(seeds[iteration % 4 / 2]) : rng.bytes(upTo: 40)
            do {
                if let (multihash, used) = try Multihash.decode(input) {
                    tally.accepted += 1
                    if multihash.bytes != Array(input[..<used]) {
                        Issue.record("multihash \(hexString(input)) does not re-encode")
                    }
                }
            } catch {
                tally.rejected += 1
            }
        }
        #expect(tally.accepted > 1000 && tally.rejected > 1000, "\(tally)")
    }

    @Test("multiaddr binary")
    func multiaddrBinary() {
        var rng = SplitMix64(seed: 0x6611)
        var tally = Tally()
        let seeds = validMultiaddrs.map { hex($0.hex) }
        for iteration in 0..<Self.iterations {
            let input: [UInt8]
            switch iteration % 3 {
            case 0: input = rng.mutate(rng.pick(seeds))
            case 1: input = rng.pick(seeds) + rng.mutate(rng.pick(seeds))
            default: input = rng.bytes(upTo: 48)
            }
            do {
                let address = try Multiaddr(bytes: input)
                tally.accepted += 1
                check(address, input: hexString(input))
            } catch {
                tally.rejected += 1
            }
        }
        #expect(tally.accepted > 1000 && tally.rejected > 1000, "\(tally)")
    }

    @Test("multiaddr text")
    func multiaddrText() {
        var rng = SplitMix64(seed: 0x7711)
        var tally = Tally()
        let seeds = validMultiaddrs.map(\.text)
        let tokens = seeds.flatMap { $0.split(separator: "/").map(String.init) } + ["", "ipfs", "99999", "::", "%"]
        for iteration in 0..<Self.iterations {
            let text: String
            switch iteration % 3 {
            case 0:
                text = String(decoding: rng.mutate(Array(rng.pick(seeds).utf8)), as: UTF8.self)
            case 1:
                let count = rng.int(in: 0...8)
                text = "/" + (0..<count).map { _ in rng.pick(tokens) }.joined(separator: "/")
            default:
                text = String(decoding: rng.bytes(upTo: 24).map { $0 & 0x7f }, as: UTF8.self)
            }
            do {
                let address = try Multiaddr(text)
                tally.accepted += 1
                check(address, input: text)
            } catch {
                tally.rejected += 1
            }
        }
        #expect(tally.accepted > 1000 && tally.rejected > 1000, "\(tally)")
    }

    @Test("CID text and binary")
    func cid() throws {
        var rng = SplitMix64(seed: 0x8811)
        var textTally = Tally()
        var binaryTally = Tally()
        let seeds = try [
            CID("bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6"),
            CID("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"),
            CID("bafybeigalb34xlqdtvyklzqa5ibmn6pssqsdskc4ty2e4jxy2kamquh22y"),
        ]
        let texts = seeds.flatMap { seed in Multibase.Base.allCases.map { Array(seed.string(base: $0).utf8) } }
        let binaries = seeds.map(\.bytes)
        for iteration in 0..<Self.iterations {
            let text = String(decoding: rng.mutate(texts[iteration % texts.count]), as: UTF8.self)
            do {
                let cid = try CID(text)
                textTally.accepted += 1
                if try CID(cid.description) != cid || CID(bytes: cid.bytes) != cid {
                    Issue.record("CID \(text) does not round-trip")
                }
            } catch {
                textTally.rejected += 1
            }
            let bytes = iteration % 2 == 0 ? rng.mutate(binaries[iteration / 2 % 3]) : rng.bytes(upTo: 40)
            do {
                let cid = try CID(bytes: bytes)
                binaryTally.accepted += 1
                if cid.bytes != bytes {
                    Issue.record("CID \(hexString(bytes)) does not re-encode")
                }
            } catch {
                binaryTally.rejected += 1
            }
        }
        #expect(textTally.accepted > 1000 && textTally.rejected > 1000, "\(textTally)")
        #expect(binaryTally.accepted > 100 && binaryTally.rejected > 1000, "\(binaryTally)")
    }

    @Test("random valid multiaddrs round-trip through bytes and text")
    func multiaddrRoundTrip() throws {
        var rng = SplitMix64(seed: 0x9911)
        for _ in 0..<20_000 {
            var components: [Multiaddr.Component] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                components.append(try randomComponent(&rng, allowPath: false))
            }
            if Int.random(in: 0..<8, using: &rng) == 0 {
                components.append(try randomComponent(&rng, allowPath: true, forcePath: true))
            }
            let address = try Multiaddr(components: components)
            let fromBytes = try Multiaddr(bytes: address.bytes)
            let fromText = try Multiaddr(address.description)
            if fromBytes != address || fromText != address || fromText.components != components {
                Issue.record("round trip failed for \(address) (\(hexString(address.bytes)))")
            }
        }
    }

    // MARK: - Helpers

    /// Properties of every successfully decoded multiaddr.
    private func check(_ address: Multiaddr, input: String) {
        guard let reparsed = try? Multiaddr(address.description), reparsed == address else {
            Issue.record("\(input): text \(address.description) does not parse back to the same bytes")
            return
        }
        if address.components.flatMap(\.bytes) != address.bytes {
            Issue.record("\(input): components do not concatenate to the bytes")
        }
    }

    private func randomComponent(
        _ rng: inout SplitMix64,
        allowPath: Bool,
        forcePath: Bool = false
    ) throws -> Multiaddr.Component {
        let candidates = MultiaddrProtocol.all.filter { $0.isPath == forcePath && (allowPath || !$0.isPath) }
        let proto = candidates.randomElement(using: &rng)!
        let name = Array("abcdefghijklmnopqrstuvwxyz0123456789-.".utf8)
        switch proto {
        case .ip4, .ip6, .tcp, .udp, .dccp, .sctp, .ipcidr, .memory, .httpPath:
            let count: Int
            if case .fixed(let size) = proto.size { count = size } else { count = Int.random(in: 1...20, using: &rng) }
            return try Multiaddr.Component(proto, value: rng.bytes(count))
        case .onion, .onion3:
            var value = rng.bytes(proto == .onion ? 12 : 37)
            value[value.count - 1] |= 1
            return try Multiaddr.Component(proto, value: value)
        case .ip6zone, .dns, .dns4, .dns6, .dnsaddr, .sni:
            return try Multiaddr.Component(
                proto,
                value: (0..<Int.random(in: 1...30, using: &rng)).map { _ in name.randomElement(using: &rng)! }
            )
        case .unix:
            let segments = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                "/"
                    + String(
                        decoding: (0..<Int.random(in: 1...8, using: &rng)).map { _ in name.randomElement(using: &rng)!
                        },
                        as: UTF8.self
                    )
            }
            return try Multiaddr.Component(proto, value: Array(segments.joined().utf8))
        case .p2p, .certhash:
            let sha = Bool.random(using: &rng)
            let digest = rng.bytes(sha ? 32 : Int.random(in: 0...42, using: &rng))
            return try Multiaddr.Component(
                proto,
                value: Multihash(code: sha ? .sha2_256 : .identity, digest: digest).bytes
            )
        default:
            return try Multiaddr.Component(proto)
        }
    }
}
