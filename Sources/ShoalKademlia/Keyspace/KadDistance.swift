/// The XOR distance between two ``KadKey``s, ordered as a 256-bit big-endian unsigned integer.
public struct KadDistance: Hashable, Comparable, Sendable, CustomStringConvertible {
    @usableFromInline let w0: UInt64
    @usableFromInline let w1: UInt64
    @usableFromInline let w2: UInt64
    @usableFromInline let w3: UInt64

    @inlinable
    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// The distance of a key to itself.
    public static let zero = KadDistance(w0: 0, w1: 0, w2: 0, w3: 0)

    /// The number of leading zero bits (256 for ``zero``): the common prefix length of the two keys.
    @inlinable
    public var leadingZeroBitCount: Int {
        if w0 != 0 { return w0.leadingZeroBitCount }
        if w1 != 0 { return 64 + w1.leadingZeroBitCount }
        if w2 != 0 { return 128 + w2.leadingZeroBitCount }
        return 192 + w3.leadingZeroBitCount
    }

    /// The 32 bytes of the distance, most significant first.
    public var bytes: [UInt8] {
        KadKey(w0: w0, w1: w1, w2: w2, w3: w3).bytes
    }

    /// Lower-case hex of the distance.
    public var description: String { KadKey(w0: w0, w1: w1, w2: w2, w3: w3).description }

    /// Big-endian unsigned comparison.
    @inlinable
    public static func < (lhs: KadDistance, rhs: KadDistance) -> Bool {
        if lhs.w0 != rhs.w0 { return lhs.w0 < rhs.w0 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        return lhs.w3 < rhs.w3
    }
}
