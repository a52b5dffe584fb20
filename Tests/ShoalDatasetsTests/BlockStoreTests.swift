import Foundation
import ShoalCore
import ShoalMultiformats
import ShoalParquet
import Testing

@testable import ShoalDatasets

#if canImport(Glibc)
import Glibc
#endif

@Suite("Block store and packing")
struct BlockStoreTests {
    @Test("put, get, has, list and usage")
    func basics() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try BlockStore(root: dir.path)
        let a = try store.put(Array("Hello world".utf8))
        #expect(a.string() == "bafkreide5semuafsnds3ugrvm6fbwuyw2ijpj43gwjdxemstjkfozi37hq")
        let b = try store.put([])
        #expect(try store.put(Array("Hello world".utf8)) == a)
        #expect(store.has(a) && store.has(b))
        #expect(try store.get(a) == Array("Hello world".utf8))
        #expect(try store.get(b) == [])
        let missing = ContentID.of([9])
        #expect(!store.has(missing))
        #expect(try store.get(missing) == nil)
        #expect(try store.list() == [a, b].sorted { $0.string() < $1.string() })
        #expect(try store.usage() == (blocks: 2, bytes: 11))
        #expect(store.path(for: a).hasSuffix("/blocks/7h/" + a.string()))
        #expect(try BlockStore.listDirectory(dir.path + "/tmp").isEmpty)
        #expect(store.remove(a))
        #expect(try store.usage().blocks == 1)
    }

    @Test("a corrupted block is a typed error, never returned")
    func corruption() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try BlockStore(root: dir.path)
        let cid = try store.put(Array(repeating: 7, count: 1000))
        let fd = open(store.path(for: cid), O_WRONLY)
        #expect(fd >= 0)
        _ = pwrite(fd, [UInt8(8)], 1, 500)
        close(fd)
        let error = shoalError { _ = try store.get(cid) }
        #expect(error?.code == .malformedInput)
        #expect(error?.message.contains("block \(cid) is corrupted") == true)
        let manifestError = shoalError { _ = try store.manifest(cid) }
        #expect(manifestError?.message.contains("corrupted") == true)
    }

    @Test("pack streams CSV into the store; the manifest loads back and shards read back equal")
    func packCSV() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try BlockStore(root: dir.path)
        var csv = "id,text,vector\n"
        for i in 0..<1000 { csv += "\(i),\"row, \(i)\",\"[\(i), \(i % 7)]\"\n" }
        let schema = try DatasetSchema(parsing: "id:integer,text:string,vector:float[]")
        var reader = CSVTableReader(
            source: MemoryByteSource(Array(csv.utf8)),
            schema: schema,
            options: IngestOptions(batchSize: 77),
            sourceName: "x.csv"
        )
        var updates = 0
        let result = try store.pack(
            &reader,
            name: "numbers",
            parameters: PackParameters(shardSize: 300, compression: .gzip)
        ) { _ in updates += 1 }
        #expect(updates >= 13)
        #expect(result.manifest.schema.description == "id:integer,text:string,vector:float[2]")
        #expect(result.manifest.shards.map(\.rowCount) == [300, 300, 300, 100])
        #expect(result.manifest.id == "numbers")
        let loaded = try store.manifest(result.manifestCID)
        #expect(loaded == result.manifest)
        #expect(try store.usage().blocks == 5)
        var rows = 0
        for info in loaded.shards {
            let bytes = try #require(try store.get(info.cid))
            let table = try DatasetTable(parquet: try ParquetReader.read(bytes), schema: loaded.schema)
            #expect(table.row(0)[0] == .integer(Int64(info.firstRow)))
            rows += table.rowCount
        }
        #expect(rows == 1000)
        // Packing again into a second store gives the same manifest CID.
        let dir2 = TemporaryDirectory()
        defer { dir2.cleanup() }
        var again = CSVTableReader(
            source: MemoryByteSource(Array(csv.utf8), chunkSize: 4096),
            schema: schema,
            options: IngestOptions(batchSize: 1000),
            sourceName: "x.csv"
        )
        let second = try BlockStore(root: dir2.path).pack(
            &again,
            name: "numbers",
            parameters: PackParameters(shardSize: 300, compression: .gzip)
        )
        #expect(second.manifestCID == result.manifestCID)
    }

    @Test("Parquet input: widened columns, bad rows skipped by row number, batches")
    func parquetInput() throws {
        let parquet = try ParquetTable(
            schema: ParquetSchema([ParquetColumn("a", .int32, nullable: true), ParquetColumn("b", .double)]),
            columns: [
                ParquetColumnData(.int32([1, 2, 3, 4]), validity: [true, false, true, true]),
                ParquetColumnData(.double([1, 2, .nan, 4])),
            ]
        )
        let bytes = try ParquetWriter.write(parquet)
        let options = IngestOptions(batchSize: 1, errorPolicy: .skip, nanPolicy: .reject)
        var reader = try ParquetTableReader(
            bytes: bytes,
            schema: try DatasetSchema(parsing: "a:integer,b:float"),
            options: options,
            sourceName: "in.parquet"
        )
        var rows: [[DatasetValue]] = []
        while let batch = try reader.nextBatch() { rows += allRows([batch]) }
        #expect(rows == [[.integer(1), .float(1)], [.integer(4), .float(4)]])
        #expect(reader.report.errors.map(\.line) == [2, 3])
        let stop = shoalError {
            var strict = try ParquetTableReader(
                bytes: bytes,
                schema: try DatasetSchema(parsing: "a:integer,b:float"),
                sourceName: "in.parquet"
            )
            _ = try strict.nextBatch()
        }
        #expect(stop?.message.hasPrefix("in.parquet: line 2, column a: null in a required column") == true)
        let mismatch = shoalError {
            _ = try ParquetTableReader(bytes: bytes, schema: try DatasetSchema(parsing: "a:integer?"), sourceName: "p")
        }
        #expect(mismatch?.message.contains("column b is not in the schema") == true)
        #expect(throws: ShoalError.self) { _ = try ParquetTableReader(bytes: [1, 2, 3], schema: nil, sourceName: "p") }
    }

    @Test("Parquet input with many row groups streams group by group and packs like one group")
    func parquetRowGroups() throws {
        let rows = 1_000
        let parquet = try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("id", .int64, nullable: false), ParquetColumn("score", .double, nullable: true),
            ]),
            columns: [
                ParquetColumnData(.int64((0..<rows).map { Int64($0) })),
                ParquetColumnData(.double((0..<rows).map { Double($0) / 4 }), validity: (0..<rows).map { $0 != 700 }),
            ]
        )
        let oneGroup = try ParquetWriter.write(parquet)
        let manyGroups = try ParquetWriter.write(parquet, options: ParquetWriteOptions(rowGroupSize: 96))
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path + "/in.parquet"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(manyGroups)))

        // Batches of 50 never span a 96-row group: 96 = 50 + 46.
        var reader = try ParquetTableReader(
            source: try ParquetFileSource(path: path),
            schema: nil,
            options: IngestOptions(batchSize: 50),
            sourceName: "in.parquet"
        )
        #expect(reader.schema == nil)
        var sizes: [Int] = []
        var seen: [DatasetTable] = []
        while let batch = try reader.nextBatch() {
            sizes.append(batch.rowCount)
            seen.append(batch)
        }
        #expect(Array(sizes.prefix(4)) == [50, 46, 50, 46])
        #expect(sizes.reduce(0, +) == rows)
        #expect(reader.report.rowsAccepted == rows)
        #expect(reader.schema?.description == "id:integer,score:float?")
        #expect(allRows(seen).map { $0[0] } == (0..<rows).map { .integer(Int64($0)) })

        // The same rows give the same manifest however the file is grouped.
        let store = try BlockStore(root: dir.path + "/store")
        let parameters = PackParameters(shardSize: 300, compression: .zstd)
        var fromOne = try ParquetTableReader(bytes: oneGroup, schema: nil, sourceName: "one")
        var fromMany = try ParquetTableReader(
            source: try ParquetFileSource(path: path),
            schema: nil,
            sourceName: "many"
        )
        let a = try store.pack(&fromOne, name: "n", id: "n", parameters: parameters)
        let b = try store.pack(&fromMany, name: "n", id: "n", parameters: parameters)
        #expect(a.manifestCID == b.manifestCID)

        // A bad row in the eighth group is reported by its row number in the file, after seven good groups.
        var strict = try ParquetTableReader(
            source: try ParquetFileSource(path: path),
            schema: try DatasetSchema(parsing: "id:integer,score:float"),
            sourceName: "in.parquet"
        )
        var before = 0
        let error = shoalError { while let batch = try strict.nextBatch() { before += batch.rowCount } }
        #expect(error?.message.hasPrefix("in.parquet: line 701, column score: null in a required column") == true)
        #expect(before == 7 * 96)
    }

    @Test("FileByteSource reads a file in chunks and names a missing file")
    func fileSource() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try BlockStore(root: dir.path)
        let cid = try store.put(Array("a,b\n1,2\n".utf8))
        var reader = CSVTableReader(
            source: try FileByteSource(path: store.path(for: cid)),
            schema: nil,
            sourceName: "f.csv"
        )
        #expect(try reader.nextBatch()?.row(0) == [.integer(1), .integer(2)])
        let error = shoalError { _ = try FileByteSource(path: dir.path + "/nope.csv") }
        #expect(error?.code == .io && error?.message.contains("nope.csv") == true)
    }
}
