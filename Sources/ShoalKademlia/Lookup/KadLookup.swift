/// An iterative Kademlia lookup (FIND_NODE) as a pure state machine.
///
/// The lookup is seeded with the k closest peers the caller knows. It keeps at most α requests in flight, always
/// to the closest uncontacted candidates among the k closest candidates not known to have failed, and merges the
/// closer peers of every reply. It ends by the configured ``KadLookupTermination`` rule or when nothing is left to
/// ask. A failed peer is dropped for good; a timed-out one too, once it has used its
/// ``KadLookupConfiguration/maximumAttempts`` (1 by default: never retried). Time is a `Duration` since the
/// caller's origin.
///
/// Drive it with ``start(now:)``, then ``receivedResponse(from:closerPeers:now:)``, ``requestFailed(_:now:)``,
/// and either ``requestTimedOut(_:now:)`` per request or ``tick(now:)`` (which expires every request whose deadline
/// passed; ``nextDeadline`` says when to call it). Each input returns actions: send a request (with its deadline)
/// or finished.
public struct KadLookup: Sendable {
    /// Something for the caller to do.
    public enum Action: Hashable, Sendable {
        /// Send the request to this peer; report its reply, failure, or call ``tick(now:)`` after `deadline`.
        case sendRequest(to: KadPeerInfo, deadline: Duration)
        /// The lookup is over.
        case finished(KadLookupResult)
    }

    enum State: Hashable, Sendable {
        case notContacted
        case waiting(deadline: Duration)
        case succeeded
        case failed
    }

    struct Candidate: Sendable {
        var peer: KadPeerInfo
        let distance: KadDistance
        var state: State
        let hop: Int
        var attempts = 0
    }

    /// The key looked up.
    public let target: KadKey
    /// The tunables.
    public let configuration: KadLookupConfiguration
    /// The counters so far.
    public private(set) var statistics = KadLookupStatistics()
    /// The result, once finished.
    public private(set) var result: KadLookupResult?

    private let localID: KadPeerID?
    /// Sorted by distance to the target, closest first.
    private var candidates: [Candidate] = []
    /// Every peer ever added, so that a dropped or failed peer is never added again.
    private var seen: Set<KadPeerID> = []
    private var inFlight = 0
    private var started = false

    /// A lookup of `target`.
    /// - Parameters:
    ///   - target: the key looked up (for FIND_NODE of a peer: its ``KadPeerID/kadKey``).
    ///   - seeds: the closest peers the caller knows (typically ``KadRoutingTable/closest(to:count:excluding:)``).
    ///   - localID: the local peer, never queried.
    ///   - configuration: tunables.
    public init(
        target: KadKey,
        seeds: [KadPeerInfo],
        localID: KadPeerID? = nil,
        configuration: KadLookupConfiguration = KadLookupConfiguration()
    ) {
        self.target = target
        self.configuration = configuration
        self.localID = localID
        for seed in seeds where seed.id != localID { insert(seed, hop: 1) }
        trimCandidates()
    }

    /// Whether the lookup is over.
    public var isFinished: Bool { result != nil }

    /// The earliest deadline of a request in flight, if any: call ``tick(now:)`` then.
    public var nextDeadline: Duration? {
        candidates.lazy.compactMap { candidate -> Duration? in
            if case .waiting(let deadline) = candidate.state { return deadline }
            return nil
        }.min()
    }

    /// The peers with a request in flight.
    public var peersInFlight: [KadPeerID] {
        candidates.filter { if case .waiting = $0.state { true } else { false } }.map(\.peer.id)
    }

    // MARK: - Inputs

    /// Starts the lookup: the first α requests, or finished if there is no seed.
    public mutating func start(now: Duration) -> [Action] {
        guard !started, result == nil else { return [] }
        started = true
        return step(now: now)
    }

    /// A peer answered with closer peers.
    /// - Parameters:
    ///   - peer: the responder.
    ///   - closerPeers: its `closerPeers` (at most ``KadLookupConfiguration/maximumPeersPerReply`` are taken).
    ///   - now: the current time.
    public mutating func receivedResponse(
        from peer: KadPeerID,
        closerPeers: [KadPeerInfo],
        now: Duration
    ) -> [Action] {
        guard result == nil else { return [] }
        guard let index = waitingIndex(of: peer) else {
            statistics.unexpectedResponses += 1
            return []
        }
        candidates[index].state = .succeeded
        inFlight -= 1
        statistics.responses += 1
        let hop = candidates[index].hop + 1
        if closerPeers.count > configuration.maximumPeersPerReply {
            statistics.excessPeers += closerPeers.count - configuration.maximumPeersPerReply
        }
        for closer in closerPeers.prefix(configuration.maximumPeersPerReply) {
            if closer.id == peer || closer.id == localID {
                statistics.selfListings += 1
                continue
            }
            if seen.contains(closer.id) { continue }
            if closer.addresses.isEmpty {
                statistics.peersWithoutAddresses += 1
                continue
            }
            insert(closer, hop: hop)
        }
        trimCandidates()
        return step(now: now)
    }

    /// A request failed (the connection or stream failed, or the reply did not decode). The peer is dropped.
    public mutating func requestFailed(_ peer: KadPeerID, now: Duration) -> [Action] {
        guard result == nil, let index = waitingIndex(of: peer) else { return [] }
        candidates[index].state = .failed
        inFlight -= 1
        statistics.failures += 1
        return step(now: now)
    }

    /// A request's own timer fired (for shells that run one timer per request rather than calling
    /// ``tick(now:)``): counted as a timeout; the peer is asked again if it has attempts left, else dropped.
    public mutating func requestTimedOut(_ peer: KadPeerID, now: Duration) -> [Action] {
        guard result == nil, let index = waitingIndex(of: peer) else { return [] }
        expire(index)
        return step(now: now)
    }

    /// Expires every request whose deadline is at or before `now` (each peer is asked again if it has attempts
    /// left, else dropped), then continues.
    public mutating func tick(now: Duration) -> [Action] {
        guard result == nil else { return [] }
        for index in candidates.indices {
            if case .waiting(let deadline) = candidates[index].state, deadline <= now { expire(index) }
        }
        return step(now: now)
    }

    /// A request timed out: the peer is asked again if it has attempts left
    /// (``KadLookupConfiguration/maximumAttempts``), else dropped for good.
    private mutating func expire(_ index: Int) {
        inFlight -= 1
        statistics.timeouts += 1
        candidates[index].state =
            candidates[index].attempts < configuration.maximumAttempts ? .notContacted : .failed
    }

    /// The candidate entry of a peer with a request in flight, if any.
    func candidate(_ peer: KadPeerID) -> KadPeerInfo? {
        waitingIndex(of: peer).map { candidates[$0].peer }
    }

    /// Ends the lookup now with the peers that answered so far (used by the provider and value variants).
    mutating func finishEarly() -> KadLookupResult {
        if let result { return result }
        let finished = makeResult()
        result = finished
        return finished
    }

    // MARK: - Progress

    private mutating func step(now: Duration) -> [Action] {
        var actions: [Action] = []
        if isDone() {
            let finished = makeResult()
            result = finished
            actions.append(.finished(finished))
            return actions
        }
        // Ask the closest uncontacted candidates among the k closest that have not failed.
        var considered = 0
        for index in candidates.indices where inFlight < configuration.parallelism {
            if considered >= configuration.resultCount { break }
            switch candidates[index].state {
            case .failed:
                continue
            case .notContacted:
                let deadline = now + configuration.requestTimeout
                candidates[index].state = .waiting(deadline: deadline)
                candidates[index].attempts += 1
                inFlight += 1
                statistics.requestsSent += 1
                actions.append(.sendRequest(to: candidates[index].peer, deadline: deadline))
            case .waiting, .succeeded:
                break
            }
            considered += 1
        }
        return actions
    }

    private func isDone() -> Bool {
        let needed: Int
        switch configuration.termination {
        case .kClosestAnswered: needed = configuration.resultCount
        case .closestAnswered(let count): needed = count
        }
        var answered = 0
        for candidate in candidates {
            switch candidate.state {
            case .failed: continue
            case .notContacted, .waiting: return false
            case .succeeded:
                answered += 1
                if answered >= needed { return true }
            }
        }
        // Fewer than `needed` live candidates, all answered: nothing is left to ask.
        return true
    }

    private func makeResult() -> KadLookupResult {
        let answered = candidates.filter { $0.state == .succeeded }.prefix(configuration.resultCount)
        var statistics = self.statistics
        statistics.hops = answered.map(\.hop).max() ?? 0
        return KadLookupResult(closest: answered.map(\.peer), statistics: statistics)
    }

    // MARK: - Candidates

    private func waitingIndex(of peer: KadPeerID) -> Int? {
        let distance = peer.kadKey.distance(to: target)
        var index = candidates.partitioningIndex { !($0.distance < distance) }
        while index < candidates.count && candidates[index].distance == distance {
            if candidates[index].peer.id == peer, case .waiting = candidates[index].state { return index }
            index += 1
        }
        return nil
    }

    private mutating func insert(_ peer: KadPeerInfo, hop: Int) {
        guard seen.insert(peer.id).inserted else { return }
        let distance = peer.id.kadKey.distance(to: target)
        let at = candidates.partitioningIndex { distance < $0.distance }
        candidates.insert(Candidate(peer: peer, distance: distance, state: .notContacted, hop: hop), at: at)
    }

    /// Drops the farthest uncontacted or failed candidates above the cap (waiting and answered ones stay).
    private mutating func trimCandidates() {
        var index = candidates.count - 1
        while candidates.count > configuration.maximumCandidates && index >= 0 {
            switch candidates[index].state {
            case .notContacted, .failed: candidates.remove(at: index)
            case .waiting, .succeeded: break
            }
            index -= 1
        }
    }
}

/// The outcome of a ``KadLookup``.
public struct KadLookupResult: Hashable, Sendable {
    /// Up to k peers that answered, closest to the target first.
    public var closest: [KadPeerInfo]
    /// The counters.
    public var statistics: KadLookupStatistics

    /// A result.
    public init(closest: [KadPeerInfo], statistics: KadLookupStatistics) {
        self.closest = closest
        self.statistics = statistics
    }
}
