/// One step a lookup machine asks its driver for.
enum KadLookupStep<Output: Sendable>: Sendable {
    /// Send the lookup's request to this peer.
    case send(KadPeerInfo)
    /// The lookup is over.
    case finished(Output)
}

/// The common shape of ``KadLookup``, ``KadProviderLookup`` and ``KadValueLookup`` as the network driver sees
/// them: start, a reply, a failure, a timeout.
protocol KadLookupMachine: Sendable {
    associatedtype Output: Sendable
    mutating func begin(now: Duration) -> [KadLookupStep<Output>]
    mutating func received(_ message: KadMessage, from peer: KadPeerID, now: Duration) -> [KadLookupStep<Output>]
    mutating func failed(_ peer: KadPeerID, now: Duration) -> [KadLookupStep<Output>]
    mutating func timedOut(_ peer: KadPeerID, now: Duration) -> [KadLookupStep<Output>]
}

// MARK: - Conformances

extension KadLookup: KadLookupMachine {
    static func steps(_ actions: [Action]) -> [KadLookupStep<KadLookupResult>] {
        actions.map { action in
            switch action {
            case .sendRequest(let peer, _): .send(peer)
            case .finished(let result): .finished(result)
            }
        }
    }

    mutating func begin(now: Duration) -> [KadLookupStep<KadLookupResult>] { Self.steps(start(now: now)) }

    mutating func received(
        _ message: KadMessage,
        from peer: KadPeerID,
        now: Duration
    ) -> [KadLookupStep<
        KadLookupResult
    >] {
        Self.steps(receivedResponse(from: peer, closerPeers: message.closerPeers, now: now))
    }

    mutating func failed(_ peer: KadPeerID, now: Duration) -> [KadLookupStep<KadLookupResult>] {
        Self.steps(requestFailed(peer, now: now))
    }

    mutating func timedOut(_ peer: KadPeerID, now: Duration) -> [KadLookupStep<KadLookupResult>] {
        Self.steps(requestTimedOut(peer, now: now))
    }
}

extension KadProviderLookup: KadLookupMachine {
    static func steps(_ actions: [Action]) -> [KadLookupStep<KadProviderLookupResult>] {
        actions.map { action in
            switch action {
            case .sendRequest(let peer, _): .send(peer)
            case .finished(let result): .finished(result)
            }
        }
    }

    mutating func begin(now: Duration) -> [KadLookupStep<KadProviderLookupResult>] { Self.steps(start(now: now)) }

    mutating func received(
        _ message: KadMessage,
        from peer: KadPeerID,
        now: Duration
    ) -> [KadLookupStep<
        KadProviderLookupResult
    >] {
        Self.steps(
            receivedResponse(from: peer, closerPeers: message.closerPeers, providers: message.providerPeers, now: now)
        )
    }

    mutating func failed(_ peer: KadPeerID, now: Duration) -> [KadLookupStep<KadProviderLookupResult>] {
        Self.steps(requestFailed(peer, now: now))
    }

    mutating func timedOut(_ peer: KadPeerID, now: Duration) -> [KadLookupStep<KadProviderLookupResult>] {
        Self.steps(requestTimedOut(peer, now: now))
    }
}

extension KadValueLookup: KadLookupMachine {
    static func steps(_ actions: [Action]) -> [KadLookupStep<KadValueLookupResult>] {
        actions.map { action in
            switch action {
            case .sendRequest(let peer, _): .send(peer)
            case .finished(let result): .finished(result)
            }
        }
    }

    mutating func begin(now: Duration) -> [KadLookupStep<KadValueLookupResult>] { Self.steps(start(now: now)) }

    mutating func received(
        _ message: KadMessage,
        from peer: KadPeerID,
        now: Duration
    ) -> [KadLookupStep<
        KadValueLookupResult
    >] {
        Self.steps(receivedResponse(from: peer, closerPeers: message.closerPeers, record: message.record, now: now))
    }

    mutating func failed(_ peer: KadPeerID, now: Duration) -> [KadLookupStep<KadValueLookupResult>] {
        Self.steps(requestFailed(peer, now: now))
    }

    mutating func timedOut(_ peer: KadPeerID, now: Duration) -> [KadLookupStep<KadValueLookupResult>] {
        Self.steps(requestTimedOut(peer, now: now))
    }
}
