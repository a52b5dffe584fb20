import Foundation
import ShoalCore
import Testing

@testable import ShoalParquet

/// A source that records the reads it serves, to check what a row-group reader fetches.
final class CountingSource: ParquetByteSource {
    let inner: ParquetMemorySource
    private(set) var reads: [Int] = []
    init(_ bytes: [UInt8]) { inner = ParquetMemorySource(bytes) }
    var size: Int { inner.size }
    func read(offset: Int, count: Int) throws -> [UInt8] {
        reads.append(count)
        return try inner.read(offset: offset, count: count)
    }
}

@Suite("Reading a Parquet file one row group at a time")
struct StreamingReadTests {
    static func sampleTable(rows: Int) throws -> ParquetTable {
        var rng = SplitMix64(seed: 7)
        let ids = (0..<rows).map { Int64($0) }
        let scores = (0..<rows).map { _ in Double(rng.next() % 10_000) / 7 }
        let names = (0..<rows).map { "name-\($0 % 37)" }
        let vectors = (0..<rows).map { row in (0..<4).map { Float(row * 4 + $0) } }
        return try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("id", .int64),
                ParquetColumn("score", .double, nullable: true),
                ParquetColumn("name", .string),
                ParquetColumn("vec", .floatList(elementsNullable: false)),
            ]),
            columns: [
                ParquetColumnData(.int64(ids)),
                ParquetColumnData(.double(scores), validity: (0..<rows).map { $0 % 5 != 0 }),
                ParquetColumnData(.string(names)),
                ParquetColumnData(.floatList(vectors)),
            ]
        )
    }

    @Test("row groups of 128 rows read one by one equal the whole table, from memory and from a file")
    func groupsEqualWhole() throws {
        let table = try Self.sampleTable(rows: 1_000)
        let bytes = try ParquetWriter.write(table, options: ParquetWriteOptions(compression: .zstd, rowGroupSize: 128))
        #expect(canonical(try ParquetReader.read(bytes)) == canonical(table))

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shoal-stream-\(UUID()).parquet")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        for source in [ParquetMemorySource(bytes), try ParquetFileSource(path: url.path)] as [any ParquetByteSource] {
            let file = try ParquetFile(source: source)
            #expect(file.rowGroupRowCounts == Array(repeating: 128, count: 7) + [104])
            #expect(file.rowCount == 1_000)
            #expect(file.schema == table.schema)
            for (index, start) in stride(from: 0, to: 1_000, by: 128).enumerated() {
                let group = try file.readRowGroup(index)
                let rows = start..<min(1_000, start + 128)
                let expected = try ParquetTable(
                    schema: table.schema,
                    columns: table.columns.map { $0.rows(rows) },
                    rowCount: rows.count
                )
                #expect(canonical(group) == canonical(expected))
            }
        }
    }

    @Test("a row-group read fetches the footer and one chunk at a time, never the whole file")
    func fetchesChunks() throws {
        let bytes = try ParquetWriter.write(
            try Self.sampleTable(rows: 4_000),
            options: ParquetWriteOptions(rowGroupSize: 500)
        )
        let source = CountingSource(bytes)
        let file = try ParquetFile(source: source)
        for index in file.rowGroupRowCounts.indices { _ = try file.readRowGroup(index) }
        // Footer reads (magic, tail, footer) plus one read per column chunk: 8 groups x 4 columns.
        #expect(source.reads.count == 3 + 8 * 4)
        #expect(try #require(source.reads.max()) < bytes.count / 8)
    }

    @Test("a file written by pyarrow with 16-row groups reads the same group by group")
    func pyarrowGroups() throws {
        let base64 = Fixtures.pyarrowGzipRowGroups.replacingOccurrences(of: "\n", with: "")
        let bytes = [UInt8](try #require(Data(base64Encoded: base64)))
        let whole = try ParquetReader.read(bytes)
        let file = try ParquetFile(source: ParquetMemorySource(bytes))
        #expect(file.rowGroupRowCounts.count > 1)
        var lines: [[String]] = []
        for index in file.rowGroupRowCounts.indices { lines.append(canonical(try file.readRowGroup(index))) }
        #expect(canonical(try file.readRowGroups(0..<file.rowGroupRowCounts.count)) == canonical(whole))
        #expect(lines.map { $0[0] } == file.rowGroupRowCounts.map { "rows \($0)" })
    }

    @Test("bad row-group indexes, missing files, directories and truncated files give typed errors")
    func badInput() throws {
        let bytes = try ParquetWriter.write(
            try Self.sampleTable(rows: 10),
            options: ParquetWriteOptions(rowGroupSize: 4)
        )
        let file = try ParquetFile(source: ParquetMemorySource(bytes))
        for index in [-1, 3, Int.max] {
            #expect(throws: ShoalError(.invalidArgument, "")) { _ = try file.readRowGroup(index) }
        }
        #expect(throws: ShoalError(.invalidArgument, "")) { _ = try file.readRowGroups(2..<4) }
        #expect(throws: ShoalError(.io, "")) { _ = try ParquetFileSource(path: "/nonexistent/shoal.parquet") }
        #expect(throws: ShoalError(.io, "")) {
            _ = try ParquetFileSource(path: FileManager.default.temporaryDirectory.path)
        }
        #expect(throws: ShoalError(.malformedInput, "")) {
            _ = try ParquetFile(source: ParquetMemorySource(Array(bytes.dropLast(1))))
        }
        #expect(throws: ShoalError(.malformedInput, "")) {
            _ = try ParquetFile(source: ParquetMemorySource([1, 2, 3]))
        }
        #expect(throws: ShoalError(.malformedInput, "")) {
            _ = try ParquetMemorySource(bytes).read(offset: 5, count: bytes.count)
        }
        // A footer that promises a chunk past its end: the chunk read fails, not the process.
        var cut = bytes
        cut.removeSubrange(20..<60)
        if let damaged = try? ParquetFile(source: ParquetMemorySource(cut)) {
            #expect(throws: ShoalError.self) { _ = try damaged.readRowGroup(2) }
        }
    }
}
