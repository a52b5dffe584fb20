/// One k-bucket: the peers whose key shares exactly `index` leading bits with the local key (the last bucket
/// also holds longer prefixes), least recently seen first.
struct KadBucket: Sendable {
    /// Peers, least recently seen first (index 0 is the eviction candidate).
    var entries: [KadRoutingTable.Entry] = []
    /// A peer waiting for a place: it replaces ``checking`` if that peer's liveness check fails.
    var pending: KadRoutingTable.Entry?
    /// The oldest entry whose liveness the caller was asked to check, if a check is outstanding.
    var checking: KadPeerID?
    /// When the outstanding check was asked for.
    var checkingSince: Duration = .zero
    /// When the bucket last asked for a liveness check (nil: never), for the rate limit.
    var lastCheckAskedAt: Duration?
    /// When a lookup last ran for a key in this bucket's range (nil: never, count from the table's creation).
    var lastRefreshed: Duration?

    func position(of id: KadPeerID) -> Int? {
        entries.firstIndex { $0.id == id }
    }

    /// Moves the entry at `index` to the most-recently-seen end.
    mutating func touch(at index: Int, now: Duration, addresses: [[UInt8]]?) {
        var entry = entries.remove(at: index)
        entry.lastSeen = now
        if let addresses { entry.addresses = addresses }
        entries.append(entry)
    }
}
