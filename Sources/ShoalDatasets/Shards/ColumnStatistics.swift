import ShoalParquet

/// Statistics of one column in one shard, for pruning shards before reading them.
///
/// `min`/`max` are over non-null values: integers and floats numerically (NaN ignored), booleans false < true,
/// strings by UTF-8 bytes (omitted when either bound is longer than ``maximumStringLength`` bytes, so the manifest
/// stays small). Vector columns carry only the null count.
public struct ColumnStatistics: Sendable, Hashable {
    /// Longest string bound kept in a manifest.
    public static let maximumStringLength = 64

    /// The column name.
    public var name: String
    /// Null rows.
    public var nullCount: Int
    /// The smallest non-null value, if known.
    public var min: DatasetValue?
    /// The largest non-null value, if known.
    public var max: DatasetValue?

    /// Creates statistics.
    public init(name: String, nullCount: Int, min: DatasetValue?, max: DatasetValue?) {
        self.name = name
        self.nullCount = nullCount
        self.min = min
        self.max = max
    }

    /// Computes the statistics of column `index` of `table`.
    public init(table: DatasetTable, column index: Int) {
        let data = table.columns[index]
        name = table.schema.fields[index].name
        nullCount = data.nullCount
        func valid(_ i: Int) -> Bool { !data.isNull(i) }
        switch data.values {
        case .int64(let v):
            var lo: Int64?
            var hi: Int64?
            for i in v.indices where valid(i) {
                lo = Swift.min(lo ?? v[i], v[i])
                hi = Swift.max(hi ?? v[i], v[i])
            }
            min = lo.map { .integer($0) }
            max = hi.map { .integer($0) }
        case .double(let v):
            var lo: Double?
            var hi: Double?
            for i in v.indices where valid(i) && !v[i].isNaN {
                if lo == nil || v[i] < lo! { lo = v[i] }
                if hi == nil || v[i] > hi! { hi = v[i] }
            }
            min = lo.map { .float($0) }
            max = hi.map { .float($0) }
        case .boolean(let v):
            let present = Set(v.indices.filter(valid).map { v[$0] })
            min = present.isEmpty ? nil : .boolean(!present.contains(false))
            max = present.isEmpty ? nil : .boolean(present.contains(true))
        case .string(let v):
            var lo: String?
            var hi: String?
            for i in v.indices where valid(i) {
                if lo == nil || Self.utf8Less(v[i], lo!) { lo = v[i] }
                if hi == nil || Self.utf8Less(hi!, v[i]) { hi = v[i] }
            }
            if let lo, let hi, lo.utf8.count <= Self.maximumStringLength, hi.utf8.count <= Self.maximumStringLength {
                min = .string(lo)
                max = .string(hi)
            }
        default:
            min = nil
            max = nil
        }
    }

    static func utf8Less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
