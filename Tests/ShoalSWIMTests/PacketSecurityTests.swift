import ShoalCore
import ShoalCrypto
import ShoalSWIM
import Testing

@Suite("SWIM packet security")
struct PacketSecurityTests {
    static let keyA = SecureBytes(Array(repeating: 0x11, count: 32))
    static let keyB = SecureBytes(Array(repeating: 0x22, count: 32))

    static func sealed(_ i: Int, _ key: SecureBytes = keyA, id: UInt8 = 1) throws -> SWIM.PacketSecurity {
        SWIM.PacketSecurity(
            mode: .clusterKeys(try SWIM.Keyring(primary: key, id: id)),
            key: testKey(i),
            uid: UInt64(i + 100)
        )
    }

    static let sample = packet(from: 1, [.ping(sequence: 9, target: nodeID(2)), .record(record(1, incarnation: 3))])

    @Test("cluster-key sealing round-trips with at most 50 bytes of overhead")
    func sealedRoundTrip() throws {
        var a = try Self.sealed(1)
        var b = try Self.sealed(2)
        let datagram = try a.seal(Self.sample)
        #expect(datagram.count == (try SWIM.WireCodec.encode(Self.sample)).count + 50)
        do {
            let ok = (b.open(datagram) == Self.sample)
            #expect(ok)
        }
        #expect(b.counters.accepted == 1)
    }

    @Test("signed mode round-trips; a forged sender or tampered byte fails authentication")
    func signedRoundTrip() throws {
        var a = SWIM.PacketSecurity(mode: .signed, key: testKey(1), uid: 101)
        var b = SWIM.PacketSecurity(mode: .signed, key: testKey(2), uid: 102)
        let datagram = try a.seal(Self.sample)
        #expect(datagram.count == (try SWIM.WireCodec.encode(Self.sample)).count + 73)
        var tampered = datagram
        tampered[20] ^= 0x01
        do {
            let ok = (b.open(tampered) == nil)
            #expect(ok)
        }
        #expect(b.counters.authenticationFailures == 1)
        do {
            let ok = (b.open(datagram) == Self.sample)
            #expect(ok)
        }
        // Member 3 signs a packet that claims to come from member 1.
        var mallory = SWIM.PacketSecurity(mode: .signed, key: testKey(3), uid: 103)
        #expect(throws: ShoalError(.invalidArgument, "")) { try mallory.seal(Self.sample) }
        var forged = datagram
        forged.replaceSubrange((forged.count - 64)..., with: testKey(3).signature(for: Array(forged.dropLast(64))))
        do {
            let ok = (b.open(forged) == nil)
            #expect(ok)
        }
        #expect(b.counters.authenticationFailures == 2)
        // A sealed datagram is not accepted in signed mode, and vice versa.
        var keyed = try Self.sealed(1)
        do {
            let ok = try (b.open(keyed.seal(Self.sample)) == nil)
            #expect(ok)
        }
        #expect(b.counters.authenticationFailures == 3)
    }

    @Test("a replayed datagram is dropped and counted; reordering within the window is accepted")
    func replay() throws {
        var a = try Self.sealed(1)
        var b = try Self.sealed(2)
        let d1 = try a.seal(Self.sample)
        let d2 = try a.seal(Self.sample)
        let d3 = try a.seal(Self.sample)
        do {
            let ok = (b.open(d3) != nil)
            #expect(ok)
        }
        do {
            let ok = (b.open(d1) != nil)
            #expect(ok)
        }
        do {
            let ok = (b.open(d1) == nil)
            #expect(ok)
        }
        do {
            let ok = (b.open(d3) == nil)
            #expect(ok)
        }
        do {
            let ok = (b.open(d2) != nil)
            #expect(ok)
        }
        #expect(b.counters.replays == 2)
        #expect(b.counters.accepted == 3)
    }

    @Test("replay window: duplicates and numbers older than 64 are refused")
    func window() {
        var w = SWIM.ReplayWindow()
        do {
            let ok = (!w.accept(0))
            #expect(ok)
        }
        do {
            let ok = (w.accept(100))
            #expect(ok)
        }
        do {
            let ok = (w.accept(37))
            #expect(ok)
        }
        do {
            let ok = (!w.accept(36))
            #expect(ok)
        }
        do {
            let ok = (!w.accept(37))
            #expect(ok)
        }
        do {
            let ok = (w.accept(99))
            #expect(ok)
        }
        do {
            let ok = (w.accept(1000))
            #expect(ok)
        }
        do {
            let ok = (!w.accept(100))
            #expect(ok)
        }
        do {
            let ok = (w.accept(999))
            #expect(ok)
        }
        #expect(w.highest == 1000)
    }

    @Test("a datagram sealed with another cluster key, or an unknown key ID, is dropped")
    func wrongKey() throws {
        var a = try Self.sealed(1, Self.keyB, id: 1)
        var b = try Self.sealed(2, Self.keyA, id: 1)
        do {
            let ok = try (b.open(a.seal(Self.sample)) == nil)
            #expect(ok)
        }
        var c = try Self.sealed(1, Self.keyA, id: 9)
        do {
            let ok = try (b.open(c.seal(Self.sample)) == nil)
            #expect(ok)
        }
        #expect(b.counters.authenticationFailures == 2)
        #expect(b.counters.accepted == 0)
    }

    @Test("key rotation: install, use, remove loses no datagram")
    func rotation() throws {
        var a = try Self.sealed(1, Self.keyA, id: 1)
        var b = try Self.sealed(2, Self.keyA, id: 1)
        // Step 1: install the new key everywhere.
        try a.keyring!.install(Self.keyB, id: 2)
        try b.keyring!.install(Self.keyB, id: 2)
        do {
            let ok = try (b.open(a.seal(Self.sample)) != nil)
            #expect(ok)
        }
        // Step 2: switch the primary on one side first: both directions still work.
        try a.keyring!.use(id: 2)
        do {
            let ok = try (b.open(a.seal(Self.sample)) != nil)
            #expect(ok)
        }
        do {
            let ok = try (a.open(b.seal(packet(from: 2, [.ack(sequence: 1)]))) != nil)
            #expect(ok)
        }
        try b.keyring!.use(id: 2)
        // Step 3: remove the old key; the primary cannot be removed.
        try a.keyring!.remove(id: 1)
        try b.keyring!.remove(id: 1)
        #expect(throws: ShoalError(.invalidArgument, "")) { try b.keyring!.remove(id: 2) }
        do {
            let ok = try (b.open(a.seal(Self.sample)) != nil)
            #expect(ok)
        }
        #expect(b.counters.authenticationFailures == 0)
        #expect(b.keyring!.keyIDs == [2])
        // A holder of only the old key is now locked out.
        var old = try Self.sealed(1, Self.keyA, id: 1)
        do {
            let ok = try (b.open(old.seal(Self.sample)) == nil)
            #expect(ok)
        }
        #expect(throws: ShoalError(.invalidKey, "")) { try b.keyring!.install(SecureBytes([1, 2, 3]), id: 5) }
        #expect(throws: ShoalError(.invalidArgument, "")) { try b.keyring!.install(Self.keyA, id: 2) }
        #expect(throws: ShoalError(.invalidArgument, "")) { try b.keyring!.use(id: 77) }
    }

    @Test("oversized and reflected datagrams are dropped and counted")
    func oversizeAndReflection() throws {
        var a = try Self.sealed(1)
        do {
            let ok = (a.open(Array(repeating: 0xA1, count: 1401)) == nil)
            #expect(ok)
        }
        #expect(a.counters.oversize == 1)
        var a2 = try Self.sealed(1)
        do {
            let ok = try (a.open(a2.seal(Self.sample)) == nil)
            #expect(ok)
        }
        #expect(a.counters.reflected == 1)
        do {
            let ok = (a.open([]) == nil)
            #expect(ok)
        }
        do {
            let ok = (a.open([0xA1, 1, 2]) == nil)
            #expect(ok)
        }
        #expect(a.counters.malformed + a.counters.authenticationFailures == 2)
    }
}
