public import ShoalCore

// MARK: - Message codec

/// The multistream-select 1.0 message codec: `uvarint(len + 1) || payload || '\n'`.
///
/// The length counts the UTF-8 payload plus the trailing newline. Decoding is bounded by a maximum message length
/// (payload plus newline) and returns nil when more bytes are needed.
public enum MultistreamMessage {
    /// The protocol header both sides send first.
    public static let header = "/multistream/1.0.0"
    /// The "not available" answer.
    public static let notAvailable = "na"
    /// The "list protocols" request.
    public static let list = "ls"
    /// The default maximum message length in bytes (payload plus newline), as in go-multistream.
    public static let defaultMaximumLength = 1024
    /// The largest maximum message length a configuration may set (the largest 2-byte varint).
    public static let maximumAllowedLength = 16383

    /// Encodes one message.
    /// - Parameter text: the payload, without the newline.
    /// - Returns: the framed bytes.
    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        encode(text, into: &out)
        return out
    }

    /// Appends one encoded message to `buffer`.
    /// - Parameters:
    ///   - text: the payload, without the newline.
    ///   - buffer: where the framed bytes go.
    public static func encode(_ text: String, into buffer: inout [UInt8]) {
        let payload = Array(text.utf8)
        Varint.encode(UInt64(payload.count + 1), into: &buffer)
        buffer.append(contentsOf: payload)
        buffer.append(0x0a)
    }

    /// Decodes one message at the start of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: the received bytes.
    ///   - maximumLength: the largest accepted message length (payload plus newline).
    /// - Returns: the payload text and the number of bytes consumed, or nil when more bytes are needed.
    /// - Throws: ``ShoalError`` `.limitExceeded` when the announced length is above `maximumLength`,
    ///   `.malformedInput` for a bad varint, an empty message, a missing newline or invalid UTF-8.
    public static func decode(
        _ bytes: ArraySlice<UInt8>,
        maximumLength: Int = defaultMaximumLength
    ) throws(ShoalError) -> (text: String, consumed: Int)? {
        guard let (length, prefix) = try Varint.decode(bytes, maximumLength: 3) else {
            return nil
        }
        guard length <= UInt64(maximumLength) else {
            throw ShoalError(
                .limitExceeded,
                "multistream message of \(length) bytes exceeds the maximum of \(maximumLength)"
            )
        }
        guard length >= 1 else {
            throw ShoalError(.malformedInput, "empty multistream message (no newline)")
        }
        let total = prefix + Int(length)
        guard bytes.count >= total else { return nil }
        let start = bytes.startIndex + prefix
        let end = bytes.startIndex + total - 1
        guard bytes[end] == 0x0a else {
            throw ShoalError(.malformedInput, "multistream message does not end with a newline")
        }
        guard let text = String(validating: bytes[start..<end], as: UTF8.self) else {
            throw ShoalError(.malformedInput, "multistream message is not valid UTF-8")
        }
        return (text, total)
    }

    /// Checks that a protocol ID can be proposed or supported: not empty, starts with `/`, no newline, and short
    /// enough to fit a message of `maximumLength` bytes.
    static func validateProtocolID(_ id: String, maximumLength: Int) throws(ShoalError) {
        guard id.utf8.first == UInt8(ascii: "/") else {
            throw ShoalError(.invalidArgument, "protocol ID '\(id)' does not start with '/'")
        }
        guard !id.utf8.contains(0x0a) else {
            throw ShoalError(.invalidArgument, "protocol ID contains a newline")
        }
        guard id.utf8.count + 1 <= maximumLength else {
            throw ShoalError(.invalidArgument, "protocol ID of \(id.utf8.count) bytes is too long")
        }
    }
}
