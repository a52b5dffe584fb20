import ShoalCore

/// What a ``MuxedConnection`` keeps for one stream: data received and not yet read, and who is waiting.
struct StreamBuffer {
    /// Received chunks not yet read: slices of the decrypted input (no copy), the first possibly partly read.
    var chunks: [ArraySlice<UInt8>] = []
    var bufferedBytes = 0
    /// The peer half-closed: once the buffer is empty, reads return end of stream.
    var remoteClosed = false
    /// This side half-closed.
    var localClosed = false
    /// The stream was reset (by either side) or the connection failed.
    var failure: ShoalError?
    /// A reader waiting for data, end of stream or failure.
    var reader: CheckedContinuation<Void, any Error>?
    /// A writer waiting for window.
    var writer: CheckedContinuation<Void, any Error>?

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        chunks.append(bytes)
        bufferedBytes += bytes.count
    }

    /// Puts bytes back in front of the buffer (bytes read past a negotiation).
    mutating func unread(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        chunks.insert(bytes[...], at: 0)
        bufferedBytes += bytes.count
    }

    /// Takes up to `maximum` bytes from the front: a slice of the first chunk (no copy).
    mutating func take(upTo maximum: Int) -> ArraySlice<UInt8> {
        guard let first = chunks.first else { return [] }
        if first.count <= maximum {
            chunks.removeFirst()
            bufferedBytes -= first.count
            return first
        }
        chunks[0] = first.dropFirst(maximum)
        bufferedBytes -= maximum
        return first.prefix(maximum)
    }

    /// Queues the waiting reader, if any, to be resumed with `result` once the connection's lock is released.
    mutating func resumeReader(_ result: Result<Void, any Error> = .success(()), into wakeups: inout [StreamWakeup]) {
        if let reader { wakeups.append(StreamWakeup(continuation: reader, result: result)) }
        reader = nil
    }

    /// Queues the waiting writer, if any, to be resumed with `result` once the connection's lock is released.
    mutating func resumeWriter(_ result: Result<Void, any Error> = .success(()), into wakeups: inout [StreamWakeup]) {
        if let writer { wakeups.append(StreamWakeup(continuation: writer, result: result)) }
        writer = nil
    }
}

/// A continuation to resume after a lock is released.
struct StreamWakeup: Sendable {
    var continuation: CheckedContinuation<Void, any Error>
    var result: Result<Void, any Error>
}
