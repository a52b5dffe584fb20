public import ShoalCore

/// k-hop expansion in rounds, as a pure state machine: it emits one ``NeighborRequest`` per partition per round
/// and consumes the ``NeighborResponse``s; whoever drives it (a local loop, or the network in the next issue)
/// delivers the messages.
///
/// Round h (1…max_hops) asks each partition for the relations of the frontier vertices it owns, marks every
/// unvisited neighbour as hop h, and makes those the next frontier (all of them, or the best ``beamWidth`` by
/// score). Relations are followed in both directions. The visited set after h rounds is exactly the set of
/// vertices within h hops of a seed (networkx `ego_graph` for one seed).
///
/// **Scoring rule.** A seed's score is its seed score; a vertex first reached in round h gets
/// `max over its neighbours u reached in round h−1 of score(u) × decay` (so `seed score × decay^h` along the best
/// shortest path). With ``useRelationWeights`` the factor of each relation r followed is `decay × r.weight`: the
/// score is `max over the relations r from a round h−1 vertex u of score(u) × decay × r.weight`. Weights are
/// finite and at least 0 (``KnowledgeGraph`` rejects others at load time; a response carrying one is a
/// `.protocolViolation`); weights above 1 are used as given, so a vertex may then outscore its parent. The hop of a
/// vertex is still its hop distance: weights change scores, never which vertices are reached. Ties rank by hop,
/// then id.
public struct KHopExpansion: Sendable {
    /// The highest max_hops accepted.
    public static let maximumHops = 5
    /// The default cap on the frontier of one round.
    public static let defaultMaximumFrontier = 100_000

    /// The rounds to run.
    public let maxHops: Int
    /// The score factor per hop.
    public let decay: Double
    /// When set, only the best `beamWidth` new vertices of a round are expanded further.
    public let beamWidth: Int?
    /// The most frontier vertices a round may have before the expansion fails.
    public let maximumFrontier: Int
    /// Most relations per vertex asked from partitions (nil: all).
    public let perVertexCap: Int?
    /// Whether each followed relation's weight multiplies the score (see the scoring rule above).
    public let useRelationWeights: Bool
    let partitioner: GraphPartitioner

    /// The hop distance of every vertex reached (seeds are 0).
    public private(set) var hops: [String: Int] = [:]
    /// The score of every vertex reached.
    public private(set) var scores: [String: Double] = [:]
    /// Every relation returned by a partition, by relation id.
    public private(set) var relations: [Int: GraphRelation] = [:]
    /// Rounds completed.
    public private(set) var round = 0
    /// Requests sent in each completed or current round.
    public private(set) var requestsPerRound: [Int] = []
    private var frontier: [String]
    private var outstanding: Set<Int> = []

    /// Starts an expansion from scored seeds.
    /// - Throws: `ShoalError` `.limitExceeded` when `maxHops` is above ``maximumHops`` or the seeds exceed
    ///   `maximumFrontier`; `.invalidArgument` for a negative `maxHops` or a decay outside (0, 1].
    public init(
        seeds: [String: Double],
        maxHops: Int,
        partitioner: GraphPartitioner,
        decay: Double = 0.5,
        beamWidth: Int? = nil,
        maximumFrontier: Int = KHopExpansion.defaultMaximumFrontier,
        perVertexCap: Int? = nil,
        useRelationWeights: Bool = false
    ) throws {
        guard maxHops >= 0 else { throw GraphError.badHops(maxHops) }
        guard maxHops <= Self.maximumHops else { throw GraphError.tooManyHops(maxHops) }
        guard decay > 0, decay <= 1 else {
            throw ShoalError(.invalidArgument, "graph: decay \(decay) is outside (0, 1]")
        }
        if let beamWidth, beamWidth < 1 { throw ShoalError(.invalidArgument, "graph: beam width \(beamWidth) < 1") }
        guard seeds.count <= maximumFrontier else { throw GraphError.frontierTooLarge(seeds.count, maximumFrontier) }
        self.maxHops = maxHops
        self.decay = decay
        self.beamWidth = beamWidth
        self.maximumFrontier = maximumFrontier
        self.perVertexCap = perVertexCap
        self.useRelationWeights = useRelationWeights
        self.partitioner = partitioner
        for (id, score) in seeds {
            hops[id] = 0
            scores[id] = score
        }
        frontier = seeds.keys.sorted()
    }

    /// Whether every round has run (or the frontier emptied early).
    public var isFinished: Bool { round >= maxHops || frontier.isEmpty }

    /// The requests of the next round: one per partition that owns frontier vertices, in partition order.
    /// Empty when finished. Call ``apply(_:)`` with all their responses before asking again.
    public mutating func nextRequests() -> [NeighborRequest] {
        guard !isFinished, outstanding.isEmpty else { return [] }
        var groups: [Int: [String]] = [:]
        for vertex in frontier { groups[partitioner.partition(of: vertex), default: []].append(vertex) }
        let requests = groups.keys.sorted().map {
            NeighborRequest(round: round + 1, partition: $0, vertices: groups[$0]!, perVertexCap: perVertexCap)
        }
        outstanding = Set(requests.map(\.partition))
        requestsPerRound.append(requests.count)
        return requests
    }

    /// Consumes the responses of the current round and computes the next frontier.
    /// - Throws: `ShoalError` `.protocolViolation` when the responses are not exactly those of the outstanding
    ///   requests or (with ``useRelationWeights``) carry a weight that is negative or not finite, `.limitExceeded` (``GraphError/frontierTooLarge(_:_:)``) when the next frontier is too large.
    public mutating func apply(_ responses: [NeighborResponse]) throws {
        let answered = Set(responses.map(\.partition))
        guard answered == outstanding, answered.count == responses.count,
            responses.allSatisfy({ $0.round == round + 1 })
        else {
            throw ShoalError(
                .protocolViolation,
                "graph: round \(round + 1) expected answers from partitions \(outstanding.sorted()), got \(responses.map(\.partition))"
            )
        }
        outstanding = []
        round += 1
        var reached: [String: Double] = [:]
        for response in responses {
            for entry in response.adjacency {
                guard let parentScore = scores[entry.vertex], hops[entry.vertex] == round - 1 else { continue }
                for relation in entry.relations {
                    relations[relation.id] = relation
                    let other = relation.otherEnd(from: entry.vertex)
                    if hops[other] != nil { continue }
                    var candidate = parentScore * decay
                    if useRelationWeights {
                        guard GraphRelation.isValidWeight(relation.weight) else {
                            throw ShoalError(
                                .protocolViolation,
                                "graph: partition \(response.partition) sent relation \(relation.id) with weight \(relation.weight) (must be finite and at least 0)"
                            )
                        }
                        candidate *= relation.weight
                    }
                    if candidate > reached[other] ?? -.infinity { reached[other] = candidate }
                }
            }
        }
        for (vertex, score) in reached {
            hops[vertex] = round
            scores[vertex] = score
        }
        var next = reached.keys.sorted()
        if let beamWidth, next.count > beamWidth {
            next.sort { (reached[$0]!, $1) > (reached[$1]!, $0) }
            next = Array(next.prefix(beamWidth)).sorted()
        }
        guard next.count <= maximumFrontier || round >= maxHops else {
            throw GraphError.frontierTooLarge(next.count, maximumFrontier)
        }
        frontier = next
    }
}

/// The typed errors of graph queries, as `ShoalError` values.
public enum GraphError {
    /// max_hops is negative.
    public static func badHops(_ hops: Int) -> ShoalError {
        ShoalError(.invalidArgument, "graph: max_hops \(hops) must be at least 0")
    }

    /// max_hops is above ``KHopExpansion/maximumHops``.
    public static func tooManyHops(_ hops: Int) -> ShoalError {
        ShoalError(.limitExceeded, "graph: max_hops \(hops) is above the cap \(KHopExpansion.maximumHops)")
    }

    /// A round's frontier is above the cap.
    public static func frontierTooLarge(_ size: Int, _ cap: Int) -> ShoalError {
        ShoalError(.limitExceeded, "graph: frontier of \(size) vertices is above the cap \(cap)")
    }

    /// top_k is out of range.
    public static func badTopK(_ topK: Int) -> ShoalError {
        topK < 1
            ? ShoalError(.invalidArgument, "graph: top_k \(topK) must be at least 1")
            : ShoalError(.limitExceeded, "graph: top_k \(topK) is above the cap \(GraphQueryOptions.maximumTopK)")
    }
}
