/// The error type of ``ShoalMultiformats``.
///
/// It has the same shape as `ShoalError` in ShoalCore (this module sits below ShoalCore and cannot use it): a
/// ``code`` that callers match on and a ``message`` for people that names what was wrong. Two errors are equal when
/// their codes are equal.
///
/// ```swift
/// do { _ = try Multiaddr("/ip4/1.2.3/tcp/1") } catch where error.code == .invalidValue { … }
/// ```
public struct MultiformatsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The input does not follow the format (a generic decoding failure).
        public static let malformed = Code("malformed")
        /// The input ended before a complete value was read.
        public static let truncated = Code("truncated")
        /// A varint used more bytes than needed (e.g. `80 00` for zero).
        public static let nonMinimal = Code("non_minimal")
        /// A number does not fit (a varint longer than 9 bytes, a port above 65535, …).
        public static let overflow = Code("overflow")
        /// A code or name (multibase prefix, multicodec, multiaddr protocol) is not known.
        public static let unknownCode = Code("unknown_code")
        /// The value is known but not supported here (e.g. CIDv2).
        public static let unsupported = Code("unsupported")
        /// A length does not match what the format requires.
        public static let invalidLength = Code("invalid_length")
        /// A character is not in the alphabet of an encoding.
        public static let invalidCharacter = Code("invalid_character")
        /// A value is well-formed but not acceptable (a bad IP address, a CID with the wrong codec, …).
        public static let invalidValue = Code("invalid_value")
        /// An input is larger than a named maximum of this module.
        public static let limitExceeded = Code("limit_exceeded")
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, for people (e.g. `unknown protocol 'tcpx' at component 3`).
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: what went wrong, naming the bad value or limit.
    @inline(never)
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: MultiformatsError, rhs: MultiformatsError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

// MARK: - Message helpers

/// Quotes a user-supplied value for an error message, shortening long values.
func quoted(_ value: some StringProtocol, limit: Int = 80) -> String {
    var text = String(value)
    if text.count > limit {
        text = String(text.prefix(limit)) + "…"
    }
    return "'\(text)'"
}

/// Describes one byte of text input for an error message: the character when printable ASCII, else its hex value.
func describeByte(_ byte: UInt8) -> String {
    if byte >= 0x20 && byte < 0x7f {
        return "'\(Character(Unicode.Scalar(byte)))'"
    }
    return "byte 0x" + Base16.encode([byte])
}
