import ShoalCore
import Testing

@testable import ShoalWire

@Suite("Yamux frame header")
struct YamuxFrameHeaderTests {
    @Test("encodes go's open and ACK frames and the other frame kinds")
    func vectors() {
        let open = YamuxFrameHeader(type: .windowUpdate, flags: .syn, streamID: YamuxStreamID(1), length: 0)
        #expect(open.bytes == hex("00 01 0001 00000001 00000000"))
        let ack = YamuxFrameHeader(type: .windowUpdate, flags: .ack, streamID: YamuxStreamID(1), length: 0)
        #expect(ack.bytes == hex("00 01 0002 00000001 00000000"))
        let data = YamuxFrameHeader(type: .data, flags: [], streamID: YamuxStreamID(1), length: 0x22)
        #expect(data.bytes == hex("00 00 0000 00000001 00000022"))
        let reset = YamuxFrameHeader(type: .windowUpdate, flags: .rst, streamID: YamuxStreamID(0x0102_0304), length: 2)
        #expect(reset.bytes == hex("00 01 0008 01020304 00000002"))
        let ping = YamuxFrameHeader(type: .ping, flags: .ack, streamID: .session, length: 0xdead_beef)
        #expect(ping.bytes == hex("00 02 0002 00000000 deadbeef"))
        let goAway = YamuxFrameHeader(type: .goAway, flags: [], streamID: .session, length: 1)
        #expect(goAway.bytes == hex("00 03 0000 00000000 00000001"))
        let finAck = YamuxFrameHeader(type: .data, flags: [.fin, .ack], streamID: YamuxStreamID(2), length: 0)
        #expect(finAck.bytes == hex("00 00 0006 00000002 00000000"))
    }

    @Test("decodes what it encodes, and needs 12 bytes")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let type = YamuxFrameType(rawValue: UInt8.random(in: 0...3, using: &rng))!
            let length = type == .data ? UInt32.random(in: 0...(1 << 24), using: &rng) : rng.next32()
            let header = YamuxFrameHeader(
                type: type,
                flags: YamuxFlags(rawValue: UInt16.random(in: 0...15, using: &rng)),
                streamID: YamuxStreamID(rng.next32()),
                length: length
            )
            let bytes = header.bytes
            #expect(bytes.count == 12)
            #expect(try YamuxFrameHeader.decode(bytes[...]) == header)
            #expect(try YamuxFrameHeader.decode(bytes[0..<11]) == nil)
        }
    }

    @Test("rejects an unknown version, an unknown type and an oversize data frame")
    func rejects() {
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try YamuxFrameHeader.decode(hex("01 00 0000 00000001 00000000")[...])
        }
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try YamuxFrameHeader.decode(hex("00 04 0000 00000001 00000000")[...])
        }
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try YamuxFrameHeader.decode(hex("00 00 0000 00000001 01000001")[...])
        }
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try YamuxFrameHeader.decode(hex("00 00 0000 00000001 00010001")[...], maximumDataLength: 65536)
        }
        // A large window delta is not a payload length: it is accepted.
        #expect((try? YamuxFrameHeader.decode(hex("00 01 0000 00000001 ffffffff")[...])) != nil)
    }
}

extension SplitMix64 {
    mutating func next32() -> UInt32 { UInt32(truncatingIfNeeded: next()) }
}
