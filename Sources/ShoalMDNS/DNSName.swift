public import ShoalCore

/// A DNS domain name as a list of labels (`_p2p`, `_udp`, `local`), compared case-insensitively.
///
/// Bounds: each label is 1 to ``maximumLabelLength`` bytes and the wire form is at most ``maximumWireLength`` bytes.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    /// The longest label in bytes (RFC 1035 §2.3.4).
    public static let maximumLabelLength = 63
    /// The longest name in wire form, length bytes and the final zero included (RFC 1035 §2.3.4).
    public static let maximumWireLength = 255

    /// The labels, most specific first, as raw bytes.
    public let labels: [[UInt8]]

    /// A name from raw labels.
    /// - Throws: ``ShoalError`` (`.limitExceeded`) when a label or the whole name is too long, or
    ///   (`.malformedInput`) when a label is empty.
    public init(labels: [[UInt8]]) throws(ShoalError) {
        var length = 1
        for label in labels {
            guard !label.isEmpty else { throw ShoalError(.malformedInput, "DNS name has an empty label") }
            guard label.count <= Self.maximumLabelLength else {
                throw ShoalError(.limitExceeded, "DNS label of \(label.count) bytes exceeds \(Self.maximumLabelLength)")
            }
            length += 1 + label.count
        }
        guard length <= Self.maximumWireLength else {
            throw ShoalError(.limitExceeded, "DNS name of \(length) bytes exceeds \(Self.maximumWireLength)")
        }
        self.labels = labels
    }

    /// A name from labels known to be within bounds (constants).
    init(validLabels: [[UInt8]]) { self.labels = validLabels }

    /// A name from its dotted text form (`_p2p._udp.local`, a trailing dot is allowed).
    /// - Throws: ``ShoalError`` as ``init(labels:)``.
    public init(_ text: String) throws(ShoalError) {
        var trimmed = Substring(text)
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        if trimmed.isEmpty {
            try self.init(labels: [])
            return
        }
        try self.init(labels: trimmed.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) })
    }

    /// The length of the uncompressed wire form.
    public var wireLength: Int { labels.reduce(1) { $0 + 1 + $1.count } }

    /// The dotted text form without a trailing dot (bytes that are not UTF-8 are replaced).
    public var description: String { labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".") }

    /// The first label as text, or an empty string for the root.
    public var firstLabel: String { labels.first.map { String(decoding: $0, as: UTF8.self) } ?? "" }

    /// This name with `label` prepended.
    /// - Throws: ``ShoalError`` when the result is too long.
    public func prepending(_ label: String) throws(ShoalError) -> DNSName {
        try DNSName(labels: [Array(label.utf8)] + labels)
    }

    /// The labels in lower case (ASCII), used for comparison and compression.
    var folded: [[UInt8]] { labels.map(Self.fold) }

    static func fold(_ label: [UInt8]) -> [UInt8] {
        label.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    /// Case-insensitive equality (ASCII).
    public static func == (lhs: DNSName, rhs: DNSName) -> Bool { lhs.folded == rhs.folded }

    /// Hashes the case-folded labels.
    public func hash(into hasher: inout Hasher) { hasher.combine(folded) }
}
