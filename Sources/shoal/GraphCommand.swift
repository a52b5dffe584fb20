import ArgumentParser
import Foundation
import ShoalCore
import ShoalDatasets
import ShoalGraph
import ShoalMultiformats
import ShoalVector

/// `shoal graph DIR --query-vector '[…]' --max-hops H --top-k K`: graph_query over packed entity/relation datasets.
struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "graph_query over a knowledge graph packed as an entities and a relations dataset.",
        discussion: """
            The store holds two datasets: entities (id integer|string, name string, text string, vector float[N],
            the last three optional) and relations (src, dst: entity ids; type string and weight float optional).
            Seeds: the --seeds entities most cosine-similar to --query-vector (score = similarity, at least 0) and
            entities whose name occurs in --query-text (score 1). Expansion follows relations both ways in
            --max-hops rounds (one request per partition per round); a vertex first reached at hop h scores the
            best score(parent) × decay; with --use-weights, the best score(parent) × decay × weight over the
            relations reaching it (weights must be finite and at least 0; above 1 is allowed). Results rank by
            score, then hop, then id.
            """
    )

    @Argument(help: "The block store directory holding both datasets.")
    var store: String

    @Option(name: .customLong("query-vector"), help: "The query embedding as a JSON array.")
    var queryVector: String?

    @Option(name: .customLong("query-text"), help: "Query text: entities whose name it mentions become seeds.")
    var queryText: String?

    @Option(name: .customLong("max-hops"), help: "Expansion rounds (0...\(KHopExpansion.maximumHops)).")
    var maxHops: Int

    @Option(name: .customLong("top-k"), help: "Entities returned (1...\(GraphQueryOptions.maximumTopK)).")
    var topK: Int

    @Option(name: .long, help: "The entities dataset (name, id or manifest CID).")
    var entities: String = "entities"

    @Option(name: .long, help: "The relations dataset (name, id or manifest CID).")
    var relations: String = "relations"

    @Option(name: .long, help: "Graph partitions (hash of entity id).")
    var partitions: Int = 8

    @Option(name: .long, help: "Seeds taken from the vector search (default: top-k).")
    var seeds: Int?

    @Option(name: .long, help: "Score factor per hop, in (0, 1].")
    var decay: Double = 0.5

    @Flag(name: .customLong("use-weights"), help: "Multiply each hop's score by the relation's weight.")
    var useWeights = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let vector = try queryVector.map { try QueryVector.parse($0, source: "--query-vector") }
        let blockStore = try BlockStore(root: store)
        let (_, entityManifest) = try StoredDatasets.find(entities, in: blockStore)
        let (_, relationManifest) = try StoredDatasets.find(relations, in: blockStore)
        let graph = try GraphDatasetLoader.graph(
            entities: try GraphDatasetLoader.table(entityManifest, store: blockStore),
            relations: try GraphDatasetLoader.table(relationManifest, store: blockStore),
            partitionCount: partitions
        )
        let result = try graph.graphQuery(
            queryText: queryText,
            queryVector: vector,
            maxHops: maxHops,
            topK: topK,
            options: GraphQueryOptions(seedCount: seeds, decay: decay, useRelationWeights: useWeights)
        )
        if json {
            try JSONOutput.print(result)
            return
        }
        print(
            "\(graph.entityIDs.count) entities, \(graph.relationCount) relations in \(partitions) partitions; "
                + "\(result.rounds) rounds, requests per round \(result.requestsPerRound), \(result.reached) reached"
        )
        print("entities:")
        for (rank, entity) in result.entities.enumerated() {
            print("  \(rank + 1)\t\(entity.id)\t\(entity.name)\tscore \(entity.score)\thop \(entity.hop)")
        }
        print("relations:")
        for relation in result.relations {
            print("  \(relation.source) -[\(relation.type)]-> \(relation.target)\tweight \(relation.weight)")
        }
        print("text units:")
        for unit in result.textUnits { print("  \(unit.entity): \(unit.text)") }
    }
}
