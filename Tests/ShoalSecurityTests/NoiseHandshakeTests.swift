import ShoalCore
import ShoalCrypto
import ShoalSecurity
import Testing

@Suite("libp2p Noise handshake")
struct NoiseHandshakeTests {
    let alice = PrivateKey()
    let bob = PrivateKey()

    // MARK: - Happy path

    @Test("initiator and responder learn each other's identity and talk", arguments: [nil, 1, 7, 33] as [Int?])
    func backToBack(chunk: Int?) throws {
        var initiator = NoiseHandshake(
            role: .initiator,
            configuration: .init(identity: alice, expectedPeer: .publicKey(bob.publicKey))
        )
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        var (i, r) = try handshake(&initiator, &responder, chunk: chunk)
        #expect(i.remoteIdentity == bob.publicKey)
        #expect(r.remoteIdentity == alice.publicKey)
        #expect(i.handshakeHash == r.handshakeHash)
        #expect(i.remoteExtensions == nil && r.remoteExtensions == nil)
        #expect(initiator.isComplete && responder.isComplete)

        let hello = Array("hello from the dialer".utf8)
        var got: [UInt8] = []
        let frame = try i.transport.encrypt(hello)
        for byte in frame { try r.transport.decrypt([byte], appendingTo: &got) }
        #expect(got == hello)
        let reply = try r.transport.encrypt(Array("and back".utf8))
        got = []
        #expect(try i.transport.decrypt(reply, appendingTo: &got) == 1)
        #expect(got == Array("and back".utf8))
    }

    @Test("message sizes with Ed25519 identities match other implementations (32, 200, 168)")
    func messageSizes() throws {
        var initiator = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        let m1 = try initiator.start()
        #expect(m1.count == 34 && m1[0] == 0x00 && m1[1] == 0x20)
        let s2 = try responder.receive(m1)
        #expect(s2.bytesToSend.count == 202 && s2.bytesToSend[0] == 0x00 && s2.bytesToSend[1] == 0xc8)
        let s3 = try initiator.receive(s2.bytesToSend)
        #expect(s3.bytesToSend.count == 170 && s3.bytesToSend[1] == 0xa8)
        #expect(s3.result != nil)
        #expect(try responder.receive(s3.bytesToSend).result != nil)
    }

    @Test("the payload is exactly 0a 24 <PublicKey> 12 40 <signature of the static key>, with no extensions")
    func payloadLayout() throws {
        var fake = NoiseXXHandshakeState(role: .initiator, localStatic: X25519.PrivateKey())
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        let message2 = try responder.receive(framed(try fake.writeMessage(payload: [UInt8]()))).bytesToSend
        let payload = try fake.readMessage(Array(message2.dropFirst(2)))
        let staticKey = try #require(fake.remoteStatic)
        let signed = Array("noise-libp2p-static-key:".utf8) + staticKey.rawRepresentation
        #expect(signed.count == 56)
        #expect(payload.count == 104)
        #expect(Array(payload.prefix(4)) == [0x0a, 0x24, 0x08, 0x01])
        #expect(Array(payload[2..<38]) == bob.publicKey.protobufBytes)
        #expect(Array(payload[38..<40]) == [0x12, 0x40])
        #expect(Array(payload[40...]) == bob.sign(signed))
        #expect(try bob.publicKey.isValidSignature(Array(payload[40...]), for: signed))
    }

    @Test("a transport frame pipelined in the same chunk as message 3 is kept")
    func pipelinedFirstFrame() throws {
        var initiator = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        let m2 = try responder.receive(try initiator.start()).bytesToSend
        let s3 = try initiator.receive(m2)
        var i = try #require(s3.result)
        let early = Array("/multistream/1.0.0\n".utf8)
        let chunk = s3.bytesToSend + (try i.transport.encrypt(early)) + (try i.transport.encrypt([1, 2, 3]))
        let step = try responder.receive(chunk)
        #expect(step.bytesToSend.isEmpty)
        var r = try #require(step.result)
        #expect(r.transport.bufferedByteCount > 0)
        #expect(try r.transport.nextPlaintext() == early)
        var rest: [UInt8] = []
        #expect(try r.transport.decrypt([UInt8](), appendingTo: &rest) == 1)
        #expect(rest == [1, 2, 3])
        #expect(r.transport.bufferedByteCount == 0)
    }

    @Test("the expected peer may be a peer ID: the right one completes the handshake")
    func expectedPeerID() throws {
        var initiator = NoiseHandshake(
            role: .initiator,
            configuration: .init(identity: alice, expectedPeer: .peer(PeerID(publicKey: bob.publicKey)))
        )
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        let (i, _) = try handshake(&initiator, &responder)
        #expect(i.remoteIdentity == bob.publicKey)
    }

    @Test("injected static and ephemeral keys are used; the expected peer may be a predicate")
    func injectedKeys() throws {
        let staticKey = X25519.PrivateKey()
        var initiator = NoiseHandshake(
            role: .initiator,
            configuration: .init(
                identity: alice,
                expectedPeer: .matching(description: "bob") { $0.protobufBytes == bob.publicKey.protobufBytes }
            )
        )
        var responder = NoiseHandshake(
            role: .responder,
            configuration: .init(identity: bob, staticKey: staticKey, prologue: [])
        )
        let (i, _) = try handshake(&initiator, &responder)
        #expect(i.remoteStaticKey == staticKey.publicKey)
    }

    @Test("a new static key is made for every handshake by default")
    func freshStaticKeys() throws {
        var keys: Set<[UInt8]> = []
        for _ in 0..<3 {
            var initiator = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
            var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
            keys.insert(try handshake(&initiator, &responder).initiator.remoteStaticKey.rawRepresentation)
        }
        #expect(keys.count == 3)
    }

    @Test("a static identity signed once serves many handshakes, each with a new ephemeral key and its own keys")
    func reusedStaticIdentity() throws {
        let aliceStatic = NoiseStaticIdentity(identity: alice)
        let bobStatic = NoiseStaticIdentity(identity: bob)
        var hashes: Set<[UInt8]> = []
        for round in 0..<3 {
            var initiator = NoiseHandshake(
                role: .initiator,
                configuration: .init(
                    identity: alice,
                    expectedPeer: .publicKey(bob.publicKey),
                    staticIdentity: aliceStatic
                )
            )
            var responder = NoiseHandshake(
                role: .responder,
                // The responder alternates: a per-handshake static key talks to a reused one.
                configuration: .init(identity: bob, staticIdentity: round == 1 ? nil : bobStatic)
            )
            var (i, r) = try handshake(&initiator, &responder)
            #expect(r.remoteStaticKey == aliceStatic.staticKey.publicKey)
            #expect(r.remoteIdentity == alice.publicKey && i.remoteIdentity == bob.publicKey)
            if round != 1 { #expect(i.remoteStaticKey == bobStatic.staticKey.publicKey) }
            hashes.insert(i.handshakeHash)
            let frame = try i.transport.encrypt(Array("round \(round)".utf8))
            var got: [UInt8] = []
            _ = try r.transport.decrypt(frame, appendingTo: &got)
            #expect(got == Array("round \(round)".utf8))
        }
        // New ephemeral keys every time: every handshake (and its transport keys) differs.
        #expect(hashes.count == 3)
    }

    @Test("a static identity's signature is checked like any other: another peer's payload is rejected")
    func staticIdentityOfAnotherPeer() throws {
        // Mallory reuses Bob's static key but signs it with her own identity: the dialer expecting Bob refuses.
        let mallory = PrivateKey()
        let shared = X25519.PrivateKey()
        var initiator = NoiseHandshake(
            role: .initiator,
            configuration: .init(identity: alice, expectedPeer: .publicKey(bob.publicKey))
        )
        var responder = NoiseHandshake(
            role: .responder,
            configuration: .init(
                identity: mallory,
                staticIdentity: NoiseStaticIdentity(identity: mallory, staticKey: shared)
            )
        )
        let message1 = try initiator.start()
        _ = try responder.start()
        let message2 = try responder.receive(message1).bytesToSend
        #expect(throws: ShoalError.self) { _ = try initiator.receive(message2) }
    }

    @Test("extensions and unknown fields (py's early_data = 3) in the peer's payload are parsed or ignored")
    func extensionsAndUnknownFields() throws {
        var initiator = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        var fake = NoiseXXHandshakeState(role: .responder, localStatic: X25519.PrivateKey())
        _ = try fake.readMessage(Array(try initiator.start().dropFirst(2)))
        let extensions = protobufField(2, Array("/yamux/1.0.0".utf8)) + protobufField(1, [0x12, 0x20])
        let payload = signedPayload(
            identity: bob,
            staticKey: fake.localStaticPublicKey,
            extra: protobufField(3, Array("early".utf8)) + protobufField(4, extensions) + [0x28, 0x07]
        )
        let step = try initiator.receive(framed(try fake.writeMessage(payload: payload)))
        let result = try #require(step.result)
        #expect(result.remoteIdentity == bob.publicKey)
        #expect(result.remoteExtensions?.streamMuxers == ["/yamux/1.0.0"])
        #expect(result.remoteExtensions?.webTransportCertHashes == [[0x12, 0x20]])
        // The fake responder can read message 3 and its payload is a valid signed payload without extensions.
        let message3 = Array(step.bytesToSend.dropFirst(2))
        #expect(!(try fake.readMessage(message3)).isEmpty)
    }

    // MARK: - Bad input

    /// Runs a fake responder (raw Noise) against a real initiator and returns the initiator's error for `payload`.
    private func initiatorError(
        _ code: ShoalError.Code,
        expectedPeer: NoiseHandshake.ExpectedPeer? = nil,
        payload: (X25519.PublicKey) -> [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var initiator = NoiseHandshake(
            role: .initiator,
            configuration: .init(identity: alice, expectedPeer: expectedPeer)
        )
        var fake = NoiseXXHandshakeState(role: .responder, localStatic: X25519.PrivateKey())
        _ = try fake.readMessage(Array(try initiator.start().dropFirst(2)))
        let message2 = framed(try fake.writeMessage(payload: payload(fake.localStaticPublicKey)))
        expectShoalError(code, sourceLocation: sourceLocation) { try initiator.receive(message2) }
        // After a failure the machine refuses everything.
        expectShoalError(.closed, sourceLocation: sourceLocation) { try initiator.receive([0]) }
    }

    @Test("a signature over another static key is rejected")
    func badSignature() throws {
        try initiatorError(.invalidSignature) { _ in
            signedPayload(identity: bob, staticKey: X25519.PrivateKey().publicKey)
        }
        try initiatorError(.invalidSignature) { key in
            protobufField(1, bob.publicKey.protobufBytes) + protobufField(2, [UInt8](repeating: 7, count: 64))
        }
    }

    @Test("a peer that is not the expected one is rejected")
    func wrongPeer() throws {
        try initiatorError(.invalidPeerID, expectedPeer: .publicKey(PrivateKey().publicKey)) { key in
            signedPayload(identity: bob, staticKey: key)
        }
        try initiatorError(.invalidPeerID, expectedPeer: .matching(description: "nobody") { _ in false }) { key in
            signedPayload(identity: bob, staticKey: key)
        }
        try initiatorError(.invalidPeerID, expectedPeer: .peer(PeerID(publicKey: PrivateKey().publicKey))) { key in
            signedPayload(identity: bob, staticKey: key)
        }
        // The same with two real machines.
        var initiator = NoiseHandshake(
            role: .initiator,
            configuration: .init(identity: alice, expectedPeer: .publicKey(alice.publicKey))
        )
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        expectShoalError(.invalidPeerID) { try handshake(&initiator, &responder) }
    }

    @Test("a payload that is not a protobuf, or lacks a field, is malformed")
    func garbagePayload() throws {
        try initiatorError(.malformedInput) { _ in [0xff, 0xff, 0xff, 0xff] }
        try initiatorError(.malformedInput) { _ in [] }
        try initiatorError(.malformedInput) { key in
            protobufField(2, self.bob.sign(Array("noise-libp2p-static-key:".utf8) + key.rawRepresentation))
        }
        try initiatorError(.malformedInput) { _ in protobufField(1, self.bob.publicKey.protobufBytes) }
        try initiatorError(.malformedInput) { _ in protobufField(1, [0x08, 0x01, 0x12]) + protobufField(2, [1]) }
    }

    @Test("identity keys of an unsupported or unknown type are rejected")
    func unsupportedKeyType() throws {
        let secp256k1 = [0x08, 0x02] + protobufField(2, [0x02] + [UInt8](repeating: 0x11, count: 32))
        try initiatorError(.unsupported) { _ in
            protobufField(1, secp256k1) + protobufField(2, [UInt8](repeating: 1, count: 70))
        }
        let unknown = [0x08, 0x09] + protobufField(2, [UInt8](repeating: 0x11, count: 32))
        // proto2 puts an unknown enum value into unknown fields, so the required Type is missing.
        try initiatorError(.malformedInput) { _ in protobufField(1, unknown) + protobufField(2, [1]) }
        let shortEd25519 = [0x08, 0x01] + protobufField(2, [UInt8](repeating: 0x11, count: 31))
        try initiatorError(.invalidKey) { _ in protobufField(1, shortEd25519) + protobufField(2, [1]) }
    }

    @Test("truncated, undersize and oversize handshake messages are rejected")
    func truncated() throws {
        // Message 2 shorter than e + encrypted s + tag.
        var initiator = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        _ = try initiator.start()
        expectShoalError(.malformedInput) { try initiator.receive([0x00, 0x5f]) }

        // Message 2 of a plausible length but cut: waits for more, then garbage fails authentication.
        var initiator2 = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        _ = try initiator2.start()
        let partial = [0x00, 0x64] + [UInt8](repeating: 9, count: 50)
        #expect(try initiator2.receive(partial).bytesToSend.isEmpty)
        #expect(!initiator2.isComplete)
        expectShoalError(.authenticationFailed) { try initiator2.receive([UInt8](repeating: 9, count: 50)) }

        // Message 3 shorter than encrypted s + tag.
        var a = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        var b = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        _ = try b.receive(try a.start())
        expectShoalError(.malformedInput) { try b.receive([0x00, 0x3f] + [UInt8](repeating: 0, count: 63)) }

        // Message 1 of the maximum u16 length (oversize for an empty payload).
        var c = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        expectShoalError(.protocolViolation) { try c.receive([0xff, 0xff]) }
        var d = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        expectShoalError(.protocolViolation) { try d.receive([0x00, 0x00]) }
    }

    @Test("the responder rejects a message 1 with a non-empty payload")
    func nonEmptyFirstPayload() throws {
        var fake = NoiseXXHandshakeState(role: .initiator, localStatic: X25519.PrivateKey())
        let message1 = framed(try fake.writeMessage(payload: Array("early".utf8)))
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        expectShoalError(.protocolViolation) { try responder.receive(message1) }
    }

    @Test("an all-zero ephemeral key (low-order point) is rejected")
    func weakEphemeral() throws {
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        expectShoalError(.invalidKey) { try responder.receive(framed([UInt8](repeating: 0, count: 32))) }
    }

    @Test("tampering with any byte of message 2 or 3 fails the handshake")
    func tamperedHandshake() throws {
        for position in [2, 40, 100, 201] {
            var initiator = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
            var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
            var m2 = try responder.receive(try initiator.start()).bytesToSend
            m2[position] ^= 0x01
            #expect(throws: ShoalError.self) { try initiator.receive(m2) }
        }
        var initiator = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        var responder = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        let m2 = try responder.receive(try initiator.start()).bytesToSend
        var m3 = try initiator.receive(m2).bytesToSend
        m3[120] ^= 0x80
        expectShoalError(.authenticationFailed) { try responder.receive(m3) }
    }

    @Test("misuse: receive before start, start twice, input after completion")
    func misuse() throws {
        var initiator = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        expectShoalError(.invalidArgument) { try initiator.receive([1]) }
        _ = try initiator.start()
        expectShoalError(.invalidArgument) { try initiator.start() }
        var a = NoiseHandshake(role: .initiator, configuration: .init(identity: alice))
        var b = NoiseHandshake(role: .responder, configuration: .init(identity: bob))
        _ = try handshake(&a, &b)
        expectShoalError(.invalidArgument) { try b.receive([1]) }
        expectShoalError(.invalidArgument) { try a.receive([1]) }
    }
}
