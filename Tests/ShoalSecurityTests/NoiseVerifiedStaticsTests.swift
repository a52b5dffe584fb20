import ShoalCore
import ShoalCrypto
import ShoalSecurity
import Testing

@Suite("Noise verified static-key signatures")
struct NoiseVerifiedStaticsTests {
    let alice = PrivateKey()
    let bob = PrivateKey()

    /// A real initiator (alice, with `memo`) against a fake responder with static key `staticKey` sending `payload`
    /// in message 2; returns the initiator's step.
    private func dial(
        memo: NoiseVerifiedStatics,
        expectedPeer: NoiseHandshake.ExpectedPeer? = nil,
        staticKey: X25519.PrivateKey,
        payload: (X25519.PublicKey) -> [UInt8]
    ) throws -> NoiseHandshake.Step {
        var initiator = NoiseHandshake(
            role: .initiator,
            configuration: .init(identity: alice, expectedPeer: expectedPeer, verifiedStatics: memo)
        )
        var fake = NoiseXXHandshakeState(role: .responder, localStatic: staticKey)
        _ = try fake.readMessage(Array(try initiator.start().dropFirst(2)))
        return try initiator.receive(framed(try fake.writeMessage(payload: payload(fake.localStaticPublicKey))))
    }

    // MARK: - Happy path

    @Test("a peer reconnecting with the same signed static key is remembered once; new static keys add entries")
    func reconnectingPeer() throws {
        let memo = NoiseVerifiedStatics()
        let bobStatic = NoiseStaticIdentity(identity: bob)
        for round in 0..<3 {
            var initiator = NoiseHandshake(
                role: .initiator,
                configuration: .init(identity: alice, expectedPeer: .publicKey(bob.publicKey), verifiedStatics: memo)
            )
            var responder = NoiseHandshake(
                role: .responder,
                configuration: .init(identity: bob, staticIdentity: bobStatic, verifiedStatics: memo)
            )
            let (i, r) = try handshake(&initiator, &responder)
            #expect(i.remoteIdentity == bob.publicKey && r.remoteIdentity == alice.publicKey)
            // Alice's per-handshake static key is new each round; Bob's is the same one.
            #expect(memo.count == 2 + round)
        }
    }

    @Test("the memo is bounded: once full it starts over")
    func bounded() throws {
        let memo = NoiseVerifiedStatics()
        for index in 0..<NoiseVerifiedStatics.maximumCount {
            _ = try dial(memo: memo, staticKey: X25519.PrivateKey()) { signedPayload(identity: bob, staticKey: $0) }
            #expect(memo.count == index + 1)
        }
        let step = try dial(memo: memo, staticKey: X25519.PrivateKey()) { signedPayload(identity: bob, staticKey: $0) }
        #expect(step.result?.remoteIdentity == bob.publicKey)
        #expect(memo.count == 1)
    }

    // MARK: - Bad input

    @Test("a remembered signature lets no other signature, identity or static key through")
    func rememberedIsExact() throws {
        let memo = NoiseVerifiedStatics()
        let shared = X25519.PrivateKey()
        let step = try dial(memo: memo, staticKey: shared) { signedPayload(identity: bob, staticKey: $0) }
        #expect(step.result?.remoteIdentity == bob.publicKey)
        #expect(memo.count == 1)

        // The same static key and identity with a forged signature.
        expectShoalError(.invalidSignature) {
            try dial(memo: memo, staticKey: shared) { _ in
                protobufField(1, bob.publicKey.protobufBytes) + protobufField(2, [UInt8](repeating: 7, count: 64))
            }
        }
        // Bob's valid signature presented with Mallory's identity key.
        let mallory = PrivateKey()
        expectShoalError(.invalidSignature) {
            try dial(memo: memo, staticKey: shared) { key in
                let signature = bob.sign(Array("noise-libp2p-static-key:".utf8) + key.rawRepresentation)
                return protobufField(1, mallory.publicKey.protobufBytes) + protobufField(2, signature)
            }
        }
        // Bob's remembered payload from a responder holding another static key.
        let remembered = signedPayload(identity: bob, staticKey: shared.publicKey)
        expectShoalError(.invalidSignature) {
            try dial(memo: memo, staticKey: X25519.PrivateKey()) { _ in remembered }
        }
        #expect(memo.count == 1)
    }

    @Test("a remembered signature still goes through the expected-peer check")
    func expectedPeerStillChecked() throws {
        let memo = NoiseVerifiedStatics()
        let shared = X25519.PrivateKey()
        _ = try dial(memo: memo, staticKey: shared) { signedPayload(identity: bob, staticKey: $0) }
        expectShoalError(.invalidPeerID) {
            try dial(memo: memo, expectedPeer: .publicKey(PrivateKey().publicKey), staticKey: shared) {
                signedPayload(identity: bob, staticKey: $0)
            }
        }
        let accepted = try dial(memo: memo, expectedPeer: .publicKey(bob.publicKey), staticKey: shared) {
            signedPayload(identity: bob, staticKey: $0)
        }
        #expect(accepted.result?.remoteIdentity == bob.publicKey)
        #expect(memo.count == 1)
    }
}
