/// The values of one column, one entry per row; null rows hold a placeholder (0, false, "", [] ...).
public enum ParquetColumnValues: Sendable, Hashable {
    /// Booleans (for ``ParquetColumnType/boolean``).
    case boolean([Bool])
    /// 32-bit integers (for ``ParquetColumnType/int32``).
    case int32([Int32])
    /// 64-bit integers (for ``ParquetColumnType/int64``).
    case int64([Int64])
    /// 32-bit floats (for ``ParquetColumnType/float``).
    case float([Float])
    /// 64-bit floats (for ``ParquetColumnType/double``).
    case double([Double])
    /// Strings (for ``ParquetColumnType/string``).
    case string([String])
    /// Byte strings (for ``ParquetColumnType/binary`` and ``ParquetColumnType/fixedLengthBinary(_:)``).
    case binary([[UInt8]])
    /// Float vectors (for ``ParquetColumnType/floatList(elementsNullable:)``).
    case floatList([[Float]])

    /// The number of rows.
    public var count: Int {
        switch self {
        case .boolean(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .float(let v): return v.count
        case .double(let v): return v.count
        case .string(let v): return v.count
        case .binary(let v): return v.count
        case .floatList(let v): return v.count
        }
    }

    /// Whether these values can belong to a column of `type`.
    func matches(_ type: ParquetColumnType) -> Bool {
        switch (self, type) {
        case (.boolean, .boolean), (.int32, .int32), (.int64, .int64), (.float, .float), (.double, .double),
            (.string, .string), (.binary, .binary), (.binary, .fixedLengthBinary), (.floatList, .floatList):
            return true
        default:
            return false
        }
    }
}

/// One column's data: values for every row plus an optional validity mask.
public struct ParquetColumnData: Sendable, Hashable {
    /// The values, one per row (placeholders where ``validity`` is `false`).
    public var values: ParquetColumnValues
    /// `validity[i]` is `false` when row `i` is null; `nil` means no row is null.
    public var validity: [Bool]?

    /// Creates column data.
    /// - Parameters:
    ///   - values: one value per row.
    ///   - validity: per-row validity, or `nil` when every row is valid.
    public init(_ values: ParquetColumnValues, validity: [Bool]? = nil) {
        self.values = values
        self.validity = validity
    }

    /// The number of rows.
    public var count: Int { values.count }

    /// Whether row `index` is null.
    public func isNull(_ index: Int) -> Bool {
        guard let validity else { return false }
        return !validity[index]
    }

    /// The number of null rows.
    public var nullCount: Int {
        validity.map { $0.reduce(0) { $0 + ($1 ? 0 : 1) } } ?? 0
    }
}

extension ParquetColumnData {
    /// The rows in `range`, as a column of their own (without a validity mask when none of them is null).
    public func rows(_ range: Range<Int>) -> ParquetColumnData {
        let values: ParquetColumnValues
        switch self.values {
        case .boolean(let v): values = .boolean(Array(v[range]))
        case .int32(let v): values = .int32(Array(v[range]))
        case .int64(let v): values = .int64(Array(v[range]))
        case .float(let v): values = .float(Array(v[range]))
        case .double(let v): values = .double(Array(v[range]))
        case .string(let v): values = .string(Array(v[range]))
        case .binary(let v): values = .binary(Array(v[range]))
        case .floatList(let v): values = .floatList(Array(v[range]))
        }
        let mask = validity.map { Array($0[range]) }
        return ParquetColumnData(values, validity: mask.flatMap { $0.contains(false) ? $0 : nil })
    }
}
