import ShoalCore
public import ShoalParquet

/// Reads a Parquet file into batches of rows, one row group at a time.
///
/// Only the footer is read when the reader is created; each row group is fetched from the
/// ``ParquetByteSource`` and decoded when the batches before it are used up, so memory follows the largest row
/// group, not the file (within ``ParquetReadLimits``). Batches hold at most ``IngestOptions/batchSize`` rows and
/// never span two row groups. With a schema, columns are matched by name and widened (`int32` → integer,
/// binary32 → float); nulls in required columns and NaN under ``NaNPolicy/reject`` are bad rows, reported with
/// their 1-based row number in the file as the line.
public struct ParquetTableReader: TableBatchReader {
    /// The schema of the batches (given, or derived from the file once the first row group was read).
    public private(set) var schema: DatasetSchema?
    /// Counts and error reports so far.
    public private(set) var report = IngestReport()
    private let file: ParquetFile
    private let options: IngestOptions
    private let sourceName: String
    private var nextGroup = 0
    private var firstRowOfNextGroup = 0
    private var current: DatasetTable?
    private var offset = 0

    /// Opens a Parquet file from a random-access source (``ParquetFileSource`` for a file on disk).
    /// - Parameters:
    ///   - source: the file's bytes.
    ///   - schema: the schema to convert to, or nil to derive it from the file.
    ///   - options: batch size, error and NaN policies.
    ///   - sourceName: the file name used in error messages.
    /// - Throws: `ShoalError` from the Parquet footer, or `.invalidArgument` naming the file and a column that is
    ///   in the schema but not the file, or in the file but not the schema.
    public init(
        source: any ParquetByteSource,
        schema: DatasetSchema?,
        options: IngestOptions = IngestOptions(),
        sourceName: String
    ) throws {
        self.options = options
        self.sourceName = sourceName
        self.schema = schema
        do {
            file = try ParquetFile(source: source)
        } catch let error as ShoalError {
            throw ShoalError(error.code, "\(sourceName): \(error.message)", cause: error)
        }
        if let schema {
            for field in schema.fields where !file.schema.columns.contains(where: { $0.name == field.name }) {
                throw ShoalError(.invalidArgument, "\(sourceName): schema column \(field.name) is not in the file")
            }
            for column in file.schema.columns where schema.index(of: column.name) == nil {
                throw ShoalError(.invalidArgument, "\(sourceName): column \(column.name) is not in the schema")
            }
        }
    }

    /// Reads a Parquet file held in memory.
    /// - Throws: as ``init(source:schema:options:sourceName:)``.
    public init(
        bytes: [UInt8],
        schema: DatasetSchema?,
        options: IngestOptions = IngestOptions(),
        sourceName: String
    ) throws {
        try self.init(source: ParquetMemorySource(bytes), schema: schema, options: options, sourceName: sourceName)
    }

    /// The next batch of at most ``IngestOptions/batchSize`` rows, or nil at the end.
    /// - Throws: `ShoalError` from decoding a row group, or `.malformedInput` for a bad row under
    ///   ``IngestErrorPolicy/stop``; messages start with the source name.
    public mutating func nextBatch() throws -> DatasetTable? {
        // Bounded: each pass either returns or consumes one row group.
        while true {
            if let table = current, offset < table.rowCount {
                let end = min(table.rowCount, offset + options.batchSize)
                defer { offset = end }
                return table.slice(offset..<end)
            }
            current = nil
            let groups = file.rowGroupRowCounts.count
            guard nextGroup < groups || (groups == 0 && schema == nil) else { return nil }
            let parquet = try named { groups == 0 ? try file.readRowGroups(0..<0) : try file.readRowGroup(nextGroup) }
            let good = try keepGoodRows(parquet)
            let table = try named { [schema] in try DatasetTable(parquet: good, schema: schema) }
            schema = table.schema
            report.rowsAccepted += table.rowCount
            current = table
            offset = 0
            if groups > 0 {
                firstRowOfNextGroup += file.rowGroupRowCounts[nextGroup]
                nextGroup += 1
            }
        }
    }

    /// Runs `body`, prefixing the source name to the message of a `ShoalError` it throws.
    private func named<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ShoalError {
            throw ShoalError(error.code, "\(sourceName): \(error.message)", cause: error)
        }
    }

    // MARK: - Row checks

    /// Drops (or, under ``IngestErrorPolicy/stop``, throws for) the rows of one row group that break the schema.
    private mutating func keepGoodRows(_ parquet: ParquetTable) throws -> ParquetTable {
        guard let schema else { return parquet }
        var keep = Array(repeating: true, count: parquet.rowCount)
        for field in schema.fields {
            guard let index = parquet.schema.columns.firstIndex(where: { $0.name == field.name }) else { continue }
            let data = parquet.columns[index]
            for row in 0..<parquet.rowCount where keep[row] {
                var problem: String?
                if data.isNull(row) {
                    if !field.nullable { problem = "null in a required column" }
                } else if options.nanPolicy == .reject, Self.isNaN(data.values, row) {
                    problem = "NaN is not allowed (NaN policy)"
                } else if case .vector(let d?) = field.type, case .floatList(let v) = data.values, v[row].count != d {
                    problem = "vector of dimension \(v[row].count), expected \(d)"
                }
                guard let problem else { continue }
                let error = IngestRowError(line: firstRowOfNextGroup + row + 1, column: field.name, message: problem)
                if options.errorPolicy == .stop { throw ShoalError(.malformedInput, "\(sourceName): \(error)") }
                keep[row] = false
                report.rowsSkipped += 1
                if report.errors.count < options.maximumReportedErrors { report.errors.append(error) }
            }
        }
        guard keep.contains(false) else { return parquet }
        return try ParquetTable(
            schema: parquet.schema,
            columns: parquet.columns.map { $0.selecting(keep) },
            rowCount: keep.count { $0 }
        )
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
