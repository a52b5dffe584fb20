/// Validates value records and chooses between competing ones (go-libp2p-record's `Validator`).
public protocol KadRecordValidator: Sendable {
    /// Checks a record.
    /// - Throws: ``ShoalError`` naming what is wrong with the record.
    func validate(_ record: KadRecord) throws

    /// The index of the best of several values for the same key (all already valid).
    /// - Throws: ``ShoalError`` when no value can be chosen.
    func select(key: [UInt8], values: [[UInt8]]) throws -> Int
}
