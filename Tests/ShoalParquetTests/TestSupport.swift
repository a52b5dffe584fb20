import ShoalCore
import Testing

@testable import ShoalParquet

/// A bit-exact description of a table (floats by bit pattern, so NaN equals NaN), for comparisons.
func canonical(_ table: ParquetTable) -> [String] {
    var lines = ["rows \(table.rowCount)"]
    for (column, data) in zip(table.schema.columns, table.columns) {
        lines.append("column \(column.name) \(column.type) nullable=\(column.nullable)")
        for row in 0..<table.rowCount {
            if data.isNull(row) {
                lines.append("null")
                continue
            }
            switch data.values {
            case .boolean(let v): lines.append("\(v[row])")
            case .int32(let v): lines.append("\(v[row])")
            case .int64(let v): lines.append("\(v[row])")
            case .float(let v): lines.append("f\(v[row].bitPattern)")
            case .double(let v): lines.append("d\(v[row].bitPattern)")
            case .string(let v): lines.append("s\(v[row].debugDescription)")
            case .binary(let v): lines.append("b\(v[row])")
            case .floatList(let v): lines.append("l\(v[row].map(\.bitPattern))")
            }
        }
    }
    return lines
}

/// Random tables over every supported column type.
enum RandomTables {
    static let words = ["", "a", "shoal", "ünïcødé", "日本語", "🐟", "tab\t", String(repeating: "long", count: 40)]

    static func values(
        _ type: ParquetColumnType,
        rows: Int,
        _ rng: inout SplitMix64
    ) -> ParquetColumnValues {
        switch type {
        case .boolean: return .boolean((0..<rows).map { _ in rng.next() & 1 == 1 })
        case .int32: return .int32((0..<rows).map { _ in Int32(truncatingIfNeeded: rng.next() >> (rng.next() % 32)) })
        case .int64: return .int64((0..<rows).map { _ in Int64(bitPattern: rng.next() >> (rng.next() % 64)) })
        case .float:
            return .float(
                (0..<rows).map { _ in special(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())), &rng) }
            )
        case .double: return .double((0..<rows).map { _ in special(Double(bitPattern: rng.next()), &rng) })
        case .string: return .string((0..<rows).map { i in words[Int(rng.next() % 8)] + (i % 3 == 0 ? "" : "\(i)") })
        case .binary:
            return .binary(
                (0..<rows).map { _ in (0..<Int(rng.next() % 12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
            )
        case .fixedLengthBinary(let n):
            return .binary((0..<rows).map { _ in (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } })
        case .floatList:
            let dim = Int(rng.next() % 5)
            return .floatList(
                (0..<rows).map { _ in
                    (0..<(rng.next() % 4 == 0 ? 0 : dim + 1)).map { _ in Float(Int(rng.next() % 1000)) / 8 }
                }
            )
        }
    }

    private static func special<F: BinaryFloatingPoint>(_ x: F, _ rng: inout SplitMix64) -> F {
        switch rng.next() % 16 {
        case 0: return .nan
        case 1: return .infinity
        case 2: return -.infinity
        case 3: return -0.0
        case 4: return 0
        default: return x.isNaN ? 1 : x
        }
    }

    static let allTypes: [ParquetColumnType] = [
        .boolean, .int32, .int64, .float, .double, .string, .binary, .fixedLengthBinary(5),
        .floatList(elementsNullable: false), .floatList(elementsNullable: true),
    ]

    /// A table with the given column types, random nullability and null densities.
    static func table(types: [ParquetColumnType], rows: Int, seed: UInt64) throws -> ParquetTable {
        var rng = SplitMix64(seed: seed)
        var columns: [ParquetColumn] = []
        var data: [ParquetColumnData] = []
        for (index, type) in types.enumerated() {
            let nullable = rng.next() & 1 == 1
            columns.append(ParquetColumn("c\(index)", type, nullable: nullable))
            let density = Int(rng.next() % 4)
            let validity: [Bool]? =
                nullable && density > 0 ? (0..<rows).map { _ in rng.next() % UInt64(density + 1) != 0 } : nil
            data.append(ParquetColumnData(values(type, rows: rows, &rng), validity: validity))
        }
        return try ParquetTable(schema: ParquetSchema(columns), columns: data, rowCount: rows)
    }
}

/// Expects `body` to throw a ShoalError with one of `codes`; returns it.
@discardableResult
func expectShoalError(
    _ codes: Set<ShoalError.Code>,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> ShoalError? {
    do {
        try body()
        Issue.record("expected a ShoalError with code in \(codes)", sourceLocation: sourceLocation)
    } catch let error as ShoalError {
        #expect(codes.contains(error.code), "unexpected \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected ShoalError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
