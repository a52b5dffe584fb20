import ShoalCore
public import ShoalParquet

/// One cell of a ``DatasetTable``.
///
/// Equality compares floats by bit pattern (so NaN equals NaN, and -0.0 differs from 0.0): two values are equal
/// when they would be stored as the same bytes.
public enum DatasetValue: Sendable, Hashable {
    /// A null.
    case null
    /// An `integer` value.
    case integer(Int64)
    /// A `float` value.
    case float(Double)
    /// A `string` value.
    case string(String)
    /// A `boolean` value.
    case boolean(Bool)
    /// A vector value.
    case vector([Float])

    /// Equal when both are the same case with the same value (floats compared by bit pattern).
    public static func == (lhs: DatasetValue, rhs: DatasetValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.integer(let a), .integer(let b)): return a == b
        case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return a == b
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.vector(let a), .vector(let b)): return a.map(\.bitPattern) == b.map(\.bitPattern)
        default: return false
        }
    }

    /// Hashes consistently with `==` (floats by bit pattern).
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .integer(let v): hasher.combine(v)
        case .float(let v): hasher.combine(v.bitPattern)
        case .string(let v): hasher.combine(v)
        case .boolean(let v): hasher.combine(v)
        case .vector(let v): hasher.combine(v.map(\.bitPattern))
        }
    }
}

/// A columnar in-memory table: a ``DatasetSchema`` and one ``ParquetColumnData`` per column.
///
/// Column storage is the Parquet model's (`int64`, `double`, `string`, `boolean`, `floatList` values plus an
/// optional validity mask), so a table converts to a ``ParquetTable`` without copying values.
public struct DatasetTable: Sendable, Hashable {
    /// The schema (vector dimensions resolved when the data has at least one vector).
    public let schema: DatasetSchema
    /// The columns, in schema order.
    public let columns: [ParquetColumnData]
    /// The number of rows.
    public let rowCount: Int

    /// Creates a table after checking the columns against the schema.
    /// - Parameters:
    ///   - schema: the schema.
    ///   - columns: one entry per field, each with `rowCount` rows.
    ///   - rowCount: the row count.
    /// - Throws: `ShoalError` `.invalidArgument` naming the first column that does not match.
    public init(schema: DatasetSchema, columns: [ParquetColumnData], rowCount: Int) throws {
        guard schema.fields.count == columns.count else {
            throw ShoalError(.invalidArgument, "table: schema has \(schema.fields.count) columns, got \(columns.count)")
        }
        for (field, column) in zip(schema.fields, columns) {
            guard column.values.count == rowCount, column.validity.map({ $0.count == rowCount }) ?? true else {
                throw ShoalError(.invalidArgument, "table: column \(field.name) does not have \(rowCount) rows")
            }
            guard field.nullable || column.validity?.contains(false) != true else {
                throw ShoalError(.invalidArgument, "table: column \(field.name) is not nullable but has nulls")
            }
            switch (field.type, column.values) {
            case (.integer, .int64), (.float, .double), (.string, .string), (.boolean, .boolean):
                break
            case (.vector(let dimension), .floatList(let lists)):
                if let dimension {
                    for (row, list) in lists.enumerated() where !column.isNull(row) && list.count != dimension {
                        throw ShoalError(
                            .invalidArgument,
                            "table: column \(field.name) row \(row): vector of dimension \(list.count), expected \(dimension)"
                        )
                    }
                }
            default:
                throw ShoalError(.invalidArgument, "table: column \(field.name) values do not match type \(field.type)")
            }
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
    }

    /// An empty table with `schema`.
    public init(empty schema: DatasetSchema) {
        self.schema = schema
        self.columns = schema.fields.map { ParquetColumnData(.empty(for: $0.type)) }
        self.rowCount = 0
    }

    // MARK: - Access

    /// The value at `row` in column `column`.
    public func value(row: Int, column: Int) -> DatasetValue {
        let data = columns[column]
        if data.isNull(row) { return .null }
        switch data.values {
        case .int64(let v): return .integer(v[row])
        case .double(let v): return .float(v[row])
        case .string(let v): return .string(v[row])
        case .boolean(let v): return .boolean(v[row])
        case .floatList(let v): return .vector(v[row])
        case .int32(let v): return .integer(Int64(v[row]))
        case .float(let v): return .float(Double(v[row]))
        case .binary: return .null
        }
    }

    /// The values of row `row`, in schema order.
    public func row(_ row: Int) -> [DatasetValue] { columns.indices.map { value(row: row, column: $0) } }

    // MARK: - Slicing and joining

    /// The rows in `range`, as a new table.
    /// - Precondition: `range` lies within `0..<rowCount`.
    public func slice(_ range: Range<Int>) -> DatasetTable {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "slice out of range")
        return DatasetTable(
            unchecked: schema,
            columns: columns.map { $0.rows(range) },
            rowCount: range.count
        )
    }

    /// This table followed by the rows of `other`.
    /// - Throws: `ShoalError` `.invalidArgument` when the schemas differ (an unresolved vector dimension matches any).
    public func appending(_ other: DatasetTable) throws -> DatasetTable {
        guard let merged = schema.merging(other.schema) else {
            throw ShoalError(.invalidArgument, "table: cannot append rows of schema \(other.schema) to \(schema)")
        }
        if other.rowCount == 0 { return DatasetTable(unchecked: merged, columns: columns, rowCount: rowCount) }
        if rowCount == 0 { return DatasetTable(unchecked: merged, columns: other.columns, rowCount: other.rowCount) }
        return DatasetTable(
            unchecked: merged,
            columns: zip(columns, other.columns).map { $0.appending($1) },
            rowCount: rowCount + other.rowCount
        )
    }

    init(unchecked schema: DatasetSchema, columns: [ParquetColumnData], rowCount: Int) {
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
    }
}

extension DatasetSchema {
    /// This schema with unresolved vector dimensions taken from `other`, or nil when the two do not match.
    func merging(_ other: DatasetSchema) -> DatasetSchema? {
        guard fields.count == other.fields.count else { return nil }
        var merged = fields
        for (i, (a, b)) in zip(fields, other.fields).enumerated() {
            guard a.name == b.name, a.nullable == b.nullable else { return nil }
            switch (a.type, b.type) {
            case (.vector(let x), .vector(let y)):
                if let x, let y, x != y { return nil }
                merged[i].type = .vector(dimension: x ?? y)
            default:
                guard a.type == b.type else { return nil }
            }
        }
        return DatasetSchema(unchecked: merged)
    }

    init(unchecked fields: [DatasetField]) { self.fields = fields }
}

extension ParquetColumnValues {
    /// No values of the storage type for `type`.
    static func empty(for type: DatasetType) -> ParquetColumnValues {
        switch type {
        case .integer: return .int64([])
        case .float: return .double([])
        case .string: return .string([])
        case .boolean: return .boolean([])
        case .vector: return .floatList([])
        }
    }
}

extension ParquetColumnData {
    /// These rows followed by `other`'s (same storage type).
    func appending(_ other: ParquetColumnData) -> ParquetColumnData {
        let values: ParquetColumnValues
        switch (self.values, other.values) {
        case (.boolean(let a), .boolean(let b)): values = .boolean(a + b)
        case (.int32(let a), .int32(let b)): values = .int32(a + b)
        case (.int64(let a), .int64(let b)): values = .int64(a + b)
        case (.float(let a), .float(let b)): values = .float(a + b)
        case (.double(let a), .double(let b)): values = .double(a + b)
        case (.string(let a), .string(let b)): values = .string(a + b)
        case (.binary(let a), .binary(let b)): values = .binary(a + b)
        case (.floatList(let a), .floatList(let b)): values = .floatList(a + b)
        default: preconditionFailure("appending columns of different storage types")
        }
        var mask: [Bool]?
        if validity != nil || other.validity != nil {
            mask =
                (validity ?? Array(repeating: true, count: count))
                + (other.validity ?? Array(repeating: true, count: other.count))
        }
        return ParquetColumnData(values, validity: mask)
    }
}
