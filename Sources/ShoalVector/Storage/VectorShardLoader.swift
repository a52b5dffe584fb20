import Foundation
import ShoalCore
public import ShoalDatasets
import ShoalMultiformats
import ShoalParquet

/// Builds ``VectorShard``s and ``VectorCollection``s from stored dataset shards, with the HNSW index cache.
///
/// Index files sit in the policy's directory (for a block store: `<store>/indexes/`), named
/// `<shard CID>.<column>.<metric>.hnsw`. They are a derived cache: a missing, corrupt or stale file (other
/// parameters, other vectors) is rebuilt and rewritten (temporary file, then rename).
public enum VectorShardLoader {
    /// The index directory of a block store.
    public static func indexDirectory(for store: BlockStore) -> String { store.root + "/indexes" }

    /// A shard from in-memory vectors, with its index loaded, built or rebuilt per `policy`.
    /// - Returns: the shard and what happened to its index.
    /// - Throws: `ShoalError` from the index build (bad parameters).
    public static func shard(
        name: String,
        column: String,
        vectors: VectorMatrix,
        policy: VectorIndexPolicy
    ) throws -> (VectorShard, VectorIndexStatus) {
        guard vectors.count >= policy.threshold, vectors.count > 0 else {
            return (VectorShard(name: name, vectors: vectors), .none)
        }
        let key = indexKey(name: name, column: column, metric: vectors.metric, parameters: policy.parameters)
        var status = VectorIndexStatus.built
        if let directory = policy.directory {
            let path = indexPath(directory: directory, name: name, column: column, metric: vectors.metric)
            if let data = FileManager.default.contents(atPath: path) {
                if let index = try? HNSWIndexCodec.decode([UInt8](data), vectors: vectors, key: key) {
                    return (VectorShard(name: name, vectors: vectors, index: index), .loaded)
                }
                status = .rebuilt
            }
            let index = try HNSWIndex(vectors: vectors, parameters: policy.parameters)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            do {
                try Data(HNSWIndexCodec.encode(index, key: key)).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ShoalError(.io, "cannot write index file \(path)", cause: error)
            }
            return (VectorShard(name: name, vectors: vectors, index: index), status)
        }
        return (
            VectorShard(
                name: name,
                vectors: vectors,
                index: try HNSWIndex(vectors: vectors, parameters: policy.parameters)
            ), status
        )
    }

    /// The index file of a shard column.
    public static func indexPath(directory: String, name: String, column: String, metric: VectorMetric) -> String {
        "\(directory)/\(name).\(column).\(metric).hnsw"
    }

    /// The key an index file carries: it changes with the shard, the column, the metric and the parameters.
    static func indexKey(name: String, column: String, metric: VectorMetric, parameters: HNSWParameters) -> String {
        "\(name)/\(column)/\(metric)/M\(parameters.m)/efc\(parameters.efConstruction)/seed\(parameters.seed)"
    }

    /// The vectors of `column` in `table` (null rows skipped), with ids `firstRow + row`.
    /// - Throws: `ShoalError` `.invalidArgument` when the column is missing or not a vector column.
    public static func vectors(
        of table: DatasetTable,
        column: String,
        firstRow: Int,
        metric: VectorMetric
    ) throws -> VectorMatrix {
        guard let index = table.schema.index(of: column) else {
            throw ShoalError(.invalidArgument, "vector search: no column '\(column)'")
        }
        guard case .vector(let dimension?) = table.schema.fields[index].type,
            case .floatList(let lists) = table.columns[index].values
        else {
            throw ShoalError(.invalidArgument, "vector search: column '\(column)' is not a float[N] column")
        }
        var elements: [Float] = []
        var ids: [Int64] = []
        elements.reserveCapacity(lists.count * dimension)
        ids.reserveCapacity(lists.count)
        for (row, list) in lists.enumerated() where !table.columns[index].isNull(row) {
            elements.append(contentsOf: list)
            ids.append(Int64(firstRow + row))
        }
        return try VectorMatrix(dimension: dimension, metric: metric, elements: elements, ids: ids)
    }

    /// The single vector column of `schema`, or the one named `column`.
    /// - Throws: `ShoalError` `.invalidArgument` when there is none, or several and no name is given.
    public static func vectorColumn(
        _ schema: DatasetSchema,
        named column: String?
    ) throws -> (name: String, dimension: Int) {
        let candidates = schema.fields.compactMap { field -> (String, Int)? in
            if case .vector(let d?) = field.type { return (field.name, d) }
            return nil
        }
        if let column {
            guard let found = candidates.first(where: { $0.0 == column }) else {
                throw ShoalError(.invalidArgument, "vector search: '\(column)' is not a float[N] column of \(schema)")
            }
            return found
        }
        guard candidates.count == 1 else {
            throw ShoalError(
                .invalidArgument,
                candidates.isEmpty
                    ? "vector search: the dataset has no float[N] column"
                    : "vector search: several vector columns (\(candidates.map(\.0).joined(separator: ", "))): name one"
            )
        }
        return candidates[0]
    }

    /// Reads one shard of a manifest from `store` as a table.
    /// - Throws: `ShoalError` when the block is missing or corrupt, or the Parquet does not match the schema.
    public static func table(_ shard: ShardInfo, schema: DatasetSchema, store: BlockStore) throws -> DatasetTable {
        guard let bytes = try store.get(shard.cid) else {
            throw ShoalError(.unavailable, "shard \(shard.cid) is not in the block store \(store.root)")
        }
        return try DatasetTable(parquet: try ParquetReader.read(bytes), schema: schema)
    }

    /// Loads a dataset column as a collection: reads every shard, builds or loads indexes per `policy`.
    /// - Returns: the collection and the index status of each shard, in order.
    public static func collection(
        store: BlockStore,
        manifest: DatasetManifest,
        column: String?,
        metric: VectorMetric,
        policy: VectorIndexPolicy
    ) throws -> (VectorCollection, [VectorIndexStatus]) {
        let (columnName, dimension) = try vectorColumn(manifest.schema, named: column)
        var shards: [VectorShard] = []
        var statuses: [VectorIndexStatus] = []
        for info in manifest.shards {
            let table = try table(info, schema: manifest.schema, store: store)
            let matrix = try vectors(of: table, column: columnName, firstRow: info.firstRow, metric: metric)
            let (shard, status) = try shard(
                name: info.cid.string(),
                column: columnName,
                vectors: matrix,
                policy: policy
            )
            shards.append(shard)
            statuses.append(status)
        }
        let collection = try VectorCollection(name: manifest.name, dimension: dimension, metric: metric, shards: shards)
        return (collection, statuses)
    }
}
