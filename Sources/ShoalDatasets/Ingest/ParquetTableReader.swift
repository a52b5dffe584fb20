import ShoalCore
import ShoalParquet

/// Reads a Parquet file into batches of rows.
///
/// The file is decoded whole by ``ParquetReader`` (so memory grows with the file, within
/// ``ParquetReadLimits``); batches are slices of it. With a schema, columns are matched by name and widened
/// (`int32` → integer, binary32 → float); nulls in required columns and NaN under ``NaNPolicy/reject`` are bad
/// rows, reported with their 1-based row number as the line.
public struct ParquetTableReader: TableBatchReader {
    /// The schema of the batches.
    public private(set) var schema: DatasetSchema?
    /// Counts and error reports so far.
    public private(set) var report = IngestReport()
    private let table: DatasetTable
    private let options: IngestOptions
    private var offset = 0

    /// Decodes `bytes` and converts them to `schema` (or a derived schema).
    /// - Parameters:
    ///   - bytes: the Parquet file.
    ///   - schema: the schema to convert to, or nil to derive it from the file.
    ///   - options: batch size, error and NaN policies.
    ///   - sourceName: the file name used in error messages.
    /// - Throws: `ShoalError` from the Parquet reader, or `.malformedInput` / `.invalidArgument` naming the file and
    ///   column that do not match (a bad row under ``IngestErrorPolicy/stop``).
    public init(
        bytes: [UInt8],
        schema: DatasetSchema?,
        options: IngestOptions = IngestOptions(),
        sourceName: String
    )
        throws
    {
        self.options = options
        let parquet: ParquetTable
        do {
            parquet = try ParquetReader.read(bytes)
        } catch let error as ShoalError {
            throw ShoalError(error.code, "\(sourceName): \(error.message)", cause: error)
        }
        var report = IngestReport()
        var keep = Array(repeating: true, count: parquet.rowCount)
        if let schema {
            for field in schema.fields {
                guard let index = parquet.schema.columns.firstIndex(where: { $0.name == field.name }) else {
                    throw ShoalError(.invalidArgument, "\(sourceName): schema column \(field.name) is not in the file")
                }
                let data = parquet.columns[index]
                for row in 0..<parquet.rowCount where keep[row] {
                    var problem: String?
                    if data.isNull(row) {
                        if !field.nullable { problem = "null in a required column" }
                    } else if options.nanPolicy == .reject, Self.isNaN(data.values, row) {
                        problem = "NaN is not allowed (NaN policy)"
                    } else if case .vector(let d?) = field.type, case .floatList(let v) = data.values, v[row].count != d
                    {
                        problem = "vector of dimension \(v[row].count), expected \(d)"
                    }
                    guard let problem else { continue }
                    let error = IngestRowError(line: row + 1, column: field.name, message: problem)
                    if options.errorPolicy == .stop { throw ShoalError(.malformedInput, "\(sourceName): \(error)") }
                    keep[row] = false
                    report.rowsSkipped += 1
                    if report.errors.count < options.maximumReportedErrors { report.errors.append(error) }
                }
            }
            for column in parquet.schema.columns where schema.index(of: column.name) == nil {
                throw ShoalError(.invalidArgument, "\(sourceName): column \(column.name) is not in the schema")
            }
        }
        var filtered = parquet
        if keep.contains(false) {
            filtered = try ParquetTable(
                schema: parquet.schema,
                columns: parquet.columns.map { $0.selecting(keep) },
                rowCount: keep.count { $0 }
            )
        }
        do {
            table = try DatasetTable(parquet: filtered, schema: schema)
        } catch let error as ShoalError {
            throw ShoalError(error.code, "\(sourceName): \(error.message)", cause: error)
        }
        report.rowsAccepted = table.rowCount
        self.report = report
        self.schema = table.schema
    }

    /// The next batch of at most ``IngestOptions/batchSize`` rows, or nil at the end.
    public mutating func nextBatch() -> DatasetTable? {
        guard offset < table.rowCount else { return nil }
        let end = min(table.rowCount, offset + options.batchSize)
        defer { offset = end }
        return table.slice(offset..<end)
    }

    private static func isNaN(_ values: ParquetColumnValues, _ row: Int) -> Bool {
        switch values {
        case .double(let v): return v[row].isNaN
        case .float(let v): return v[row].isNaN
        default: return false
        }
    }
}

extension ParquetColumnData {
    /// The rows where `keep` is true.
    func selecting(_ keep: [Bool]) -> ParquetColumnData {
        func pick<T>(_ v: [T]) -> [T] { v.indices.filter { keep[$0] }.map { v[$0] } }
        let values: ParquetColumnValues
        switch self.values {
        case .boolean(let v): values = .boolean(pick(v))
        case .int32(let v): values = .int32(pick(v))
        case .int64(let v): values = .int64(pick(v))
        case .float(let v): values = .float(pick(v))
        case .double(let v): values = .double(pick(v))
        case .string(let v): values = .string(pick(v))
        case .binary(let v): values = .binary(pick(v))
        case .floatList(let v): values = .floatList(pick(v))
        }
        return ParquetColumnData(values, validity: validity.map(pick))
    }
}
