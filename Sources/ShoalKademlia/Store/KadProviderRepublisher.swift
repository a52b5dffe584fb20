/// The keys this node provides and when each was last announced: which are due for a new ADD_PROVIDER round.
///
/// A provider record lives ``KadConstants/providerRecordExpiry`` (48 h) on the peers that hold it, so a
/// provider announces each key again every ``interval`` (22 h by default). The schedule is pure: the caller
/// reports announcements with ``announced(_:now:)`` and asks ``due(now:)`` from its maintenance timer.
/// Bounded: at most ``maximumKeys`` keys (older keys stay, new ones are refused).
public struct KadProviderRepublisher: Sendable {
    /// How often a key is announced again.
    public let interval: Duration
    /// The most keys remembered.
    public let maximumKeys: Int
    private var lastAnnounced: [[UInt8]: Duration] = [:]

    /// An empty schedule.
    /// - Parameters:
    ///   - interval: the republish interval (22 h).
    ///   - maximumKeys: the most keys remembered.
    public init(interval: Duration = KadConstants.providerRepublishInterval, maximumKeys: Int = 1_000_000) {
        precondition(interval > .zero && maximumKeys > 0, "republish interval and key cap must be positive")
        self.interval = interval
        self.maximumKeys = maximumKeys
    }

    /// The number of keys provided.
    public var count: Int { lastAnnounced.count }

    /// Whether `key` is provided.
    public func contains(_ key: [UInt8]) -> Bool { lastAnnounced[key] != nil }

    /// Records that `key` was announced at `now` (the first time, or a republish).
    /// - Returns: false when the key is new and the schedule already holds ``maximumKeys`` keys.
    @discardableResult
    public mutating func announced(_ key: [UInt8], now: Duration) -> Bool {
        guard lastAnnounced[key] != nil || lastAnnounced.count < maximumKeys else { return false }
        lastAnnounced[key] = now
        return true
    }

    /// Stops providing `key`.
    public mutating func remove(_ key: [UInt8]) { lastAnnounced[key] = nil }

    /// The keys last announced at least ``interval`` before `now`, oldest announcement first (ties by key bytes,
    /// so the order is deterministic).
    public func due(now: Duration) -> [[UInt8]] {
        lastAnnounced.filter { now - $0.value >= interval }
            .sorted { $0.value != $1.value ? $0.value < $1.value : $0.key.lexicographicallyPrecedes($1.key) }
            .map(\.key)
    }

    /// When the next key falls due, if any key is provided.
    public var nextDue: Duration? { lastAnnounced.values.min().map { $0 + interval } }
}
