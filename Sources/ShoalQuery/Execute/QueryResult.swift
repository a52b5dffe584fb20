public import GRDB

/// One value of a query result (SQLite's storage classes).
public enum QueryValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// NULL.
    case null
    /// An integer.
    case integer(Int64)
    /// A real number.
    case real(Double)
    /// Text.
    case text(String)
    /// A blob.
    case blob([UInt8])

    /// Converts an SQLite value.
    public init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let v): self = .integer(v)
        case .double(let v): self = .real(v)
        case .string(let v): self = .text(v)
        case .blob(let v): self = .blob([UInt8](v))
        }
    }

    /// The value as text (`NULL`, numbers in Swift's shortest form, blobs as `x'…'`).
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return v
        case .blob(let v):
            return "x'"
                + v.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
                .joined() + "'"
        }
    }
}

/// What a federated query returned.
public struct QueryResult: Sendable, Hashable, Codable {
    /// The column names.
    public var columns: [String]
    /// The rows (at most the plan's row cap).
    public var rows: [[QueryValue]]
    /// Whether rows beyond the row cap were cut.
    public var truncated: Bool
    /// How many shards ran the partial query.
    public var shardCount: Int
    /// How many partial rows the shards returned in total.
    public var partialRowCount: Int

    /// Creates a result.
    public init(columns: [String], rows: [[QueryValue]], truncated: Bool, shardCount: Int, partialRowCount: Int) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
        self.shardCount = shardCount
        self.partialRowCount = partialRowCount
    }
}
