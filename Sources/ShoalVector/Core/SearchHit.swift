/// One search result: a row id and its score (higher is better, see ``VectorMetric``).
public struct SearchHit: Sendable, Hashable, Codable {
    /// The row id (the dataset row number for dataset searches).
    public var id: Int64
    /// The score under the query's metric.
    public var score: Float

    /// Creates a hit.
    public init(id: Int64, score: Float) {
        self.id = id
        self.score = score
    }

    /// Result order: higher score first; equal scores by lower id (so merges are deterministic).
    @inline(__always)
    public static func ranksBefore(_ a: SearchHit, _ b: SearchHit) -> Bool {
        a.score > b.score || (a.score == b.score && a.id < b.id)
    }
}

/// Keeps the best `k` hits seen (by ``SearchHit/ranksBefore(_:_:)``) in a binary heap whose root is the worst kept.
struct TopKCollector {
    let k: Int
    private(set) var heap: [SearchHit] = []

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(min(k, 4096))
    }

    /// The worst kept hit's score once `k` hits are held (a candidate must beat it).
    var isFull: Bool { heap.count >= k }

    @inline(__always)
    mutating func offer(_ hit: SearchHit) {
        if heap.count < k {
            heap.append(hit)
            siftUp(heap.count - 1)
        } else if SearchHit.ranksBefore(hit, heap[0]) {
            heap[0] = hit
            siftDown(0)
        }
    }

    /// The kept hits, best first.
    func sorted() -> [SearchHit] { heap.sorted(by: SearchHit.ranksBefore) }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            // The root is the worst: a child that ranks before its parent is in place.
            guard SearchHit.ranksBefore(heap[parent], heap[i]) else { return }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            var worst = i
            let l = 2 * i + 1
            let r = l + 1
            if l < n && SearchHit.ranksBefore(heap[worst], heap[l]) { worst = l }
            if r < n && SearchHit.ranksBefore(heap[worst], heap[r]) { worst = r }
            if worst == i { return }
            heap.swapAt(i, worst)
            i = worst
        }
    }
}
