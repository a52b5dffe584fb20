import Synchronization

/// Remembers the peers' static-key signatures that have verified, so that a peer reconnecting with the same signed
/// Noise static key (as Shoal hosts do: one static key per host) costs no second signature verification.
///
/// An entry is the exact triple (remote static key, identity key, signature) whose signature checked: verification
/// is deterministic, so a hit proves what a new verification would. A triple with any byte different is verified as
/// usual. The memo is bounded (``maximumCount`` entries, emptied when full, as identify's verified records are) and
/// shared by every handshake of one host; it holds only public values.
public final class NoiseVerifiedStatics: Sendable {
    /// The most triples remembered before the memo starts over.
    public static let maximumCount = 1024

    private let entries = Mutex(Set<[UInt8]>())

    /// An empty memo.
    public init() {}

    /// The number of triples remembered (for tests).
    public var count: Int { entries.withLock { $0.count } }

    /// Whether `key` (see ``NoiseHandshakePayload/verificationKey(staticKey:)``) has verified before.
    func contains(_ key: [UInt8]) -> Bool {
        entries.withLock { $0.contains(key) }
    }

    /// Records that `key` verified.
    func insert(_ key: [UInt8]) {
        entries.withLock { set in
            if set.count >= Self.maximumCount { set.removeAll() }
            set.insert(key)
        }
    }
}
