import ShoalCore
import ShoalCrypto
import ShoalKademlia
import Testing

/// A test validator for `/v/`: values are a big-endian sequence number byte then payload; higher wins; a value
/// starting with 0 is invalid.
struct SequenceValidator: KadRecordValidator {
    func validate(_ record: KadRecord) throws {
        guard let first = record.value.first, first > 0 else {
            throw ShoalError(.invalidArgument, "sequence 0 or empty")
        }
    }

    func select(key: [UInt8], values: [[UInt8]]) throws -> Int {
        values.indices.max { (values[$0].first ?? 0) < (values[$1].first ?? 0) }!
    }
}

/// A `/pk/` record for an Ed25519 key made from `seed`: key `/pk/` + `12 20 SHA-256(value)`.
func publicKeyRecord(seed: UInt8) throws -> KadRecord {
    let key = try Ed25519.PrivateKey(seed: [UInt8](repeating: seed, count: 32))
    let value = ShoalCore.PublicKey(ed25519: key.publicKey).protobufBytes
    return KadRecord(key: Array("/pk/".utf8) + [0x12, 0x20] + SHA256.hash(value), value: value)
}

@Suite("Record validation and store")
struct RecordStoreTests {
    @Test("/pk/ records validate when the key suffix is the SHA-256 multihash of the value, any key type")
    func publicKeyValidator() throws {
        let validator = KadPublicKeyValidator()
        let record = try publicKeyRecord(seed: 1)
        try validator.validate(record)
        // An RSA-shaped key (DER) is as good: only the hash is compared.
        let rsaLike: [UInt8] = [0x08, 0x00, 0x12, 0x04, 0x30, 0x02, 0x05, 0x00]
        try validator.validate(
            KadRecord(key: Array("/pk/".utf8) + [0x12, 0x20] + SHA256.hash(rsaLike), value: rsaLike)
        )
        #expect(try validator.select(key: record.key, values: [record.value, rsaLike]) == 0)
        var wrong = record
        wrong.value[wrong.value.count - 1] ^= 1
        #expect(throws: ShoalError(.invalidKey, "")) { try validator.validate(wrong) }
        // The identity-multihash (peer ID) form is not what go checks.
        let identity = KadRecord(
            key: Array("/pk/".utf8) + [0x00, UInt8(record.value.count)] + record.value,
            value: record.value
        )
        #expect(throws: ShoalError(.invalidKey, "")) { try validator.validate(identity) }
        #expect(throws: ShoalError(.invalidArgument, "")) {
            try validator.validate(KadRecord(key: Array("/ipns/x".utf8), value: []))
        }
    }

    @Test("namespaces: /pk/ built in, others registered, unknown ones rejected unless allowed")
    func namespaced() throws {
        var validator = KadNamespacedValidator()
        #expect(validator.namespaces == ["pk"])
        #expect(KadNamespacedValidator.namespace(of: Array("/pk/abc".utf8)) == "pk")
        #expect(KadNamespacedValidator.namespace(of: Array("pk/abc".utf8)) == nil)
        #expect(KadNamespacedValidator.namespace(of: Array("//abc".utf8)) == nil)
        #expect(KadNamespacedValidator.namespace(of: Array("/abc".utf8)) == nil)
        let custom = KadRecord(key: Array("/v/1".utf8), value: [2])
        #expect(throws: ShoalError(.unsupported, "")) { try validator.validate(custom) }
        validator.register(SequenceValidator(), for: "v")
        try validator.validate(custom)
        #expect(throws: ShoalError(.invalidArgument, "")) {
            try validator.validate(KadRecord(key: custom.key, value: [0]))
        }
        #expect(try validator.select(key: custom.key, values: [[1], [3], [2]]) == 1)
        let open = KadNamespacedValidator(acceptsUnknownNamespaces: true)
        try open.validate(KadRecord(key: Array("/other/x".utf8), value: [0]))
        #expect(try open.select(key: Array("/other/x".utf8), values: [[5], [6]]) == 0)
    }

    @Test("the store validates, keeps the better record, serves it for 48 h, then collects it")
    func recordStore() throws {
        var validator = KadNamespacedValidator()
        validator.register(SequenceValidator(), for: "v")
        var store = KadRecordStore(validator: validator)
        let key = Array("/v/name".utf8)
        try store.put(KadRecord(key: key, value: [2, 9]), now: .zero)
        #expect(store.get(key, now: .seconds(1))?.value == [2, 9])
        #expect(throws: ShoalError(.invalidArgument, "")) {
            try store.put(KadRecord(key: key, value: [1, 9]), now: .seconds(1))
        }
        try store.put(KadRecord(key: key, value: [3]), now: .seconds(2))
        #expect(store.get(key, now: .seconds(3))?.value == [3])
        #expect(throws: ShoalError(.unsupported, "")) {
            try store.put(KadRecord(key: Array("/x/y".utf8), value: [1]), now: .zero)
        }
        let pk = try publicKeyRecord(seed: 4)
        try store.put(pk, now: .seconds(2))
        let age = KadConstants.maximumRecordAge
        #expect(store.get(pk.key, now: .seconds(2) + age) == pk)
        #expect(store.get(pk.key, now: .seconds(3) + age) == nil)
        #expect(store.collectGarbage(now: .seconds(3) + age) == 2)
        #expect(store.count == 0)
    }

    @Test("record store limits: key and value sizes, record count")
    func recordStoreLimits() throws {
        var store = KadRecordStore(
            validator: KadNamespacedValidator(acceptsUnknownNamespaces: true),
            configuration: .init(maximumRecords: 2, maximumKeyLength: 8, maximumValueSize: 4)
        )
        #expect(throws: ShoalError(.limitExceeded, "")) { try store.put(KadRecord(key: [], value: []), now: .zero) }
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try store.put(KadRecord(key: Array("/a/123456".utf8), value: []), now: .zero)
        }
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try store.put(KadRecord(key: Array("/a/1".utf8), value: [1, 2, 3, 4, 5]), now: .zero)
        }
        try store.put(KadRecord(key: Array("/a/1".utf8), value: [1]), now: .zero)
        try store.put(KadRecord(key: Array("/a/2".utf8), value: [1]), now: .zero)
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try store.put(KadRecord(key: Array("/a/3".utf8), value: [1]), now: .zero)
        }
        try store.put(KadRecord(key: Array("/a/2".utf8), value: [1]), now: .seconds(1))
    }
}

@Suite("Provider store")
struct ProviderStoreTests {
    @Test("providers are added, refreshed, listed newest first and expire after 48 h")
    func lifecycle() throws {
        var rng = SplitMix64(seed: 51)
        var store = KadProviderStore()
        let key: [UInt8] = [0x12, 0x20] + rng.bytes(32)
        let a = randomPeerID(&rng)
        let b = randomPeerID(&rng)
        #expect(try store.addProvider(key: key, provider: peerInfo(a, address: 1), now: .zero) == .added)
        #expect(try store.addProvider(key: key, provider: peerInfo(b, address: 2), now: .seconds(10)) == .added)
        #expect(store.providers(for: key, now: .seconds(20)).map(\.id) == [b, a])
        // a republishes with a new address: refreshed, listed first, address updated everywhere.
        #expect(try store.addProvider(key: key, provider: peerInfo(a, address: 3), now: .seconds(30)) == .refreshed)
        #expect(store.providers(for: key, now: .seconds(40)) == [peerInfo(a, address: 3), peerInfo(b, address: 2)])
        #expect(store.recordCount == 2 && store.keyCount == 1 && store.providerCount == 2)
        let expiry = KadConstants.providerRecordExpiry
        #expect(store.providers(for: key, now: .seconds(11) + expiry).map(\.id) == [a])
        #expect(store.collectGarbage(now: .seconds(11) + expiry) == 1)
        #expect(store.providerCount == 1 && store.recordCount == 1)
        #expect(store.collectGarbage(now: .seconds(31) + expiry) == 1)
        #expect(store.recordCount == 0 && store.keyCount == 0 && store.providerCount == 0)
        #expect(KadConstants.providerRepublishInterval < expiry)
    }

    @Test("a full key replaces its oldest provider; a full store refuses new records")
    func eviction() throws {
        var rng = SplitMix64(seed: 52)
        var store = KadProviderStore(configuration: .init(maximumProvidersPerKey: 3, maximumRecords: 5))
        let key: [UInt8] = [1, 2, 3]
        let peers = (0..<5).map { _ in randomPeerID(&rng) }
        for (index, peer) in peers.prefix(3).enumerated() {
            try store.addProvider(key: key, provider: peerInfo(peer), now: .seconds(Int64(index)))
        }
        #expect(try store.addProvider(key: key, provider: peerInfo(peers[3]), now: .seconds(9)) == .replacedOldest)
        #expect(Set(store.providers(for: key, now: .seconds(10)).map(\.id)) == Set([peers[1], peers[2], peers[3]]))
        #expect(store.providerCount == 3)
        try store.addProvider(key: [4], provider: peerInfo(peers[4]), now: .seconds(10))
        try store.addProvider(key: [5], provider: peerInfo(peers[4]), now: .seconds(10))
        #expect(store.recordCount == 5)
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try store.addProvider(key: [6], provider: peerInfo(peers[0]), now: .seconds(11))
        }
        // Refreshing is still allowed when full.
        #expect(try store.addProvider(key: [5], provider: peerInfo(peers[4]), now: .seconds(12)) == .refreshed)
    }

    @Test("keys outside 1...80 bytes are refused")
    func keyLimits() {
        var rng = SplitMix64(seed: 53)
        var store = KadProviderStore()
        let peer = peerInfo(randomPeerID(&rng))
        #expect(throws: ShoalError(.limitExceeded, "")) { try store.addProvider(key: [], provider: peer, now: .zero) }
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try store.addProvider(key: [UInt8](repeating: 1, count: 81), provider: peer, now: .zero)
        }
        #expect((try? store.addProvider(key: [UInt8](repeating: 1, count: 80), provider: peer, now: .zero)) == .added)
    }
}
