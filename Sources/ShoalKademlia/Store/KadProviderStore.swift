import ShoalCore

/// The local store of provider records: which peers said they provide a key (ADD_PROVIDER).
///
/// - Keys are multihash bytes (1...``Configuration/maximumKeyLength`` bytes, 80 like go).
/// - A record is a provider peer and the time it was (last) added; it expires ``Configuration/expiry`` later
///   (48 h). Providers republish every ``KadConstants/providerRepublishInterval`` (22 h), which refreshes the time.
/// - Addresses are kept per provider peer (shared by all its records, the latest announcement wins), not per
///   record: a peer that provides 10,000 keys costs one address list.
/// - Eviction: a key holds at most ``Configuration/maximumProvidersPerKey`` providers; a new provider of a full
///   key replaces the one added longest ago (the closest to expiry). The store holds at most
///   ``Configuration/maximumRecords`` records in all; when full, new records are refused (`limitExceeded`) until
///   ``collectGarbage(now:)`` frees room. Refreshing an existing record is always allowed.
///
/// Memory: a record is a 4-byte peer slot and an 8-byte time inside its key's array, plus the key's dictionary
/// entry; time is a `Duration` since the caller's origin, stored as nanoseconds.
public struct KadProviderStore: Sendable {
    /// Limits and timers.
    public struct Configuration: Sendable {
        /// How long a provider record lives after it was added (48 h).
        public var expiry: Duration
        /// Providers kept per key.
        public var maximumProvidersPerKey: Int
        /// Records kept in all.
        public var maximumRecords: Int
        /// The longest key (80 bytes, go's limit).
        public var maximumKeyLength: Int
        /// Addresses kept per provider.
        public var maximumAddressesPerProvider: Int

        /// The defaults: 48 h, 100 per key, 1,000,000 records, 80-byte keys, 16 addresses.
        public init(
            expiry: Duration = KadConstants.providerRecordExpiry,
            maximumProvidersPerKey: Int = 100,
            maximumRecords: Int = 1_000_000,
            maximumKeyLength: Int = 80,
            maximumAddressesPerProvider: Int = 16
        ) {
            precondition(maximumProvidersPerKey > 0 && maximumRecords > 0, "store limits must be positive")
            self.expiry = expiry
            self.maximumProvidersPerKey = maximumProvidersPerKey
            self.maximumRecords = maximumRecords
            self.maximumKeyLength = maximumKeyLength
            self.maximumAddressesPerProvider = maximumAddressesPerProvider
        }
    }

    /// What ``addProvider(key:provider:now:)`` did.
    public enum AddResult: Hashable, Sendable {
        /// A new record.
        case added
        /// The provider was already listed for the key; its time (and addresses) were refreshed.
        case refreshed
        /// The key was full: the provider added longest ago was replaced.
        case replacedOldest
    }

    private struct Record: Sendable {
        var peer: UInt32
        var addedAt: Int64
    }

    private struct Provider: Sendable {
        var id: KadPeerID
        var addresses: [[UInt8]]
        var records: Int
    }

    /// The limits.
    public let configuration: Configuration
    private var byKey: [[UInt8]: [Record]] = [:]
    private var providers: [Provider?] = []
    private var slotOfPeer: [KadPeerID: UInt32] = [:]
    private var freeSlots: [UInt32] = []
    /// The number of records held (expired ones included until collected).
    public private(set) var recordCount = 0

    /// An empty store.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The number of keys with at least one record.
    public var keyCount: Int { byKey.count }
    /// The number of distinct provider peers.
    public var providerCount: Int { slotOfPeer.count }

    /// An estimate of the heap memory the store holds, in bytes: dictionaries at their capacity (keys, values and
    /// one control byte per bucket), every array's storage at its capacity plus a 32-byte header per allocation,
    /// key, ID and address bytes included. Allocator rounding is not counted.
    public var estimatedByteCount: Int {
        var total = 0
        total += byKey.capacity * (MemoryLayout<[UInt8]>.stride + MemoryLayout<[Record]>.stride + 1)
        for (key, list) in byKey {
            total += 32 + key.count
            total += 32 + list.capacity * MemoryLayout<Record>.stride
        }
        total += 32 + providers.capacity * MemoryLayout<Provider?>.stride
        for provider in providers {
            guard let provider else { continue }
            total += 32 + provider.id.bytes.count
            total += 32 + provider.addresses.capacity * 8 + provider.addresses.reduce(0) { $0 + 32 + $1.count }
        }
        total += slotOfPeer.capacity * (MemoryLayout<KadPeerID>.stride + MemoryLayout<UInt32>.stride + 1)
        total += 32 + freeSlots.capacity * MemoryLayout<UInt32>.stride
        return total
    }

    // MARK: - Adding

    /// Adds or refreshes a provider record.
    /// - Parameters:
    ///   - key: the multihash bytes.
    ///   - provider: the provider and its addresses (empty addresses keep the known ones).
    ///   - now: the current time.
    /// - Throws: ``ShoalError`` with code `limitExceeded` (key length, or the store is full).
    @discardableResult
    public mutating func addProvider(key: [UInt8], provider: KadPeerInfo, now: Duration) throws -> AddResult {
        guard !key.isEmpty, key.count <= configuration.maximumKeyLength else {
            throw ShoalError(
                .limitExceeded,
                "provider key of \(key.count) bytes is outside 1...\(configuration.maximumKeyLength)"
            )
        }
        let time = Self.nanoseconds(now)
        let addresses = Array(provider.addresses.prefix(configuration.maximumAddressesPerProvider))
        var list = byKey[key] ?? []
        if let slot = slotOfPeer[provider.id], let index = list.firstIndex(where: { $0.peer == slot }) {
            list[index].addedAt = time
            byKey[key] = list
            if !addresses.isEmpty { providers[Int(slot)]?.addresses = addresses }
            return .refreshed
        }
        var result = AddResult.added
        if list.count >= configuration.maximumProvidersPerKey {
            let oldest = list.indices.min { list[$0].addedAt < list[$1].addedAt }!
            release(list[oldest].peer)
            list.remove(at: oldest)
            recordCount -= 1
            result = .replacedOldest
        } else if recordCount >= configuration.maximumRecords {
            throw ShoalError(.limitExceeded, "provider store is full (\(configuration.maximumRecords) records)")
        }
        let slot = retain(provider.id, addresses: addresses)
        list.append(Record(peer: slot, addedAt: time))
        byKey[key] = list
        recordCount += 1
        return result
    }

    // MARK: - Reading

    /// The unexpired providers of a key, most recently added first.
    /// - Parameters:
    ///   - key: the multihash bytes.
    ///   - now: the current time.
    ///   - limit: at most this many.
    public func providers(for key: [UInt8], now: Duration, limit: Int = .max) -> [KadPeerInfo] {
        guard let list = byKey[key] else { return [] }
        let cutoff = Self.nanoseconds(now) - Self.nanoseconds(configuration.expiry)
        return list.filter { $0.addedAt >= cutoff }
            .sorted { $0.addedAt > $1.addedAt }
            .prefix(limit)
            .compactMap { record in
                providers[Int(record.peer)].map { KadPeerInfo(id: $0.id, addresses: $0.addresses) }
            }
    }

    // MARK: - Expiry

    /// Removes every record older than the expiry.
    /// - Returns: how many were removed.
    @discardableResult
    public mutating func collectGarbage(now: Duration) -> Int {
        let cutoff = Self.nanoseconds(now) - Self.nanoseconds(configuration.expiry)
        var removed = 0
        for (key, list) in byKey {
            let kept = list.filter { $0.addedAt >= cutoff }
            guard kept.count != list.count else { continue }
            for record in list where record.addedAt < cutoff { release(record.peer) }
            removed += list.count - kept.count
            byKey[key] = kept.isEmpty ? nil : kept
        }
        recordCount -= removed
        return removed
    }

    // MARK: - Provider slots

    private mutating func retain(_ id: KadPeerID, addresses: [[UInt8]]) -> UInt32 {
        if let slot = slotOfPeer[id] {
            providers[Int(slot)]!.records += 1
            if !addresses.isEmpty { providers[Int(slot)]!.addresses = addresses }
            return slot
        }
        let provider = Provider(id: id, addresses: addresses, records: 1)
        let slot: UInt32
        if let free = freeSlots.popLast() {
            slot = free
            providers[Int(slot)] = provider
        } else {
            slot = UInt32(providers.count)
            providers.append(provider)
        }
        slotOfPeer[id] = slot
        return slot
    }

    private mutating func release(_ slot: UInt32) {
        guard var provider = providers[Int(slot)] else { return }
        provider.records -= 1
        if provider.records == 0 {
            slotOfPeer[provider.id] = nil
            providers[Int(slot)] = nil
            freeSlots.append(slot)
        } else {
            providers[Int(slot)] = provider
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
