import CShoalPrefetch
import Foundation
import ShoalCore

/// A hierarchical navigable small-world graph over a ``VectorMatrix`` (Malkov & Yashunin), written for Shoal.
///
/// **Build.** Elements are inserted in row order. Each gets a level `⌊−ln(u)·mL⌋` (`mL = 1/ln M`, `u` from a
/// ``SplitMix64`` seeded with ``HNSWParameters/seed``), is found greedily from the top level down, and on each of
/// its levels is linked to neighbours chosen by the diversity heuristic (a candidate is kept only if it is closer
/// to the new element than to every neighbour already kept) from an `efConstruction` candidate list; neighbours
/// that overflow (`M`, or `2M` on level 0) are re-pruned with the same heuristic. Ties are broken by lower row, so
/// the same vectors, order and seed always give the same graph (and the same encoded bytes).
///
/// **Search.** Greedy descent on the upper levels, then a best-first search on level 0 with a candidate list of
/// `max(ef, k)`.
public struct HNSWIndex: Sendable {
    /// Highest level a node may get (bounds the decoder).
    public static let maximumLevel = 30

    /// The build parameters (``HNSWParameters/ef`` is the default search breadth).
    public let parameters: HNSWParameters
    /// The indexed vectors.
    public let vectors: VectorMatrix
    /// Each node's top level.
    var levels: [UInt8]
    /// Level-0 links: per node a slot of `2M + 1` entries, the count then the neighbour rows.
    var links0: [Int32]
    /// Links of levels 1…level per node: `level` slots of `M + 1` entries (count then rows); empty on level 0 nodes.
    var upper: [[Int32]]
    /// The entry node (-1 when empty).
    var entryPoint: Int32
    /// The entry node's level.
    var maxLevel: Int

    /// The number of indexed vectors.
    public var count: Int { vectors.count }

    var stride0: Int { 2 * parameters.m + 1 }
    var strideUpper: Int { parameters.m + 1 }

    /// Builds the index over `vectors`.
    /// - Throws: `ShoalError` `.invalidArgument` for parameters out of range, `.limitExceeded` above
    ///   ``HNSWIndexCodec/maximumCount`` vectors.
    public init(vectors: VectorMatrix, parameters: HNSWParameters = HNSWParameters()) throws {
        try parameters.validate()
        guard vectors.count <= HNSWIndexCodec.maximumCount else {
            throw ShoalError(.limitExceeded, "hnsw: \(vectors.count) vectors (limit \(HNSWIndexCodec.maximumCount))")
        }
        self.parameters = parameters
        self.vectors = vectors
        let n = vectors.count
        levels = [UInt8](repeating: 0, count: n)
        links0 = [Int32](repeating: 0, count: n * (2 * parameters.m + 1))
        upper = [[Int32]](repeating: [], count: n)
        entryPoint = -1
        maxLevel = 0
        var generator = SplitMix64(seed: parameters.seed)
        let mL = 1 / log(Double(parameters.m))
        var scratch = HNSWScratch()
        for node in 0..<n {
            let u = max(generator.nextUnit(), 1e-300)
            let level = min(Int(-log(u) * mL), Self.maximumLevel)
            insert(Int32(node), level: level, scratch: &scratch)
        }
    }

    /// Assembles a decoded index (no checks; the codec checks).
    init(
        parameters: HNSWParameters,
        vectors: VectorMatrix,
        levels: [UInt8],
        links0: [Int32],
        upper: [[Int32]],
        entryPoint: Int32,
        maxLevel: Int
    ) {
        self.parameters = parameters
        self.vectors = vectors
        self.levels = levels
        self.links0 = links0
        self.upper = upper
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
    }

    // MARK: - Links

    /// The neighbours of `node` on `level`.
    func neighbours(_ node: Int32, _ level: Int) -> ArraySlice<Int32> {
        if level == 0 {
            let start = Int(node) * stride0
            return links0[(start + 1)..<(start + 1 + Int(links0[start]))]
        }
        let start = (level - 1) * strideUpper
        let list = upper[Int(node)]
        return list[(start + 1)..<(start + 1 + Int(list[start]))]
    }

    mutating func setNeighbours(_ node: Int32, _ level: Int, _ rows: [Int32]) {
        if level == 0 {
            let start = Int(node) * stride0
            links0[start] = Int32(rows.count)
            for (i, r) in rows.enumerated() { links0[start + 1 + i] = r }
        } else {
            let start = (level - 1) * strideUpper
            upper[Int(node)][start] = Int32(rows.count)
            for (i, r) in rows.enumerated() { upper[Int(node)][start + 1 + i] = r }
        }
    }

    /// The distance between two indexed rows.
    @inline(__always)
    func distance(_ a: Int32, _ b: Int32) -> Float {
        let d = vectors.dimension
        return vectors.elements.withUnsafeBufferPointer { p in
            vectors.metric.distance(p.baseAddress! + Int(a) * d, p.baseAddress! + Int(b) * d, d)
        }
    }

    /// Hints the CPU to start loading the vectors of `rows` (no effect on results).
    func prefetchVectors<S: Sequence<Int32>>(_ rows: S) {
        let d = vectors.dimension
        vectors.elements.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            for row in rows { prefetch(base + Int(row) &* d, d) }
        }
    }

    /// Hints the CPU to start loading the `count` floats at `start`, one cache line at a time.
    @inline(__always)
    func prefetch(_ start: UnsafePointer<Float>, _ count: Int) {
        var o = 0
        while o < count {
            shoal_prefetch(start + o)
            o &+= 16
        }
    }

    // MARK: - Insertion

    private mutating func insert(_ node: Int32, level: Int, scratch: inout HNSWScratch) {
        levels[Int(node)] = UInt8(level)
        if level > 0 { upper[Int(node)] = [Int32](repeating: 0, count: level * strideUpper) }
        guard entryPoint >= 0 else {
            entryPoint = node
            maxLevel = level
            return
        }
        let d = vectors.dimension
        let elements = vectors.elements
        elements.withUnsafeBufferPointer { buffer in
            let query = buffer.baseAddress! + Int(node) * d
            var current = entryPoint
            var currentDistance = vectors.metric.distance(query, buffer.baseAddress! + Int(current) * d, d)
            if maxLevel > level {
                for lc in stride(from: maxLevel, to: level, by: -1) {
                    (current, currentDistance) = greedy(query, from: current, distance: currentDistance, level: lc)
                }
            }
            for lc in stride(from: min(level, maxLevel), through: 0, by: -1) {
                searchLayer(
                    query,
                    entry: current,
                    entryDistance: currentDistance,
                    ef: parameters.efConstruction,
                    level: lc,
                    scratch: &scratch
                )
                let found = scratch.results.items.sorted(by: Candidate.closer)
                let chosen = selectNeighbours(found, limit: parameters.m)
                setNeighbours(node, lc, chosen.map(\.id))
                let capacity = lc == 0 ? 2 * parameters.m : parameters.m
                for neighbour in chosen {
                    link(neighbour.id, to: node, distance: neighbour.distance, level: lc, capacity)
                }
                current = found[0].id
                currentDistance = found[0].distance
            }
        }
        if level > maxLevel {
            maxLevel = level
            entryPoint = node
        }
    }

    /// Adds `node` to `target`'s links on `level`, re-pruning when the list is full.
    private mutating func link(_ target: Int32, to node: Int32, distance: Float, level: Int, _ capacity: Int) {
        var current = Array(neighbours(target, level))
        if current.count < capacity {
            current.append(node)
            setNeighbours(target, level, current)
            return
        }
        prefetchVectors(current)
        var candidates = current.map { Candidate(distance: self.distance(target, $0), id: $0) }
        candidates.append(Candidate(distance: distance, id: node))
        candidates.sort(by: Candidate.closer)
        setNeighbours(target, level, selectNeighbours(candidates, limit: capacity).map(\.id))
    }

    /// The diversity heuristic over `sorted` (closest first): keep a candidate only when it is closer to the base
    /// element than to every candidate kept so far, up to `limit`.
    func selectNeighbours(_ sorted: [Candidate], limit: Int) -> [Candidate] {
        if sorted.count <= limit { return sorted }
        var kept: [Candidate] = []
        kept.reserveCapacity(limit)
        let d = vectors.dimension
        let metric = vectors.metric
        vectors.elements.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            sorted.withUnsafeBufferPointer { candidates in
                // Keep the vectors of the next few candidates on their way to the cache.
                let ahead = 4
                for i in 0..<min(ahead, candidates.count) { prefetch(base + Int(candidates[i].id) &* d, d) }
                for i in candidates.indices {
                    if kept.count >= limit { break }
                    if i &+ ahead < candidates.count { prefetch(base + Int(candidates[i &+ ahead].id) &* d, d) }
                    let candidate = candidates[i]
                    let row = base + Int(candidate.id) &* d
                    var diverse = true
                    for other in kept where metric.distance(row, base + Int(other.id) &* d, d) < candidate.distance {
                        diverse = false
                        break
                    }
                    if diverse { kept.append(candidate) }
                }
            }
        }
        return kept
    }
}
