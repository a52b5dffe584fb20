// MARK: - Entry correction

extension KadRoutingTable {
    /// Entry correction: a request sent to `stale` at its addresses was answered by another peer, `actual` (the
    /// address now belongs to someone else, for example a node restarted with a new identity). The stale entry is
    /// removed (its bucket's pending candidate, if any, takes its place) and `actual` is reported seen at those
    /// addresses, like any other peer (``peerSeen(_:addresses:isServer:now:)``).
    /// - Parameters:
    ///   - actual: the peer that answered.
    ///   - stale: the peer the table expected there.
    ///   - addresses: the addresses the request went to.
    ///   - isServer: whether `actual` serves the DHT protocol.
    ///   - now: the current time.
    /// - Returns: what happened to `actual` (``InsertResult/checkLiveness(of:)`` asks for a liveness check).
    @discardableResult
    public mutating func peerAnswered(
        as actual: KadPeerID,
        insteadOf stale: KadPeerID,
        addresses: [[UInt8]],
        isServer: Bool,
        now: Duration
    ) -> InsertResult {
        if actual != stale { remove(stale) }
        return peerSeen(actual, addresses: addresses, isServer: isServer, now: now)
    }
}
