/// Which entries listed in a reply responder hygiene checks (``KadRoutingTable/Configuration/verifyScope``).
public enum KadVerifyScope: Hashable, Sendable {
    /// Only entries of buckets that are not full: the part of the key space around the local ID, where a bucket
    /// holds every peer the node knows there and no liveness check of a full bucket ever cleans it. These are the
    /// entries a node lists when a lookup reaches its end near the node, the ones that decide whether a lookup
    /// finds the k closest live peers. The default.
    case neighbourhood
    /// Every listed entry (about twice the checks of ``neighbourhood`` in a 10,000-node simulation).
    case everywhere
}

// MARK: - Suspects and responder hygiene

extension KadRoutingTable {
    /// Whether a liveness check of `id` is outstanding (asked for less than
    /// ``Configuration/livenessCheckTimeout`` ago, and neither answered nor failed since): by a full bucket, by
    /// responder hygiene, or by the shell after a lookup request timed out (``livenessCheckStarted(_:now:)``).
    /// A responder lists such an entry after the others and does not count it towards the k it lists (see
    /// ``KadServer``).
    public func isSuspect(_ id: KadPeerID, now: Duration) -> Bool {
        guard let since = suspects[id] else { return false }
        return now - since < configuration.livenessCheckTimeout
    }

    /// Reports that the caller started a liveness check of `id` on its own account (for example after a lookup
    /// request to it timed out): the entry is a suspect until the outcome is reported
    /// (``livenessCheckSucceeded(_:now:)``, ``livenessCheckFailed(_:now:)``), the peer is seen, or
    /// ``Configuration/livenessCheckTimeout`` passes. Nothing happens for a peer not in the table.
    public mutating func livenessCheckStarted(_ id: KadPeerID, now: Duration) {
        guard contains(id) else { return }
        suspects[id] = now
    }

    /// Reports a definitive failure to reach `id`: the connection was refused, the address answered with another
    /// identity, or the peer does not serve the protocol. Unlike a timeout (which may be one lost message, and
    /// only leads to a liveness check), the peer leaves the table at once, as go-libp2p-kad-dht drops a peer on
    /// a dial failure; its bucket's pending candidate, if any, takes its place.
    /// - Returns: the candidate that was inserted, if any.
    @discardableResult
    public mutating func peerUnreachable(_ id: KadPeerID) -> KadPeerID? {
        remove(id)
    }

    /// The peers just listed in a reply that need a liveness check (``Configuration/verifyListedAfter``): present
    /// in the table, in the ``Configuration/verifyScope``, not seen for that long, and not asked for within that
    /// long. Each one returned becomes a suspect (``isSuspect(_:now:)``); report each outcome with
    /// ``livenessCheckSucceeded(_:now:)`` or ``livenessCheckFailed(_:now:)``. Empty when the option is off.
    /// - Parameters:
    ///   - listed: the peers the reply lists.
    ///   - now: the current time.
    public mutating func entriesToVerify(listed: [KadPeerID], now: Duration) -> [KadPeerID] {
        guard let after = configuration.verifyListedAfter else { return [] }
        var out: [KadPeerID] = []
        for id in listed {
            let index = bucketIndex(of: id.kadKey)
            guard index < buckets.count, let position = buckets[index].position(of: id) else { continue }
            if configuration.verifyScope == .neighbourhood
                && buckets[index].entries.count >= configuration.bucketSize
            {
                continue
            }
            guard now - buckets[index].entries[position].lastSeen >= after else { continue }
            if let asked = verifyAsked[id], now - asked < after { continue }
            verifyAsked[id] = now
            suspects[id] = now
            out.append(id)
        }
        return out
    }
}
