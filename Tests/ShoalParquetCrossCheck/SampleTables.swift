import ShoalCore
import ShoalParquet

/// The Swift-written cases of the cross-check (acceptance plan P1).
enum SampleTables {
    static let words = ["", "a", "shoal", "ünïcødé", "日本語", "emoji 🐟🐠", "tab\tnewline\n", "x"]

    static func validity(_ rows: Int, nullEvery: Int, _ rng: inout SplitMix64) -> [Bool]? {
        guard nullEvery > 0 else { return nil }
        return (0..<rows).map { _ in Int(rng.next() % UInt64(nullEvery)) != 0 }
    }

    static func primitives(rows: Int, nullable: Bool, seed: UInt64) throws -> ParquetTable {
        var rng = SplitMix64(seed: seed)
        let v = { (rng: inout SplitMix64) in nullable ? validity(rows, nullEvery: 5, &rng) : nil }
        let columns: [(ParquetColumn, ParquetColumnData)] = [
            (
                ParquetColumn("i32", .int32, nullable: nullable),
                ParquetColumnData(
                    .int32((0..<rows).map { _ in Int32(truncatingIfNeeded: rng.next()) }),
                    validity: v(&rng)
                )
            ),
            (
                ParquetColumn("i64", .int64, nullable: nullable),
                ParquetColumnData(.int64((0..<rows).map { _ in Int64(bitPattern: rng.next()) }), validity: v(&rng))
            ),
            (
                ParquetColumn("f32", .float, nullable: nullable),
                ParquetColumnData(
                    .float((0..<rows).map { _ in Float(Int(rng.next() % 2_000_001) - 1_000_000) / 7 }),
                    validity: v(&rng)
                )
            ),
            (
                ParquetColumn("f64", .double, nullable: nullable),
                ParquetColumnData(
                    .double((0..<rows).map { _ in Double(Int64(bitPattern: rng.next())) / 3 }),
                    validity: v(&rng)
                )
            ),
            (
                ParquetColumn("flag", .boolean, nullable: nullable),
                ParquetColumnData(.boolean((0..<rows).map { _ in rng.next() & 1 == 1 }), validity: v(&rng))
            ),
            (
                ParquetColumn("text", .string, nullable: nullable),
                ParquetColumnData(
                    .string((0..<rows).map { i in words[Int(rng.next() % 8)] + String(i) }),
                    validity: v(&rng)
                )
            ),
        ]
        return try ParquetTable(schema: ParquetSchema(columns.map(\.0)), columns: columns.map(\.1), rowCount: rows)
    }

    static func vectors(rows: Int, dim: Int, nullable: Bool, seed: UInt64) throws -> ParquetTable {
        var rng = SplitMix64(seed: seed)
        var lists: [[Float]] = []
        for i in 0..<rows {
            let n = nullable && i % 7 == 3 ? 0 : dim
            lists.append((0..<n).map { _ in Float(Int(rng.next() % 20001) - 10000) / 1000 })
        }
        let validity = nullable ? (0..<rows).map { $0 % 11 != 5 } : nil
        let id = ParquetColumnData(.int64((0..<rows).map(Int64.init)))
        return try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("id", .int64, nullable: false),
                ParquetColumn("vec", .floatList(elementsNullable: false), nullable: nullable),
            ]),
            columns: [id, ParquetColumnData(.floatList(lists), validity: validity)],
            rowCount: rows
        )
    }

    static func specialFloats() throws -> ParquetTable {
        let f: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.5]
        let d: [Double] = [
            .nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -2.25,
        ]
        return try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("f", .float, nullable: true), ParquetColumn("d", .double, nullable: false),
            ]),
            columns: [
                ParquetColumnData(.float(f), validity: [true, true, true, true, true, true, true, false]),
                ParquetColumnData(.double(d)),
            ]
        )
    }

    static func extremes() throws -> ParquetTable {
        let i32: [Int32] = [.min, .max, 0, -1, 1]
        let i64: [Int64] = [.min, .max, 0, -1, 1]
        return try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("a", .int32, nullable: false), ParquetColumn("b", .int64, nullable: false),
            ]),
            columns: [ParquetColumnData(.int32(i32)), ParquetColumnData(.int64(i64))]
        )
    }

    static func binaries(rows: Int, seed: UInt64) throws -> ParquetTable {
        var rng = SplitMix64(seed: seed)
        let bin = (0..<rows).map { i in (0..<(i % 9)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        let fixed = (0..<rows).map { _ in (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        return try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("bin", .binary, nullable: true),
                ParquetColumn("uuidish", .fixedLengthBinary(16), nullable: false),
            ]),
            columns: [
                ParquetColumnData(.binary(bin), validity: validity(rows, nullEvery: 4, &rng)),
                ParquetColumnData(.binary(fixed)),
            ]
        )
    }

    static func booleans(rows: Int, seed: UInt64) throws -> ParquetTable {
        var rng = SplitMix64(seed: seed)
        let b = (0..<rows).map { i in i % 100 < 50 ? true : rng.next() & 1 == 1 }
        return try ParquetTable(
            schema: ParquetSchema([ParquetColumn("b", .boolean, nullable: true)]),
            columns: [ParquetColumnData(.boolean(b), validity: validity(rows, nullEvery: 3, &rng))]
        )
    }

    static func large(rows: Int) throws -> ParquetTable {
        try ParquetTable(
            schema: ParquetSchema([
                ParquetColumn("n", .int64, nullable: false), ParquetColumn("x", .double, nullable: true),
            ]),
            columns: [
                ParquetColumnData(.int64((0..<rows).map { Int64($0) * 3 })),
                ParquetColumnData(
                    .double((0..<rows).map { Double($0) / 8 }),
                    validity: (0..<rows).map { $0 % 1000 != 0 }
                ),
            ]
        )
    }

    /// The named cases.
    static func all() throws -> [(String, ParquetTable)] {
        [
            ("primitives_required", try primitives(rows: 100, nullable: false, seed: 1)),
            ("primitives_nullable", try primitives(rows: 1000, nullable: true, seed: 2)),
            ("strings_unicode_empty", try primitives(rows: 64, nullable: true, seed: 3)),
            ("special_floats", try specialFloats()),
            ("vector_dim1", try vectors(rows: 50, dim: 1, nullable: false, seed: 4)),
            ("vector_dim384_nullable", try vectors(rows: 200, dim: 384, nullable: true, seed: 5)),
            ("zero_rows", try primitives(rows: 0, nullable: true, seed: 6)),
            ("one_row", try primitives(rows: 1, nullable: false, seed: 7)),
            ("million_rows", try large(rows: 1_000_000)),
            ("booleans", try booleans(rows: 10_001, seed: 8)),
            ("int_extremes", try extremes()),
            ("binaries", try binaries(rows: 300, seed: 9)),
        ]
    }
}
