import ShoalCore
import Testing

@testable import ShoalWire

@Suite("Multistream message codec")
struct MultistreamMessageTests {
    @Test("encodes the wire.md vectors")
    func vectors() throws {
        #expect(MultistreamMessage.encode("/multistream/1.0.0") == hex("13 2f6d756c746973747265616d2f312e302e30 0a"))
        #expect(MultistreamMessage.encode("/noise") == hex("07 2f6e6f697365 0a"))
        #expect(MultistreamMessage.encode("/yamux/1.0.0") == hex("0d 2f79616d75782f312e302e30 0a"))
        #expect(MultistreamMessage.encode("/ipfs/id/1.0.0") == hex("0f 2f697066732f69642f312e302e30 0a"))
        #expect(MultistreamMessage.encode("na") == hex("03 6e61 0a"))
        #expect(MultistreamMessage.encode("ls") == hex("03 6c73 0a"))
        let decoded = try #require(try MultistreamMessage.decode(hex("07 2f6e6f697365 0a ff ff")[...]))
        #expect(decoded.text == "/noise")
        #expect(decoded.consumed == 8)
    }

    @Test("uses a two-byte length above 127 bytes")
    func longMessage() throws {
        let text = "/" + String(repeating: "a", count: 200)
        let bytes = MultistreamMessage.encode(text)
        #expect(bytes.prefix(2) == [0xca, 0x01])
        let decoded = try #require(try MultistreamMessage.decode(bytes[...]))
        #expect(decoded.text == text)
    }

    @Test("returns nil until the whole message has arrived")
    func partial() throws {
        let bytes = MultistreamMessage.encode("/yamux/1.0.0")
        for n in 0..<bytes.count {
            #expect(try MultistreamMessage.decode(bytes[0..<n]) == nil)
        }
    }

    @Test("rejects an announced length above the maximum before the bytes arrive")
    func tooLong() {
        let length = Varint.encode(1025)
        #expect(throws: ShoalError(.limitExceeded, "")) { try MultistreamMessage.decode(length[...]) }
        let small = MultistreamMessage.encode("/" + String(repeating: "x", count: 40))
        #expect(throws: ShoalError(.limitExceeded, "")) { try MultistreamMessage.decode(small[...], maximumLength: 30) }
    }

    @Test("rejects a missing newline, an empty message, bad UTF-8 and a bad varint")
    func malformed() {
        #expect(throws: ShoalError(.malformedInput, "")) { try MultistreamMessage.decode(hex("03 6e61 20")[...]) }
        #expect(throws: ShoalError(.malformedInput, "")) { try MultistreamMessage.decode(hex("00")[...]) }
        #expect(throws: ShoalError(.malformedInput, "")) { try MultistreamMessage.decode(hex("03 ff fe 0a")[...]) }
        #expect(throws: ShoalError(.malformedInput, "")) { try MultistreamMessage.decode(hex("83 00")[...]) }
    }
}
