// MARK: - Slice queue

/// A stream's outbound bytes waiting for send window: the senders' slices, not copies (arrays are copy-on-write,
/// so a sender changing its array later does not change them). Small slices are copied into a chunk of their own
/// (merged with the small ones before them), so that many tiny writes still leave as few frames.
struct SliceQueue: Sendable {
    /// Slices up to this size are copied and merged.
    static let mergeLimit = 4096

    private var chunks: [ArraySlice<UInt8>] = []
    private var head = 0
    /// Whether the last chunk is the queue's own copy (small slices may be merged into it).
    private var lastIsOwned = false

    /// The number of queued bytes.
    private(set) var count = 0

    /// Whether nothing is queued.
    var isEmpty: Bool { count == 0 }

    /// Appends bytes at the back.
    mutating func append(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        count += bytes.count
        if bytes.count <= Self.mergeLimit {
            if lastIsOwned, chunks.count > head, chunks[chunks.count - 1].count + bytes.count <= 64 * 1024 {
                chunks[chunks.count - 1].append(contentsOf: bytes)
            } else {
                chunks.append(ArraySlice(Array(bytes)))
                lastIsOwned = true
            }
        } else {
            chunks.append(bytes)
            lastIsOwned = false
        }
    }

    /// Up to `n` bytes from the front, all from one chunk (a slice: no copy).
    func front(upTo n: Int) -> ArraySlice<UInt8> {
        guard head < chunks.count else { return [] }
        return chunks[head].prefix(n)
    }

    /// Drops `n` bytes from the front.
    mutating func consume(_ n: Int) {
        precondition(n >= 0 && n <= count, "SliceQueue.consume out of range")
        var left = n
        count -= n
        while left > 0 {
            let first = chunks[head].count
            if left >= first {
                chunks[head] = []
                head += 1
                left -= first
            } else {
                chunks[head] = chunks[head].dropFirst(left)
                left = 0
            }
        }
        if head == chunks.count {
            chunks.removeAll()
            head = 0
            lastIsOwned = false
        } else if head >= 64 && head * 2 >= chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
    }

    /// Drops everything.
    mutating func removeAll() {
        chunks = []
        head = 0
        count = 0
        lastIsOwned = false
    }
}
