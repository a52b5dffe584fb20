import ShoalCore
import Testing

@testable import ShoalWire

@Suite("Unsigned varint")
struct VarintTests {
    @Test("encodes the multiformats examples")
    func examples() {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]), (1, [0x01]), (127, [0x7f]), (128, [0x80, 0x01]), (255, [0xff, 0x01]),
            (300, [0xac, 0x02]), (16384, [0x80, 0x80, 0x01]),
        ]
        for (value, bytes) in cases {
            #expect(Varint.encode(value) == bytes)
            let decoded = try? Varint.decode(bytes[...])
            #expect(decoded?.value == value)
            #expect(decoded?.length == bytes.count)
        }
    }

    @Test("returns nil on a truncated varint, one byte at a time")
    func truncated() throws {
        let bytes = Varint.encode(16384)
        for n in 0..<bytes.count {
            #expect(try Varint.decode(bytes[0..<n]) == nil)
        }
    }

    @Test("rejects non-minimal and overlong encodings")
    func rejects() {
        #expect(throws: ShoalError(.malformedInput, "")) { try Varint.decode([0x80, 0x00][...]) }
        #expect(throws: ShoalError(.malformedInput, "")) { try Varint.decode([0x81, 0x80, 0x00][...]) }
        #expect(throws: ShoalError(.malformedInput, "")) {
            try Varint.decode([0x80, 0x80, 0x80, 0x01][...], maximumLength: 3)
        }
        #expect(throws: ShoalError(.malformedInput, "")) {
            try Varint.decode([UInt8](repeating: 0xff, count: 10)[...])
        }
    }
}
