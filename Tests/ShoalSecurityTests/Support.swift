import ShoalCore
import ShoalCrypto
import ShoalSecurity
import Testing

// MARK: - Errors

/// Runs `body` and checks that it throws a ``ShoalError`` with `code`.
@discardableResult
func expectShoalError<R>(
    _ code: ShoalError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) -> ShoalError? {
    do {
        _ = try body()
        Issue.record("expected a ShoalError \(code), nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as ShoalError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a ShoalError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

// MARK: - Seeded randomness

/// Test helpers on ShoalCore's seeded generator.
extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count { withUnsafeBytes(of: next()) { out.append(contentsOf: $0) } }
        return Array(out.prefix(count))
    }
}

// MARK: - Driving two handshakes

/// Delivers `bytes` in pieces of `chunk` bytes (all at once when nil) and collects what the machine emits.
func deliver(
    _ bytes: [UInt8],
    to machine: inout NoiseHandshake,
    chunk: Int?
) throws -> (sent: [UInt8], result: NoiseHandshakeResult?) {
    var sent: [UInt8] = []
    var result: NoiseHandshakeResult?
    let size = Swift.max(chunk ?? bytes.count, 1)
    var offset = 0
    while offset < bytes.count {
        let end = Swift.min(offset + size, bytes.count)
        let step = try machine.receive(bytes[offset..<end])
        sent += step.bytesToSend
        if let r = step.result {
            #expect(result == nil, "a second result")
            result = r
            // The rest belongs to the transport, which already holds it.
            if end < bytes.count {
                _ = try result!.transport.feed(bytes[end...])
            }
            break
        }
        offset = end
    }
    return (sent, result)
}

/// Runs a complete handshake between two machines, delivering in pieces of `chunk` bytes.
func handshake(
    _ initiator: inout NoiseHandshake,
    _ responder: inout NoiseHandshake,
    chunk: Int? = nil
) throws -> (initiator: NoiseHandshakeResult, responder: NoiseHandshakeResult) {
    let message1 = try initiator.start()
    #expect(try responder.start().isEmpty)
    let (message2, none) = try deliver(message1, to: &responder, chunk: chunk)
    #expect(none == nil)
    let (message3, initiatorResult) = try deliver(message2, to: &initiator, chunk: chunk)
    let (nothing, responderResult) = try deliver(message3, to: &responder, chunk: chunk)
    #expect(nothing.isEmpty)
    return (try #require(initiatorResult), try #require(responderResult))
}

// MARK: - Hand-made protobuf (tests build odd payloads the library would never send)

func protobufVarint(_ value: Int) -> [UInt8] {
    var v = UInt64(value)
    var out: [UInt8] = []
    while v >= 0x80 {
        out.append(UInt8(v & 0x7f) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
    return out
}

/// A length-delimited field.
func protobufField(_ number: Int, _ bytes: [UInt8]) -> [UInt8] {
    protobufVarint(number << 3 | 2) + protobufVarint(bytes.count) + bytes
}

/// A `NoiseHandshakePayload` signed by `identity` over `staticKey`, plus optional raw extra fields.
func signedPayload(identity: PrivateKey, staticKey: X25519.PublicKey, extra: [UInt8] = []) -> [UInt8] {
    let signature = identity.sign(Array("noise-libp2p-static-key:".utf8) + staticKey.rawRepresentation)
    return protobufField(1, identity.publicKey.protobufBytes) + protobufField(2, signature) + extra
}

func framed(_ message: [UInt8]) -> [UInt8] {
    [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
}

/// A keyed pair of transports facing each other (a → b uses key 1, b → a key 2).
func transportPair() -> (NoiseTransport, NoiseTransport) {
    let k1 = SecureBytes(randomCount: 32)
    let k2 = SecureBytes(randomCount: 32)
    return (
        NoiseTransport(sender: NoiseCipherState(key: k1), receiver: NoiseCipherState(key: k2)),
        NoiseTransport(sender: NoiseCipherState(key: k2), receiver: NoiseCipherState(key: k1))
    )
}
