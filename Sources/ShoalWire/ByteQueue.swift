// MARK: - Byte queue

/// A FIFO of bytes with a read index, compacted occasionally so that consuming from the front is not quadratic.
struct ByteQueue: Sendable {
    private var storage: [UInt8] = []
    private var readIndex = 0

    /// The number of unread bytes.
    var count: Int { storage.count - readIndex }

    /// Whether no unread bytes are left.
    var isEmpty: Bool { readIndex == storage.count }

    /// The unread bytes.
    var readable: ArraySlice<UInt8> { storage[readIndex...] }

    /// Appends bytes at the back.
    mutating func append(_ bytes: ArraySlice<UInt8>) {
        if readIndex == storage.count && readIndex > 0 {
            storage.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        storage.append(contentsOf: bytes)
    }

    /// Drops `n` bytes from the front.
    mutating func consume(_ n: Int) {
        precondition(n >= 0 && n <= count, "ByteQueue.consume out of range")
        readIndex += n
        if readIndex == storage.count {
            storage.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= 4096 && readIndex * 2 >= storage.count {
            storage.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    /// Removes and returns up to `n` bytes from the front (copied, so that compaction never copies the storage).
    mutating func read(upTo n: Int) -> [UInt8] {
        let taken = min(n, count)
        let bytes = Array(storage[readIndex..<(readIndex + taken)])
        consume(taken)
        return bytes
    }

    /// Drops everything and releases the storage.
    mutating func removeAll() {
        storage = []
        readIndex = 0
    }
}
