import ShoalCore
import Testing

@Suite("PublicKey protobuf decoding: canonical fast path and the general decoder agree")
struct PublicKeyDecodingTests {
    let key = PrivateKey().publicKey

    @Test("the canonical encoding round-trips for Ed25519")
    func canonicalEd25519() throws {
        let decoded = try PublicKey(protobufBytes: key.protobufBytes)
        #expect(decoded == key)
        #expect(PeerID(publicKey: decoded) == PeerID(publicKey: key))
    }

    @Test("a two-byte length (an RSA-sized DER key) is read on the fast path too")
    func twoByteLength() throws {
        let der: [UInt8] = [0x30] + [UInt8](repeating: 0x42, count: 299)
        let bytes: [UInt8] = [0x08, 0x00, 0x12, 0xAC, 0x02] + der
        let decoded = try PublicKey(protobufBytes: bytes)
        #expect(decoded.type == .rsa && decoded.data == der)
        #expect(decoded.protobufBytes == bytes)
    }

    @Test("fields in the other order or a non-minimal length decode to the same key (general decoder)")
    func nonCanonical() throws {
        let swapped: [UInt8] = [0x12, 0x20] + key.data + [0x08, 0x01]
        #expect(try PublicKey(protobufBytes: swapped) == key)
        let longLength: [UInt8] = [0x08, 0x01, 0x12, 0xA0, 0x00] + key.data
        #expect(try PublicKey(protobufBytes: longLength) == key)
    }

    @Test("bad input is refused with the same codes as before: unknown type, wrong size, trailing bytes")
    func badInput() throws {
        let unknownType: [UInt8] = [0x08, 0x07, 0x12, 0x20] + key.data
        #expect(throws: ShoalError.self) { _ = try PublicKey(protobufBytes: unknownType) }
        let short: [UInt8] = [0x08, 0x01, 0x12, 0x1F] + key.data.prefix(31)
        #expect {
            _ = try PublicKey(protobufBytes: short)
        } throws: { ($0 as? ShoalError)?.code == .invalidKey }
        let truncated: [UInt8] = [0x08, 0x01, 0x12, 0x20] + key.data.prefix(10)
        #expect {
            _ = try PublicKey(protobufBytes: truncated)
        } throws: { ($0 as? ShoalError)?.code == .malformedInput }
    }
}
