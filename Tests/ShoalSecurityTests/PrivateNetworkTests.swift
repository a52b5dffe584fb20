import ShoalCore
import ShoalCrypto
import ShoalSecurity
import Testing

@Suite("Private networks (pnet PSK v1)")
struct PrivateNetworkTests {
    static let hexKey = "6189c5cf0b87fb800c1a9feeda73c6ab5e998db48fb9e6a978575c770ceef683"

    // MARK: - Key files

    @Test(
        "key files with LF, CRLF, trailing newline or whitespace parse to the same key",
        arguments: [
            "/key/swarm/psk/1.0.0/\n/base16/\n\(hexKey)",
            "/key/swarm/psk/1.0.0/\n/base16/\n\(hexKey)\n",
            "/key/swarm/psk/1.0.0/\r\n/base16/\r\n\(hexKey)\r\n",
            "/key/swarm/psk/1.0.0/\n/base16/\n\(hexKey)  \n\n",
            "/key/swarm/psk/1.0.0/\n/base16/\n\(hexKey.uppercased())\n",
        ]
    )
    func parse(text: String) throws {
        let psk = try PreSharedKey(keyFileText: text)
        #expect(psk.key.bytes == [UInt8](hex: Self.hexKey))
        #expect(!psk.description.contains("6189"))
    }

    @Test("a key file round-trips through keyFileText")
    func roundTrip() throws {
        let psk = PreSharedKey.random()
        let again = try PreSharedKey(keyFileText: psk.keyFileText)
        #expect(again.key.constantTimeEquals(psk.key))
        #expect(psk.keyFileText.hasPrefix("/key/swarm/psk/1.0.0/\n/base16/\n"))
    }

    @Test("malformed key files give typed errors")
    func badKeyFiles() throws {
        expectShoalError(.malformedInput) { try PreSharedKey(keyFileText: "") }
        expectShoalError(.malformedInput) { try PreSharedKey(keyFileText: "a\nb\nc") }
        expectShoalError(.malformedInput) { try PreSharedKey(keyFileText: "/key/swarm/psk/1.0.0/\n/base16/") }
        expectShoalError(.malformedInput) {
            try PreSharedKey(keyFileText: "/key/swarm/psk/2.0.0/\n/base16/\n\(Self.hexKey)")
        }
        expectShoalError(.unsupported) {
            try PreSharedKey(keyFileText: "/key/swarm/psk/1.0.0/\n/base64/\n\(Self.hexKey)")
        }
        expectShoalError(.unsupported) { try PreSharedKey(keyFileText: "/key/swarm/psk/1.0.0/\n/bin/\n\(Self.hexKey)") }
        expectShoalError(.malformedInput) { try PreSharedKey(keyFileText: "/key/swarm/psk/1.0.0/\n/base16/\ny") }
        expectShoalError(.malformedInput) {
            try PreSharedKey(keyFileText: "/key/swarm/psk/1.0.0/\n/base16/\n\(Self.hexKey.dropLast())g")
        }
        expectShoalError(.malformedInput) {
            try PreSharedKey(keyFileText: "/key/swarm/psk/1.0.0/\n/base16/\n\(Self.hexKey)00")
        }
        expectShoalError(.malformedInput) {
            try PreSharedKey(keyFileText: "/key/swarm/psk/1.0.0/\n/base16/\n\(Self.hexKey)\nextra")
        }
        expectShoalError(.malformedInput) { try PreSharedKey(keyFile: [UInt8](repeating: 0x41, count: 5000)) }
        expectShoalError(.invalidKey) { try PreSharedKey(key: SecureBytes([1, 2, 3])) }
    }

    // MARK: - Connections

    @Test("two sides with the same PSK exchange data, fed in any chunk size", arguments: [1, 5, 24, 25, 1000])
    func exchange(chunk: Int) throws {
        let psk = try PreSharedKey(keyFileText: "/key/swarm/psk/1.0.0/\n/base16/\n\(Self.hexKey)\n")
        var a = try PrivateNetworkConnection(psk: psk)
        var b = try PrivateNetworkConnection(psk: psk)
        #expect(a.localNonce != b.localNonce)
        let message = Array("multistream and everything above".utf8)
        // a sends its nonce and data in one write; b receives it in pieces.
        let wire = a.start() + a.encrypt(message) + a.encrypt([1, 2, 3])
        #expect(wire.count == 24 + message.count + 3)
        #expect(Array(wire[24...]) != message + [1, 2, 3])
        var got: [UInt8] = []
        var offset = 0
        while offset < wire.count {
            let end = Swift.min(offset + chunk, wire.count)
            got += b.decrypt(wire[offset..<end])
            offset = end
        }
        #expect(got == message + [1, 2, 3])
        #expect(b.hasRemoteNonce)
        // b answers without calling start(): the nonce goes in front automatically.
        let reply = b.encrypt(Array("ok".utf8))
        #expect(reply.count == 26 && Array(reply.prefix(24)) == b.localNonce)
        #expect(b.start().isEmpty)
        #expect(a.decrypt(reply) == Array("ok".utf8))
    }

    @Test("a fixed nonce gives the XSalsa20 keystream of (PSK, nonce); in-place encryption matches")
    func knownStream() throws {
        let psk = try PreSharedKey(key: SecureBytes([UInt8](hex: Self.hexKey)))
        let nonce = [UInt8](repeating: 7, count: 24)
        var a = try PrivateNetworkConnection(psk: psk, localNonce: nonce)
        var reference = try XSalsa20.Stream(key: psk.key, nonce: nonce)
        var expected = [UInt8](repeating: 0, count: 100)
        reference.apply(&expected)
        #expect(a.start() == nonce)
        var inPlace = [UInt8](repeating: 0, count: 40)
        inPlace.withUnsafeMutableBytes { a.encryptInPlace($0) }
        #expect(inPlace == Array(expected[0..<40]))
        #expect(a.encrypt([UInt8](repeating: 0, count: 60)) == Array(expected[40..<100]))
        expectShoalError(.invalidArgument) { try PrivateNetworkConnection(psk: psk, localNonce: [1]) }
    }

    @Test("Noise over pnet completes with the same PSK and fails with different PSKs")
    func noiseOverPnet() throws {
        let shared = PreSharedKey.random()
        #expect(try noiseOverPnet(dialerPSK: shared, listenerPSK: shared) == .completed)
        // Different keys: the listener sees garbage instead of message 1 and throws. Fixed nonces and keys make
        // the garbage deterministic.
        let other = try PreSharedKey(key: SecureBytes([UInt8](repeating: 0x42, count: 32)))
        let fixed = try PreSharedKey(key: SecureBytes([UInt8](hex: Self.hexKey)))
        for (d, l) in [(fixed, other), (other, fixed)] {
            guard case .failed(let error) = try noiseOverPnet(dialerPSK: d, listenerPSK: l, fixedNonces: true) else {
                Issue.record("a handshake across different PSKs did not fail")
                continue
            }
            #expect([.protocolViolation, .malformedInput, .authenticationFailed].contains(error.code), "\(error)")
        }
        // With random nonces too: never completes.
        for _ in 0..<20 {
            #expect(try noiseOverPnet(dialerPSK: shared, listenerPSK: PreSharedKey.random()) != .completed)
        }
    }

    private enum Outcome: Equatable {
        case completed
        case failed(ShoalError)
        case stalled
    }

    /// Runs pnet + Noise back to back, delivering until both sides finish, one throws, or nothing moves.
    private func noiseOverPnet(
        dialerPSK: PreSharedKey,
        listenerPSK: PreSharedKey,
        fixedNonces: Bool = false
    ) throws -> Outcome {
        var dialerPnet = try PrivateNetworkConnection(
            psk: dialerPSK,
            localNonce: fixedNonces ? [UInt8](repeating: 1, count: 24) : nil
        )
        var listenerPnet = try PrivateNetworkConnection(
            psk: listenerPSK,
            localNonce: fixedNonces ? [UInt8](repeating: 2, count: 24) : nil
        )
        var dialer = NoiseHandshake(role: .initiator, configuration: .init(identity: PrivateKey()))
        var listener = NoiseHandshake(role: .responder, configuration: .init(identity: PrivateKey()))
        var toListener = dialerPnet.start() + dialerPnet.encrypt(try dialer.start())
        var toDialer = listenerPnet.start()
        var dialerDone = false
        var listenerDone = false
        do {
            for _ in 0..<10 where !(dialerDone && listenerDone) {
                let inListener = listenerPnet.decrypt(toListener)
                toListener = []
                if !inListener.isEmpty {
                    let step = try listener.receive(inListener)
                    toDialer += listenerPnet.encrypt(step.bytesToSend)
                    if step.result != nil { listenerDone = true }
                }
                let inDialer = dialerPnet.decrypt(toDialer)
                toDialer = []
                if !inDialer.isEmpty {
                    let step = try dialer.receive(inDialer)
                    toListener += dialerPnet.encrypt(step.bytesToSend)
                    if step.result != nil { dialerDone = true }
                }
            }
        } catch let error as ShoalError {
            #expect(!(dialerDone && listenerDone))
            return .failed(error)
        }
        return dialerDone && listenerDone ? .completed : .stalled
    }
}
