import ShoalCore
import Testing

@testable import ShoalParquet

@Suite("Parquet round trips (Shoal writer → Shoal reader)")
struct RoundTripTests {
    @Test("every column type, every codec, nullable and required", arguments: ParquetCompression.allCases)
    func everyTypeEveryCodec(codec: ParquetCompression) throws {
        for (seed, rows) in [(1, 0), (2, 1), (3, 7), (4, 300), (5, 2_000)] {
            let table = try RandomTables.table(types: RandomTables.allTypes, rows: rows, seed: UInt64(seed))
            let bytes = try ParquetWriter.write(table, options: ParquetWriteOptions(compression: codec))
            let back = try ParquetReader.read(bytes)
            #expect(canonical(back) == canonical(table), "rows \(rows) codec \(codec)")
        }
    }

    @Test("random schemas with small pages (many pages per chunk)")
    func randomSchemasSmallPages() throws {
        var rng = SplitMix64(seed: 77)
        for seed in 0..<60 {
            let types = (0..<Int(rng.next() % 5 + 1)).map { _ in
                RandomTables.allTypes[Int(rng.next() % UInt64(RandomTables.allTypes.count))]
            }
            let rows = Int(rng.next() % 500)
            let table = try RandomTables.table(types: types, rows: rows, seed: UInt64(seed))
            let codec = ParquetCompression.allCases[seed % 4]
            let options = ParquetWriteOptions(compression: codec, dataPageSize: Int(rng.next() % 300) + 1)
            let back = try ParquetReader.read(try ParquetWriter.write(table, options: options))
            #expect(canonical(back) == canonical(table), "seed \(seed)")
        }
    }

    @Test("vectors: null lists, empty lists and dimension 384")
    func vectors() throws {
        let lists: [[Float]] = [[1, 2, 3], [], [4], Array(repeating: 0.5, count: 384), [], [-.infinity]]
        let table = try ParquetTable(
            schema: ParquetSchema([ParquetColumn("vec", .floatList(elementsNullable: false), nullable: true)]),
            columns: [ParquetColumnData(.floatList(lists), validity: [true, true, false, true, true, true])]
        )
        let back = try ParquetReader.read(try ParquetWriter.write(table))
        #expect(canonical(back) == canonical(table))
        let column = try #require(back.column(named: "vec"))
        #expect(column.isNull(2))
        #expect(!column.isNull(1))
        guard case .floatList(let read) = column.values else {
            Issue.record("not a float list")
            return
        }
        #expect(read[1].isEmpty)
        #expect(read[3].count == 384)
    }

    @Test("the same table and options give identical bytes (1,000 random tables)")
    func determinism() throws {
        var rng = SplitMix64(seed: 31)
        for seed in 0..<1000 {
            let types = (0..<Int(rng.next() % 4 + 1)).map { _ in
                RandomTables.allTypes[Int(rng.next() % UInt64(RandomTables.allTypes.count))]
            }
            let table = try RandomTables.table(types: types, rows: Int(rng.next() % 40), seed: UInt64(seed))
            let codec = ParquetCompression.allCases[seed % 4]
            let options = ParquetWriteOptions(compression: codec, keyValueMetadata: ["b": "2", "a": "1"])
            let first = try ParquetWriter.write(table, options: options)
            // A second table built from the same values must give the same bytes.
            let copy = try ParquetTable(
                schema: table.schema,
                columns: table.columns.map { $0 },
                rowCount: table.rowCount
            )
            let second = try ParquetWriter.write(copy, options: options)
            #expect(first == second, "seed \(seed)")
        }
    }

    @Test("footer carries the fixed created_by, statistics and sorted key-value metadata")
    func footerContents() throws {
        let table = try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("n", .int64, nullable: true), ParquetColumn("s", .string, nullable: false),
                ParquetColumn("f", .double, nullable: false),
            ]),
            columns: [
                ParquetColumnData(.int64([5, -3, 0, 9]), validity: [true, true, false, true]),
                ParquetColumnData(.string(["pear", "apple", "zoo", "b"])),
                ParquetColumnData(.double([.nan, 0, 2.5, -1])),
            ]
        )
        let bytes = try ParquetWriter.write(
            table,
            options: ParquetWriteOptions(keyValueMetadata: ["z": "1", "a": "2"])
        )
        let meta = try ParquetReader.readMetadata(bytes, limits: .default)
        #expect(meta.createdBy == "shoal version 0.1")
        #expect(meta.keyValueMetadata?.map(\.key) == ["a", "z"])
        #expect(meta.numRows == 4)
        let stats = try #require(meta.rowGroups.first?.columns[0].metaData?.statistics)
        #expect(stats.nullCount == 1)
        #expect(stats.minValue == withUnsafeBytes(of: Int64(-3)) { Array($0) })
        #expect(stats.maxValue == withUnsafeBytes(of: Int64(9)) { Array($0) })
        let strings = try #require(meta.rowGroups.first?.columns[1].metaData?.statistics)
        #expect(strings.minValue == Array("apple".utf8))
        #expect(strings.maxValue == Array("zoo".utf8))
        let doubles = try #require(meta.rowGroups.first?.columns[2].metaData?.statistics)
        #expect(doubles.minValue == withUnsafeBytes(of: Double(-1)) { Array($0) })
        #expect(doubles.maxValue == withUnsafeBytes(of: Double(2.5)) { Array($0) })
    }

    @Test("table validation rejects mismatched columns")
    func tableValidation() {
        expectShoalError([.invalidArgument]) {
            _ = try ParquetTable(
                schema: ParquetSchema([ParquetColumn("a", .int32)]),
                columns: [ParquetColumnData(.int64([1]))]
            )
        }
        expectShoalError([.invalidArgument]) {
            _ = try ParquetTable(
                schema: ParquetSchema([ParquetColumn("a", .int32, nullable: false)]),
                columns: [ParquetColumnData(.int32([1]), validity: [false])]
            )
        }
        expectShoalError([.invalidArgument]) {
            _ = try ParquetTable(
                schema: ParquetSchema([ParquetColumn("a", .int32), ParquetColumn("a", .int32)]),
                columns: [ParquetColumnData(.int32([1])), ParquetColumnData(.int32([1]))]
            )
        }
        expectShoalError([.invalidArgument]) {
            _ = try ParquetTable(
                schema: ParquetSchema([ParquetColumn("a", .int32), ParquetColumn("b", .int32)]),
                columns: [ParquetColumnData(.int32([1])), ParquetColumnData(.int32([1, 2]))]
            )
        }
        expectShoalError([.invalidArgument]) {
            _ = try ParquetTable(
                schema: ParquetSchema([ParquetColumn("a", .fixedLengthBinary(2))]),
                columns: [ParquetColumnData(.binary([[1, 2, 3]]))]
            )
        }
    }
}
