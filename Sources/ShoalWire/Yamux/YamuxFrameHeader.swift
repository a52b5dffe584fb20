public import ShoalCore

// MARK: - Frame type and flags

/// The type byte of a yamux frame.
public enum YamuxFrameType: UInt8, Sendable, Hashable {
    /// Stream data; the length is the payload size.
    case data = 0
    /// A stream window update; the length is a window delta (or an error code with RST).
    case windowUpdate = 1
    /// A session ping; the length is an opaque value echoed back.
    case ping = 2
    /// Session termination; the length is a ``YamuxGoAwayCode``.
    case goAway = 3
}

/// The flag bits of a yamux frame.
public struct YamuxFlags: OptionSet, Sendable, Hashable {
    /// The 16-bit wire value.
    public var rawValue: UInt16

    /// Creates flags from their wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Opens a stream (or starts a ping).
    public static let syn = YamuxFlags(rawValue: 0x1)
    /// Acknowledges a stream (or answers a ping).
    public static let ack = YamuxFlags(rawValue: 0x2)
    /// Half-closes the sender's direction of a stream.
    public static let fin = YamuxFlags(rawValue: 0x4)
    /// Resets a stream in both directions.
    public static let rst = YamuxFlags(rawValue: 0x8)
}

// MARK: - Header

/// The 12-byte big-endian yamux frame header: version, type, flags, stream ID, length.
public struct YamuxFrameHeader: Sendable, Hashable {
    /// The encoded size of a header.
    public static let size = 12
    /// The only protocol version.
    public static let version: UInt8 = 0
    /// The hard cap on an inbound Data payload (16 MiB); larger frames are a protocol violation.
    public static let maximumDataLength: UInt32 = 16 * 1024 * 1024

    /// The frame type.
    public var type: YamuxFrameType
    /// The flags.
    public var flags: YamuxFlags
    /// The stream ID (``YamuxStreamID/session`` for Ping and GoAway).
    public var streamID: YamuxStreamID
    /// Payload size (Data), window delta or RST code (WindowUpdate), opaque value (Ping) or code (GoAway).
    public var length: UInt32

    /// Creates a header.
    public init(type: YamuxFrameType, flags: YamuxFlags = [], streamID: YamuxStreamID, length: UInt32) {
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.length = length
    }

    /// Appends the 12 encoded bytes to `buffer`.
    public func encode(into buffer: inout [UInt8]) {
        let id = streamID.rawValue
        buffer.append(Self.version)
        buffer.append(type.rawValue)
        buffer.append(UInt8(truncatingIfNeeded: flags.rawValue >> 8))
        buffer.append(UInt8(truncatingIfNeeded: flags.rawValue))
        buffer.append(UInt8(truncatingIfNeeded: id >> 24))
        buffer.append(UInt8(truncatingIfNeeded: id >> 16))
        buffer.append(UInt8(truncatingIfNeeded: id >> 8))
        buffer.append(UInt8(truncatingIfNeeded: id))
        buffer.append(UInt8(truncatingIfNeeded: length >> 24))
        buffer.append(UInt8(truncatingIfNeeded: length >> 16))
        buffer.append(UInt8(truncatingIfNeeded: length >> 8))
        buffer.append(UInt8(truncatingIfNeeded: length))
    }

    /// The 12 encoded bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.size)
        encode(into: &out)
        return out
    }

    /// Decodes a header at the start of `bytes`.
    /// - Parameters:
    ///   - bytes: the received bytes.
    ///   - maximumDataLength: the largest Data payload accepted (at most ``maximumDataLength``).
    /// - Returns: the header, or nil when fewer than 12 bytes are available.
    /// - Throws: ``ShoalError`` `.protocolViolation` for an unknown version or type, or a Data length above
    ///   `maximumDataLength`.
    public static func decode(
        _ bytes: ArraySlice<UInt8>,
        maximumDataLength: UInt32 = YamuxFrameHeader.maximumDataLength
    ) throws(ShoalError) -> YamuxFrameHeader? {
        guard bytes.count >= size else { return nil }
        let base = bytes.startIndex
        let version = bytes[base]
        guard version == Self.version else {
            throw ShoalError(.protocolViolation, "unknown yamux version \(version)")
        }
        guard let type = YamuxFrameType(rawValue: bytes[base + 1]) else {
            throw ShoalError(.protocolViolation, "unknown yamux frame type \(bytes[base + 1])")
        }
        let flags = UInt16(bytes[base + 2]) << 8 | UInt16(bytes[base + 3])
        let id = readUInt32(bytes, at: base + 4)
        let length = readUInt32(bytes, at: base + 8)
        if type == .data && length > min(maximumDataLength, Self.maximumDataLength) {
            throw ShoalError(.protocolViolation, "yamux data frame of \(length) bytes exceeds the maximum")
        }
        return YamuxFrameHeader(
            type: type,
            flags: YamuxFlags(rawValue: flags),
            streamID: YamuxStreamID(id),
            length: length
        )
    }

    private static func readUInt32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
            | UInt32(bytes[index + 3])
    }
}
