import Foundation
import ShoalCore
import ShoalCrypto
import ShoalSecurity
import Testing

/// The `Noise_XX_25519_ChaChaPoly_SHA256` entry of the cacophony test vectors
/// (haskell-cryptography/cacophony `vectors/cacophony.txt`, commit 8ee9d41), copied verbatim as data.
private let cacophonyXX = #"""
    {
      "protocol_name": "Noise_XX_25519_ChaChaPoly_SHA256",
      "init_prologue": "4a6f686e2047616c74",
      "init_static": "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
      "init_ephemeral": "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
      "resp_prologue": "4a6f686e2047616c74",
      "resp_static": "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
      "resp_ephemeral": "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
      "handshake_hash": "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e",
      "messages": [
        {
          "payload": "4c756477696720766f6e204d69736573",
          "ciphertext": "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"
        },
        {
          "payload": "4d757272617920526f746862617264",
          "ciphertext": "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c9326ad"
        },
        {
          "payload": "462e20412e20486179656b",
          "ciphertext": "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030"
        },
        {
          "payload": "4361726c204d656e676572",
          "ciphertext": "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"
        },
        {
          "payload": "4a65616e2d426170746973746520536179",
          "ciphertext": "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"
        },
        {
          "payload": "457567656e2042f6686d20766f6e2042617765726b",
          "ciphertext": "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"
        }
      ]
    }
    """#

private struct CacophonyVector: Decodable {
    struct Message: Decodable {
        var payload: String
        var ciphertext: String
    }

    var protocol_name: String
    var init_prologue: String
    var init_static: String
    var init_ephemeral: String
    var resp_prologue: String
    var resp_static: String
    var resp_ephemeral: String
    var handshake_hash: String
    var messages: [Message]
}

@Suite("Noise core against the cacophony vector")
struct CacophonyVectorTests {
    private static func load() throws -> CacophonyVector {
        try JSONDecoder().decode(CacophonyVector.self, from: Data(cacophonyXX.utf8))
    }

    @Test("Noise_XX_25519_ChaChaPoly_SHA256 reproduces every message and the handshake hash")
    func xxVector() throws {
        let vector = try Self.load()
        #expect(vector.protocol_name == NoiseXXHandshakeState.protocolName)
        var initiator = NoiseXXHandshakeState(
            role: .initiator,
            localStatic: try X25519.PrivateKey(rawRepresentation: [UInt8](hex: vector.init_static)),
            localEphemeral: try X25519.PrivateKey(rawRepresentation: [UInt8](hex: vector.init_ephemeral)),
            prologue: [UInt8](hex: vector.init_prologue)
        )
        var responder = NoiseXXHandshakeState(
            role: .responder,
            localStatic: try X25519.PrivateKey(rawRepresentation: [UInt8](hex: vector.resp_static)),
            localEphemeral: try X25519.PrivateKey(rawRepresentation: [UInt8](hex: vector.resp_ephemeral)),
            prologue: [UInt8](hex: vector.resp_prologue)
        )
        #expect(vector.messages.count > 3)

        // Handshake: messages 0 and 2 from the initiator, 1 from the responder.
        for (index, message) in vector.messages.prefix(3).enumerated() {
            let payload = [UInt8](hex: message.payload)
            if index % 2 == 0 {
                let sent = try initiator.writeMessage(payload: payload)
                #expect(sent.hex == message.ciphertext, "handshake message \(index)")
                #expect(try responder.readMessage(sent) == payload)
            } else {
                let sent = try responder.writeMessage(payload: payload)
                #expect(sent.hex == message.ciphertext, "handshake message \(index)")
                #expect(try initiator.readMessage(sent) == payload)
            }
        }
        #expect(initiator.isComplete && responder.isComplete)
        #expect(initiator.handshakeHash.hex == vector.handshake_hash)
        #expect(responder.handshakeHash.hex == vector.handshake_hash)
        #expect(vector.handshake_hash == "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e")

        // Transport: from message 3 on they alternate responder -> initiator, initiator -> responder.
        var (initiatorSend, initiatorReceive) = try initiator.split()
        var (responderSend, responderReceive) = try responder.split()
        for (offset, message) in vector.messages.dropFirst(3).enumerated() {
            let payload = [UInt8](hex: message.payload)
            if offset % 2 == 0 {
                let sent = try responderSend.encrypt(payload, authenticating: [UInt8]())
                #expect(sent.hex == message.ciphertext, "transport message \(offset + 3)")
                #expect(try initiatorReceive.decrypt(sent, authenticating: [UInt8]()) == payload)
            } else {
                let sent = try initiatorSend.encrypt(payload, authenticating: [UInt8]())
                #expect(sent.hex == message.ciphertext, "transport message \(offset + 3)")
                #expect(try responderReceive.decrypt(sent, authenticating: [UInt8]()) == payload)
            }
        }
    }

    @Test("the transport framing of the vector's keys decrypts the vector's ciphertexts")
    func transportFraming() throws {
        let vector = try Self.load()
        var initiator = NoiseXXHandshakeState(
            role: .initiator,
            localStatic: try X25519.PrivateKey(rawRepresentation: [UInt8](hex: vector.init_static)),
            localEphemeral: try X25519.PrivateKey(rawRepresentation: [UInt8](hex: vector.init_ephemeral)),
            prologue: [UInt8](hex: vector.init_prologue)
        )
        var responder = NoiseXXHandshakeState(
            role: .responder,
            localStatic: try X25519.PrivateKey(rawRepresentation: [UInt8](hex: vector.resp_static)),
            localEphemeral: try X25519.PrivateKey(rawRepresentation: [UInt8](hex: vector.resp_ephemeral)),
            prologue: [UInt8](hex: vector.resp_prologue)
        )
        for (index, message) in vector.messages.prefix(3).enumerated() {
            let payload = [UInt8](hex: message.payload)
            if index % 2 == 0 {
                _ = try responder.readMessage(try initiator.writeMessage(payload: payload))
            } else {
                _ = try initiator.readMessage(try responder.writeMessage(payload: payload))
            }
        }
        let (send, receive) = try responder.split()
        var responderTransport = NoiseTransport(sender: send, receiver: receive)
        let (iSend, iReceive) = try initiator.split()
        var initiatorTransport = NoiseTransport(sender: iSend, receiver: iReceive)
        // Message 3 goes responder -> initiator with nonce 0: the frame is u16 length || vector ciphertext.
        let frame = try responderTransport.encrypt([UInt8](hex: vector.messages[3].payload))
        let ciphertext = [UInt8](hex: vector.messages[3].ciphertext)
        #expect(frame == [UInt8(ciphertext.count >> 8), UInt8(ciphertext.count & 0xff)] + ciphertext)
        var plain: [UInt8] = []
        #expect(try initiatorTransport.decrypt(frame, appendingTo: &plain) == 1)
        #expect(plain == [UInt8](hex: vector.messages[3].payload))
    }

    @Test("Split before the last message is refused; writing out of turn is refused")
    func misuse() throws {
        var initiator = NoiseXXHandshakeState(role: .initiator, localStatic: X25519.PrivateKey())
        expectShoalError(.invalidArgument) { try initiator.split() }
        _ = try initiator.writeMessage(payload: [UInt8]())
        expectShoalError(.invalidArgument) { try initiator.writeMessage(payload: [UInt8]()) }
        expectShoalError(.malformedInput) { try initiator.readMessage([UInt8](repeating: 1, count: 95)) }
    }
}
