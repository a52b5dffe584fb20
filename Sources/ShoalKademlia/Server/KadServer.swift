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
        /// Closer peers per response (k).
        public var closerPeerCount: Int
        /// Providers per GET_PROVIDERS response.
        public var maximumProvidersPerResponse: Int

        /// The defaults: 80-byte provider keys, 1 KiB other keys, 20 closer peers, 20 providers.
        public init(
            maximumProviderKeyLength: Int = 80,
            maximumKeyLength: Int = KadMessageCodec.defaultMaximumKeyLength,
            closerPeerCount: Int = KadConstants.k,
            maximumProvidersPerResponse: Int = KadConstants.k
        ) {
            self.maximumProviderKeyLength = maximumProviderKeyLength
            self.maximumKeyLength = maximumKeyLength
            self.closerPeerCount = closerPeerCount
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

    /// Handles one request.
    /// - Parameters:
    ///   - request: the decoded request.
    ///   - sender: the authenticated peer that sent it.
    ///   - now: the current time.
    /// - Returns: the response to write, or nil (ADD_PROVIDER has none).
    /// - Throws: ``ShoalError``: `limitExceeded` for an oversize key, `protocolViolation` for an unknown type, a
    ///   missing key or record, or a PUT_VALUE whose `key` differs from `record.key`; the validator's error when a
    ///   record does not validate; the stores' errors.
    public mutating func handle(_ request: KadMessage, from sender: KadPeerID, now: Duration) throws -> KadMessage? {
        switch request.type {
        case .findNode:
            try checkKey(request, limit: configuration.maximumKeyLength)
            return KadMessage(type: .findNode, key: request.key, closerPeers: closerPeers(to: request.key, sender))
        case .getProviders:
            try checkKey(request, limit: configuration.maximumProviderKeyLength)
            return KadMessage(
                type: .getProviders,
                key: request.key,
                closerPeers: closerPeers(to: request.key, sender),
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
                closerPeers: closerPeers(to: request.key, sender)
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

    /// The k closest peers with addresses, the sender left out.
    private func closerPeers(to key: [UInt8], _ sender: KadPeerID) -> [KadPeerInfo] {
        let count = configuration.closerPeerCount
        let target = KadKey(hashing: key)
        var wanted = count
        while true {
            let entries = routingTable.closest(to: target, count: wanted, excluding: sender)
            let usable = entries.filter { !$0.addresses.isEmpty }
            if usable.count >= count || entries.count < wanted || wanted >= routingTable.count {
                return usable.prefix(count).map(\.peerInfo)
            }
            wanted *= 2
        }
    }
}
