/// A Kademlia routing table: k-buckets indexed by common prefix length with the local key.
///
/// Admission follows the original paper and libp2p practice: only peers the caller reports as DHT servers are
/// admitted; a peer already present is moved to the most-recently-seen end; a full bucket keeps its entries and
/// asks the caller to check the liveness of its least recently seen peer (``InsertResult/checkLiveness(of:)``),
/// holding the candidate as the bucket's pending entry. Only when that check fails
/// (``livenessCheckFailed(_:now:)``) is the oldest entry replaced by the pending candidate.
///
/// Memory: buckets are created lazily up to the deepest one used. An entry is an ID (its bytes are shared with
/// every other copy of the same `KadPeerID`), its precomputed key, an address list and a time, see
/// ``Entry``. Time is a `Duration` since the caller's origin (see ``KadConstants``).
public struct KadRoutingTable: Sendable {
    /// Tunables.
    public struct Configuration: Sendable {
        /// Peers per bucket (k).
        public var bucketSize: Int
        /// Addresses kept per peer (extra ones are dropped, the first ones kept).
        public var maximumAddressesPerPeer: Int
        /// How long a bucket may go without a lookup before it needs a refresh.
        public var refreshInterval: Duration
        /// The deepest bucket refreshed with a random key (go: 15). Deeper buckets are covered by the self lookup.
        public var maximumRefreshPrefixLength: Int
        /// How long an unanswered liveness check blocks new checks in its bucket. After that, the next candidate
        /// for the bucket asks for a new check (so a shell that lost a result cannot freeze a bucket).
        public var livenessCheckTimeout: Duration
        /// Liveness-check rate limit: a full bucket asks for a check only if its least recently seen entry has not
        /// been seen for this long, and its previous check was asked for at least this long ago. Otherwise the
        /// candidate is only held as the bucket's pending entry (the replacement cache), which takes the place of
        /// the next entry removed. Zero: a check for every candidate (when none is outstanding).
        public var minimumLivenessCheckInterval: Duration
        /// Responder hygiene (nil, the default: off): an entry handed out in a reply (see
        /// ``entriesToVerify(listed:now:)``) that has not been seen for this long gets a liveness check, at most one
        /// per entry per this interval. Under churn it removes crashed peers from the tables that list them, which
        /// a lookup needs to find the k closest live peers; it costs requests.
        public var verifyListedAfter: Duration?
        /// Which listed entries responder hygiene checks (``KadVerifyScope``).
        public var verifyScope: KadVerifyScope

        /// The defaults: k = 20, 16 addresses per peer, refresh every 10 min, up to prefix length 15, liveness
        /// checks outstanding for at most 30 s, at most one check per bucket per 30 s and none for an entry seen
        /// in the last 30 s; responder hygiene off, scoped to the neighbourhood when turned on.
        public init(
            bucketSize: Int = KadConstants.k,
            maximumAddressesPerPeer: Int = 16,
            refreshInterval: Duration = KadConstants.refreshInterval,
            maximumRefreshPrefixLength: Int = 15,
            livenessCheckTimeout: Duration = .seconds(30),
            minimumLivenessCheckInterval: Duration = .seconds(30),
            verifyListedAfter: Duration? = nil,
            verifyScope: KadVerifyScope = .neighbourhood
        ) {
            precondition(bucketSize > 0 && maximumAddressesPerPeer >= 0, "bucket size must be positive")
            precondition((0..<256).contains(maximumRefreshPrefixLength), "refresh prefix length out of 0..<256")
            self.bucketSize = bucketSize
            self.maximumAddressesPerPeer = maximumAddressesPerPeer
            self.refreshInterval = refreshInterval
            self.maximumRefreshPrefixLength = maximumRefreshPrefixLength
            self.livenessCheckTimeout = livenessCheckTimeout
            self.minimumLivenessCheckInterval = minimumLivenessCheckInterval
            self.verifyListedAfter = verifyListedAfter
            self.verifyScope = verifyScope
        }
    }

    /// A peer in the table.
    public struct Entry: Hashable, Sendable {
        /// The peer.
        public let id: KadPeerID
        /// Its binary multiaddrs (at most ``Configuration/maximumAddressesPerPeer``).
        public var addresses: [[UInt8]]
        /// When it was last seen alive.
        public var lastSeen: Duration

        /// The entry as a message peer, connection hint unset.
        public var peerInfo: KadPeerInfo { KadPeerInfo(id: id, addresses: addresses) }
    }

    /// What ``peerSeen(_:addresses:isServer:now:)`` did.
    public enum InsertResult: Hashable, Sendable {
        /// The peer was added.
        case added
        /// The peer was present; it moved to the most-recently-seen end (and its addresses were replaced when new
        /// ones were given).
        case updated
        /// The bucket is full. Check the liveness of this peer (its least recently seen) and report the outcome
        /// with ``livenessCheckSucceeded(_:now:)`` or ``livenessCheckFailed(_:now:)``. The candidate is pending.
        case checkLiveness(of: KadPeerID)
        /// The bucket is full and no check is asked for now: one (asked for less than
        /// ``Configuration/livenessCheckTimeout`` ago) is outstanding, or the rate limit
        /// (``Configuration/minimumLivenessCheckInterval``) holds. The candidate replaced the pending one.
        case pending
        /// The peer is not a DHT server (it was removed if it was present).
        case rejectedNotServer
        /// The peer is the local peer.
        case rejectedSelf
    }

    /// The local peer.
    public let localID: KadPeerID
    /// The tunables.
    public let configuration: Configuration
    private let createdAt: Duration
    var buckets: [KadBucket] = []
    /// The number of peers in the table.
    public private(set) var count = 0
    /// Entries whose listing asked for a check, and when (a subset of the table's entries).
    var verifyAsked: [KadPeerID: Duration] = [:]
    /// Entries with a liveness check outstanding, and since when (a subset of the table's entries).
    var suspects: [KadPeerID: Duration] = [:]

    /// An empty table.
    /// - Parameters:
    ///   - localID: the local peer, whose key indexes the buckets.
    ///   - configuration: tunables.
    ///   - now: the creation time; buckets never looked up count as refreshed at this time.
    public init(localID: KadPeerID, configuration: Configuration = Configuration(), now: Duration = .zero) {
        self.localID = localID
        self.configuration = configuration
        self.createdAt = now
    }

    // MARK: - Queries

    /// The bucket index of a key: its common prefix length with the local key, capped at 255.
    public func bucketIndex(of key: KadKey) -> Int {
        min(localID.kadKey.commonPrefixLength(with: key), 255)
    }

    /// The entry of a peer, if present.
    public func entry(for id: KadPeerID) -> Entry? {
        let index = bucketIndex(of: id.kadKey)
        guard index < buckets.count, let position = buckets[index].position(of: id) else { return nil }
        return buckets[index].entries[position]
    }

    /// Whether a peer is present.
    public func contains(_ id: KadPeerID) -> Bool { entry(for: id) != nil }

    /// Every entry, bucket by bucket, least recently seen first within a bucket.
    public var entries: [Entry] { buckets.flatMap(\.entries) }

    /// The number of entries per bucket index (up to the deepest non-empty bucket).
    public var bucketSizes: [Int] {
        let sizes = buckets.map(\.entries.count)
        guard let last = sizes.lastIndex(where: { $0 > 0 }) else { return [] }
        return Array(sizes[...last])
    }

    /// The pending candidate of the bucket a key falls in, if any.
    public func pendingCandidate(forBucketOf key: KadKey) -> Entry? {
        let index = bucketIndex(of: key)
        return index < buckets.count ? buckets[index].pending : nil
    }

    /// The `count` peers closest to `key`, closest first.
    ///
    /// Exact, without scoring the whole table: with `c` the bucket index of `key`, every peer of bucket `c` is
    /// closer to `key` than every peer of the deeper buckets (their XOR distance first differs at bit `c`), which
    /// are closer than every peer of bucket `c - 1`, then `c - 2`, … So the buckets are taken in that order and
    /// sorted by distance within a group only, until `count` peers are found.
    /// - Parameters:
    ///   - key: the target.
    ///   - count: how many peers at most.
    ///   - excluding: a peer to leave out (typically the requester).
    public func closest(to key: KadKey, count: Int, excluding: KadPeerID? = nil) -> [Entry] {
        guard count > 0 else { return [] }
        let home = bucketIndex(of: key)
        var out: [Entry] = []
        out.reserveCapacity(min(count, self.count))
        var group: [ScoredEntry] = []
        func take(_ range: Range<Int>) {
            group.removeAll(keepingCapacity: true)
            for index in range {
                for (position, entry) in buckets[index].entries.enumerated() where entry.id != excluding {
                    group.append(
                        ScoredEntry(
                            distance: entry.id.kadKey.distance(to: key),
                            bucket: Int32(index),
                            position: Int32(position)
                        )
                    )
                }
            }
            group.sort { $0.distance < $1.distance }
            for scored in group.prefix(count - out.count) {
                out.append(buckets[Int(scored.bucket)].entries[Int(scored.position)])
            }
        }
        if home < buckets.count { take(home..<(home + 1)) }
        if out.count < count && home + 1 < buckets.count { take((home + 1)..<buckets.count) }
        var index = min(home, buckets.count) - 1
        while out.count < count && index >= 0 {
            take(index..<(index + 1))
            index -= 1
        }
        return out
    }

    private struct ScoredEntry {
        var distance: KadDistance
        var bucket: Int32
        var position: Int32
    }

    /// An estimate of the heap memory the table holds, in bytes: every array's storage at its capacity plus a
    /// 32-byte header per allocation, ID and address bytes included (ID bytes shared with other copies are
    /// counted anyway; allocator rounding is not). Deterministic, unlike a resident-size measurement.
    public var estimatedByteCount: Int {
        func entryBytes(_ entry: Entry) -> Int {
            let id = 32 + entry.id.bytes.count
            let addresses = 32 + entry.addresses.capacity * 8 + entry.addresses.reduce(0) { $0 + 32 + $1.count }
            return id + addresses
        }
        var total = 32 + buckets.capacity * MemoryLayout<KadBucket>.stride
        for bucket in buckets {
            total += 32 + bucket.entries.capacity * MemoryLayout<Entry>.stride
            total += bucket.entries.reduce(0) { $0 + entryBytes($1) }
            if let pending = bucket.pending { total += entryBytes(pending) }
        }
        return total
    }

    // MARK: - Updates

    /// Reports that a peer was seen (a connection, a query, a response).
    /// - Parameters:
    ///   - id: the peer.
    ///   - addresses: its binary multiaddrs; nil keeps the known ones.
    ///   - isServer: whether the peer serves the DHT protocol (identify lists it). Clients are never admitted.
    ///   - now: the current time.
    /// - Returns: what happened; ``InsertResult/checkLiveness(of:)`` asks the caller for a liveness check.
    @discardableResult
    public mutating func peerSeen(
        _ id: KadPeerID,
        addresses: [[UInt8]]? = nil,
        isServer: Bool,
        now: Duration
    ) -> InsertResult {
        guard id != localID else { return .rejectedSelf }
        guard isServer else {
            remove(id)
            return .rejectedNotServer
        }
        let index = bucketIndex(of: id.kadKey)
        let trimmed = addresses.map { Array($0.prefix(configuration.maximumAddressesPerPeer)) }
        if index >= buckets.count {
            buckets.append(contentsOf: repeatElement(KadBucket(), count: index + 1 - buckets.count))
        }
        if let position = buckets[index].position(of: id) {
            buckets[index].touch(at: position, now: now, addresses: trimmed)
            suspects[id] = nil
            return .updated
        }
        let entry = Entry(id: id, addresses: trimmed ?? [], lastSeen: now)
        if buckets[index].entries.count < configuration.bucketSize {
            buckets[index].entries.append(entry)
            count += 1
            return .added
        }
        buckets[index].pending = entry
        if buckets[index].checking != nil && now - buckets[index].checkingSince < configuration.livenessCheckTimeout {
            return .pending
        }
        let interval = configuration.minimumLivenessCheckInterval
        if let lastCheck = buckets[index].lastCheckAskedAt, now - lastCheck < interval {
            return .pending
        }
        if now - buckets[index].entries[0].lastSeen < interval { return .pending }
        let oldest = buckets[index].entries[0].id
        buckets[index].lastCheckAskedAt = now
        buckets[index].checking = oldest
        buckets[index].checkingSince = now
        suspects[oldest] = now
        return .checkLiveness(of: oldest)
    }

    /// Reports that a liveness check succeeded: the peer moves to the most-recently-seen end. If it was the peer
    /// under check, the pending candidate of its bucket is dropped.
    public mutating func livenessCheckSucceeded(_ id: KadPeerID, now: Duration) {
        let index = bucketIndex(of: id.kadKey)
        guard index < buckets.count else { return }
        if let position = buckets[index].position(of: id) {
            buckets[index].touch(at: position, now: now, addresses: nil)
        }
        verifyAsked[id] = nil
        suspects[id] = nil
        if buckets[index].checking == id {
            buckets[index].checking = nil
            buckets[index].pending = nil
        }
    }

    /// Reports that a liveness check failed: the peer is removed and the pending candidate of its bucket, if
    /// any, takes its place.
    /// - Returns: the candidate that was inserted, if any.
    @discardableResult
    public mutating func livenessCheckFailed(_ id: KadPeerID, now: Duration) -> KadPeerID? {
        remove(id)
    }

    /// Removes a peer (it failed to answer, disconnected for good, or stopped serving the DHT). The pending
    /// candidate of its bucket, if any, takes its place.
    /// - Returns: the candidate that was inserted, if any.
    @discardableResult
    public mutating func remove(_ id: KadPeerID) -> KadPeerID? {
        verifyAsked[id] = nil
        suspects[id] = nil
        let index = bucketIndex(of: id.kadKey)
        guard index < buckets.count else { return nil }
        if buckets[index].checking == id { buckets[index].checking = nil }
        if buckets[index].pending?.id == id { buckets[index].pending = nil }
        guard let position = buckets[index].position(of: id) else { return nil }
        buckets[index].entries.remove(at: position)
        count -= 1
        guard let pending = buckets[index].pending else { return nil }
        buckets[index].pending = nil
        buckets[index].checking = nil
        buckets[index].entries.append(pending)
        count += 1
        return pending.id
    }

    // MARK: - Refresh bookkeeping

    /// Records that a lookup for `target` completed at `now`: the bucket of `target` counts as refreshed.
    public mutating func recordLookup(of target: KadKey, now: Duration) {
        let index = bucketIndex(of: target)
        if index >= buckets.count {
            buckets.append(contentsOf: repeatElement(KadBucket(), count: index + 1 - buckets.count))
        }
        buckets[index].lastRefreshed = now
    }

    /// The buckets that need a refresh at `now`: every bucket index from 0 to the deepest non-empty one (at most
    /// ``Configuration/maximumRefreshPrefixLength``) that has had no lookup for ``Configuration/refreshInterval``.
    public func bucketsNeedingRefresh(now: Duration) -> [Int] {
        guard let deepest = buckets.lastIndex(where: { !$0.entries.isEmpty }) else { return [] }
        let last = min(deepest, configuration.maximumRefreshPrefixLength)
        return (0...last).filter { index in
            let refreshed = index < buckets.count ? (buckets[index].lastRefreshed ?? createdAt) : createdAt
            return now - refreshed >= configuration.refreshInterval
        }
    }

    /// The refresh directive at `now`: one random target per bucket needing a refresh (see
    /// ``bucketsNeedingRefresh(now:)``). The caller runs a FIND_NODE lookup for each target (and for its own ID),
    /// then calls ``recordLookup(of:now:)``.
    /// - Parameter generator: the source of randomness for the targets.
    public func refreshTargets(now: Duration, using generator: inout some RandomNumberGenerator) -> [KadRefreshTarget] {
        bucketsNeedingRefresh(now: now).compactMap { index in
            KadRefreshTarget.random(bucket: index, localKey: localID.kadKey, using: &generator)
        }
    }
}

extension Array {
    /// The first index whose element satisfies `belongsInSecondPartition` (the array must be partitioned by it).
    func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongsInSecondPartition(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
