/// The decoded levels and non-null values of one leaf column across all row groups.
struct LeafAccumulator: Sendable {
    /// Definition levels (empty when the maximum definition level is 0).
    var definitionLevels: [UInt8] = []
    /// Repetition levels (empty when the maximum repetition level is 0).
    var repetitionLevels: [UInt8] = []
    /// The non-null values.
    var values: LeafValues
    /// Leaf entries (level pairs, or values for required flat columns) decoded so far.
    var entryCount = 0

    init(physicalType: PhysicalType) {
        values = LeafValues(physicalType: physicalType)
    }
}
