import ShoalCore
public import ShoalParquet

extension DatasetTable {
    /// The table as a ``ParquetTable`` (the same column storage).
    /// - Throws: `ShoalError` from ``ParquetTable/init(schema:columns:rowCount:)`` (not expected for a valid table).
    public func parquetTable() throws -> ParquetTable {
        try ParquetTable(schema: schema.parquetSchema, columns: columns, rowCount: rowCount)
    }

    /// Converts a ``ParquetTable`` read from a file.
    ///
    /// Without a target schema, `int32`/`int64` become `integer`, `float`/`double` become `float`, `string`,
    /// `boolean` and `list<float>` (as `float[N]` when every vector has the same length, else an error) map
    /// directly, and every Parquet column keeps its nullability. With a target schema, columns are matched by
    /// name, widened (`int32` → `integer`, binary32 → `float`) and checked (nulls in required columns, vector
    /// dimensions).
    /// - Parameters:
    ///   - parquet: the table read from a file.
    ///   - schema: the schema to convert to, or nil to derive one.
    /// - Throws: `ShoalError` `.invalidArgument` naming the column that cannot be converted.
    public init(parquet: ParquetTable, schema: DatasetSchema? = nil) throws {
        let target = try schema ?? Self.derivedSchema(parquet)
        var columns: [ParquetColumnData] = []
        for field in target.fields {
            guard let index = parquet.schema.columns.firstIndex(where: { $0.name == field.name }) else {
                throw ShoalError(.invalidArgument, "column \(field.name): not in the Parquet file")
            }
            let data = parquet.columns[index]
            let source = parquet.schema.columns[index].type
            let values: ParquetColumnValues
            switch (field.type, data.values) {
            case (.integer, .int64), (.float, .double), (.string, .string), (.boolean, .boolean),
                (.vector, .floatList):
                values = data.values
            case (.integer, .int32(let v)): values = .int64(v.map(Int64.init))
            case (.float, .float(let v)): values = .double(v.map(Double.init))
            default:
                throw ShoalError(.invalidArgument, "column \(field.name): Parquet type \(source) is not \(field.type)")
            }
            if !field.nullable, let row = data.validity?.firstIndex(of: false) {
                throw ShoalError(.invalidArgument, "column \(field.name) row \(row + 1): null in a required column")
            }
            let mask = data.validity.flatMap { $0.contains(false) ? $0 : nil }
            columns.append(ParquetColumnData(values, validity: mask))
        }
        let resolved = try Self.resolveDimensions(target, columns)
        try self.init(schema: resolved, columns: columns, rowCount: parquet.rowCount)
    }

    /// The schema with every `float[]` dimension taken from the data's first non-null vector.
    static func resolveDimensions(_ schema: DatasetSchema, _ columns: [ParquetColumnData]) throws -> DatasetSchema {
        var fields = schema.fields
        for (i, field) in fields.enumerated() {
            guard case .vector(nil) = field.type, case .floatList(let lists) = columns[i].values else { continue }
            if let row = lists.indices.first(where: { !columns[i].isNull($0) }) {
                let d = lists[row].count
                guard d >= 1, d <= DatasetSchema.maximumDimension else {
                    throw ShoalError(.invalidArgument, "column \(field.name) row \(row + 1): vector of dimension \(d)")
                }
                fields[i].type = .vector(dimension: d)
            }
        }
        return DatasetSchema(unchecked: fields)
    }

    private static func derivedSchema(_ parquet: ParquetTable) throws -> DatasetSchema {
        var fields: [DatasetField] = []
        for column in parquet.schema.columns {
            let type: DatasetType
            switch column.type {
            case .int32, .int64: type = .integer
            case .float, .double: type = .float
            case .string: type = .string
            case .boolean: type = .boolean
            case .floatList: type = .vector(dimension: nil)
            case .binary, .fixedLengthBinary:
                throw ShoalError(.unsupported, "column \(column.name): binary columns are not supported in datasets")
            }
            fields.append(DatasetField(column.name, type, nullable: column.nullable))
        }
        return try DatasetSchema(fields)
    }
}
