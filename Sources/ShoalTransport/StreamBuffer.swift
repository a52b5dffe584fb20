import ShoalCore

/// What a ``MuxedConnection`` keeps for one stream: data received and not yet read, and who is waiting.
struct StreamBuffer {
    /// Received chunks not yet read (a chunk may be partly read: `headOffset`).
    var chunks: [[UInt8]] = []
    var headOffset = 0
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

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        chunks.append(bytes)
        bufferedBytes += bytes.count
    }

    /// Puts bytes back in front of the buffer (bytes read past a negotiation).
    mutating func unread(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if headOffset > 0, let first = chunks.first {
            chunks[0] = Array(first[headOffset...])
            headOffset = 0
        }
        chunks.insert(bytes, at: 0)
        bufferedBytes += bytes.count
    }

    /// Takes up to `maximum` bytes from the front.
    mutating func take(upTo maximum: Int) -> [UInt8] {
        guard var first = chunks.first else { return [] }
        let available = first.count - headOffset
        if headOffset == 0 && available <= maximum {
            chunks.removeFirst()
            bufferedBytes -= available
            return first
        }
        let n = Swift.min(available, maximum)
        let out = Array(first[headOffset..<headOffset + n])
        headOffset += n
        bufferedBytes -= n
        if headOffset == first.count {
            chunks.removeFirst()
            headOffset = 0
        } else if headOffset > 65536 {
            first.removeFirst(headOffset)
            chunks[0] = first
            headOffset = 0
        }
        return out
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
