public import ShoalCore
import ShoalMultiformats
public import ShoalWire

/// One multiplexed stream to a peer, after its protocol was negotiated.
///
/// Reads and writes are async; a write waits while the peer's window is full (backpressure), a read waits for
/// data. ``withDeadline(_:_:)`` bounds any of them in time. Reading `nil` means the peer closed its side.
public struct ShoalStream: Sendable {
    /// The connection the stream belongs to.
    public let connection: MuxedConnection
    /// The yamux stream ID.
    public let streamID: YamuxStreamID
    /// The negotiated protocol.
    public let protocolID: String
    /// Who opened the stream.
    public let direction: Direction

    /// The largest length prefix ``readMessage(maximumLength:)`` accepts by default (4 MiB).
    public static let defaultMaximumMessageLength = 4 * 1024 * 1024

    package init(connection: MuxedConnection, streamID: YamuxStreamID, protocolID: String, direction: Direction) {
        self.connection = connection
        self.streamID = streamID
        self.protocolID = protocolID
        self.direction = direction
    }

    /// The peer at the other end.
    public var remotePeer: PeerID { connection.remotePeer }

    /// Reads up to `maximum` bytes as soon as any are available.
    /// - Returns: the bytes, or nil when the peer has closed its side and everything was read.
    /// - Throws: ``ShoalError`` `.closed` when the stream was reset or the connection failed.
    public func read(upTo maximum: Int = 65536) async throws -> [UInt8]? {
        precondition(maximum > 0, "read size must be positive")
        return try await connection.read(streamID, upTo: maximum)
    }

    /// Reads up to `maximum` bytes as soon as any are available, as a slice of the connection's decrypted input
    /// (no copy). Keep the slice only briefly: it holds its whole input buffer (at most a few hundred KiB) alive.
    /// - Returns: the bytes, or nil when the peer has closed its side and everything was read.
    /// - Throws: ``ShoalError`` `.closed` when the stream was reset or the connection failed.
    public func readChunk(upTo maximum: Int = 1 << 20) async throws -> ArraySlice<UInt8>? {
        precondition(maximum > 0, "read size must be positive")
        return try await connection.readSlice(streamID, upTo: maximum)
    }

    /// Reads exactly `count` bytes.
    /// - Throws: ``ShoalError`` `.closed` if the stream ends first.
    public func readExactly(_ count: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            guard let chunk = try await connection.readSlice(streamID, upTo: count - out.count) else {
                throw ShoalError(.closed, "stream ended after \(out.count) of \(count) bytes")
            }
            out += chunk
        }
        return out
    }

    /// Reads everything until the peer closes its side, up to `maximum` bytes.
    /// - Throws: ``ShoalError`` `.limitExceeded` past `maximum`.
    public func readToEnd(maximum: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = try await connection.readSlice(streamID, upTo: 65536) {
            out += chunk
            guard out.count <= maximum else {
                throw ShoalError(.limitExceeded, "stream sent more than \(maximum) bytes")
            }
        }
        return out
    }

    /// Writes all of `bytes`, waiting for the peer's window as needed.
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await connection.write(streamID, bytes)
    }

    /// Reads one unsigned-varint-length-prefixed message.
    /// - Returns: the message, or nil if the stream ended cleanly before a new message began.
    /// - Throws: ``ShoalError`` `.limitExceeded` when the prefix announces more than `maximumLength` bytes,
    ///   `.malformedInput` for a bad prefix, `.closed` when the stream ends inside a message.
    public func readMessage(maximumLength: Int = defaultMaximumMessageLength) async throws -> [UInt8]? {
        var prefix: [UInt8] = []
        while true {
            guard let byte = try await connection.read(streamID, upTo: 1) else {
                if prefix.isEmpty { return nil }
                throw ShoalError(.closed, "stream ended inside a length prefix")
            }
            prefix += byte
            if byte[0] & 0x80 == 0 { break }
            guard prefix.count < 9 else { throw ShoalError(.malformedInput, "length prefix is longer than 9 bytes") }
        }
        let length: UInt64
        do {
            guard let decoded = try UVarint.decode(prefix) else {
                throw ShoalError(.malformedInput, "length prefix is incomplete")
            }
            length = decoded.value
        } catch let error as MultiformatsError {
            throw ShoalError(.malformedInput, "bad length prefix: \(error.message)", cause: error)
        }
        guard length <= UInt64(maximumLength) else {
            throw ShoalError(.limitExceeded, "message of \(length) bytes is over the \(maximumLength)-byte limit")
        }
        return try await readExactly(Int(length))
    }

    /// Writes one unsigned-varint-length-prefixed message (prefix and body in one write).
    public func writeMessage(_ message: [UInt8]) async throws {
        var framed = UVarint.encode(UInt64(message.count))
        framed += message
        try await connection.write(streamID, framed)
    }

    /// Half-closes: tells the peer we will write no more. Reading continues.
    public func closeWrite() {
        connection.closeWrite(streamID)
    }

    /// Aborts the stream in both directions.
    public func reset() {
        connection.reset(streamID)
    }

    /// Puts bytes back in front of the stream's unread data.
    func unread(_ bytes: [UInt8]) {
        connection.unread(streamID, bytes)
    }
}

/// Runs `operation`, failing with ``ShoalError`` `.timeout` if it has not finished after `timeout`.
///
/// The operation is cancelled at the deadline; stream reads, writes and opens honour cancellation.
public func withDeadline<T: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw ShoalError(.timeout, "operation did not finish within \(timeout)")
        }
        return value
    }
}
