import ShoalCore
import ShoalParquet

/// Builds a ``DatasetTable`` row by row, checking each value against the schema.
///
/// A `float[]` column takes its dimension from the first non-null vector appended; later vectors must match.
public struct TableBuilder: Sendable {
    /// The schema, with dimensions resolved as vectors arrive.
    public private(set) var schema: DatasetSchema
    /// Rows appended since the last ``build()``.
    public private(set) var rowCount = 0
    private var buffers: [ColumnBuffer]

    /// Creates an empty builder.
    public init(schema: DatasetSchema) {
        self.schema = schema
        self.buffers = schema.fields.map { ColumnBuffer(type: $0.type) }
    }

    /// Checks `values` against the schema and appends them as one row (nothing is appended when it throws).
    /// - Parameter values: one value per column, in schema order.
    /// - Throws: ``RowProblem`` naming the column (0-based index) and what is wrong.
    public mutating func append(_ values: [DatasetValue]) throws(RowProblem) {
        guard values.count == buffers.count else {
            throw RowProblem(column: nil, "expected \(buffers.count) values, got \(values.count)")
        }
        for (i, value) in values.enumerated() {
            let field = schema.fields[i]
            switch (field.type, value) {
            case (_, .null):
                guard field.nullable else { throw RowProblem(column: i, "null in a required column") }
            case (.integer, .integer), (.float, .float), (.string, .string), (.boolean, .boolean):
                break
            case (.vector(let d), .vector(let v)):
                guard v.count >= 1, v.count <= DatasetSchema.maximumDimension else {
                    throw RowProblem(column: i, "vector of dimension \(v.count)")
                }
                if let d, d != v.count {
                    throw RowProblem(column: i, "vector of dimension \(v.count), expected \(d)")
                }
                if let bad = v.firstIndex(where: { !$0.isFinite }) {
                    throw RowProblem(column: i, "vector element \(bad) is \(v[bad]) (vectors must be finite)")
                }
            default:
                throw RowProblem(column: i, "value \(value) is not of type \(field.type)")
            }
        }
        for (i, value) in values.enumerated() {
            if case .vector(nil) = schema.fields[i].type, case .vector(let v) = value {
                schema.fields[i].type = .vector(dimension: v.count)
            }
            buffers[i].append(value)
        }
        rowCount += 1
    }

    /// Returns the rows appended so far as a table and empties the builder (the resolved schema stays).
    public mutating func build() -> DatasetTable {
        let table = DatasetTable(unchecked: schema, columns: buffers.map { $0.data }, rowCount: rowCount)
        buffers = schema.fields.map { ColumnBuffer(type: $0.type) }
        rowCount = 0
        return table
    }
}

/// What is wrong with one row: the column (0-based, nil for the row as a whole) and a message.
public struct RowProblem: Error, Sendable, Hashable {
    /// The 0-based column index, or nil when the problem is not tied to one column.
    public var column: Int?
    /// What is wrong.
    public var message: String

    /// Creates a problem report.
    public init(column: Int?, _ message: String) {
        self.column = column
        self.message = message
    }
}

/// Typed storage for one column under construction (one array per storage type, so appends never copy).
struct ColumnBuffer: Sendable {
    private let type: DatasetType
    private var integers: [Int64] = []
    private var floats: [Double] = []
    private var strings: [String] = []
    private var booleans: [Bool] = []
    private var vectors: [[Float]] = []
    private var validity: [Bool] = []
    private var hasNull = false

    init(type: DatasetType) { self.type = type }

    mutating func append(_ value: DatasetValue) {
        let isNull = value == .null
        validity.append(!isNull)
        hasNull = hasNull || isNull
        switch type {
        case .integer:
            if case .integer(let x) = value { integers.append(x) } else { integers.append(0) }
        case .float:
            if case .float(let x) = value { floats.append(x) } else { floats.append(0) }
        case .string:
            if case .string(let x) = value { strings.append(x) } else { strings.append("") }
        case .boolean:
            if case .boolean(let x) = value { booleans.append(x) } else { booleans.append(false) }
        case .vector:
            if case .vector(let x) = value { vectors.append(x) } else { vectors.append([]) }
        }
    }

    var data: ParquetColumnData {
        let values: ParquetColumnValues
        switch type {
        case .integer: values = .int64(integers)
        case .float: values = .double(floats)
        case .string: values = .string(strings)
        case .boolean: values = .boolean(booleans)
        case .vector: values = .floatList(vectors)
        }
        return ParquetColumnData(values, validity: hasNull ? validity : nil)
    }
}
