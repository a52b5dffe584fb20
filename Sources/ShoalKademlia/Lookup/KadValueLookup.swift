/// A GET_VALUE lookup: the iterative lookup of ``KadLookup`` that also collects the records in replies, stops
/// once ``quorum`` valid records arrived, picks the best with the validator's ``KadRecordValidator/select(key:values:)``
/// and reports the peers that need an "entry correction" (a PUT_VALUE of the best record).
///
/// A record whose key is not the lookup key, or that the validator rejects, is counted in
/// ``KadValueLookupResult/invalidRecords`` and its sender is listed as outdated.
public struct KadValueLookup: Sendable {
    /// Something for the caller to do.
    public enum Action: Hashable, Sendable {
        /// Send GET_VALUE to this peer; report its reply or failure, or call ``tick(now:)`` after `deadline`.
        case sendRequest(to: KadPeerInfo, deadline: Duration)
        /// The lookup is over.
        case finished(KadValueLookupResult)
    }

    /// The record key looked up.
    public let key: [UInt8]
    /// Valid records that end the lookup early.
    public let quorum: Int
    private let validator: any KadRecordValidator
    private var lookup: KadLookup
    /// Valid records received, with the peers that sent them (nil peer: the local store).
    private var values: [(peer: KadPeerInfo?, value: [UInt8])] = []
    private var invalidSenders: [KadPeerInfo] = []
    private var answeredWithoutValue: Set<KadPeerID> = []
    private var invalidRecords = 0
    /// The result, once finished.
    public private(set) var result: KadValueLookupResult?

    /// A value lookup.
    /// - Parameters:
    ///   - key: the record key (e.g. `/pk/<multihash>`); its ``KadKey`` is the target.
    ///   - seeds: the closest peers the caller knows.
    ///   - localID: the local peer, never queried.
    ///   - localRecord: the local store's record for the key, counted towards the quorum.
    ///   - quorum: stop after this many valid records (1 stops at the first).
    ///   - validator: validates records and selects the best (e.g. a ``KadNamespacedValidator``).
    ///   - configuration: the lookup's tunables.
    public init(
        key: [UInt8],
        seeds: [KadPeerInfo],
        localID: KadPeerID? = nil,
        localRecord: KadRecord? = nil,
        quorum: Int = 1,
        validator: any KadRecordValidator,
        configuration: KadLookupConfiguration = KadLookupConfiguration()
    ) {
        precondition(quorum > 0, "quorum must be positive")
        self.key = key
        self.quorum = quorum
        self.validator = validator
        self.lookup = KadLookup(
            target: KadKey(hashing: key),
            seeds: seeds,
            localID: localID,
            configuration: configuration
        )
        if let localRecord, localRecord.key == key, (try? validator.validate(localRecord)) != nil {
            values.append((nil, localRecord.value))
        }
    }

    /// Whether the lookup is over.
    public var isFinished: Bool { result != nil }
    /// The earliest deadline of a request in flight.
    public var nextDeadline: Duration? { lookup.nextDeadline }

    /// Starts the lookup (finished at once if the local record already makes the quorum).
    public mutating func start(now: Duration) -> [Action] {
        if values.count >= quorum { return [.finished(finish(lookup.finishEarly()))] }
        return map(lookup.start(now: now))
    }

    /// A peer answered GET_VALUE.
    /// - Parameters:
    ///   - peer: the responder.
    ///   - closerPeers: its `closerPeers`.
    ///   - record: its `record`, if any.
    ///   - now: the current time.
    public mutating func receivedResponse(
        from peer: KadPeerID,
        closerPeers: [KadPeerInfo],
        record: KadRecord?,
        now: Duration
    ) -> [Action] {
        guard result == nil else { return [] }
        let sender = lookup.candidate(peer)
        let actions = lookup.receivedResponse(from: peer, closerPeers: closerPeers, now: now)
        if let sender {
            if let record {
                if record.key == key, (try? validator.validate(record)) != nil {
                    values.append((sender, record.value))
                } else {
                    invalidRecords += 1
                    invalidSenders.append(sender)
                }
            } else {
                answeredWithoutValue.insert(peer)
            }
        }
        if values.count >= quorum { return [.finished(finish(lookup.finishEarly()))] }
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

    private mutating func map(_ actions: [KadLookup.Action]) -> [Action] {
        guard result == nil else { return [] }
        var out: [Action] = []
        for action in actions {
            switch action {
            case .sendRequest(let peer, let deadline): out.append(.sendRequest(to: peer, deadline: deadline))
            case .finished(let lookupResult): out.append(.finished(finish(lookupResult)))
            }
        }
        return out
    }

    private mutating func finish(_ lookupResult: KadLookupResult) -> KadValueLookupResult {
        var best: [UInt8]?
        if !values.isEmpty {
            let index = (try? validator.select(key: key, values: values.map(\.value))) ?? 0
            best = values[values.indices.contains(index) ? index : 0].value
        }
        var outdated = invalidSenders
        if let best {
            outdated += values.compactMap { $0.value == best ? nil : $0.peer }
        }
        let withoutValue = lookupResult.closest.filter { answeredWithoutValue.contains($0.id) }
        let finished = KadValueLookupResult(
            record: best.map { KadRecord(key: key, value: $0) },
            validRecords: values.count,
            invalidRecords: invalidRecords,
            outdatedPeers: outdated,
            peersWithoutValue: withoutValue,
            lookup: lookupResult
        )
        result = finished
        return finished
    }
}

/// The outcome of a ``KadValueLookup``.
public struct KadValueLookupResult: Hashable, Sendable {
    /// The best record found, if any.
    public var record: KadRecord?
    /// How many valid records were collected (including the local one).
    public var validRecords: Int
    /// How many records were rejected (wrong key or failed validation).
    public var invalidRecords: Int
    /// Peers that returned a record other than the best one, or an invalid one: send them the best record.
    public var outdatedPeers: [KadPeerInfo]
    /// Peers among the closest that answered without a record: candidates for a PUT_VALUE of the best record.
    public var peersWithoutValue: [KadPeerInfo]
    /// The peers that answered, closest first, and the counters.
    public var lookup: KadLookupResult

    /// A result.
    public init(
        record: KadRecord?,
        validRecords: Int,
        invalidRecords: Int,
        outdatedPeers: [KadPeerInfo],
        peersWithoutValue: [KadPeerInfo],
        lookup: KadLookupResult
    ) {
        self.record = record
        self.validRecords = validRecords
        self.invalidRecords = invalidRecords
        self.outdatedPeers = outdatedPeers
        self.peersWithoutValue = peersWithoutValue
        self.lookup = lookup
    }
}
