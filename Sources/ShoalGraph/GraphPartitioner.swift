import ShoalCore

/// Maps an entity id to its graph partition: FNV-1a (64-bit) of the id's UTF-8 bytes, modulo the partition count.
///
/// The hash is fixed (not Swift's per-process seeded `Hasher`), so every node computes the same placement.
public struct GraphPartitioner: Sendable, Hashable, Codable {
    /// Most partitions.
    public static let maximumPartitions = 4096

    /// The number of partitions.
    public let count: Int

    /// Creates a partitioner.
    /// - Throws: `ShoalError` `.invalidArgument` when `count` is outside 1…``maximumPartitions``.
    public init(count: Int) throws {
        guard (1...Self.maximumPartitions).contains(count) else {
            throw ShoalError(
                .invalidArgument,
                "graph: partition count \(count) is outside 1...\(Self.maximumPartitions)"
            )
        }
        self.count = count
    }

    /// The partition of `id`.
    public func partition(of id: String) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Int(hash % UInt64(count))
    }
}
