import ShoalCore

/// The DHT request handler as a pure value: the routing table and the two stores, and a function from a decoded
/// request to the response.
///
/// The shell decodes a request (``KadMessageCodec``), calls ``handle(_:from:now:)``, writes the returned message
/// (none for ADD_PROVIDER) or resets the stream when it throws. Updating the routing table with the sender (a
/// server-mode peer is a candidate) is the shell's job, since only it knows the sender's protocols.
public struct KadServer: Sendable {
    /// Limits of the handler.
    public struct Configuration: Sendable {
        /// The longest GET_PROVIDERS / ADD_PROVIDER key (80 bytes, go).
        public var maximumProviderKeyLength: Int
        /// The longest FIND_NODE / GET_VALUE / PUT_VALUE key.
        public var maximumKeyLength: Int
        /// Closer peers per response (k), not counting suspects (see ``maximumCloserPeers``).
        public var closerPeerCount: Int
        /// The most closer peers one response lists. A suspect entry (a liveness check of it is outstanding,
        /// ``KadRoutingTable/isSuspect(_:now:)``) is listed after the others and does not count towards
        /// ``closerPeerCount``, so that a reply still names k peers believed live when some of the closest
        /// entries are probably gone; this caps how far the reply grows. Equal to ``closerPeerCount``: exactly
        /// the k closest entries, suspects or not (the plain spec behaviour).
        public var maximumCloserPeers: Int
        /// An entry not heard from for this long is doubtful like a suspect: listed after the others, not counted
        /// towards ``closerPeerCount`` (nil: only suspects are). It costs no request, only longer replies.
        public var doubtfulAfter: Duration?
        /// Providers per GET_PROVIDERS response.
        public var maximumProvidersPerResponse: Int

        /// The defaults: 80-byte provider keys, 1 KiB other keys, 20 closer peers believed live (heard from in the
        /// last 30 s, no liveness check outstanding) and at most 40 in all, 20 providers.
        public init(
            maximumProviderKeyLength: Int = 80,
            maximumKeyLength: Int = KadMessageCodec.defaultMaximumKeyLength,
            closerPeerCount: Int = KadConstants.k,
            maximumCloserPeers: Int? = nil,
            doubtfulAfter: Duration? = .seconds(30),
            maximumProvidersPerResponse: Int = KadConstants.k
        ) {
            self.doubtfulAfter = doubtfulAfter
            self.maximumProviderKeyLength = maximumProviderKeyLength
            self.maximumKeyLength = maximumKeyLength
            self.closerPeerCount = closerPeerCount
            self.maximumCloserPeers = max(maximumCloserPeers ?? 2 * closerPeerCount, closerPeerCount)
            self.maximumProvidersPerResponse = maximumProvidersPerResponse
        }
    }

    /// The routing table closer peers come from.
    public var routingTable: KadRoutingTable
    /// The provider records.
    public var providers: KadProviderStore
    /// The value records.
    public var records: KadRecordStore
    /// The limits.
    public var configuration: Configuration

    /// A handler over the given state.
    public init(
        routingTable: KadRoutingTable,
        providers: KadProviderStore = KadProviderStore(),
        records: KadRecordStore = KadRecordStore(),
        configuration: Configuration = Configuration()
    ) {
        self.routingTable = routingTable
        self.providers = providers
        self.records = records
        self.configuration = configuration
    }

    /// What ``respond(to:from:now:)`` returns.
    public struct Response: Sendable {
        /// The response to write, or nil (ADD_PROVIDER has none).
        public var message: KadMessage?
        /// Responder hygiene: entries just listed that need a liveness check
        /// (``KadRoutingTable/entriesToVerify(listed:now:)``). Report each outcome to the routing table.
        public var entriesToVerify: [KadPeerID]
    }

    /// Handles one request, dropping the hygiene directive (the entries it would check stay suspects until
    /// ``KadRoutingTable/Configuration/livenessCheckTimeout`` passes): see ``respond(to:from:now:)``.
    public mutating func handle(_ request: KadMessage, from sender: KadPeerID, now: Duration) throws -> KadMessage? {
        try respond(to: request, from: sender, now: now).message
    }

    /// Handles one request.
    /// - Parameters:
    ///   - request: the decoded request.
    ///   - sender: the authenticated peer that sent it.
    ///   - now: the current time.
    /// - Returns: the response to write (nil for ADD_PROVIDER) and the liveness checks responder hygiene asks for.
    /// - Throws: ``ShoalError``: `limitExceeded` for an oversize key, `protocolViolation` for an unknown type, a
    ///   missing key or record, or a PUT_VALUE whose `key` differs from `record.key`; the validator's error when a
    ///   record does not validate; the stores' errors.
    public mutating func respond(to request: KadMessage, from sender: KadPeerID, now: Duration) throws -> Response {
        var verify: [KadPeerID] = []
        let message = try message(for: request, from: sender, now: now, verify: &verify)
        return Response(message: message, entriesToVerify: verify)
    }

    private mutating func message(
        for request: KadMessage,
        from sender: KadPeerID,
        now: Duration,
        verify: inout [KadPeerID]
    ) throws -> KadMessage? {
        switch request.type {
        case .findNode:
            try checkKey(request, limit: configuration.maximumKeyLength)
            return KadMessage(
                type: .findNode,
                key: request.key,
                closerPeers: closerPeers(to: request.key, sender, now: now, verify: &verify)
            )
        case .getProviders:
            try checkKey(request, limit: configuration.maximumProviderKeyLength)
            return KadMessage(
                type: .getProviders,
                key: request.key,
                closerPeers: closerPeers(to: request.key, sender, now: now, verify: &verify),
                providerPeers: providers.providers(
                    for: request.key,
                    now: now,
                    limit: configuration.maximumProvidersPerResponse
                )
            )
        case .addProvider:
            try checkKey(request, limit: configuration.maximumProviderKeyLength)
            // Only the sender may announce itself, and only with an address to reach it.
            for provider in request.providerPeers where provider.id == sender && !provider.addresses.isEmpty {
                try providers.addProvider(key: request.key, provider: provider, now: now)
            }
            return nil
        case .getValue:
            try checkKey(request, limit: configuration.maximumKeyLength)
            return KadMessage(
                type: .getValue,
                key: request.key,
                record: records.get(request.key, now: now),
                closerPeers: closerPeers(to: request.key, sender, now: now, verify: &verify)
            )
        case .putValue:
            try checkKey(request, limit: configuration.maximumKeyLength)
            guard let record = request.record else {
                throw ShoalError(.protocolViolation, "PUT_VALUE without a record")
            }
            guard record.key == request.key else {
                throw ShoalError(.protocolViolation, "PUT_VALUE key differs from its record's key")
            }
            try records.put(record, now: now)
            return request
        case .ping:
            return request
        case .unknown(let value):
            throw ShoalError(.protocolViolation, "unknown Kademlia message type \(value)")
        }
    }

    private func checkKey(_ request: KadMessage, limit: Int) throws {
        guard !request.key.isEmpty else {
            throw ShoalError(.protocolViolation, "\(request.type) request without a key")
        }
        guard request.key.count <= limit else {
            throw ShoalError(
                .limitExceeded,
                "\(request.type) key of \(request.key.count) bytes exceeds the maximum of \(limit)"
            )
        }
    }

    /// The k closest entries with addresses believed live (the sender left out), closest first, then the suspects
    /// among the closer entries met on the way (at most ``Configuration/maximumCloserPeers`` in all). Entries that
    /// responder hygiene picks for a check become suspects first, so a reply never counts a doubtful entry
    /// towards k.
    private mutating func closerPeers(
        to key: [UInt8],
        _ sender: KadPeerID,
        now: Duration,
        verify: inout [KadPeerID]
    ) -> [KadPeerInfo] {
        let count = configuration.closerPeerCount
        let cap = configuration.maximumCloserPeers
        let target = KadKey(hashing: key)
        var wanted = cap
        var usable: [KadRoutingTable.Entry]
        while true {
            let entries = routingTable.closest(to: target, count: wanted, excluding: sender)
            usable = entries.filter { !$0.addresses.isEmpty }
            if usable.count >= cap || entries.count < wanted || wanted >= routingTable.count { break }
            wanted *= 2
        }
        var believed: [KadPeerInfo] = []
        var suspects: [KadPeerInfo] = []
        for entry in usable {
            if believed.count >= count || believed.count + suspects.count >= cap { break }
            // Plain replies (cap == k): the k closest as they are; hygiene still runs on them.
            let picked = routingTable.entriesToVerify(listed: [entry.id], now: now)
            verify.append(contentsOf: picked)
            let stale = configuration.doubtfulAfter.map { now - entry.lastSeen >= $0 } ?? false
            if cap > count && (stale || !picked.isEmpty || routingTable.isSuspect(entry.id, now: now)) {
                suspects.append(entry.peerInfo)
            } else {
                believed.append(entry.peerInfo)
            }
        }
        return believed + suspects
    }
}
