// MARK: - EventQueue

/// A min-priority queue of timed events (a binary heap).
///
/// Events with equal times come out in the order they were inserted (FIFO), which keeps simulations
/// deterministic. Times are virtual nanoseconds.
public struct EventQueue<Element: Sendable>: Sendable {
    private struct Entry: Sendable {
        var time: UInt64
        var order: UInt64
        var element: Element

        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : order < other.order
        }
    }

    private var heap: [Entry] = []
    private var nextOrder: UInt64 = 0

    /// An empty queue.
    public init() {}

    /// How many events are queued.
    public var count: Int { heap.count }

    /// Whether the queue is empty.
    public var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest event, if any.
    public var nextTime: UInt64? { heap.first?.time }

    /// Adds an event.
    /// - Parameters:
    ///   - element: the event.
    ///   - time: when it happens (virtual nanoseconds).
    ///   - order: an explicit tie-break rank (for re-inserting a deferred event in its original order);
    ///     by default the insertion order.
    public mutating func insert(_ element: Element, at time: UInt64, order: UInt64? = nil) {
        let rank: UInt64
        if let order {
            rank = order
        } else {
            rank = nextOrder
            nextOrder &+= 1
        }
        heap.append(Entry(time: time, order: rank, element: element))
        siftUp(heap.count - 1)
    }

    /// Removes and returns the earliest event with its time and tie-break rank.
    public mutating func popFirst() -> (time: UInt64, order: UInt64, element: Element)? {
        guard !heap.isEmpty else { return nil }
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return (first.time, first.order, first.element)
    }

    // MARK: - Heap maintenance

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let n = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < n else { return }
            var best = left
            let right = left + 1
            if right < n, heap[right].precedes(heap[left]) { best = right }
            guard heap[best].precedes(heap[parent]) else { return }
            heap.swapAt(best, parent)
            parent = best
        }
    }
}
