// MARK: - Output

/// Serialized yamux frames as segments, for a driver that hands them to the connection without concatenating
/// them (see ``YamuxConfiguration/segmentedOutput``): headers, control frames and small payloads are inline bytes;
/// large Data payloads are slices of the arrays given to ``YamuxSession/send(_:on:)-(ArraySlice<UInt8>,_)``, not
/// copies. Arrays are copy-on-write, so a caller that changes its array after sending does not change the output.
public struct YamuxOutput: Sendable, Equatable {
    /// A payload slice and where it sits in the inline bytes.
    struct Splice: Sendable {
        /// The count of inline bytes before it.
        var offset: Int
        var bytes: ArraySlice<UInt8>
    }

    /// Payloads at least this large are kept as slices; smaller ones are copied inline (a copy of a few bytes is
    /// cheaper than one more segment).
    public static let inlineLimit = 1024

    var inline: [UInt8] = []
    var splices: [Splice] = []
    /// The total number of bytes.
    public internal(set) var count = 0

    /// An empty output.
    public init() {}

    /// Output made of `bytes` alone.
    public init(_ bytes: [UInt8]) {
        inline = bytes
        count = bytes.count
    }

    /// Whether the output holds no bytes.
    public var isEmpty: Bool { count == 0 }

    /// The segments in order (slices of the inline bytes and the payloads; none empty).
    public var segments: [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        result.reserveCapacity(2 * splices.count + 1)
        var start = 0
        for splice in splices {
            if splice.offset > start { result.append(inline[start..<splice.offset]) }
            result.append(splice.bytes)
            start = splice.offset
        }
        if inline.count > start { result.append(inline[start...]) }
        return result
    }

    /// All the bytes, concatenated (a copy).
    public var bytes: [UInt8] {
        guard !splices.isEmpty else { return inline }
        var result: [UInt8] = []
        result.reserveCapacity(count)
        for segment in segments { result.append(contentsOf: segment) }
        return result
    }

    /// Appends `other` after these bytes: its inline bytes are copied, its payload slices are not.
    public mutating func append(_ other: YamuxOutput) {
        let shift = inline.count
        inline.append(contentsOf: other.inline)
        for splice in other.splices { splices.append(Splice(offset: splice.offset + shift, bytes: splice.bytes)) }
        count += other.count
    }

    /// Appends bytes inline (copied).
    mutating func appendInline(_ bytes: some Collection<UInt8>) {
        inline.append(contentsOf: bytes)
        count += bytes.count
    }

    /// Appends a payload slice (not copied).
    mutating func appendSlice(_ bytes: ArraySlice<UInt8>) {
        splices.append(Splice(offset: inline.count, bytes: bytes))
        count += bytes.count
    }

    /// Outputs are equal when their bytes are, however they are segmented.
    public static func == (lhs: YamuxOutput, rhs: YamuxOutput) -> Bool {
        lhs.count == rhs.count && lhs.bytes == rhs.bytes
    }
}
