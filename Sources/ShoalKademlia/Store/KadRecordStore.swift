import ShoalCore

/// The local store of value records (PUT_VALUE / GET_VALUE).
///
/// Records are validated on the way in; an existing record is only replaced by one the validator selects over it.
/// A record is served for ``Configuration/maximumAge`` after it was stored (go: 48 h) and removed by
/// ``collectGarbage(now:)``. When the store holds ``Configuration/maximumRecords`` keys, new keys are refused
/// (updates of stored keys still work). Time is a `Duration` since the caller's origin.
public struct KadRecordStore: Sendable {
    /// Limits.
    public struct Configuration: Sendable {
        /// How long a record is kept (48 h).
        public var maximumAge: Duration
        /// The most keys stored.
        public var maximumRecords: Int
        /// The longest key.
        public var maximumKeyLength: Int
        /// The largest value (64 KiB; IPNS records are at most 10 KiB).
        public var maximumValueSize: Int

        /// The defaults: 48 h, 100,000 records, 1 KiB keys, 64 KiB values.
        public init(
            maximumAge: Duration = KadConstants.maximumRecordAge,
            maximumRecords: Int = 100_000,
            maximumKeyLength: Int = KadMessageCodec.defaultMaximumKeyLength,
            maximumValueSize: Int = 64 * 1024
        ) {
            self.maximumAge = maximumAge
            self.maximumRecords = maximumRecords
            self.maximumKeyLength = maximumKeyLength
            self.maximumValueSize = maximumValueSize
        }
    }

    private struct Stored: Sendable {
        var value: [UInt8]
        var storedAt: Duration
    }

    /// The validator (namespaced, `/pk/` built in).
    public let validator: KadNamespacedValidator
    /// The limits.
    public let configuration: Configuration
    private var records: [[UInt8]: Stored] = [:]

    /// An empty store.
    public init(
        validator: KadNamespacedValidator = KadNamespacedValidator(),
        configuration: Configuration = Configuration()
    ) {
        self.validator = validator
        self.configuration = configuration
    }

    /// The number of records held (expired ones included until collected).
    public var count: Int { records.count }

    /// Validates and stores a record.
    /// - Throws: ``ShoalError``: `limitExceeded` (key, value or record count), the validator's error, or
    ///   `invalidArgument` when the stored record is better than this one.
    public mutating func put(_ record: KadRecord, now: Duration) throws {
        guard !record.key.isEmpty, record.key.count <= configuration.maximumKeyLength else {
            throw ShoalError(
                .limitExceeded,
                "record key of \(record.key.count) bytes is outside 1...\(configuration.maximumKeyLength)"
            )
        }
        guard record.value.count <= configuration.maximumValueSize else {
            throw ShoalError(
                .limitExceeded,
                "record value of \(record.value.count) bytes exceeds \(configuration.maximumValueSize)"
            )
        }
        try validator.validate(record)
        if let existing = records[record.key], !isExpired(existing, now: now), existing.value != record.value {
            let best = try validator.select(key: record.key, values: [existing.value, record.value])
            guard best == 1 else {
                throw ShoalError(.invalidArgument, "the stored record is better than the one offered")
            }
        } else if records[record.key] == nil, records.count >= configuration.maximumRecords {
            throw ShoalError(.limitExceeded, "record store is full (\(configuration.maximumRecords) records)")
        }
        records[record.key] = Stored(value: record.value, storedAt: now)
    }

    /// The record of a key if stored, not older than the maximum age, and still valid.
    public func get(_ key: [UInt8], now: Duration) -> KadRecord? {
        guard let stored = records[key], !isExpired(stored, now: now) else { return nil }
        let record = KadRecord(key: key, value: stored.value)
        guard (try? validator.validate(record)) != nil else { return nil }
        return record
    }

    /// Removes a record.
    public mutating func remove(_ key: [UInt8]) { records[key] = nil }

    /// Removes every record older than the maximum age.
    /// - Returns: how many were removed.
    @discardableResult
    public mutating func collectGarbage(now: Duration) -> Int {
        let before = records.count
        records = records.filter { !isExpired($0.value, now: now) }
        return before - records.count
    }

    private func isExpired(_ stored: Stored, now: Duration) -> Bool {
        now - stored.storedAt > configuration.maximumAge
    }
}
