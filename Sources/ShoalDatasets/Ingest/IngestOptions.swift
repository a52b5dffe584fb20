import ShoalCore

/// What to do with a row that does not fit the schema.
public enum IngestErrorPolicy: String, Sendable, Hashable, CaseIterable {
    /// Throw at the first bad row (the default).
    case stop
    /// Skip bad rows, counting them and keeping the first few reports.
    case skip
}

/// How NaN in a scalar `float` column is treated. Infinities are always accepted in scalar columns; vector elements
/// must always be finite (a NaN or infinite element is a bad row), because similarity search cannot rank them.
public enum NaNPolicy: String, Sendable, Hashable, CaseIterable {
    /// Store NaN as is (the default). Column statistics ignore NaN.
    case allow
    /// Treat NaN as a bad row.
    case reject
}

/// Options for the ingest readers.
public struct IngestOptions: Sendable, Hashable {
    /// Longest line accepted by default (1 MiB).
    public static let defaultMaximumLineLength = 1 << 20

    /// Rows per batch handed out by ``TableBatchReader/nextBatch()``.
    public var batchSize: Int
    /// Stop at the first bad row, or skip and count.
    public var errorPolicy: IngestErrorPolicy
    /// NaN handling for scalar float columns.
    public var nanPolicy: NaNPolicy
    /// Longest line (CSV: record) in bytes; a longer one is a bad row (CSV) or fatal (when it cannot be resynced).
    public var maximumLineLength: Int
    /// How many row errors ``IngestReport/errors`` keeps (all are counted).
    public var maximumReportedErrors: Int
    /// How many leading rows type inference looks at when no schema is given.
    public var inferenceRows: Int

    /// Creates options.
    /// - Parameters:
    ///   - batchSize: rows per batch (default 8,192, at least 1).
    ///   - errorPolicy: stop (default) or skip.
    ///   - nanPolicy: allow (default) or reject NaN in float columns.
    ///   - maximumLineLength: longest line in bytes (default 1 MiB).
    ///   - maximumReportedErrors: error reports kept (default 100).
    ///   - inferenceRows: rows looked at to infer types (default 1,000).
    public init(
        batchSize: Int = 8192,
        errorPolicy: IngestErrorPolicy = .stop,
        nanPolicy: NaNPolicy = .allow,
        maximumLineLength: Int = defaultMaximumLineLength,
        maximumReportedErrors: Int = 100,
        inferenceRows: Int = 1000
    ) {
        self.batchSize = max(1, batchSize)
        self.errorPolicy = errorPolicy
        self.nanPolicy = nanPolicy
        self.maximumLineLength = max(16, maximumLineLength)
        self.maximumReportedErrors = max(0, maximumReportedErrors)
        self.inferenceRows = max(1, inferenceRows)
    }
}

/// One bad row: where it is and what is wrong.
public struct IngestRowError: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line where the row starts (for Parquet input: the 1-based row number).
    public var line: Int
    /// The column name, when the problem is tied to one column.
    public var column: String?
    /// What is wrong.
    public var message: String

    /// Creates a report.
    public init(line: Int, column: String?, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line 12, column score: not a float: "abc"`.
    public var description: String {
        "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " + message
    }
}

/// What an ingest run saw.
public struct IngestReport: Sendable, Hashable {
    /// Rows accepted.
    public var rowsAccepted = 0
    /// Bad rows skipped (``IngestErrorPolicy/skip``).
    public var rowsSkipped = 0
    /// The first ``IngestOptions/maximumReportedErrors`` bad rows.
    public var errors: [IngestRowError] = []

    /// Creates an empty report.
    public init() {}
}

/// A reader that turns an input into tables of at most ``IngestOptions/batchSize`` rows.
public protocol TableBatchReader {
    /// The schema (given, or inferred once the first batch was read).
    var schema: DatasetSchema? { get }
    /// Counts and error reports so far.
    var report: IngestReport { get }
    /// The next batch, or nil at the end of the input.
    /// - Throws: `ShoalError` `.malformedInput` naming the source, line and column of the first bad row
    ///   (``IngestErrorPolicy/stop``), or of input that cannot be read past; `.io` for read failures.
    mutating func nextBatch() throws -> DatasetTable?
}
