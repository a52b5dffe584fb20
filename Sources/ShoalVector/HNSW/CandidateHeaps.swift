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

/// A binary heap whose top is the closest candidate (sifts move a hole over raw buffers, no swaps).
struct NearestHeap {
    var items: [Candidate] = []

    var isEmpty: Bool { items.isEmpty }
    var top: Candidate { items[0] }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ c: Candidate) {
        items.append(c)
        items.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let p = (i - 1) >> 1
                guard Candidate.closer(c, h[p]) else { break }
                h[i] = h[p]
                i = p
            }
            h[i] = c
        }
    }

    @discardableResult
    mutating func pop() -> Candidate {
        let first = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                let l = 2 &* i &+ 1
                if l >= n { break }
                var best = l
                if l &+ 1 < n && Candidate.closer(h[l &+ 1], h[l]) { best = l &+ 1 }
                guard Candidate.closer(h[best], last) else { break }
                h[i] = h[best]
                i = best
            }
            h[i] = last
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
        items.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let p = (i - 1) >> 1
                guard Candidate.closer(h[p], c) else { break }
                h[i] = h[p]
                i = p
            }
            h[i] = c
        }
    }

    @discardableResult
    mutating func pop() -> Candidate {
        let first = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                let l = 2 &* i &+ 1
                if l >= n { break }
                var worst = l
                if l &+ 1 < n && Candidate.closer(h[l], h[l &+ 1]) { worst = l &+ 1 }
                guard Candidate.closer(last, h[worst]) else { break }
                h[i] = h[worst]
                i = worst
            }
            h[i] = last
        }
        return first
    }
}

/// Reusable per-thread search state: the visited marks (epoch-tagged, so no clearing per query) and the heaps.
public struct HNSWScratch {
    var marks: [UInt16] = []
    var epoch: UInt16 = 0
    var candidates = NearestHeap()
    var results = FarthestHeap()

    /// Creates empty scratch space (it grows to the index size on first use).
    public init() {}

    /// Starts a new visit over `count` nodes.
    mutating func begin(_ count: Int) {
        if marks.count < count {
            marks = [UInt16](repeating: 0, count: count)
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
