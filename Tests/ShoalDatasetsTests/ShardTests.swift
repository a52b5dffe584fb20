import ShoalCore
import ShoalMultiformats
import ShoalParquet
import Testing

@testable import ShoalDatasets

@Suite("Shards and manifests")
struct ShardTests {
    static func table(rows: Int, seed: UInt64 = 1) throws -> DatasetTable {
        var rng = SplitMix64(seed: seed)
        var builder = TableBuilder(
            schema: try DatasetSchema(parsing: "id:integer,text:string?,score:float?,flag:boolean,vector:float[4]")
        )
        for i in 0..<rows {
            try builder.append([
                .integer(Int64(i) - 5),
                i % 7 == 0 ? .null : .string("text \(rng.next() % 100)"),
                i % 5 == 0 ? .null : .float(Double(Int64(rng.next() % 2000) - 1000) / 8),
                .boolean(rng.next() & 1 == 0),
                .vector((0..<4).map { _ in Float(rng.next() % 1000) / 10 }),
            ])
        }
        return builder.build()
    }

    @Test("CID vectors of the design (§6): empty and \"Hello world\"")
    func cidVectors() {
        #expect(ContentID.of([]).string() == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
        #expect(
            ContentID.of(Array("Hello world".utf8)).string()
                == "bafkreide5semuafsnds3ugrvm6fbwuyw2ijpj43gwjdxemstjkfozi37hq"
        )
        #expect(ContentID.of([1, 2, 3]).string().count == 59)
    }

    @Test("shard() cuts row ranges; each shard is one row group that reads back as its slice")
    func shardRanges() throws {
        let table = try Self.table(rows: 250)
        let shards = try shard(table, shardSize: 100, compression: .zstd)
        #expect(shards.map(\.info.rowCount) == [100, 100, 50])
        #expect(shards.map(\.info.firstRow) == [0, 100, 200])
        for s in shards {
            #expect(s.cid == ContentID.of(s.bytes))
            #expect(s.cid.string().hasPrefix("bafkrei"))
            #expect(s.info.byteSize == s.bytes.count)
            let summary = try ParquetReader.summary(s.bytes)
            #expect(summary.rowGroups.count == 1 && summary.rowCount == Int64(s.info.rowCount))
            #expect(summary.createdBy == "shoal version 0.1")
            #expect(summary.rowGroups[0].chunks.map(\.codec) == Array(repeating: "ZSTD", count: 5))
            #expect(summary.rowGroups[0].chunks.last?.path == "vector.list.element")
            let back = try DatasetTable(parquet: try ParquetReader.read(s.bytes), schema: table.schema)
            #expect(back == table.slice(s.info.rows))
        }
        #expect(try shard(DatasetTable(empty: table.schema), shardSize: 10).isEmpty)
        #expect(throws: ShoalError.self) { try ParquetReader.summary(Array("PAR1 not a file PAR1".utf8)) }
        #expect(throws: ShoalError.self) { try shard(table, shardSize: 0) }
    }

    @Test("column statistics: min, max and nulls")
    func statistics() throws {
        let table = try Self.table(rows: 40)
        let info = try shard(table, shardSize: 40)[0].info
        let ids = info.columns[0]
        #expect(ids.name == "id" && ids.nullCount == 0 && ids.min == .integer(-5) && ids.max == .integer(34))
        #expect(info.columns[1].nullCount == 6)
        #expect(info.columns[2].nullCount == 8)
        let scores = (0..<40).compactMap { row -> Double? in
            if case .float(let x) = table.value(row: row, column: 2) { return x }
            return nil
        }
        #expect(info.columns[2].min == .float(scores.min()!) && info.columns[2].max == .float(scores.max()!))
        #expect(info.columns[4].min == nil && info.columns[4].nullCount == 0)
    }

    @Test("the same rows give the same shards and manifest CID however they are batched")
    func determinism() throws {
        let table = try Self.table(rows: 333)
        var cids: [CID] = []
        for batch in [1, 17, 100, 333] {
            var packer = try DatasetPacker(schema: table.schema, parameters: PackParameters(shardSize: 64))
            var shards: [Shard] = []
            var offset = 0
            while offset < table.rowCount {
                let end = min(table.rowCount, offset + batch)
                shards += try packer.add(table.slice(offset..<end))
                offset = end
            }
            let (last, manifest) = try packer.finish(name: "demo", description: "d")
            if let last { shards.append(last) }
            #expect(manifest.shards == shards.map(\.info))
            #expect(manifest.rowCount == 333)
            cids.append(manifest.cid)
        }
        #expect(Set(cids).count == 1)
        var other = try DatasetPacker(schema: table.schema, parameters: PackParameters(shardSize: 65))
        _ = try other.add(table)
        #expect(try other.finish(name: "demo", description: "d").manifest.cid != cids[0])
    }

    static func manifest() throws -> DatasetManifest {
        var packer = try DatasetPacker(
            schema: try Self.table(rows: 1).schema,
            parameters: PackParameters(shardSize: 30, compression: .snappy)
        )
        _ = try packer.add(try Self.table(rows: 70))
        return try packer.finish(id: "ds-1", name: "demo \"quoted\"", description: "line\nbreak").manifest
    }

    @Test("a manifest decodes back to itself and its bytes are canonical")
    func manifestRoundTrip() throws {
        let manifest = try Self.manifest()
        let bytes = manifest.encoded()
        let back = try DatasetManifest(decoding: bytes, expectedCID: manifest.cid)
        #expect(back == manifest)
        #expect(back.cid == manifest.cid)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\"byteSize\":"))
        #expect(!text.contains(" :") && !text.contains(": "))
        #expect(text.contains("\"format\":\"shoal-dataset/1\""))
    }

    @Test("a manifest whose CID does not match, or that is not canonical, is rejected")
    func manifestRejected() throws {
        let manifest = try Self.manifest()
        var bytes = manifest.encoded()
        let mismatch = shoalError { _ = try DatasetManifest(decoding: bytes, expectedCID: ContentID.of([1])) }
        #expect(mismatch?.code == .malformedInput)
        #expect(mismatch?.message.contains("does not match its CID") == true)
        // Whitespace changes the bytes but not the meaning: not canonical.
        let spaced = Array(String(decoding: bytes, as: UTF8.self).replacing(",\"id\"", with: ", \"id\"").utf8)
        #expect(spaced != bytes)
        let notCanonical = shoalError { _ = try DatasetManifest(decoding: spaced) }
        #expect(notCanonical?.message.contains("canonical") == true)
        // A flipped byte inside a CID string is caught by the CID check.
        let i = bytes.firstIndex(of: UInt8(ascii: "b"))!
        bytes[i] = UInt8(ascii: "c")
        #expect(throws: ShoalError.self) { _ = try DatasetManifest(decoding: bytes, expectedCID: manifest.cid) }
        for bad in ["{}", "[]", "{\"format\":\"other\"}", "not json"] {
            #expect(throws: ShoalError.self) { _ = try DatasetManifest(decoding: Array(bad.utf8)) }
        }
    }
}
