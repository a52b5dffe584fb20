import Foundation
public import GRDB
import ShoalCore
public import ShoalDatasets
import ShoalParquet

/// Imports dataset rows into an SQLite table `dataset`.
///
/// Column affinities: `integer` → INTEGER, `float` → REAL, `string` → TEXT, `boolean` → INTEGER (0 or 1),
/// vectors → BLOB holding the float32 values little-endian (4 × dimension bytes). NaN floats become NULL (SQLite
/// has no NaN). Rows keep their order: rowid 1 is the first row.
public enum ShardImporter {
    /// Column names that would shadow SQLite's rowid (refused: the planner uses rowid as a tie-breaker).
    public static let reservedColumnNames: Set<String> = ["rowid", "oid", "_rowid_"]

    /// The SQLite declared type of a dataset column type.
    public static func declaredType(_ type: DatasetType) -> String {
        switch type {
        case .integer, .boolean: return "INTEGER"
        case .float: return "REAL"
        case .string: return "TEXT"
        case .vector: return "BLOB"
        }
    }

    /// `CREATE TABLE "dataset" (…)` for `schema`.
    public static func createTableSQL(_ schema: DatasetSchema) -> String {
        "CREATE TABLE \"dataset\" ("
            + schema.fields.map { SQLRenderer.quote($0.name) + " " + declaredType($0.type) }.joined(separator: ", ")
            + ")"
    }

    /// Creates the table `dataset` in `db` and inserts every row of `table`, in one transaction.
    /// - Throws: `ShoalError` `.unsupported` for a column named like the rowid; GRDB errors from SQLite.
    public static func importTable(_ table: DatasetTable, into db: Database) throws {
        for field in table.schema.fields where reservedColumnNames.contains(field.name.lowercased()) {
            throw ShoalError(
                .unsupported,
                "column '\(field.name)' shadows SQLite's rowid; rename it to query the dataset"
            )
        }
        try db.execute(sql: createTableSQL(table.schema))
        let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
        let statement = try db.makeStatement(sql: "INSERT INTO \"dataset\" VALUES (\(placeholders))")
        try db.inTransaction {
            var values: [DatabaseValue] = []
            values.reserveCapacity(table.columns.count)
            for row in 0..<table.rowCount {
                values.removeAll(keepingCapacity: true)
                for column in table.columns { values.append(value(column, row)) }
                statement.setUncheckedArguments(StatementArguments(values))
                try statement.execute()
            }
            return .commit
        }
    }

    /// The SQLite value of one cell.
    static func value(_ column: ParquetColumnData, _ row: Int) -> DatabaseValue {
        if column.isNull(row) { return .null }
        switch column.values {
        case .int64(let v): return v[row].databaseValue
        case .int32(let v): return Int64(v[row]).databaseValue
        case .double(let v): return v[row].isNaN ? .null : v[row].databaseValue
        case .float(let v): return v[row].isNaN ? .null : Double(v[row]).databaseValue
        case .string(let v): return v[row].databaseValue
        case .boolean(let v): return Int64(v[row] ? 1 : 0).databaseValue
        case .floatList(let v): return vectorBlob(v[row]).databaseValue
        case .binary(let v): return Data(v[row]).databaseValue
        }
    }

    /// A vector as float32 little-endian bytes.
    static func vectorBlob(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for element in vector {
            withUnsafeBytes(of: element.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }
}
