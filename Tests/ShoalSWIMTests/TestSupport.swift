import ShoalCrypto
import ShoalSWIM
import ShoalTestKit

// MARK: - Test support

/// A deterministic Ed25519 key for test member `i`.
func testKey(_ i: Int) -> Ed25519.PrivateKey {
    var seed = [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 32)
    seed[0] = 0x5A
    return try! Ed25519.PrivateKey(seed: seed)
}

/// The test address of member `i`.
func testAddress(_ i: Int) -> SWIM.Address {
    try! SWIM.Address([10, 0, UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: i)])
}

/// A test instance for member `i` (uid `i + 100`).
func makeInstance(
    _ i: Int,
    settings: SWIM.Settings = .lan,
    metadata: [UInt8] = [],
    now: UInt64 = 0
) throws
    -> SWIM.Instance
{
    try SWIM.Instance(
        settings: settings,
        key: testKey(i),
        uid: UInt64(i + 100),
        address: testAddress(i),
        metadata: metadata,
        seed: UInt64(i) &* 7919,
        now: now
    )
}

/// Instances `0..<n` that all know each other.
func makeGroup(_ n: Int, settings: SWIM.Settings = .lan) throws -> [SWIM.Instance] {
    var group = try (0..<n).map { try makeInstance($0, settings: settings) }
    let records = group.map(\.ownRecord)
    for i in 0..<n { group[i]._insertVerifiedMembers(records, now: 0) }
    return group
}

let second: UInt64 = 1_000_000_000
let millisecond: UInt64 = 1_000_000

extension [SWIM.Directive] {
    /// The packets sent, with their destination addresses.
    var sends: [(packet: SWIM.Packet, to: SWIM.Address)] {
        compactMap {
            if case .send(let p, let to, _) = $0 { return (p, to) }
            return nil
        }
    }

    /// The membership events.
    var events: [SWIM.MemberEvent] {
        compactMap {
            if case .event(let e) = $0 { return e }
            return nil
        }
    }

    /// The requested wake-up time (the last directive).
    var wake: UInt64? {
        if case .wake(let t) = last { return t }
        return nil
    }
}

extension SWIM.Packet {
    /// The records carried.
    var records: [SWIM.MemberRecord] {
        messages.compactMap {
            if case .record(let r) = $0 { return r }
            return nil
        }
    }
}

/// A signed record for member `i` at an incarnation (for injecting refutations and leaves).
func record(
    _ i: Int,
    incarnation: UInt64,
    state: SWIM.MemberRecord.State = .alive,
    metadata: [UInt8] = []
)
    -> SWIM.MemberRecord
{
    try! SWIM.MemberRecord(
        signingWith: testKey(i),
        uid: UInt64(i + 100),
        incarnation: incarnation,
        state: state,
        address: testAddress(i),
        metadata: metadata
    )
}

/// A packet from member `i` carrying messages.
func packet(from i: Int, _ messages: [SWIM.Message]) -> SWIM.Packet {
    SWIM.Packet(sender: SWIM.NodeID(publicKey: testKey(i).publicKey, uid: UInt64(i + 100)), messages: messages)
}

/// The identity of test member `i`.
func nodeID(_ i: Int) -> SWIM.NodeID { SWIM.NodeID(publicKey: testKey(i).publicKey, uid: UInt64(i + 100)) }
