import ShoalCore

/// Splits input into LF-terminated lines (a trailing CR is dropped), with a length bound.
struct LineReader {
    private var source: any ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private(set) var lineNumber = 0
    let maximumLength: Int

    init(source: any ByteSource, maximumLength: Int) {
        self.source = source
        self.maximumLength = maximumLength
    }

    /// The next line (nil at the end), or `.failure` naming an over-long line, which has been skipped.
    mutating func next() throws -> Result<[UInt8], CSVSyntaxError>? {
        var line: [UInt8] = []
        var tooLong = false
        while true {
            if position == buffer.count {
                if !atEnd {
                    buffer = try source.read(maximumCount: 1 << 16)
                    position = 0
                    atEnd = buffer.isEmpty
                }
                if atEnd {
                    if line.isEmpty && !tooLong { return nil }
                    lineNumber += 1
                    break
                }
            }
            let rest = buffer[position...]
            if let newline = rest.firstIndex(of: 0x0A) {
                if !tooLong { line.append(contentsOf: rest[position..<newline]) }
                position = newline + 1
                lineNumber += 1
                break
            }
            if !tooLong { line.append(contentsOf: rest) }
            position = buffer.count
            if line.count > maximumLength {
                tooLong = true
                line = []
            }
        }
        if line.last == 0x0D { line.removeLast() }
        if tooLong || line.count > maximumLength {
            return .failure(
                CSVSyntaxError(line: lineNumber, message: "line longer than \(maximumLength) bytes", fatal: false)
            )
        }
        return .success(line)
    }
}

/// Reads JSON Lines (one JSON object per line) into batches of rows.
///
/// Keys name columns; a missing key or `null` is a null. With a schema, a key that is not a schema column is an
/// error (the row does not match the schema); without one, columns are inferred from the first
/// ``IngestOptions/inferenceRows`` rows in order of first appearance (see ``TypeInference``). Blank lines are
/// skipped. `NaN`, `Infinity` and `-Infinity` (as Python's `json` writes them) are accepted in float columns.
public struct JSONLinesTableReader: TableBatchReader {
    /// The schema (given, or inferred after the first batch).
    public private(set) var schema: DatasetSchema?
    /// Counts and error reports so far.
    public private(set) var report = IngestReport()
    private var lines: LineReader
    private let options: IngestOptions
    private let sourceName: String
    private var builder: TableBuilder?
    private var pending: [(line: Int, object: [(String, JSONValue)])] = []
    private var pendingIndex = 0
    private var finished = false

    /// Creates a reader.
    /// - Parameters:
    ///   - source: the JSON Lines bytes.
    ///   - schema: the schema, or nil to infer one.
    ///   - options: batch size, error policy and limits.
    ///   - sourceName: the file name used in error messages.
    public init(
        source: any ByteSource,
        schema: DatasetSchema?,
        options: IngestOptions = IngestOptions(),
        sourceName: String
    ) {
        self.lines = LineReader(source: source, maximumLength: options.maximumLineLength)
        self.schema = schema
        self.options = options
        self.sourceName = sourceName
    }

    /// The next batch of at most ``IngestOptions/batchSize`` rows, or nil at the end of the input.
    public mutating func nextBatch() throws -> DatasetTable? {
        if builder == nil { try prepare() }
        guard var builder else { return nil }
        while builder.rowCount < options.batchSize {
            let row: (line: Int, object: [(String, JSONValue)])
            if pendingIndex < pending.count {
                row = pending[pendingIndex]
                pendingIndex += 1
                if pendingIndex == pending.count {
                    pending = []
                    pendingIndex = 0
                }
            } else {
                guard let next = try nextObject() else { break }
                row = next
            }
            try append(row.object, line: row.line, to: &builder)
        }
        guard builder.rowCount > 0 else {
            self.builder = builder
            return nil
        }
        let batch = builder.build()
        self.builder = builder
        schema = builder.schema
        return batch
    }

    // MARK: - Steps

    private mutating func nextObject() throws -> (line: Int, object: [(String, JSONValue)])? {
        while !finished {
            guard let result = try lines.next() else {
                finished = true
                return nil
            }
            switch result {
            case .failure(let error):
                try reportRow(IngestRowError(line: error.line, column: nil, message: error.message))
            case .success(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let value: JSONValue
                do {
                    value = try JSONValue.parse(bytes, maximumDepth: 8)
                } catch let error as ShoalError where error.code == .malformedInput {
                    try reportRow(IngestRowError(line: lines.lineNumber, column: nil, message: error.message))
                    continue
                }
                guard case .object(let members) = value else {
                    try reportRow(IngestRowError(line: lines.lineNumber, column: nil, message: "not a JSON object"))
                    continue
                }
                return (lines.lineNumber, members)
            }
        }
        return nil
    }

    private mutating func prepare() throws {
        if schema == nil {
            while pending.count < options.inferenceRows, let row = try nextObject() { pending.append(row) }
            var names: [String] = []
            var inference: [String: TypeInference] = [:]
            for row in pending {
                for (key, value) in row.object {
                    if inference[key] == nil {
                        names.append(key)
                        inference[key] = TypeInference()
                    }
                    inference[key]!.observe(json: value)
                }
            }
            guard !names.isEmpty else {
                finished = true
                return
            }
            do {
                schema = try DatasetSchema(names.map { DatasetField($0, inference[$0]!.type, nullable: true) })
            } catch let error as ShoalError {
                throw ShoalError(.malformedInput, "\(sourceName): \(error.message)")
            }
        }
        builder = schema.map { TableBuilder(schema: $0) }
    }

    private mutating func append(_ object: [(String, JSONValue)], line: Int, to builder: inout TableBuilder) throws {
        let fields = builder.schema.fields
        if let extra = object.first(where: { key, _ in !fields.contains { $0.name == key } }) {
            try reportRow(IngestRowError(line: line, column: extra.0, message: "key is not a schema column"))
            return
        }
        do throws(RowProblem) {
            var values: [DatasetValue] = []
            values.reserveCapacity(fields.count)
            for (f, field) in fields.enumerated() {
                let json = object.first { $0.0 == field.name }?.1 ?? .null
                do throws(RowProblem) {
                    values.append(try ValueConversion.fromJSON(json, type: field.type, nanPolicy: options.nanPolicy))
                } catch {
                    throw RowProblem(column: f, error.message)
                }
            }
            try builder.append(values)
            report.rowsAccepted += 1
        } catch {
            let name = error.column.map { fields[$0].name }
            try reportRow(IngestRowError(line: line, column: name, message: error.message))
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
