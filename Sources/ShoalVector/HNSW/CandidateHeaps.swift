/// A graph node and its distance to the query (lower is closer).
struct Candidate {
    var distance: Float
    var id: Int32

    /// Closer first; equal distances by lower id (deterministic builds).
    @inline(__always)
    static func closer(_ a: Candidate, _ b: Candidate) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && a.id < b.id)
    }
}

/// A binary heap whose top is the closest candidate.
struct NearestHeap {
    var items: [Candidate] = []

    var isEmpty: Bool { items.isEmpty }
    var top: Candidate { items[0] }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ c: Candidate) {
        items.append(c)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) >> 1
            guard Candidate.closer(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    @discardableResult
    mutating func pop() -> Candidate {
        let first = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                var best = l
                if l + 1 < n && Candidate.closer(items[l + 1], items[l]) { best = l + 1 }
                guard Candidate.closer(items[best], items[i]) else { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return first
    }
}

/// A binary heap whose top is the farthest candidate (the result set of a layer search).
struct FarthestHeap {
    var items: [Candidate] = []

    var count: Int { items.count }
    var top: Candidate { items[0] }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ c: Candidate) {
        items.append(c)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) >> 1
            guard Candidate.closer(items[p], items[i]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    @discardableResult
    mutating func pop() -> Candidate {
        let first = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                var worst = l
                if l + 1 < n && Candidate.closer(items[l], items[l + 1]) { worst = l + 1 }
                guard Candidate.closer(items[i], items[worst]) else { break }
                items.swapAt(i, worst)
                i = worst
            }
        }
        return first
    }
}

/// Reusable per-thread search state: the visited marks (epoch-tagged, so no clearing per query) and the heaps.
public struct HNSWScratch {
    var marks: [UInt32] = []
    var epoch: UInt32 = 0
    var candidates = NearestHeap()
    var results = FarthestHeap()

    /// Creates empty scratch space (it grows to the index size on first use).
    public init() {}

    /// Starts a new visit over `count` nodes.
    mutating func begin(_ count: Int) {
        if marks.count < count {
            marks = [UInt32](repeating: 0, count: count)
            epoch = 0
        }
        epoch &+= 1
        if epoch == 0 {
            for i in marks.indices { marks[i] = 0 }
            epoch = 1
        }
        candidates.removeAll()
        results.removeAll()
    }
}
