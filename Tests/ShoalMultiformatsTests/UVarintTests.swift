import ShoalMultiformats
import Testing

@Suite("UVarint")
struct UVarintTests {
    /// wire.md §1.1 examples, plus the 9-byte maximum.
    static let vectors: [(UInt64, String)] = [
        (0, "00"), (1, "01"), (127, "7f"), (128, "8001"), (255, "ff01"), (300, "ac02"), (16384, "808001"),
        (0x01a5, "a503"), (273, "9102"), (UVarint.maximumValue, "ffffffffffffffff7f"),
    ]

    @Test("encodes the wire.md examples", arguments: vectors)
    func encodes(value: UInt64, expected: String) {
        #expect(hexString(UVarint.encode(value)) == expected)
        #expect(UVarint.encodedLength(value) == expected.count / 2)
    }

    @Test("decodes the wire.md examples all at once and leaves trailing bytes", arguments: vectors)
    func decodes(value: UInt64, encoded: String) throws {
        let bytes = hex(encoded) + [0xee, 0x01]
        let result = try #require(try UVarint.decode(bytes))
        #expect(result.value == value)
        #expect(result.bytesConsumed == encoded.count / 2)
    }

    @Test("decodes byte by byte: nil until the last byte", arguments: vectors)
    func decodesIncrementally(value: UInt64, encoded: String) throws {
        let bytes = hex(encoded)
        for length in 0..<bytes.count {
            #expect(try UVarint.decode(bytes[..<length]) == nil)
        }
        let result = try #require(try UVarint.decode(bytes[...]))
        #expect(result.value == value)
    }

    @Test("decodes from a slice that does not start at index 0")
    func decodesFromSlice() throws {
        let bytes: [UInt8] = [0xff, 0xff, 0xac, 0x02]
        let result = try #require(try UVarint.decode(bytes[2...]))
        #expect(result.value == 300)
        #expect(result.bytesConsumed == 2)
    }

    @Test(
        "rejects non-minimal encodings",
        arguments: ["8000", "ff00", "808000", "ac8000", "808080808080808000"]
    )
    func rejectsNonMinimal(encoded: String) {
        let error = expectFailure { () throws(MultiformatsError) in try UVarint.decode(hex(encoded)) }
        #expect(error?.code == .nonMinimal)
    }

    @Test("rejects varints longer than 9 bytes")
    func rejectsOverflow() throws {
        let ten: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        #expect(expectFailure { () throws(MultiformatsError) in try UVarint.decode(ten) }?.code == .overflow)
        // Nine continuation bytes can never complete: overflow, not "need more".
        let nine = [UInt8](repeating: 0x80, count: 9)
        #expect(expectFailure { () throws(MultiformatsError) in try UVarint.decode(nine) }?.code == .overflow)
        // Eight continuation bytes may still complete.
        #expect(try UVarint.decode([UInt8](repeating: 0x80, count: 8)) == nil)
    }

    @Test("decodeComplete reports truncation")
    func decodeCompleteTruncated() {
        let error = expectFailure { () throws(MultiformatsError) in try UVarint.decodeComplete([0x80, 0x80]) }
        #expect(error?.code == .truncated)
        #expect(
            expectFailure { () throws(MultiformatsError) in try UVarint.decodeComplete([UInt8]()) }?.code == .truncated
        )
    }

    @Test("round-trips random values of every length")
    func roundTrips() throws {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<20_000 {
            let bits = UInt64.random(in: 0...63, using: &rng)
            let value = bits == 0 ? 0 : rng.next() >> (64 - bits)
            let encoded = UVarint.encode(value)
            #expect(encoded.count == UVarint.encodedLength(value))
            let decoded = try #require(try UVarint.decode(encoded))
            #expect(decoded.value == value && decoded.bytesConsumed == encoded.count)
        }
    }
}
