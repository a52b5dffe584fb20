import ShoalCore

/// Splits a stream of bytes into `uvarint(length) || body` frames and decodes them as ``KadMessage``s.
///
/// Feed bytes with ``append(_:)`` and drain with ``nextMessage()`` until it returns nil ("need more bytes"). A
/// length prefix above the codec's ``KadMessageCodec/maximumMessageSize`` is rejected as soon as the prefix is
/// read, before the body arrives. The buffer is bounded: appending more than one maximal frame plus 64 KiB without
/// draining throws. After any thrown error the stream is unusable: reset it and drop the decoder.
public struct KadFrameDecoder: Sendable {
    /// How much more than one maximal frame may be buffered.
    public static let bufferSlack = 64 * 1024

    /// The codec that decodes bodies (and holds the limits).
    public let codec: KadMessageCodec
    private var buffer: [UInt8] = []
    private var readIndex = 0

    /// A decoder using `codec`'s limits.
    public init(codec: KadMessageCodec = KadMessageCodec()) {
        self.codec = codec
    }

    /// The number of bytes received and not yet consumed.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Appends received bytes.
    /// - Throws: ``ShoalError`` with code `limitExceeded` when the buffer would exceed one maximal frame plus
    ///   ``bufferSlack``.
    public mutating func append(_ bytes: some Collection<UInt8>) throws {
        let limit = codec.maximumMessageSize + KadVarint.maximumLength + Self.bufferSlack
        guard bufferedByteCount + bytes.count <= limit else {
            throw ShoalError(.limitExceeded, "Kademlia stream buffer would exceed \(limit) bytes")
        }
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame body, or nil when more bytes are needed.
    /// - Throws: ``ShoalError`` with code `malformedInput` (bad varint) or `limitExceeded` (length above the cap).
    public mutating func nextFrame() throws -> [UInt8]? {
        let pending = buffer[readIndex...]
        guard let (length, prefix) = try KadVarint.decode(pending) else { return nil }
        guard length <= UInt64(codec.maximumMessageSize) else {
            throw ShoalError(
                .limitExceeded,
                "Kademlia frame of \(length) bytes exceeds the maximum of \(codec.maximumMessageSize)"
            )
        }
        let bodyStart = readIndex + prefix
        let bodyEnd = bodyStart + Int(length)
        guard bodyEnd <= buffer.count else { return nil }
        readIndex = bodyEnd
        return Array(buffer[bodyStart..<bodyEnd])
    }

    /// The next complete message, or nil when more bytes are needed.
    /// - Throws: as ``nextFrame()`` and ``KadMessageCodec/decode(_:)``.
    public mutating func nextMessage() throws -> KadMessage? {
        guard let body = try nextFrame() else { return nil }
        return try codec.decode(body)
    }
}
