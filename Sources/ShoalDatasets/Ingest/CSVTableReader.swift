import ShoalCore

/// Reads CSV (RFC 4180, a header row naming the columns) into batches of rows.
///
/// With a schema, the header must name exactly the schema's columns (in any order) and each field is converted to
/// its column's type; without one, types are inferred from the first ``IngestOptions/inferenceRows`` rows (see
/// the rules on ``DatasetType``: integer, then float, boolean, `float[]`, else string; inferred columns are
/// nullable). An empty unquoted field is null, `""` is the empty string. Vectors are written `[x, y, ...]`
/// (quoted, since they contain commas). Memory use is bounded by the batch size and the line limit, not the input.
public struct CSVTableReader: TableBatchReader {
    /// The schema (given, or inferred after the first batch).
    public private(set) var schema: DatasetSchema?
    /// Counts and error reports so far.
    public private(set) var report = IngestReport()
    private var records: CSVRecordReader
    private let options: IngestOptions
    private let sourceName: String
    private var header: [String]?
    /// For each schema field, the index of its CSV column.
    private var columnOfField: [Int] = []
    private var builder: TableBuilder?
    private var pending: [CSVRecord] = []
    private var pendingIndex = 0
    private var finished = false

    /// Creates a reader.
    /// - Parameters:
    ///   - source: the CSV bytes.
    ///   - schema: the schema, or nil to infer one.
    ///   - options: batch size, error policy and limits.
    ///   - sourceName: the file name used in error messages.
    public init(
        source: any ByteSource,
        schema: DatasetSchema?,
        options: IngestOptions = IngestOptions(),
        sourceName: String
    ) {
        self.records = CSVRecordReader(source: source, maximumRecordLength: options.maximumLineLength)
        self.schema = schema
        self.options = options
        self.sourceName = sourceName
    }

    /// The next batch of at most ``IngestOptions/batchSize`` rows, or nil at the end of the input.
    public mutating func nextBatch() throws -> DatasetTable? {
        try prepare()
        guard !finished || pendingIndex < pending.count, var builder else { return nil }
        while builder.rowCount < options.batchSize {
            let record: CSVRecord
            if pendingIndex < pending.count {
                record = pending[pendingIndex]
                pendingIndex += 1
                if pendingIndex == pending.count {
                    pending = []
                    pendingIndex = 0
                }
            } else if finished {
                break
            } else {
                guard let next = try nextRecord() else { break }
                record = next
            }
            try append(record, to: &builder)
        }
        self.builder = builder
        guard builder.rowCount > 0 else { return nil }
        let batch = builder.build()
        self.builder = builder
        schema = builder.schema
        return batch
    }

    // MARK: - Steps

    private mutating func nextRecord() throws -> CSVRecord? {
        while !finished {
            do {
                guard let record = try records.next() else {
                    finished = true
                    return nil
                }
                return record
            } catch let error as CSVSyntaxError {
                if error.fatal { finished = true }
                try reportRow(IngestRowError(line: error.line, column: nil, message: error.message))
            }
        }
        return nil
    }

    /// Reads the header and, without a schema, the rows used for inference.
    private mutating func prepare() throws {
        guard header == nil else { return }
        let first: CSVRecord?
        do {
            first = try records.next()
        } catch let error as CSVSyntaxError {
            throw ShoalError(.malformedInput, "\(sourceName): line \(error.line): header: \(error.message)")
        }
        guard let first else {
            throw ShoalError(.malformedInput, "\(sourceName): line 1: empty file (a header row is required)")
        }
        let names = first.fields
        var seen = Set<String>()
        for (i, name) in names.enumerated() where !seen.insert(name).inserted {
            throw ShoalError(
                .malformedInput,
                "\(sourceName): line \(first.line): header column \(i + 1) '\(name)' repeats"
            )
        }
        header = names
        if schema == nil {
            while pending.count < options.inferenceRows, let record = try nextRecord() { pending.append(record) }
            var inference = Array(repeating: TypeInference(), count: names.count)
            for record in pending where record.fields.count == names.count {
                for i in names.indices { inference[i].observe(text: record.fields[i], quoted: record.quoted[i]) }
            }
            do {
                schema = try DatasetSchema(
                    names.indices.map { DatasetField(names[$0], inference[$0].type, nullable: true) }
                )
            } catch let error as ShoalError {
                throw ShoalError(.malformedInput, "\(sourceName): line \(first.line): header: \(error.message)")
            }
        }
        guard let schema else { return }
        for field in schema.fields where !names.contains(field.name) {
            throw ShoalError(
                .invalidArgument,
                "\(sourceName): line \(first.line): schema column \(field.name) is not in the CSV header"
            )
        }
        for name in names where schema.index(of: name) == nil {
            throw ShoalError(
                .invalidArgument,
                "\(sourceName): line \(first.line): CSV column \(name) is not in the schema"
            )
        }
        columnOfField = schema.fields.map { field in names.firstIndex(of: field.name)! }
        builder = TableBuilder(schema: schema)
    }

    private mutating func append(_ record: CSVRecord, to builder: inout TableBuilder) throws {
        guard let header else { return }
        guard record.fields.count == header.count else {
            try reportRow(
                IngestRowError(
                    line: record.line,
                    column: nil,
                    message: "expected \(header.count) fields, got \(record.fields.count)"
                )
            )
            return
        }
        var values: [DatasetValue] = []
        values.reserveCapacity(columnOfField.count)
        do throws(RowProblem) {
            for (f, c) in columnOfField.enumerated() {
                do throws(RowProblem) {
                    values.append(
                        try ValueConversion.fromText(
                            record.fields[c],
                            quoted: record.quoted[c],
                            type: builder.schema.fields[f].type,
                            nanPolicy: options.nanPolicy
                        )
                    )
                } catch {
                    throw RowProblem(column: f, error.message)
                }
            }
            try builder.append(values)
            report.rowsAccepted += 1
        } catch {
            let name = error.column.map { builder.schema.fields[$0].name }
            try reportRow(IngestRowError(line: record.line, column: name, message: error.message))
        }
    }

    private mutating func reportRow(_ error: IngestRowError) throws {
        if options.errorPolicy == .stop {
            throw ShoalError(.malformedInput, "\(sourceName): \(error)")
        }
        report.rowsSkipped += 1
        if report.errors.count < options.maximumReportedErrors { report.errors.append(error) }
    }
}
