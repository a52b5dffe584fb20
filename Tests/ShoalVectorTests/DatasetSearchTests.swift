import Foundation
import ShoalCore
import ShoalDatasets
import Testing

@testable import ShoalVector

@Suite("Vector search over stored datasets")
struct DatasetSearchTests {
    /// Packs `table` into `store` in shards of `shardSize` rows and stores the manifest.
    static func store(
        _ table: DatasetTable,
        name: String,
        shardSize: Int,
        in store: BlockStore
    ) throws -> DatasetManifest {
        var packer = try DatasetPacker(schema: table.schema, parameters: PackParameters(shardSize: shardSize))
        for shard in try packer.add(table) { try store.put(shard.bytes) }
        let (last, manifest) = try packer.finish(name: name)
        if let last { try store.put(last.bytes) }
        try store.put(manifest.encoded())
        return manifest
    }

    static func table(rows: [[Float]], nullEvery: Int) throws -> DatasetTable {
        var builder = TableBuilder(schema: try DatasetSchema(parsing: "id:integer,vector:float[\(rows[0].count)]?"))
        for (i, row) in rows.enumerated() {
            try builder.append([.integer(Int64(i * 10)), i % nullEvery == nullEvery - 1 ? .null : .vector(row)])
        }
        return builder.build()
    }

    @Test("a packed dataset is searched per shard, indexes are built past the threshold and reused")
    func packedDataset() throws {
        let root = NSTemporaryDirectory() + "shoal-vstore-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let blockStore = try BlockStore(root: root)
        let rows = TestData.clustered(count: 600, dimension: 8, clusters: 6, spread: 0.5, seed: 21)
        let manifest = try Self.store(
            Self.table(rows: rows, nullEvery: 50),
            name: "vecs",
            shardSize: 250,
            in: blockStore
        )
        #expect(manifest.shards.count == 3)
        let policy = VectorIndexPolicy(
            threshold: 200,
            parameters: HNSWParameters(m: 8, efConstruction: 64, ef: 64),
            directory: VectorShardLoader.indexDirectory(for: blockStore)
        )
        let (collection, statuses) = try VectorShardLoader.collection(
            store: blockStore,
            manifest: manifest,
            column: nil,
            metric: .cosine,
            policy: policy
        )
        #expect(statuses == [.built, .built, .none])
        #expect(collection.count == 600 - 12)
        let (_, again) = try VectorShardLoader.collection(
            store: blockStore,
            manifest: manifest,
            column: "vector",
            metric: .cosine,
            policy: policy
        )
        #expect(again == [.loaded, .loaded, .none])
        // Row 300 is in the second shard: the index finds it first (cosine 1 with itself).
        let result = try collection.search(VectorQuery(vector: rows[300], topK: 5))
        #expect(result.hits.first?.id == 300)
        #expect(abs((result.hits.first?.score ?? 0) - 1) < 1e-5)
        #expect(result.shardsUsingIndex == 2)
        let exact = try collection.search(VectorQuery(vector: rows[300], topK: 5, mode: .exact))
        #expect(exact.shardsUsingIndex == 0)
        #expect(exact.hits.first?.id == 300)
        // Null vectors (every 50th row) are never returned.
        #expect(!exact.hits.contains { $0.id % 50 == 49 })
    }

    @Test("a dataset without a vector column, or an unknown column, is a typed error")
    func badColumns() throws {
        let schema = try DatasetSchema(parsing: "id:integer,a:float[2],b:float[2]")
        #expect(throws: ShoalError.self) { try VectorShardLoader.vectorColumn(schema, named: nil) }
        #expect(throws: ShoalError.self) { try VectorShardLoader.vectorColumn(schema, named: "id") }
        let b = try VectorShardLoader.vectorColumn(schema, named: "b")
        #expect(b.name == "b" && b.dimension == 2)
        let plain = try DatasetSchema(parsing: "id:integer")
        #expect(throws: ShoalError.self) { try VectorShardLoader.vectorColumn(plain, named: nil) }
    }
}
