import ShoalCore
public import ShoalParquet

/// The type of a dataset column.
public enum DatasetType: Sendable, Hashable, CustomStringConvertible {
    /// `integer`: a signed 64-bit integer (Parquet INT64).
    case integer
    /// `float`: an IEEE 754 binary64 value (Parquet DOUBLE).
    case float
    /// `string`: UTF-8 text (Parquet BYTE_ARRAY with the STRING logical type).
    case string
    /// `boolean` (Parquet BOOLEAN).
    case boolean
    /// `float[N]` (fixed dimension N) or `float[]` (dimension taken from the first vector of the data, then fixed):
    /// a vector of binary32 values (Parquet 3-level `list<float>` with required elements).
    case vector(dimension: Int?)

    /// The schema-string spelling (`integer`, `float`, `string`, `boolean`, `float[384]`, `float[]`).
    public var description: String {
        switch self {
        case .integer: return "integer"
        case .float: return "float"
        case .string: return "string"
        case .boolean: return "boolean"
        case .vector(let dimension): return "float[\(dimension.map(String.init) ?? "")]"
        }
    }

    /// The Parquet column type this type is stored as.
    public var parquetType: ParquetColumnType {
        switch self {
        case .integer: return .int64
        case .float: return .double
        case .string: return .string
        case .boolean: return .boolean
        case .vector: return .floatList(elementsNullable: false)
        }
    }
}

/// One column of a ``DatasetSchema``.
public struct DatasetField: Sendable, Hashable, CustomStringConvertible {
    /// The column name: ASCII letters, digits and `_`, not starting with a digit, at most 128 bytes.
    public var name: String
    /// The column type.
    public var type: DatasetType
    /// Whether the column may hold nulls (written `name:type?`).
    public var nullable: Bool

    /// Creates a field.
    /// - Parameters:
    ///   - name: the column name.
    ///   - type: the column type.
    ///   - nullable: whether nulls are allowed (default `false`).
    public init(_ name: String, _ type: DatasetType, nullable: Bool = false) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    /// The schema-string spelling, e.g. `score:float?`.
    public var description: String { "\(name):\(type)\(nullable ? "?" : "")" }
}

/// The schema of a dataset: named, typed columns.
///
/// The text form is a comma-separated list of `name:type`, with an optional `?` after the type for a nullable
/// column: `id:integer,text:string,score:float?,flag:boolean,vector:float[384]`. Columns are required (non-null)
/// unless marked `?`. Spaces around names, types and commas are ignored.
public struct DatasetSchema: Sendable, Hashable, CustomStringConvertible {
    /// Most columns a schema may have.
    public static let maximumColumns = 1024
    /// Largest vector dimension.
    public static let maximumDimension = 65_536
    /// Longest column name in bytes.
    public static let maximumNameLength = 128
    /// Longest schema text in bytes.
    public static let maximumTextLength = 64 * 1024

    /// The columns, in order.
    public var fields: [DatasetField]

    /// Creates a schema from fields.
    /// - Throws: `ShoalError` `.invalidArgument` for an empty schema, a bad or repeated name, or a bad dimension.
    public init(_ fields: [DatasetField]) throws {
        guard !fields.isEmpty else { throw ShoalError(.invalidArgument, "schema: no columns") }
        guard fields.count <= Self.maximumColumns else {
            throw ShoalError(.limitExceeded, "schema: \(fields.count) columns (limit \(Self.maximumColumns))")
        }
        var names = Set<String>()
        for field in fields {
            if let problem = Self.nameProblem(field.name) {
                throw ShoalError(.invalidArgument, "schema: column '\(field.name)': \(problem)")
            }
            guard names.insert(field.name).inserted else {
                throw ShoalError(.invalidArgument, "schema: column '\(field.name)' appears twice")
            }
            if case .vector(let d?) = field.type, d < 1 || d > Self.maximumDimension {
                throw ShoalError(
                    .invalidArgument,
                    "schema: column '\(field.name)': dimension \(d) is outside 1...\(Self.maximumDimension)"
                )
            }
        }
        self.fields = fields
    }

    /// The canonical text form (no spaces), which ``SchemaParser`` parses back to an equal schema.
    public var description: String { fields.map(\.description).joined(separator: ",") }

    /// The index of the column called `name`.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// Whether every vector column has a known dimension.
    public var isResolved: Bool {
        fields.allSatisfy { if case .vector(nil) = $0.type { false } else { true } }
    }

    /// The equivalent Parquet schema.
    public var parquetSchema: ParquetSchema {
        ParquetSchema(fields.map { ParquetColumn($0.name, $0.type.parquetType, nullable: $0.nullable) })
    }

    /// Why `name` is not a valid column name, or nil when it is.
    static func nameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return "empty name" }
        guard bytes.count <= maximumNameLength else { return "name longer than \(maximumNameLength) bytes" }
        for (i, b) in bytes.enumerated() {
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            if !(letter || (digit && i > 0)) {
                return "names use ASCII letters, digits and '_' and do not start with a digit"
            }
        }
        return nil
    }
}
