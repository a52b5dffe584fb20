import ShoalCore

/// A table to write to, or read from, a Parquet file: a schema and one ``ParquetColumnData`` per column.
public struct ParquetTable: Sendable, Hashable {
    /// The schema.
    public let schema: ParquetSchema
    /// The columns, in schema order.
    public let columns: [ParquetColumnData]
    /// The number of rows.
    public let rowCount: Int

    /// Creates a table after checking that the columns agree with the schema.
    /// - Parameters:
    ///   - schema: the columns' names and types.
    ///   - columns: one entry per schema column, all with the same row count.
    ///   - rowCount: the row count (needed when the schema has no columns).
    /// - Throws: `ShoalError` `.invalidArgument` naming the first mismatching column.
    public init(schema: ParquetSchema, columns: [ParquetColumnData], rowCount: Int? = nil) throws {
        guard schema.columns.count == columns.count else {
            throw ShoalError(
                .invalidArgument,
                "schema has \(schema.columns.count) columns but \(columns.count) were given"
            )
        }
        let rows = rowCount ?? columns.first?.count ?? 0
        var names = Set<String>()
        for (column, data) in zip(schema.columns, columns) {
            guard names.insert(column.name).inserted else {
                throw ShoalError(.invalidArgument, "column name \(column.name) appears twice")
            }
            guard data.values.matches(column.type) else {
                throw ShoalError(.invalidArgument, "column \(column.name): values do not match type \(column.type)")
            }
            guard data.count == rows else {
                throw ShoalError(.invalidArgument, "column \(column.name) has \(data.count) rows, expected \(rows)")
            }
            if let validity = data.validity {
                guard validity.count == rows else {
                    throw ShoalError(.invalidArgument, "column \(column.name): validity has \(validity.count) entries")
                }
                guard column.nullable || !validity.contains(false) else {
                    throw ShoalError(.invalidArgument, "column \(column.name) is not nullable but has nulls")
                }
            }
            if case .fixedLengthBinary(let width) = column.type, case .binary(let values) = data.values {
                let ok = values.indices.allSatisfy { i in data.isNull(i) || values[i].count == width }
                guard width > 0, ok else {
                    throw ShoalError(.invalidArgument, "column \(column.name): every value must be \(width) bytes")
                }
            }
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rows
    }

    /// The column data for `name`, if present.
    public func column(named name: String) -> ParquetColumnData? {
        schema.columns.firstIndex { $0.name == name }.map { columns[$0] }
    }
}
