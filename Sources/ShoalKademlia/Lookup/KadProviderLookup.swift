/// A GET_PROVIDERS lookup: the iterative lookup of ``KadLookup`` that also collects the providers listed in
/// replies, and stops early once it has the number of providers the caller wants.
///
/// Providers are deduplicated by peer ID (addresses from a later reply are merged in when the first listing had
/// none) and capped at ``wantedProviders``; provider entries beyond that, or past
/// ``KadLookupConfiguration/maximumPeersPerReply`` in one reply, are ignored.
public struct KadProviderLookup: Sendable {
    /// Something for the caller to do.
    public enum Action: Hashable, Sendable {
        /// Send GET_PROVIDERS to this peer; report its reply or failure, or call ``tick(now:)`` after `deadline`.
        case sendRequest(to: KadPeerInfo, deadline: Duration)
        /// The lookup is over.
        case finished(KadProviderLookupResult)
    }

    /// How many providers end the lookup early.
    public let wantedProviders: Int
    private var lookup: KadLookup
    private var providers: [KadPeerInfo] = []
    private var providerIndex: [KadPeerID: Int] = [:]
    /// The result, once finished.
    public private(set) var result: KadProviderLookupResult?

    /// A provider lookup.
    /// - Parameters:
    ///   - key: the multihash bytes whose providers are wanted (its ``KadKey`` is the target).
    ///   - seeds: the closest peers the caller knows.
    ///   - localID: the local peer, never queried.
    ///   - wantedProviders: stop as soon as this many distinct providers are known (e.g. 20).
    ///   - configuration: the lookup's tunables.
    public init(
        key: [UInt8],
        seeds: [KadPeerInfo],
        localID: KadPeerID? = nil,
        wantedProviders: Int = KadConstants.k,
        configuration: KadLookupConfiguration = KadLookupConfiguration()
    ) {
        precondition(wantedProviders > 0, "wanted providers must be positive")
        self.wantedProviders = wantedProviders
        self.lookup = KadLookup(
            target: KadKey(hashing: key),
            seeds: seeds,
            localID: localID,
            configuration: configuration
        )
    }

    /// Whether the lookup is over.
    public var isFinished: Bool { result != nil }
    /// The earliest deadline of a request in flight.
    public var nextDeadline: Duration? { lookup.nextDeadline }
    /// The providers collected so far.
    public var providersSoFar: [KadPeerInfo] { providers }

    /// Starts the lookup.
    public mutating func start(now: Duration) -> [Action] { map(lookup.start(now: now)) }

    /// A peer answered GET_PROVIDERS.
    /// - Parameters:
    ///   - peer: the responder.
    ///   - closerPeers: its `closerPeers`.
    ///   - providers: its `providerPeers`.
    ///   - now: the current time.
    public mutating func receivedResponse(
        from peer: KadPeerID,
        closerPeers: [KadPeerInfo],
        providers newProviders: [KadPeerInfo],
        now: Duration
    ) -> [Action] {
        guard result == nil else { return [] }
        let wasWaiting = lookup.candidate(peer) != nil
        let actions = lookup.receivedResponse(from: peer, closerPeers: closerPeers, now: now)
        if wasWaiting {
            for provider in newProviders.prefix(lookup.configuration.maximumPeersPerReply) {
                add(provider)
            }
        }
        if providers.count >= wantedProviders {
            let finished = KadProviderLookupResult(providers: providers, lookup: lookup.finishEarly())
            result = finished
            return [.finished(finished)]
        }
        return map(actions)
    }

    /// A request failed.
    public mutating func requestFailed(_ peer: KadPeerID, now: Duration) -> [Action] {
        map(lookup.requestFailed(peer, now: now))
    }

    /// A request's own timer fired: the peer is dropped.
    public mutating func requestTimedOut(_ peer: KadPeerID, now: Duration) -> [Action] {
        map(lookup.requestTimedOut(peer, now: now))
    }

    /// Expires requests whose deadline passed.
    public mutating func tick(now: Duration) -> [Action] { map(lookup.tick(now: now)) }

    private mutating func add(_ provider: KadPeerInfo) {
        if let index = providerIndex[provider.id] {
            if providers[index].addresses.isEmpty { providers[index].addresses = provider.addresses }
            return
        }
        guard providers.count < wantedProviders else { return }
        providerIndex[provider.id] = providers.count
        providers.append(provider)
    }

    private mutating func map(_ actions: [KadLookup.Action]) -> [Action] {
        guard result == nil else { return [] }
        var out: [Action] = []
        for action in actions {
            switch action {
            case .sendRequest(let peer, let deadline):
                out.append(.sendRequest(to: peer, deadline: deadline))
            case .finished(let lookupResult):
                let finished = KadProviderLookupResult(providers: providers, lookup: lookupResult)
                result = finished
                out.append(.finished(finished))
            }
        }
        return out
    }
}

/// The outcome of a ``KadProviderLookup``.
public struct KadProviderLookupResult: Hashable, Sendable {
    /// The distinct providers found (at most the number wanted), in order of arrival.
    public var providers: [KadPeerInfo]
    /// The peers that answered, closest first, and the counters.
    public var lookup: KadLookupResult

    /// A result.
    public init(providers: [KadPeerInfo], lookup: KadLookupResult) {
        self.providers = providers
        self.lookup = lookup
    }
}
