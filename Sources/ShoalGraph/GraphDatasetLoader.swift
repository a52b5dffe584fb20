import ShoalCore
public import ShoalDatasets
public import ShoalVector

/// Builds a ``KnowledgeGraph`` from two datasets.
///
/// - **entities**: `id` (integer or string, required), and optionally `name` (string), `text` (string) and
///   `vector` (`float[N]`, nullable: entities without a vector are reached only by expansion or name).
/// - **relations**: `src` and `dst` (integer or string, entity ids), and optionally `type` (string) and `weight`
///   (float or integer; null reads as 1; negative, NaN or infinite weights are rejected). The relation id is its row
///   number.
public enum GraphDatasetLoader {
    /// A graph from in-memory tables.
    /// - Throws: `ShoalError` `.invalidArgument` naming a missing or mistyped column, a null id, or the errors of
    ///   ``KnowledgeGraph/init(entities:relations:partitionCount:indexPolicy:)``.
    public static func graph(
        entities: DatasetTable,
        relations: DatasetTable,
        partitionCount: Int,
        indexPolicy: VectorIndexPolicy = VectorIndexPolicy()
    ) throws -> KnowledgeGraph {
        let ids = try idColumn(entities, "id", table: "entities")
        let names = try textColumn(entities, "name")
        let texts = try textColumn(entities, "text")
        var vectorIndex: Int?
        if let i = entities.schema.index(of: "vector") {
            guard case .vector = entities.schema.fields[i].type else {
                throw ShoalError(.invalidArgument, "graph: entities column 'vector' is not a float[N] column")
            }
            vectorIndex = i
        }
        var entityList: [GraphEntity] = []
        entityList.reserveCapacity(entities.rowCount)
        for row in 0..<entities.rowCount {
            var vector: [Float]?
            if let vectorIndex, case .vector(let v) = entities.value(row: row, column: vectorIndex) { vector = v }
            entityList.append(
                GraphEntity(id: ids[row], name: names?[row] ?? "", text: texts?[row] ?? "", vector: vector)
            )
        }
        let sources = try idColumn(relations, "src", table: "relations")
        let targets = try idColumn(relations, "dst", table: "relations")
        let types = try textColumn(relations, "type")
        var weights: [Double]?
        if let i = relations.schema.index(of: "weight") {
            weights = try (0..<relations.rowCount).map { row in
                switch relations.value(row: row, column: i) {
                case .float(let w): return w
                case .integer(let w): return Double(w)
                case .null: return 1
                default: throw ShoalError(.invalidArgument, "graph: relations column 'weight' is not a number")
                }
            }
        }
        let relationList = (0..<relations.rowCount).map { row in
            GraphRelation(
                id: row,
                source: sources[row],
                target: targets[row],
                type: types?[row] ?? "",
                weight: weights?[row] ?? 1
            )
        }
        return try KnowledgeGraph(
            entities: entityList,
            relations: relationList,
            partitionCount: partitionCount,
            indexPolicy: indexPolicy
        )
    }

    /// A whole stored dataset as one table (its shards appended in order).
    /// - Throws: the errors of ``VectorShardLoader/table(_:schema:store:)``.
    public static func table(_ manifest: DatasetManifest, store: BlockStore) throws -> DatasetTable {
        var table = DatasetTable(empty: manifest.schema)
        for shard in manifest.shards {
            table = try table.appending(try VectorShardLoader.table(shard, schema: manifest.schema, store: store))
        }
        return table
    }

    static func idColumn(_ table: DatasetTable, _ name: String, table label: String) throws -> [String] {
        guard let i = table.schema.index(of: name) else {
            throw ShoalError(
                .invalidArgument,
                "graph: \(label) dataset has no '\(name)' column (schema \(table.schema))"
            )
        }
        return try (0..<table.rowCount).map { row in
            switch table.value(row: row, column: i) {
            case .integer(let v): return String(v)
            case .string(let v): return v
            case .null: throw ShoalError(.invalidArgument, "graph: \(label) row \(row): '\(name)' is null")
            default: throw ShoalError(.invalidArgument, "graph: \(label) column '\(name)' must be integer or string")
            }
        }
    }

    static func textColumn(_ table: DatasetTable, _ name: String) throws -> [String]? {
        guard let i = table.schema.index(of: name) else { return nil }
        return (0..<table.rowCount).map { row in
            switch table.value(row: row, column: i) {
            case .string(let v): return v
            case .integer(let v): return String(v)
            case .float(let v): return String(v)
            case .boolean(let v): return String(v)
            case .null, .vector: return ""
            }
        }
    }
}
