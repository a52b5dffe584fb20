/// The logical type of a column, as Shoal models it.
public enum ParquetColumnType: Sendable, Hashable, CustomStringConvertible {
    /// BOOLEAN.
    case boolean
    /// INT32 (also read from INT32 annotated INT(8/16/32, signed) and UINT_8/UINT_16).
    case int32
    /// INT64 (also read from INT(64, signed)).
    case int64
    /// FLOAT (IEEE 754 binary32).
    case float
    /// DOUBLE (IEEE 754 binary64).
    case double
    /// BYTE_ARRAY annotated STRING (UTF-8).
    case string
    /// BYTE_ARRAY without annotation.
    case binary
    /// FIXED_LEN_BYTE_ARRAY of the given width, without annotation.
    case fixedLengthBinary(Int)
    /// A 3-level LIST of FLOAT (vectors). `elementsNullable` says whether the element field is `optional`;
    /// Shoal writes `required` elements and never materialises null elements.
    case floatList(elementsNullable: Bool)

    /// The type's name as used in error messages (`int64`, `string`, `list<float>`, ...).
    public var description: String {
        switch self {
        case .boolean: return "boolean"
        case .int32: return "int32"
        case .int64: return "int64"
        case .float: return "float"
        case .double: return "double"
        case .string: return "string"
        case .binary: return "binary"
        case .fixedLengthBinary(let n): return "fixed_len_byte_array(\(n))"
        case .floatList: return "list<float>"
        }
    }
}

/// One column of a ``ParquetSchema``.
public struct ParquetColumn: Sendable, Hashable {
    /// The column name (a top-level field name).
    public var name: String
    /// The column type.
    public var type: ParquetColumnType
    /// Whether the column may hold nulls (`optional` in Parquet) or not (`required`).
    public var nullable: Bool

    /// Creates a column description.
    /// - Parameters:
    ///   - name: the top-level field name.
    ///   - type: the logical type.
    ///   - nullable: `true` for an `optional` field.
    public init(_ name: String, _ type: ParquetColumnType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// A flat Parquet schema: top-level columns of primitive type or `list<float>`.
public struct ParquetSchema: Sendable, Hashable {
    /// The columns, in file order.
    public var columns: [ParquetColumn]

    /// Creates a schema.
    public init(_ columns: [ParquetColumn]) {
        self.columns = columns
    }
}
