/// When an iterative lookup stops.
public enum KadLookupTermination: Hashable, Sendable {
    /// The spec's rule (default): stop when the k closest peers not known to have failed have all answered, or
    /// when no candidate is left. It is the rule that returns the true k closest peers in a healthy network,
    /// which PUT_VALUE/ADD_PROVIDER placement and GET correctness depend on.
    case kClosestAnswered
    /// go's rule (`isLookupTermination` with resiliency β): stop when the `n` closest peers not known to have
    /// failed have all answered. Fewer messages, but the k peers returned may not all be the true closest.
    case closestAnswered(Int)
}

/// Tunables of a ``KadLookup``.
public struct KadLookupConfiguration: Hashable, Sendable {
    /// How many peers the lookup returns (k).
    public var resultCount: Int
    /// Requests in flight at most (α).
    public var parallelism: Int
    /// The stop rule.
    public var termination: KadLookupTermination
    /// The deadline of each request, counted from when it is sent.
    public var requestTimeout: Duration
    /// Closer peers taken from one reply, in the order listed; the rest are counted and ignored. A well-behaved
    /// peer lists at most k = 20; 2k = 40 tolerates generous peers and stops one that lists thousands from
    /// flooding the candidate list.
    public var maximumPeersPerReply: Int
    /// The candidate list is trimmed to this many entries (farthest uncontacted candidates go first).
    public var maximumCandidates: Int
    /// How many times a peer is asked before a timeout drops it for good: 1 (the default, as go and the spec)
    /// drops it at its first timeout; 2 asks once more, which keeps a live peer whose request or reply was lost
    /// (a lossy path) among the candidates, at the cost of one more deadline for a dead one. An explicit failure
    /// (``KadLookup/requestFailed(_:now:)``) is never retried.
    public var maximumAttempts: Int

    /// The defaults: k = 20, α = 10 (spec, go), the spec's termination rule, 10 s per request, 40 peers per reply,
    /// 400 candidates, one attempt per peer.
    public init(
        resultCount: Int = KadConstants.k,
        parallelism: Int = KadConstants.alpha,
        termination: KadLookupTermination = .kClosestAnswered,
        requestTimeout: Duration = KadConstants.requestTimeout,
        maximumPeersPerReply: Int = 2 * KadConstants.k,
        maximumCandidates: Int = 20 * KadConstants.k,
        maximumAttempts: Int = 1
    ) {
        precondition(resultCount > 0 && parallelism > 0, "k and α must be positive")
        precondition(maximumPeersPerReply > 0 && maximumCandidates >= resultCount, "reply and candidate caps")
        precondition((1...8).contains(maximumAttempts), "attempts must be in 1...8")
        if case .closestAnswered(let count) = termination {
            precondition(count > 0 && count <= resultCount, "β must be in 1...k")
        }
        self.resultCount = resultCount
        self.parallelism = parallelism
        self.termination = termination
        self.requestTimeout = requestTimeout
        self.maximumPeersPerReply = maximumPeersPerReply
        self.maximumCandidates = maximumCandidates
        self.maximumAttempts = maximumAttempts
    }
}

/// Counters of a lookup, for metrics and tests.
public struct KadLookupStatistics: Hashable, Sendable {
    /// Requests the lookup asked to send.
    public var requestsSent = 0
    /// Replies accepted.
    public var responses = 0
    /// Requests reported failed by the caller.
    public var failures = 0
    /// Requests whose deadline passed.
    public var timeouts = 0
    /// Replies from peers with no request in flight (late, duplicate or unsolicited), ignored.
    public var unexpectedResponses = 0
    /// Closer peers ignored because they had no address and were not already known.
    public var peersWithoutAddresses = 0
    /// Closer-peer entries naming the responder itself or the local peer, ignored.
    public var selfListings = 0
    /// Closer peers beyond ``KadLookupConfiguration/maximumPeersPerReply`` in a reply, ignored.
    public var excessPeers = 0
    /// The largest hop count among the peers returned: seeds are hop 1, a peer first learned from a hop-n peer is
    /// hop n + 1.
    public var hops = 0

    /// Zero counters.
    public init() {}
}
