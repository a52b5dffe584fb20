import ArgumentParser
import Foundation
import ShoalCore
import ShoalDatasets
import ShoalMultiformats
import ShoalVector

/// `shoal search DIR --vector-json '[…]' --top-k K`: vector search over a dataset packed into a block store.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Vector search (exact or HNSW) over a packed dataset's float[N] column.",
        discussion: """
            Scores are 'higher is better': cosine similarity in [-1, 1], the dot product, or the negated Euclidean
            distance for l2 (so --threshold -0.5 with l2 keeps vectors within distance 0.5). Shards with at least
            --index-threshold vectors get an HNSW index, built on first use and kept in DIR/indexes/ (rebuilt when
            missing or corrupt); smaller shards are searched exactly. Results merge exactly across shards.
            """
    )

    @Argument(help: "The block store directory (from `shoal dataset pack --out DIR`).")
    var store: String

    @Option(name: .long, help: "The dataset: name, id or manifest CID (default: the only dataset in the store).")
    var dataset: String?

    @Option(name: .long, help: "The vector column (default: the only float[N] column).")
    var column: String?

    @Option(name: .long, help: "A file holding the query vector (a JSON array, or numbers separated by spaces/commas).")
    var vector: String?

    @Option(name: .customLong("vector-json"), help: "The query vector as a JSON array, e.g. '[0.1, 0.2]'.")
    var vectorJSON: String?

    @Option(name: .customLong("top-k"), help: "Results wanted (1...\(VectorQuery.maximumTopK)).")
    var topK: Int

    @Option(name: .long, help: "Keep only results with score >= this.")
    var threshold: Float?

    @Option(name: .long, help: "cosine, dot or l2.")
    var metric: String = "cosine"

    @Flag(name: .long, help: "Exact search on every shard (no HNSW).")
    var exact = false

    @Option(name: .long, help: "HNSW search breadth (default: the index's, 64).")
    var ef: Int?

    @Option(name: .customLong("index-threshold"), help: "Vectors per shard from which an HNSW index is used.")
    var indexThreshold: Int = 50_000

    @Option(name: .customLong("m"), help: "HNSW M (links per node).")
    var hnswM: Int = 16

    @Option(name: .customLong("ef-construction"), help: "HNSW efConstruction.")
    var efConstruction: Int = 200

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Output: Encodable {
        struct Hit: Encodable {
            var row: Int64
            var score: Float
            var values: [String: JSONCell]
        }
        var dataset: String
        var manifest: String
        var metric: String
        var hits: [Hit]
        var shards: Int
        var shardsUsingIndex: Int
        var indexes: [String]
    }

    func run() async throws {
        guard let metric = VectorMetric(rawValue: metric) else {
            throw CLIError(message: "unknown metric '\(self.metric)' (cosine, dot, l2)")
        }
        let query = try QueryVector.parse(file: vector, json: vectorJSON)
        let blockStore = try BlockStore(root: store)
        let (manifestCID, manifest) = try StoredDatasets.find(dataset, in: blockStore)
        let policy = VectorIndexPolicy(
            threshold: max(indexThreshold, 1),
            parameters: HNSWParameters(m: hnswM, efConstruction: efConstruction, ef: ef ?? 64),
            directory: VectorShardLoader.indexDirectory(for: blockStore)
        )
        let (collection, statuses) = try VectorShardLoader.collection(
            store: blockStore,
            manifest: manifest,
            column: column,
            metric: metric,
            policy: policy
        )
        let result = try collection.search(
            VectorQuery(vector: query, topK: topK, similarityThreshold: threshold, mode: exact ? .exact : .auto, ef: ef)
        )
        let rows = try StoredDatasets.rows(result.hits.map(\.id), of: manifest, in: blockStore)
        let hits = result.hits.map { Output.Hit(row: $0.id, score: $0.score, values: rows[$0.id] ?? [:]) }
        if json {
            try JSONOutput.print(
                Output(
                    dataset: manifest.name,
                    manifest: manifestCID.string(),
                    metric: metric.rawValue,
                    hits: hits,
                    shards: result.shardsSearched,
                    shardsUsingIndex: result.shardsUsingIndex,
                    indexes: statuses.map(\.rawValue)
                )
            )
            return
        }
        print(
            "\(manifest.name) (\(manifest.rowCount) rows, \(result.shardsSearched) shards, \(result.shardsUsingIndex) by HNSW), \(metric)"
        )
        for (rank, hit) in hits.enumerated() {
            let values = hit.values.keys.sorted().map { "\($0)=\(hit.values[$0]!.text)" }.joined(separator: "  ")
            print("\(rank + 1)\trow \(hit.row)\tscore \(hit.score)\t\(values)")
        }
        if hits.isEmpty { print("no results") }
    }
}

/// A JSON value of a result row (vectors are left out of search output).
enum JSONCell: Encodable {
    case null
    case integer(Int64)
    case float(Double)
    case string(String)
    case boolean(Bool)

    init?(_ value: DatasetValue) {
        switch value {
        case .null: self = .null
        case .integer(let v): self = .integer(v)
        case .float(let v): self = .float(v)
        case .string(let v): self = .string(v)
        case .boolean(let v): self = .boolean(v)
        case .vector: return nil
        }
    }

    var text: String {
        switch self {
        case .null: return "null"
        case .integer(let v): return String(v)
        case .float(let v): return String(v)
        case .string(let v): return v
        case .boolean(let v): return String(v)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let v): try container.encode(v)
        case .float(let v): try container.encode(v.isFinite ? v : 0)
        case .string(let v): try container.encode(v)
        case .boolean(let v): try container.encode(v)
        }
    }
}

/// Parses a query vector from `--vector FILE` or `--vector-json`.
enum QueryVector {
    /// Largest vector file read.
    static let maximumFileSize = 16 << 20

    static func parse(file: String?, json: String?) throws -> [Float] {
        switch (file, json) {
        case (nil, nil): throw CLIError(message: "give the query vector with --vector FILE or --vector-json '[…]'")
        case (.some, .some): throw CLIError(message: "give either --vector or --vector-json, not both")
        case (_, let text?): return try parse(text, source: "--vector-json")
        case (let path?, nil):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError(message: "cannot read \(path)")
            }
            guard data.count <= maximumFileSize else { throw CLIError(message: "\(path) is larger than 16 MiB") }
            return try parse(String(decoding: data, as: UTF8.self), source: path)
        }
    }

    /// A JSON array, or numbers separated by spaces, commas or newlines (with optional brackets).
    static func parse(_ text: String, source: String) throws -> [Float] {
        let separators = CharacterSet(charactersIn: "[], \t\r\n")
        let tokens = text.components(separatedBy: separators).filter { !$0.isEmpty }
        guard !tokens.isEmpty else { throw CLIError(message: "\(source): no numbers in the vector") }
        return try tokens.enumerated().map { i, token in
            guard let value = Float(token) else {
                throw CLIError(message: "\(source): element \(i) is not a number: '\(token)'")
            }
            return value
        }
    }
}

/// Finds dataset manifests in a block store and reads rows back.
enum StoredDatasets {
    /// Largest block inspected as a possible manifest.
    static let maximumManifestProbe = DatasetManifest.maximumEncodedSize

    /// Every manifest in `store` (blocks whose bytes start like a canonical manifest and decode as one).
    static func all(in store: BlockStore) throws -> [(CID, DatasetManifest)] {
        let prefix = Array("{\"byteSize\":".utf8)
        var out: [(CID, DatasetManifest)] = []
        for cid in try store.list() {
            guard let handle = FileHandle(forReadingAtPath: store.path(for: cid)) else { continue }
            let head = (try? handle.read(upToCount: prefix.count)) ?? Data()
            try? handle.close()
            guard [UInt8](head) == prefix, let manifest = try? store.manifest(cid) else { continue }
            out.append((cid, manifest))
        }
        return out
    }

    /// The manifest named by `selector` (a manifest CID, a dataset name or id), or the only one in the store.
    static func find(_ selector: String?, in store: BlockStore) throws -> (CID, DatasetManifest) {
        if let selector, let cid = try? CID(selector), store.has(cid) { return (cid, try store.manifest(cid)) }
        let manifests = try all(in: store)
        let matches = selector.map { s in manifests.filter { $0.1.name == s || $0.1.id == s } } ?? manifests
        guard matches.count == 1 else {
            let listing = manifests.map { "\($0.1.name) (\($0.0.string()))" }.joined(separator: ", ")
            if matches.isEmpty {
                throw CLIError(
                    message: selector.map { "no dataset '\($0)' in \(store.root)" } ?? "no dataset in \(store.root)"
                )
            }
            throw CLIError(message: "several datasets match in \(store.root): \(listing); pass --dataset NAME|CID")
        }
        return matches[0]
    }

    /// The non-vector values of `rows` (dataset row numbers), reading only the shards that hold them.
    static func rows(
        _ rows: [Int64],
        of manifest: DatasetManifest,
        in store: BlockStore
    ) throws
        -> [Int64: [String: JSONCell]]
    {
        var out: [Int64: [String: JSONCell]] = [:]
        for shard in manifest.shards {
            let wanted = rows.filter { shard.rows.contains(Int($0)) }
            guard !wanted.isEmpty else { continue }
            let table = try VectorShardLoader.table(shard, schema: manifest.schema, store: store)
            for row in wanted {
                var values: [String: JSONCell] = [:]
                for (i, field) in manifest.schema.fields.enumerated() {
                    if let cell = JSONCell(table.value(row: Int(row) - shard.firstRow, column: i)) {
                        values[field.name] = cell
                    }
                }
                out[row] = values
            }
        }
        return out
    }
}
